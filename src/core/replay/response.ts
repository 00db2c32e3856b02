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
import type { ArchiveRecord } from '../warc/types.js';
import { absoluteUrl, type ArchiveTarget } from './archive-url.js';
import { rewriteCss } from './css.js';
import { headerSafe, policyHeaders, replayHeaders } from './headers.js';
import { rewriteHtml } from './html.js';
import { missPageHtml, unreadablePageHtml } from './pages.js';
import { ArchivePool, type RecordReader } from './records.js';
import { resolve } from './resolve.js';
import type { ReplayCapture, ReplayRequest, ReplayResponse, Resolution, RewriteDrop } from './types.js';

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
  body: Buffer;
}

function archivedOf(record: ArchiveRecord): Archived {
  const http = record.http();
  if (!http) {
    return { status: 200, statusText: 'OK', headers: [['Content-Type', record.contentType || 'application/octet-stream']], body: record.payload() };
  }
  // A status a server cannot send (none, or outside 200-599: an interim 1xx kept by a crawler) is served as 200.
  const status = http.status && http.status >= 200 && http.status <= 599 ? http.status : 200;
  const statusText = headerSafe(http.startLine.split(' ').slice(2).join(' ').trim());
  return { status, statusText, headers: http.headers.list, body: record.payload() };
}

/** The record a reader last served to a Range request. A player asks for a media file a range at a time, and the
 *  payload is decoded whole (chunking and gzip have no random access), so without this each range would decode it
 *  again. */
const lastRanged = new WeakMap<RecordReader, { key: string; archived: Archived }>();

function rangedRecord(reader: RecordReader, c: ReplayCapture): Archived {
  const key = `${c.offset}:${c.length}:${c.file}`;
  const last = lastRanged.get(reader);
  if (last?.key === key) return last.archived;
  const archived = archivedOf(reader.read(c.file, c.offset, c.length));
  lastRanged.set(reader, { key, archived });
  return archived;
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
  let r = resolve(coll, req.url, req.at);
  let archived: Archived | null = null;
  for (let skips = 0; r.payload && r.capture; skips++) {
    let a: Archived;
    try {
      a = req.range ? rangedRecord(reader, r.payload) : archivedOf(reader.read(r.payload.file, r.payload.offset, r.payload.length));
    } catch (e) {
      const why = e instanceof ArchiveError ? `${e.code}: ${e.message}` : (e as Error).message;
      return htmlResponse(502, 'Record Unreadable', unreadablePageHtml(r.payload, why, nonce), r, policy);
    }
    if (skips < SELF_REDIRECT_SKIPS && redirectsToItself(a, r.capture, req.url)) {
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
  let body: Buffer = archived.body;
  /** A rewritten document carries a fresh nonce, so two of its ranges would come from two different bodies. */
  let rangeable = true;
  const ctIndex = headers.findIndex(([n]) => n.toLowerCase() === 'content-type');
  const contentType = ctIndex >= 0 ? headers[ctIndex][1] : (capture.mime ?? '');
  const mime = contentType.split(';')[0].trim().toLowerCase();
  if (req.flag !== 'id_') {
    if (isHtml(mime)) {
      const { charset, fromMeta } = documentCharset(contentType, body);
      const out = rewriteHtml(body, { target, url: base, charset, scripts: req.flag === 'js_', nonce });
      body = out.bytes;
      rangeable = false;
      drops.push(...out.drops);
      if (fromMeta && ctIndex >= 0) headers[ctIndex] = [headers[ctIndex][0], `${contentType}; charset=${charset}`];
    } else if (mime === 'text/css') {
      const declared = charsetParam(contentType);
      const decoder = new TextDecoder((declared && resolveLabel(declared)) || 'utf-8');
      body = Buffer.from(rewriteCss(body.toString('latin1'), target, base, (s) => decoder.decode(Buffer.from(s, 'latin1'))), 'latin1');
    }
  }

  let status = archived.status;
  let statusText = archived.statusText;
  if (status === 204 || status === 304) body = Buffer.alloc(0);
  const range = status === 200 && rangeable ? parseRange(req.range, body.length) : null;
  const extra: Array<[string, string]> = [['Accept-Ranges', rangeable ? 'bytes' : 'none']];
  if (range === 'unsatisfiable') {
    status = 416;
    statusText = 'Range Not Satisfiable';
    extra.push(['Content-Range', `bytes */${body.length}`]);
    body = Buffer.alloc(0);
  } else if (range) {
    extra.push(['Content-Range', `bytes ${range.start}-${range.end}/${body.length}`]);
    status = 206;
    statusText = 'Partial Content';
    body = body.subarray(range.start, range.end + 1);
  }
  if (status !== 204 && status !== 304) extra.push(['Content-Length', String(body.length)]);
  if (capture.timestamp) extra.push(['Memento-Datetime', httpDate(capture.timestamp)]);
  return { status, statusText, headers: [...headers, ...extra, ...policy], body, resolution: r, drops };
}
