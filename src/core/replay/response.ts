// The HTTP-agnostic replay response: resolve the URL, read the record that holds the payload, decode it once
// (chunking and content encodings, by the WARC reader), rewrite documents and stylesheets, answer a Range, and add the
// replay policy headers. The replay server (server.ts) and Electron's protocol handler only add transport.
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { charsetParam, declaredCharset, resolveLabel } from '../decode/charset.js';
import { timestampSeconds } from '../search/timestamp.js';
import type { Collection } from '../store/index.js';
import { surt } from '../warc/surt.js';
import { ArchiveError } from '../warc/errors.js';
import type { ArchiveRecord, HttpMessage } from '../warc/types.js';
import { absoluteUrl, type ArchiveTarget } from './archive-url.js';
import { rewriteCss } from './css.js';
import { decodedBody, hasCodings } from './decode-stream.js';
import { headerSafe, policyHeaders, replayHeaders } from './headers.js';
import { rewriteHtml } from './html.js';
import { missPageHtml, unreadablePageHtml } from './pages.js';
import { ArchivePool, type RecordReader, type StreamedRecord } from './records.js';
import { resolve } from './resolve.js';
import type { ReplayCapture, ReplayFlag, ReplayRequest, ReplayResponse, Resolution, RewriteDrop, StreamedBody } from './types.js';
import { annotate, withSpan } from '../telemetry/index.js';

/** How many redirects back to their own URL (http -> https, say) are skipped before one is served as it is. */
const SELF_REDIRECT_SKIPS = 4;

const sharedPool = new ArchivePool();

function newNonce(): string {
  return randomBytes(16).toString('base64');
}

function header(list: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return list.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** RFC 7231 IMF-fixdate of a 14-digit timestamp (the Memento-Datetime of RFC 7089). */
function httpDate(ts: string): string {
  return new Date(timestampSeconds(ts) * 1000).toUTCString();
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** A single `bytes=` range of RFC 9110 §14.1.2 against a body of `size` bytes; null when the header asks for none we
 *  honour (absent, another unit, several ranges: the whole body is then the answer, as the RFC allows). */
export function parseRange(value: string | undefined, size: number): ByteRange {
  const m = value ? /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value) : null;
  if (!m || (!m[1] && !m[2])) return null;
  let start: number;
  let end: number;
  if (!m[1]) {
    const suffix = +m[2];
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = +m[1];
    end = m[2] ? Math.min(+m[2], size - 1) : size - 1;
    if (m[2] && +m[2] < start) return null; // invalid range: ignored
  }
  return start >= size ? 'unsatisfiable' : { start, end };
}

function isHtml(mime: string): boolean {
  return mime === 'text/html' || mime === 'application/xhtml+xml';
}

/** The charset a browser reads a document in (its BOM, HTTP or <meta> declaration, else UTF-8 when the bytes are
 *  UTF-8, else windows-1252), and whether it came from a <meta>, so it can go into the Content-Type header where no
 *  injected byte can push it out of the browser's 1024-byte prescan. */
function documentCharset(contentType: string, body: Uint8Array): { charset: string; fromMeta: boolean } {
  const d = declaredCharset(body, contentType);
  if (d) return { charset: d.charset, fromMeta: d.source === 'meta' };
  return { charset: isUtf8(body) ? 'utf-8' : 'windows-1252', fromMeta: false };
}

interface Archived {
  status: number;
  statusText: string;
  headers: ReadonlyArray<readonly [string, string]>;
  /** The payload decoded whole, or (a response sent as archived, with nothing to decode) as stored, read as sent. */
  body: Buffer | StreamedRecord;
}

function statusOf(http: HttpMessage): { status: number; statusText: string } {
  // A status a server cannot send (none, or outside 200-599: an interim 1xx kept by a crawler) is served as 200.
  const status = http.status && http.status >= 200 && http.status <= 599 ? http.status : 200;
  return { status, statusText: headerSafe(http.startLine.split(' ').slice(2).join(' ').trim()) };
}

function archivedOf(record: ArchiveRecord): Archived {
  const http = record.http();
  if (!http) {
    return { status: 200, statusText: 'OK', headers: [['Content-Type', record.contentType || 'application/octet-stream']], body: record.payload() };
  }
  return { ...statusOf(http), headers: http.headers.list, body: record.payload() };
}

/** The record a reader last served to a Range request. A player asks for a media file a range at a time, and a
 *  payload with a transfer or content coding is decoded whole (chunking and gzip have no random access), so without
 *  this each range would decode it again. */
const lastRanged = new WeakMap<RecordReader, { key: string; archived: Archived }>();

function rangedRecord(reader: RecordReader, c: ReplayCapture): Archived {
  const key = `${c.offset}:${c.length}:${c.file}`;
  const last = lastRanged.get(reader);
  if (last?.key === key) return last.archived;
  const archived = archivedOf(reader.read(c.file, c.offset, c.length));
  lastRanged.set(reader, { key, archived });
  return archived;
}

/** Whether the browser gets the payload as archived: with 'id_', or a type that is not rewritten. */
function sentAsArchived(flag: ReplayFlag, mime: string): boolean {
  return flag === 'id_' || !(isHtml(mime) || mime === 'text/css');
}

function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Decoded output held back before the headers go: a coding that fails within it is served as stored instead (as the
 *  whole-body reader does), which a stream that has begun could no longer do. A body that ends within it gets a
 *  Content-Length. */
const DECODE_HOLD = 1024 * 1024;

/** `s` with its codings undone as it is sent, or null when they fail within DECODE_HOLD (`s` is then closed). */
async function decodedRecord(s: StreamedRecord): Promise<StreamedRecord | null> {
  const it = decodedBody(s.body, s.http)[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  let ended = false;
  try {
    while (heldBytes < DECODE_HOLD) {
      const next = await it.next();
      if (next.done) {
        ended = true;
        break;
      }
      held.push(Buffer.from(next.value));
      heldBytes += next.value.length;
    }
  } catch {
    s.close();
    return null;
  }
  async function* body(): AsyncGenerator<Buffer> {
    try {
      yield* held.splice(0);
      if (!ended) for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    } finally {
      s.close();
    }
  }
  return { http: s.http, length: ended ? heldBytes : null, body: body(), close: s.close };
}

/** The archived response of the record holding `c`'s payload: streamed when it is sent as archived with nothing to
 *  decode, else read and decoded whole. */
async function openArchived(reader: RecordReader, c: ReplayCapture, req: ReplayRequest): Promise<Archived> {
  if (reader.stream && sentAsArchived(req.flag, mimeOf(c.mime ?? undefined))) {
    const streamed = await reader.stream(c.file, c.offset, c.length);
    if (streamed && sentAsArchived(req.flag, mimeOf(streamed.http.headers.get('content-type')))) {
      // A Range of a coded body needs its decoded size before the first byte: that one is decoded whole (and kept).
      const sent = !hasCodings(streamed.http) ? streamed : req.range ? null : await decodedRecord(streamed);
      if (sent) return { ...statusOf(sent.http), headers: sent.http.headers.list, body: sent };
    }
    streamed?.close();
  }
  return req.range ? rangedRecord(reader, c) : archivedOf(reader.read(c.file, c.offset, c.length));
}

function closeBody(a: Archived): void {
  if (!Buffer.isBuffer(a.body)) a.body.close();
}

/** The bytes [start, end] of a streamed body; leaving early closes it (the rest of the member is not inflated). */
async function* sliceOf(body: AsyncIterable<Buffer>, start: number, end: number): AsyncGenerator<Buffer> {
  let pos = 0;
  for await (const piece of body) {
    const a = Math.max(0, start - pos);
    const b = Math.min(piece.length, end + 1 - pos);
    if (a < b) yield piece.subarray(a, b);
    pos += piece.length;
    if (pos > end) return;
  }
}

/** A streamed record's body, or the part of it a Range asked for, as a StreamedBody. */
function streamedBody(s: StreamedRecord, range: { start: number; end: number } | null): StreamedBody {
  const pieces = range ? sliceOf(s.body, range.start, range.end) : s.body;
  return { length: range ? range.end - range.start + 1 : s.length, [Symbol.asyncIterator]: () => pieces[Symbol.asyncIterator](), close: s.close };
}

/** Where a redirect leads, when it leads back to the URL asked (by SURT key): serving it would loop. */
function redirectsToItself(a: Archived, capture: ReplayCapture, askedUrl: string): boolean {
  if (a.status < 300 || a.status > 399) return false;
  const location = header(a.headers, 'location');
  const to = location ? absoluteUrl(location, capture.uri ?? askedUrl) : null;
  return to !== null && surt(to) === surt(askedUrl);
}

function htmlResponse(status: number, statusText: string, html: string, r: Resolution, policy: Array<[string, string]>): ReplayResponse {
  const body = Buffer.from(html, 'utf8');
  return {
    status,
    statusText,
    headers: [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', String(body.length)], ...policy],
    body,
    resolution: r,
    drops: [],
  };
}

/**
 * The response for a replay request. Never throws for a miss (a 404 "not in this archive" page) nor for a record
 * that cannot be read (a 502 page naming its file and offset); throws RangeError for a time that is not 1-14 digits.
 */
export async function replayResponse(coll: Collection, req: ReplayRequest, reader: RecordReader = sharedPool): Promise<ReplayResponse> {
  const nonce = req.nonce ?? newNonce();
  const policy = policyHeaders(req.flag, nonce);
  const exclude = new Set<number>();
  let r = withSpan('replay.resolve', {}, () => resolve(coll, req.url, req.at));
  annotate({ resolved: r.capture !== null });
  let archived: Archived | null = null;
  for (let skips = 0; r.payload && r.capture; skips++) {
    let a: Archived;
    try {
      const payload = r.payload;
      a = await withSpan('replay.read', { file: payload.file, offset: payload.offset, length: payload.length }, () => openArchived(reader, payload, req));
    } catch (e) {
      const why = e instanceof ArchiveError ? `${e.code}: ${e.message}` : (e as Error).message;
      return htmlResponse(502, 'Record Unreadable', unreadablePageHtml(r.payload, why, nonce), r, policy);
    }
    if (skips < SELF_REDIRECT_SKIPS && redirectsToItself(a, r.capture, req.url)) {
      closeBody(a);
      exclude.add(r.capture.id);
      const next = resolve(coll, req.url, req.at, { exclude });
      if (next.payload) {
        r = next;
        continue;
      }
    }
    archived = a;
    break;
  }
  if (!archived || !r.capture) {
    return htmlResponse(404, 'Not Found', missPageHtml(coll, r, { prefix: req.prefix, flag: req.flag }, nonce), r, policy);
  }

  const capture = r.capture;
  // The page's own time, so its resources resolve near it and not near a vaguer time asked for.
  const target: ArchiveTarget = { prefix: req.prefix, ts: capture.timestamp ?? req.at, flag: req.flag };
  const base = capture.uri ?? req.url;
  const drops: RewriteDrop[] = [];
  const headers = replayHeaders(archived.headers, target, base, drops);
  let body: Buffer | StreamedRecord = archived.body;
  /** A rewritten document carries a fresh nonce, so two of its ranges would come from two different bodies. */
  let rangeable = true;
  const ctIndex = headers.findIndex(([n]) => n.toLowerCase() === 'content-type');
  const contentType = ctIndex >= 0 ? headers[ctIndex][1] : (capture.mime ?? '');
  const mime = mimeOf(contentType);
  // A streamed body is one sent as archived (openArchived): only a body read whole may be rewritten.
  if (Buffer.isBuffer(body) && req.flag !== 'id_' && (isHtml(mime) || mime === 'text/css')) {
    const whole = body;
    body = withSpan('replay.rewrite', { mime, bytes: whole.length }, () => rewriteBody(whole));
  }
  /** The HTML or CSS body with its links into the archive. */
  function rewriteBody(whole: Buffer): Buffer {
    if (isHtml(mime)) {
      const { charset, fromMeta } = documentCharset(contentType, whole);
      const out = rewriteHtml(whole, { target, url: base, charset, scripts: req.flag === 'js_', nonce });
      rangeable = false;
      drops.push(...out.drops);
      if (fromMeta && ctIndex >= 0) headers[ctIndex] = [headers[ctIndex][0], `${contentType}; charset=${charset}`];
      return out.bytes;
    }
    const declared = charsetParam(contentType);
    const decoder = new TextDecoder((declared && resolveLabel(declared)) || 'utf-8');
    return Buffer.from(rewriteCss(whole.toString('latin1'), target, base, (s) => decoder.decode(Buffer.from(s, 'latin1'))), 'latin1');
  }

  let status = archived.status;
  let statusText = archived.statusText;
  const size = body.length;
  const noBody = status === 204 || status === 304;
  // A body decoded as it is sent has no size yet; never one asked for a Range (openArchived decodes that whole).
  const range = status === 200 && size !== null && rangeable ? parseRange(req.range, size) : null;
  const extra: Array<[string, string]> = [['Accept-Ranges', rangeable ? 'bytes' : 'none']];
  /** What of the body is sent: all of it, a range, or nothing. */
  let part: { start: number; end: number } | 'all' | 'none' = noBody ? 'none' : 'all';
  if (range === 'unsatisfiable') {
    status = 416;
    statusText = 'Range Not Satisfiable';
    extra.push(['Content-Range', `bytes */${size}`]);
    part = 'none';
  } else if (range) {
    extra.push(['Content-Range', `bytes ${range.start}-${range.end}/${size}`]);
    status = 206;
    statusText = 'Partial Content';
    part = range;
  }
  let sent: Uint8Array | StreamedBody;
  if (part === 'none') {
    if (!Buffer.isBuffer(body)) body.close();
    sent = Buffer.alloc(0);
  } else if (Buffer.isBuffer(body)) sent = part === 'all' ? body : body.subarray(part.start, part.end + 1);
  else sent = streamedBody(body, part === 'all' ? null : part);
  if (!noBody && sent.length !== null) extra.push(['Content-Length', String(sent.length)]);
  if (capture.timestamp) extra.push(['Memento-Datetime', httpDate(capture.timestamp)]);
  return { status, statusText, headers: [...headers, ...extra, ...policy], body: sent, resolution: r, drops };
}
