import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Fields, headerEnd, parseHeaderLines } from './headers.js';
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
  if (block[0] === 0x48 && block.toString('latin1', 0, 5) === 'HTTP/') kind = 'response';
  else if (METHOD.test(block.toString('latin1', 0, 24))) kind = 'request';
  else return null;

  let end = headerEnd(block.length > HEAD_WINDOW ? block.subarray(0, HEAD_WINDOW) : block);
  if (end < 0 && block.length > HEAD_WINDOW) end = headerEnd(block);
  const bodyOffset = end < 0 ? block.length : end;
  const text = block.toString('latin1', 0, bodyOffset);
  const { firstLine, fields } = parseHeaderLines(text.replace(/\r?\n\r?\n$/, ''));
  const msg: HttpMessage = { kind, startLine: firstLine, headers: fields, bodyOffset };
  const parts = firstLine.split(' ');
  if (kind === 'response') {
    // 'HTTP/1.1 200 OK', also 'HTTP/1.0 200' without reason (webrecorder+pywb missing-status-text.warc)
    const status = Number.parseInt(parts[1] ?? '', 10);
    if (!(status >= 100 && status <= 999)) return null;
    msg.status = status;
  } else {
    msg.method = parts[0];
    msg.requestTarget = parts[1];
  }
  return msg;
}

export interface DecodeProblem {
  code: WarcProblemCode;
  message: string;
}

/** RFC 9112 7.1. Returns null when the chunks do not add up. */
export function dechunk(body: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\n', pos);
    if (eol < 0) return null;
    const line = body.toString('latin1', pos, eol).trim();
    const size = Number.parseInt(line.split(';')[0], 16);
    if (!/^[0-9a-fA-F]/.test(line) || !Number.isFinite(size) || size < 0) return null;
    pos = eol + 1;
    if (size === 0) break;
    if (pos + size > body.length) return null;
    parts.push(body.subarray(pos, pos + size));
    pos += size;
    if (body[pos] === 0x0d) pos++;
    if (body[pos] === 0x0a) pos++;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

function decodeOne(coding: string, data: Buffer): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(data);
    case 'deflate':
      // RFC 9110 8.4.1.2 says zlib-wrapped; many servers send raw deflate, so try both.
      try {
        return inflateSync(data);
      } catch {
        return inflateRawSync(data);
      }
    case 'br':
      return brotliDecompressSync(data);
    default:
      throw new Error(`unknown content-coding '${coding}'`);
  }
}

/** The body after transfer and content decoding. Captures often store an already de-chunked body while keeping the
 *  Transfer-Encoding header (warcio does), so a body that does not even start like a chunk is taken as it is; a
 *  body that starts like chunks but does not add up is reported. */
export function decodeBody(block: Buffer, http: HttpMessage, report: (p: DecodeProblem) => void): Buffer {
  let body = block.subarray(http.bodyOffset);
  const te = (http.headers.get('transfer-encoding') ?? '').toLowerCase();
  if (te.includes('chunked') && body.length > 0) {
    const looksChunked = /^[0-9a-fA-F]+[ \t;]*[^\r\n]*\r?\n/.test(body.toString('latin1', 0, Math.min(body.length, 64)));
    const out = looksChunked ? dechunk(body) : null;
    if (out) body = out;
    else if (looksChunked) report({ code: 'http-bad-chunking', message: 'chunked body whose chunk sizes do not add up' });
  }
  const ce = (http.headers.get('content-encoding') ?? '').toLowerCase();
  if (!ce || body.length === 0) return body;
  const codings = ce
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity');
  let out = body;
  try {
    for (let i = codings.length - 1; i >= 0; i--) out = decodeOne(codings[i], out);
    return out;
  } catch (e) {
    report({ code: 'http-bad-encoding', message: `Content-Encoding '${ce}' does not decode: ${(e as Error).message}` });
    return body;
  }
}
