import { quoteBytes } from './errors.js';
import { Fields } from './headers.js';
import type { WarcValues } from './heads.js';
import { blockRange, bodyPieces, parseHttp, type BlockReader, type BodyDecoding } from './http.js';
import type { ArchiveRecord, ByteSource, HttpMessage, WarcProblem } from './types.js';

const HEAD_WINDOW = 8 * 1024;
/** An HTTP head longer than this is no head: its message parses as far as this goes. */
const HTTP_HEAD_MAX = 1024 * 1024;
const HTTP_TYPES = new Set(['response', 'request', 'revisit']);

/** Where a record's block lives: a range of the file (plain archives) or of an inflated gzip member. */
export interface BlockHome {
  /** The file's source, or a BufferSource over inflated bytes. */
  source: ByteSource;
  start: number;
  /** The record's head (WARC header block, ARC URL-record line) ends where the block starts. */
  headerLength: number;
}

export class Record implements ArchiveRecord {
  type = '';
  targetUri?: string;
  date?: string;
  recordId?: string;
  contentType?: string;
  payloadDigest?: string;
  blockDigest?: string;
  refersToUri?: string;
  refersToDate?: string;
  private httpCache: HttpMessage | null | undefined;
  /** The payload's problems told so far: a record whose payload is read twice (its digest computed, then its text)
   *  tells each once. */
  private payloadProblems: string[] | undefined;

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly length: number,
    readonly format: 'warc' | 'arc',
    readonly version: string,
    readonly headers: Fields,
    readonly contentLength: number,
    private readonly home: BlockHome,
    private readonly onProblem: ((p: WarcProblem) => void) | undefined,
  ) {}

  /** A WARC record, with the fields everyone asks for copied out of its head. */
  static warc(
    file: string,
    offset: number,
    length: number,
    version: string,
    headers: Fields,
    values: WarcValues,
    contentLength: number,
    home: BlockHome,
    onProblem: ((p: WarcProblem) => void) | undefined,
  ): Record {
    const r = new Record(file, offset, length, 'warc', version, headers, contentLength, home, onProblem);
    // Lower-cased: readers compare types, and jwat's valid-warcfile-upper-lower-case.warc writes 'RESPONSE'.
    r.type = values.type?.toLowerCase() ?? '';
    // WARC 1.0 wrote the URI inside angle brackets in its examples; some tools copied that.
    const uri = values.targetUri;
    r.targetUri = uri !== undefined && uri.startsWith('<') && uri.endsWith('>') ? uri.slice(1, -1) : uri;
    r.date = values.date;
    r.recordId = values.recordId;
    r.contentType = values.contentType;
    r.payloadDigest = values.payloadDigest;
    r.blockDigest = values.blockDigest;
    r.refersToUri = values.refersToUri;
    r.refersToDate = values.refersToDate;
    return r;
  }

  /** ARC v1/v2 URL-record line, already split (arc.ts). The filedesc record plays the part of warcinfo. */
  static arc(
    file: string,
    offset: number,
    length: number,
    headers: Fields,
    contentLength: number,
    home: BlockHome,
    onProblem: ((p: WarcProblem) => void) | undefined,
  ): Record {
    const r = new Record(file, offset, length, 'arc', 'ARC/1', headers, contentLength, home, onProblem);
    const url = headers.get('URL') ?? '';
    r.type = url.toLowerCase().startsWith('filedesc:') ? 'warcinfo' : 'response';
    r.targetUri = url;
    const d = headers.get('Archive-date') ?? '';
    if (/^\d{14}$/.test(d))
      r.date = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}Z`;
    const mime = headers.get('Content-type');
    if (mime && mime !== '-') r.contentType = mime;
    return r;
  }

  get headerLength(): number {
    return this.home.headerLength;
  }

  block(): Buffer {
    return this.home.source.read(this.home.start, this.contentLength);
  }

  blockHead(n: number): Buffer {
    return this.home.source.read(this.home.start, Math.min(n, this.contentLength));
  }

  /** The head exactly as stored (uncompressed), for rewriting a record without re-serialising it. */
  rawHead(): Buffer {
    return this.home.source.read(this.home.start - this.home.headerLength, this.home.headerLength);
  }

  /** Up to `n` bytes that follow the block where it lives (the record terminator, if the writer put it there). */
  afterBlock(n: number): Buffer {
    return this.home.source.read(this.home.start + this.contentLength, n);
  }

  /** Parsed once and cached; reads only the head of the block unless the HTTP head is larger than 8 KB (then at most
   *  1 MiB). A block
   *  declared application/http that does not parse is reported once as http-bad-message. */
  http(): HttpMessage | null {
    if (this.httpCache !== undefined) return this.httpCache;
    let msg: HttpMessage | null = null;
    if (this.mayHoldHttp() && this.contentLength > 0) {
      // Most HTTP heads fit in the first 8 KB; a positional-read source then copies no more than that.
      const head = this.home.source.read(this.home.start, Math.min(this.contentLength, HEAD_WINDOW));
      msg = parseHttp(head);
      if (msg && msg.bodyOffset === head.length && head.length < this.contentLength)
        msg = parseHttp(this.home.source.read(this.home.start, Math.min(this.contentLength, HTTP_HEAD_MAX)));
      if (!msg && (this.contentType ?? '').toLowerCase().startsWith('application/http'))
        this.onProblem?.({ code: 'http-bad-message', file: this.file, offset: this.offset, message: `block is declared application/http but starts ${quoteBytes(head)}` });
    }
    this.httpCache = msg;
    return msg;
  }

  /** A reader of the block for blockRange and bodyPieces, made when asked for: a closure in every record (one
   *  property initializer) was a tenth of what a scan allocated a record. */
  private blockReader(): BlockReader {
    const { source, start } = this.home;
    const size = this.contentLength;
    return (from, length) => source.read(start + from, Math.min(length, size - from));
  }

  blockPieces(): Generator<Buffer> {
    return blockRange(this.blockReader(), 0, this.contentLength);
  }

  payloadPieces(decoding: BodyDecoding = 'content'): Generator<Buffer> {
    const http = this.http();
    if (!http) return this.blockPieces();
    return bodyPieces(this.blockReader(), this.contentLength, http, decoding, (p) => {
      if (this.payloadProblems?.includes(p.code)) return;
      (this.payloadProblems ??= []).push(p.code);
      this.onProblem?.({ code: p.code, file: this.file, offset: this.offset, message: p.message });
    });
  }

  payload(): Buffer {
    const parts = [...this.payloadPieces()];
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  payloadUpTo(max: number): { bytes: Buffer; cut: boolean } {
    const parts: Buffer[] = [];
    let n = 0;
    for (const piece of this.payloadPieces()) {
      if (n + piece.length > max) {
        parts.push(piece.subarray(0, max - n));
        return { bytes: Buffer.concat(parts), cut: true }; // leaving the loop closes the pieces' decoders
      }
      parts.push(piece);
      n += piece.length;
    }
    return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), cut: false };
  }

  private mayHoldHttp(): boolean {
    const uri = this.targetUri ?? '';
    if (this.format === 'arc') return this.type === 'response' && /^https?:/i.test(uri);
    if (!HTTP_TYPES.has(this.type.toLowerCase())) return false;
    const ct = (this.contentType ?? '').toLowerCase();
    if (ct.startsWith('application/http')) return true;
    // dns: and other non-HTTP schemes hold their own formats (text/dns for dns:); never read them as HTTP.
    return !ct && /^https?:/i.test(uri);
  }
}
