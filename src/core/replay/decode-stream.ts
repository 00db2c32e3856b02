// An archived HTTP body decoded as it is sent: transfer chunking (RFC 9112 §7.1) and content codings (RFC 9110 §8.4)
// undone piece by piece, for the responses replay sends as archived. The WARC reader's decodeBody does the same to a
// body held whole; this is its form for a body that is never held whole.
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { HttpMessage } from '../warc/types.js';

const LOOKS_CHUNKED = /^[0-9a-fA-F]+[ \t;]*[^\r\n]*\r?\n/;
const CHUNK_LINE_MAX = 4096;

function codings(http: HttpMessage, name: string): string[] {
  return (http.headers.get(name) ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
}

/** Whether the body has a transfer or content coding to undo. */
export function hasCodings(http: HttpMessage): boolean {
  return codings(http, 'transfer-encoding').length > 0 || codings(http, 'content-encoding').length > 0;
}

/** The data of a chunked body. Captures often store a body already de-chunked under its Transfer-Encoding header
 *  (warcio does): one that does not start like a chunk is passed on as it is, as decodeBody does. Throws when the
 *  chunks do not add up. */
async function* dechunked(stored: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = stored[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  const more = async () => {
    const next = await it.next();
    if (next.done) return false;
    buf = buf.length ? Buffer.concat([buf, next.value]) : next.value;
    return true;
  };
  if (!(await more())) return;
  if (!LOOKS_CHUNKED.test(buf.toString('latin1', 0, Math.min(buf.length, 64)))) {
    yield buf;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    return;
  }
  for (;;) {
    let eol = buf.indexOf(0x0a);
    while (eol < 0 && buf.length < CHUNK_LINE_MAX && (await more())) eol = buf.indexOf(0x0a);
    if (eol < 0) throw new Error('chunked body: a chunk-size line does not end');
    const line = buf.toString('latin1', 0, eol).trim();
    const size = Number.parseInt(line.split(';')[0], 16);
    if (!/^[0-9a-fA-F]/.test(line) || !Number.isFinite(size) || size < 0) throw new Error(`chunked body: bad chunk-size line "${line.slice(0, 40)}"`);
    buf = buf.subarray(eol + 1);
    if (size === 0) return; // trailers, if any, are not part of the body
    for (let left = size; left > 0; ) {
      if (buf.length === 0 && !(await more())) throw new Error(`chunked body: ends inside a chunk, ${left} bytes short`);
      const piece = buf.subarray(0, left);
      buf = buf.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
    while (buf.length < 2 && (await more()));
    if (buf[0] === 0x0d) buf = buf.subarray(1);
    if (buf[0] === 0x0a) buf = buf.subarray(1);
  }
}

/** The first piece, and the same iteration with it in front again (to look at a stream's first bytes). */
async function peek(input: AsyncIterable<Buffer>): Promise<{ first: Buffer | null; all: AsyncIterable<Buffer> }> {
  const it = input[Symbol.asyncIterator]();
  const next = await it.next();
  const first = next.done ? null : next.value;
  async function* all(): AsyncGenerator<Buffer> {
    if (first) yield first;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  return { first, all: all() };
}

async function* decodedWith(coding: string, input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const { first, all } = await peek(input);
  if (!first) return;
  let decoder;
  if (coding === 'gzip' || coding === 'x-gzip') decoder = createGunzip();
  else if (coding === 'br') decoder = createBrotliDecompress();
  else if (coding === 'deflate') {
    // RFC 9110 §8.4.1.2 says zlib-wrapped; many servers send raw deflate: the zlib header (RFC 1950 §2.2) tells.
    const zlibWrapped = first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0;
    decoder = zlibWrapped ? createInflate() : createInflateRaw();
  } else throw new Error(`unknown content-coding '${coding}'`);
  // pipeline: an error of the input (bad chunking under the coding) ends the decoder's iteration with it.
  pipeline(Readable.from(all), decoder, () => {});
  yield* decoder;
}

/** `stored` with the body's transfer chunking and content codings undone, piece by piece; throws (from the
 *  iteration) where the data does not decode. */
export function decodedBody(stored: AsyncIterable<Buffer>, http: HttpMessage): AsyncIterable<Buffer> {
  let out = codings(http, 'transfer-encoding').includes('chunked') ? dechunked(stored) : stored;
  const content = codings(http, 'content-encoding');
  for (let i = content.length - 1; i >= 0; i--) out = decodedWith(content[i], out);
  return out;
}
