import { quoteBytes } from './errors.js';
import { Fields } from './headers.js';
import { blockRange, bodyPieces, parseHttp, type BodyDecoding } from './http.js';
import type { ArchiveRecord, ByteSource, HttpMessage, WarcProblem } from './types.js';

const HEAD_WINDOW = 8 * 1024;
/** An HTTP head longer than this is no head: its message parses as far as this goes. */
const HTTP_HEAD_MAX = 1024 * 1024;
const HTTP_TYPES = new Set(['response', 'request', 'revisit']);

/** WARC 1.1's field names (section 5) as written by the spec and in lower case, each to its lower case: looked up
 *  rather than lower-cased, since a lower-cased copy of every field name of every record was garbage to collect. */
const LOWER_NAME = new Map(
  ['WARC-Type', 'WARC-Record-ID', 'WARC-Date', 'Content-Length', 'Content-Type', 'WARC-Concurrent-To', 'WARC-Block-Digest',
    'WARC-Payload-Digest', 'WARC-IP-Address', 'WARC-Refers-To', 'WARC-Refers-To-Target-URI', 'WARC-Refers-To-Date',
    'WARC-Target-URI', 'WARC-Truncated', 'WARC-Warcinfo-ID', 'WARC-Filename', 'WARC-Profile',
    'WARC-Identified-Payload-Type', 'WARC-Segment-Number', 'WARC-Segment-Origin-ID', 'WARC-Segment-Total-Length']
    .flatMap((name) => [[name, name.toLowerCase()], [name.toLowerCase(), name.toLowerCase()]] as const),
);

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

  /** Copies the fields everyone asks for out of the header list in one pass. */
  static warc(
    file: string,
    offset: number,
    length: number,
    version: string,
    headers: Fields,
    contentLength: number,
    home: BlockHome,
    onProblem: ((p: WarcProblem) => void) | undefined,
  ): Record {
    const r = new Record(file, offset, length, 'warc', version, headers, contentLength, home, onProblem);
    const list = headers.list;
    for (let i = 0; i < list.length; i++) {
      const [name, value] = list[i];
      switch (LOWER_NAME.get(name) ?? name.toLowerCase()) {
        case 'warc-type':
          // Lower-cased: readers compare types, and jwat's valid-warcfile-upper-lower-case.warc writes 'RESPONSE'.
          r.type ||= value.toLowerCase();
          break;
        case 'warc-target-uri':
          // WARC 1.0 wrote the URI inside angle brackets in its examples; some tools copied that.
          r.targetUri ??= value.startsWith('<') && value.endsWith('>') ? value.slice(1, -1) : value;
          break;
        case 'warc-date':
          r.date ??= value;
          break;
        case 'warc-record-id':
          r.recordId ??= value;
          break;
        case 'content-type':
          r.contentType ??= value;
          break;
        case 'warc-payload-digest':
          r.payloadDigest ??= value;
          break;
        case 'warc-block-digest':
          r.blockDigest ??= value;
          break;
        case 'warc-refers-to-target-uri':
          r.refersToUri ??= value;
          break;
        case 'warc-refers-to-date':
          r.refersToDate ??= value;
          break;
      }
    }
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

  private readonly readBlock = (from: number, length: number): Buffer =>
    this.home.source.read(this.home.start + from, Math.min(length, this.contentLength - from));

  blockPieces(): Generator<Buffer> {
    return blockRange(this.readBlock, 0, this.contentLength);
  }

  payloadPieces(decoding: BodyDecoding = 'content'): Generator<Buffer> {
    const http = this.http();
    if (!http) return this.blockPieces();
    return bodyPieces(this.readBlock, this.contentLength, http, decoding, (p) =>
      this.onProblem?.({ code: p.code, file: this.file, offset: this.offset, message: p.message }),
    );
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
