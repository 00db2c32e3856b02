import { bombMessage, Decoder, isBomb, type Coding } from './gzip.js';
import { Fields, firstLineEnd, firstLineOf, headText } from './headers.js';
import type { HttpMessage, WarcProblemCode } from './types.js';

const HEAD_WINDOW = 64 * 1024;
const METHOD = /^[A-Z][A-Z0-9_-]{0,19} \S/;

/** Parses the HTTP message head at the start of `block`. Header bytes are decoded as latin1 (RFC 9110 5.5: field values
 *  are octets; non-ASCII bytes occur in real captures, e.g. chfoo+warcat not_utf8_http_header.warc). Returns null when
 *  the block does not start like an HTTP message. A head without its blank line (a request record cut after its
 *  headers) still parses, with the body empty. */
export function parseHttp(block: Buffer): HttpMessage | null {
  if (block.length < 5) return null;
  let kind: 'response' | 'request';
  if (block[0] === 0x48 && block[1] === 0x54 && block[2] === 0x54 && block[3] === 0x50 && block[4] === 0x2f) kind = 'response'; // HTTP/
  else if (METHOD.test(block.toString('latin1', 0, 24))) kind = 'request';
  else return null;

  let head = headText(block.length > HEAD_WINDOW ? block.subarray(0, HEAD_WINDOW) : block);
  if (head === null && block.length > HEAD_WINDOW) head = headText(block);
  const text = head ?? block.toString('latin1');
  const bodyOffset = text.length;
  const nl = firstLineEnd(text);
  const firstLine = firstLineOf(text, nl);
  // The fields are split when first asked for: of a request, a CDXJ line wants only the method.
  const msg: HttpMessage = { kind, startLine: firstLine, headers: Fields.of(text, nl + 1), bodyOffset };
  // The first two words split by single spaces (as split(' ') gives them), without the array.
  const sp = firstLine.indexOf(' ');
  const next = sp < 0 ? -1 : firstLine.indexOf(' ', sp + 1);
  const second = sp < 0 ? undefined : firstLine.slice(sp + 1, next < 0 ? firstLine.length : next);
  if (kind === 'response') {
    // 'HTTP/1.1 200 OK', also 'HTTP/1.0 200' without reason (webrecorder+pywb missing-status-text.warc)
    const status = Number.parseInt(second ?? '', 10);
    if (!(status >= 100 && status <= 999)) return null;
    msg.status = status;
  } else {
    msg.method = sp < 0 ? firstLine : firstLine.slice(0, sp);
    msg.requestTarget = second;
  }
  return msg;
}

export interface DecodeProblem {
  code: WarcProblemCode;
  message: string;
}

/** Reads `length` bytes of a record's block from `from` (fewer at its end). */
export type BlockReader = (from: number, length: number) => Buffer;

/** What of the HTTP body a reader wants: as stored, after transfer decoding (chunked), or also after content decoding
 *  (gzip, deflate, br). */
export type BodyDecoding = 'none' | 'transfer' | 'content';

/** Bodies are read and decoded in pieces of this size, so none is ever held whole. */
const PIECE = 1024 * 1024;
/** Decoded output held back before it is handed on: a coding that fails within it (a body that is not what its
 *  header says, or one cut short) gives the body as stored instead, as decoding it whole did. */
const FALLBACK = 1024 * 1024;
const CHUNK_LINE_MAX = 4096;

/** [start, end) of a block in pieces of at most 1 MiB. */
export function* blockRange(read: BlockReader, start: number, end: number): Generator<Buffer> {
  for (let p = start; p < end; ) {
    const piece = read(p, Math.min(PIECE, end - p));
    if (piece.length === 0) return; // the source shrank under us
    yield piece;
    p += piece.length;
  }
}

/** RFC 9112 7.1: where the data of a chunked body at [start, end) lies, found by reading the chunk-size lines only;
 *  null when the chunks do not add up. */
export function chunkRanges(read: BlockReader, start: number, end: number): Array<[number, number]> | null {
  const ranges: Array<[number, number]> = [];
  let pos = start;
  for (;;) {
    const head = read(pos, Math.min(CHUNK_LINE_MAX, end - pos));
    const eol = head.indexOf(0x0a);
    if (eol < 0) return null;
    const line = head.toString('latin1', 0, eol).trim();
    const size = Number.parseInt(line.split(';')[0], 16);
    if (!/^[0-9a-fA-F]/.test(line) || !Number.isFinite(size) || size < 0) return null;
    pos += eol + 1;
    if (size === 0) break;
    if (pos + size > end) return null;
    ranges.push([pos, pos + size]);
    pos += size;
    const crlf = read(pos, 2);
    let k = 0;
    if (crlf[k] === 0x0d) k++;
    if (crlf[k] === 0x0a) k++;
    pos += k;
  }
  return ranges;
}

function contentCodings(http: HttpMessage): string[] {
  return (http.headers.get('content-encoding') ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity');
}

/** RFC 9110 8.4.1.2 says deflate is zlib-wrapped; many servers send raw deflate: the zlib header (RFC 1950 2.2) tells. */
function decoderFor(coding: string, first: Buffer): Coding {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0 ? 'zlib' : 'deflate-raw';
    case 'br':
      return 'br';
    default:
      throw new Error(`unknown content-coding '${coding}'`);
  }
}

/** `input` decoded by one content coding, piece by piece (views of a reused buffer, good until the next piece). Stops
 *  at a bomb, reported; throws when the data does not decode or ends early. */
function* decodeWith(coding: string, input: Iterable<Buffer>, report: (p: DecodeProblem) => void): Generator<Buffer> {
  let decoder: Decoder | null = null;
  try {
    for (const piece of input) {
      decoder ??= new Decoder(decoderFor(coding, piece));
      for (const out of decoder.pieces(piece)) {
        yield out;
        if (isBomb(decoder.bytesIn, decoder.bytesOut)) {
          report({ code: 'decompression-bomb', message: bombMessage(`Content-Encoding '${coding}'`, decoder.bytesIn, decoder.bytesOut) });
          return;
        }
      }
      if (decoder.ended) return; // bytes after the compressed stream are let go, as whole-buffer decoding does
    }
    if (decoder) yield* decoder.finish();
  } finally {
    decoder?.close();
  }
}

/** The HTTP body of a block of `length` bytes, piece by piece (each a Buffer of its own, at most about 1 MiB), decoded
 *  as asked. Captures often store an already de-chunked body while keeping the Transfer-Encoding header (warcio does),
 *  so a body that does not even start like a chunk is taken as it is; a body that starts like chunks but does not add
 *  up is reported and taken as stored. A Content-Encoding that does not decode is reported (see FALLBACK). */
export function* bodyPieces(read: BlockReader, length: number, http: HttpMessage, decoding: BodyDecoding, report: (p: DecodeProblem) => void): Generator<Buffer> {
  const start = http.bodyOffset;
  let ranges: Array<[number, number]> = [[start, length]];
  const te = (http.headers.get('transfer-encoding') ?? '').toLowerCase();
  if (decoding !== 'none' && te.includes('chunked') && length > start) {
    const looksChunked = /^[0-9a-fA-F]+[ \t;]*[^\r\n]*\r?\n/.test(read(start, 64).toString('latin1'));
    const found = looksChunked ? chunkRanges(read, start, length) : null;
    if (found) ranges = found;
    else if (looksChunked) report({ code: 'http-bad-chunking', message: 'chunked body whose chunk sizes do not add up' });
  }
  function* stored(): Generator<Buffer> {
    for (const [a, b] of ranges) yield* blockRange(read, a, b);
  }
  const codings = decoding === 'content' ? contentCodings(http) : [];
  if (codings.length === 0 || ranges.every(([a, b]) => a >= b)) {
    yield* stored();
    return;
  }
  let out: Iterable<Buffer> = stored();
  for (let i = codings.length - 1; i >= 0; i--) out = decodeWith(codings[i], out, report);
  const held: Buffer[] = [];
  let decoded = 0;
  try {
    for (const piece of out) {
      decoded += piece.length;
      if (held.length === 0 && decoded > FALLBACK) yield Buffer.from(piece);
      else held.push(Buffer.from(piece));
      if (decoded >= FALLBACK) yield* held.splice(0);
    }
  } catch (e) {
    const ce = codings.join(', ');
    if (decoded < FALLBACK) {
      report({ code: 'http-bad-encoding', message: `Content-Encoding '${ce}' does not decode: ${(e as Error).message}` });
      yield* stored();
    } else report({ code: 'http-bad-encoding', message: `Content-Encoding '${ce}' stops decoding after ${decoded} bytes: ${(e as Error).message}` });
    return;
  }
  yield* held;
}

/** The whole body (see bodyPieces), in one Buffer: a view of `block` when nothing had to be decoded. */
export function decodeBody(block: Buffer, http: HttpMessage, report: (p: DecodeProblem) => void, decoding: BodyDecoding = 'content'): Buffer {
  const read: BlockReader = (from, n) => block.subarray(from, from + n);
  const parts = [...bodyPieces(read, block.length, http, decoding, report)];
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
