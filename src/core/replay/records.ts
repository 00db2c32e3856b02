// Reading the records replay serves: archives stay open between requests (a page's resources mostly come from the
// same few files), the least recently used closed past a bound. A response sent as archived (an image, a script, any
// 'id_' answer) is read as it is sent: its heads first, its body in pieces, so that the first byte of a 4 MB image
// does not wait for the whole gzip member to be inflated.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline, type Transform } from 'node:stream';
import { constants, createGunzip, inflateRawSync } from 'node:zlib';
import { gzipHeaderLength } from '../warc/gzip.js';
import { openArchive } from '../warc/index.js';
import { parseWarcHead } from '../warc/heads.js';
import { headerEnd } from '../warc/headers.js';
import { parseHttp } from '../warc/http.js';
import type { ArchiveFile, ArchiveRecord, HttpMessage } from '../warc/types.js';

/** A response record's HTTP head and its HTTP body as stored (transfer and content codings not undone), the body
 *  read as it is iterated. close() lets go of the file when the body is not read to its end. */
export interface StreamedRecord {
  http: HttpMessage;
  /** Bytes of the body; null when not known before it is read to its end (a body decoded as it is sent). */
  length: number | null;
  body: AsyncIterable<Buffer>;
  close(): void;
}

export interface RecordReader {
  read(file: string, offset: number, length: number): ArchiveRecord;
  /** The record at (offset, length) as a StreamedRecord, or null when it is not one this reader streams (then read()
   *  it): a layout other than per-record gzip WARC, no HTTP response in it, or heads that do not parse (read() then
   *  reports why). */
  stream?(file: string, offset: number, length: number): Promise<StreamedRecord | null>;
}

/** Compressed bytes read at a time; the first piece must hold the WARC and HTTP heads (else read() reads the record). */
const READ_PIECE = 64 * 1024;
/** What the first piece may inflate to: 64 KiB of deflate can hold 64 MiB of zeros. */
const PREFIX_MAX = 8 * 1024 * 1024;

/** Open archives by path, least recently used first out. */
export class ArchivePool implements RecordReader {
  private readonly open = new Map<string, ArchiveFile>();
  /** A descriptor of each open archive that streams, for the first piece of a record (closed with the archive). */
  private readonly fds = new Map<string, number>();
  constructor(private readonly max = 32) {}

  private archive(file: string): ArchiveFile {
    let archive = this.open.get(file);
    if (archive) this.open.delete(file); // re-inserted below: the Map's order is the LRU order
    else archive = openArchive(file);
    this.open.set(file, archive);
    if (this.open.size > this.max) {
      const [oldest, value] = this.open.entries().next().value!;
      value.close();
      this.open.delete(oldest);
      const fd = this.fds.get(oldest);
      if (fd !== undefined) closeSync(fd);
      this.fds.delete(oldest);
    }
    return archive;
  }

  read(file: string, offset: number, length: number): ArchiveRecord {
    return this.archive(file).readRecord(offset, length);
  }

  /** Streams the per-record gzip WARC layout (what crawlers write, and where records are large): the member is
   *  inflated as it is read, where readRecord inflates it whole before the first byte. Other layouts are read
   *  whole: plain files are mapped (no inflating to wait for), the rest are rare. */
  async stream(file: string, offset: number, length: number): Promise<StreamedRecord | null> {
    const archive = this.archive(file);
    if (archive.format !== 'warc' || archive.compression !== 'gzip-members') return null;
    let fd = this.fds.get(file);
    if (fd === undefined) this.fds.set(file, (fd = openSync(file, 'r')));
    return streamGzipRecord(fd, file, offset, length);
  }

  close(): void {
    for (const a of this.open.values()) a.close();
    this.open.clear();
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** The response record in the gzip member(s) at [offset, offset + length) of `file`. Its first READ_PIECE compressed
 *  bytes are read and inflated at once (synchronously: page-cached reads and a small inflate cost less than the
 *  thread-pool round trips of a stream, which a busy machine makes long), giving the heads and the first bytes of the
 *  body, or all of a small record; the rest is inflated by a stream as it is sent, from the member's start again
 *  (inflating the first piece twice costs less than keeping a decoder's state between the two). */
function streamGzipRecord(fd: number, file: string, offset: number, length: number): StreamedRecord | null {
  const compressed = Buffer.allocUnsafe(Math.min(READ_PIECE, length));
  const got = readSync(fd, compressed, 0, compressed.length, offset);
  const h = gzipHeaderLength(compressed.subarray(0, got));
  if (h < 0) return null;
  let prefix: Buffer;
  try {
    prefix = inflateRawSync(compressed.subarray(h, got), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: PREFIX_MAX });
  } catch {
    return null; // read() reads it again and reports what is wrong with it (or the piece inflates past PREFIX_MAX)
  }
  const head = parseWarcHead(prefix, false);
  if (!head.ok || head.contentLength < 0 || head.fields.get('warc-type') !== 'response') return null;
  if (!(head.fields.get('content-type') ?? '').toLowerCase().startsWith('application/http')) return null;
  const blockStart = head.headerLength;
  const blockEnd = blockStart + head.contentLength;
  const end = headerEnd(prefix, blockStart);
  const http = end >= 0 && end <= blockEnd ? parseHttp(prefix.subarray(blockStart, end)) : null;
  if (!http || http.kind !== 'response') return null; // a head past the first piece: read() it
  const bodyStart = blockStart + http.bodyOffset;
  const first = prefix.subarray(bodyStart, Math.min(prefix.length, blockEnd));
  let inflated: Transform | null = null;
  const close = () => void inflated?.destroy();
  async function* body(): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    if (prefix.length >= blockEnd) return;
    inflated = createGunzip({ chunkSize: READ_PIECE });
    // pipeline: an error of either (a file cut short, a member that does not inflate) ends the iteration with it.
    pipeline(createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: READ_PIECE }), inflated, () => {});
    let at = 0; // inflated bytes seen; those before prefix.length were sent as `first`
    try {
      for await (const piece of inflated as AsyncIterable<Buffer>) {
        const from = Math.max(0, prefix.length - at);
        const to = Math.min(piece.length, blockEnd - at);
        at += piece.length;
        if (from < to) yield piece.subarray(from, to);
        if (at >= blockEnd) return; // the record's terminator and the member's trailer are not needed
      }
      throw new Error(`${file} at ${offset}: the record ends ${blockEnd - at} bytes short of its Content-Length`);
    } finally {
      close();
    }
  }
  return { http, length: blockEnd - bodyStart, body: body(), close };
}
