// Reading the records replay serves: archives stay open between requests (a page's resources mostly come from the
// same few files), the least recently used closed past a bound. A response sent as archived (an image, a script, any
// 'id_' answer) is read as it is sent: its heads first, its body in pieces, so that the first byte of a 4 MB image
// does not wait for the whole gzip member to be inflated.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
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

/** A WARC head and an HTTP head longer than this together are left to read(). */
const HEADS_MAX = 1024 * 1024;
/** Compressed bytes read at a time: about the first byte's cost, since the heads are in the first piece. */
const READ_PIECE = 64 * 1024;

/** Open archives by path, least recently used first out. */
export class ArchivePool implements RecordReader {
  private readonly open = new Map<string, ArchiveFile>();
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
    return streamGzipRecord(file, offset, length);
  }

  close(): void {
    for (const a of this.open.values()) a.close();
    this.open.clear();
  }
}

/** The response record in the gzip member(s) at [offset, offset + length) of `file`, inflated as it is read. */
async function streamGzipRecord(file: string, offset: number, length: number): Promise<StreamedRecord | null> {
  const inflated = createGunzip({ chunkSize: READ_PIECE });
  // pipeline: an error of either (a file cut short, a member that does not inflate) ends the iteration with it.
  pipeline(createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: READ_PIECE }), inflated, () => {});
  const pieces = inflated[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const close = () => void inflated.destroy();
  const giveUp = () => {
    close();
    return null;
  };
  let held: Buffer = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    if (held.length > HEADS_MAX) return false;
    const next = await pieces.next();
    if (next.done) return false;
    held = held.length ? Buffer.concat([held, next.value]) : next.value;
    return true;
  };
  try {
    if (!(await more())) return giveUp();
    let head = parseWarcHead(held, false);
    while (!head.ok && head.more && (await more())) head = parseWarcHead(held, false);
    if (!head.ok || head.contentLength < 0 || head.fields.get('warc-type') !== 'response') return giveUp();
    if (!(head.fields.get('content-type') ?? '').toLowerCase().startsWith('application/http')) return giveUp();
    const blockStart = head.headerLength;
    const blockEnd = blockStart + head.contentLength;
    let end = headerEnd(held, blockStart);
    while (end < 0 && held.length < blockEnd && (await more())) end = headerEnd(held, blockStart);
    const http = end >= 0 && end <= blockEnd ? parseHttp(held.subarray(blockStart, end)) : null;
    if (!http || http.kind !== 'response') return giveUp();
    const bodyStart = blockStart + http.bodyOffset;
    const first = held.subarray(bodyStart, Math.min(held.length, blockEnd));
    let sent = held.length - blockStart > head.contentLength ? blockEnd : held.length;
    async function* body(): AsyncGenerator<Buffer> {
      try {
        if (first.length) yield first;
        while (sent < blockEnd) {
          const next = await pieces.next();
          if (next.done) throw new Error(`${file} at ${offset}: the record ends ${blockEnd - sent} bytes short of its Content-Length`);
          const piece = next.value.subarray(0, blockEnd - sent);
          sent += piece.length;
          yield piece;
        }
      } finally {
        close(); // the record's terminator and the member's trailer are not needed
      }
    }
    return { http, length: blockEnd - bodyStart, body: body(), close };
  } catch {
    return giveUp(); // read() reads it again and reports what is wrong with it
  }
}
