// Turning archive records into plain rows: what a worker does per record. Pure functions of a record, so they are
// tested without threads.
import type { CaptureRow, PageRow } from '../../shared/records.js';
import { decodeHtml } from '../decode/charset.js';
import { DEFAULT_MAX_TEXT_MB, MB } from '../extract/bound.js';
import { extractText, type ExtractedText } from '../extract/index.js';
import { ftsCopy } from '../search/segment.js';
import { mainLinesOf, mainOf, restOf } from '../store/main-lines.js';
import { sha1Base32 } from '../warc/cdxj.js';
import { looksLikePdf } from '../documents/index.js';
import { withoutControls } from '../documents/controls.js';
import { surt } from '../warc/surt.js';
import type { ArchiveRecord, HttpMessage } from '../warc/types.js';
import type { HtmlPage } from './protocol.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const PAYLOAD_TYPES = new Set(['response', 'resource']);
const TEXT_TYPES = new Set(['text/plain']);
const PDF_TYPES = new Set(['application/pdf', 'application/x-pdf']);
/** What servers send a file as when they do not say what it is: a PDF among them is known by its bytes. */
const UNTYPED = new Set(['application/octet-stream', 'binary/octet-stream', 'application/download', 'application/x-download', 'application/force-download']);

/** '2008-04-30T20:48:25Z' (or with fractions) -> '20080430204825'; null when it is not a date. */
export function timestamp14(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = iso.replace(/[^0-9]/g, '');
  return d.length >= 14 ? d.slice(0, 14) : d.length >= 4 ? d.padEnd(14, '0') : null;
}

export function mediaType(contentType: string | undefined | null): string | null {
  if (!contentType) return null;
  const m = contentType.split(/[;,]/, 1)[0].trim().toLowerCase();
  return m || null;
}

/** 'sha1:' + RFC 4648 base32, the form WARC-Payload-Digest usually takes; of bytes, or of pieces in order. */
export function sha1Digest(data: Uint8Array | Iterable<Uint8Array>): string {
  return 'sha1:' + sha1Base32(data);
}

function safeHttp(r: ArchiveRecord): HttpMessage | null {
  try {
    return r.http();
  } catch {
    return null;
  }
}

/** The capture row of a record (urlkey from the URI alone; the caller may refine it with the CDXJ request key). */
export function captureRow(r: ArchiveRecord, fileId: number): CaptureRow {
  const type = r.type.toLowerCase();
  const http = safeHttp(r);
  const uri = r.targetUri ?? null;
  let digest = r.payloadDigest ?? null;
  // Records without a payload digest (ARC, some resource records) get one computed, so dedupe and revisits work;
  // hashed in pieces, so a payload of any size costs flat memory.
  if (!digest && PAYLOAD_TYPES.has(type)) digest = sha1Digest(r.payloadPieces());
  return {
    fileId,
    offset: r.offset,
    length: r.length,
    type,
    uri,
    urlkey: uri ? surt(uri) : null,
    timestamp: timestamp14(r.date),
    status: http?.kind === 'response' ? (http.status ?? null) : null,
    mime: mediaType(http ? http.headers.get('content-type') : r.contentType),
    digest,
    recordId: r.recordId ?? null,
    refersToUri: r.refersToUri ?? null,
    refersToDate: timestamp14(r.refersToDate),
    method: http?.kind === 'request' ? (http.method ?? null) : null,
  };
}

/** Whether a capture holds an HTML page worth extracting: a response/resource with a 2xx status (or none, for
 *  resource records) and an HTML media type. */
export function isHtmlPage(c: CaptureRow): boolean {
  return servesPayload(c) && c.mime !== null && HTML_TYPES.has(c.mime);
}

/** A response/resource with a payload digest and a 2xx status (or none, for resource records). */
function servesPayload(c: CaptureRow): boolean {
  if (!PAYLOAD_TYPES.has(c.type) || !c.digest) return false;
  return c.status === null ? c.type === 'resource' : c.status >= 200 && c.status < 300;
}

/** A document indexed besides HTML pages: a PDF (by its media type, or by its `%PDF-` bytes when served untyped), or
 *  plain text. `head` gives the payload's first bytes, read only for an untyped payload. */
export type DocumentKind = 'pdf' | 'text';
export function documentKind(c: CaptureRow, head: () => Uint8Array): DocumentKind | null {
  if (!servesPayload(c)) return null;
  if (c.mime !== null && TEXT_TYPES.has(c.mime)) return 'text';
  if (c.mime !== null && PDF_TYPES.has(c.mime)) return 'pdf';
  return (c.mime === null || UNTYPED.has(c.mime)) && looksLikePdf(head()) ? 'pdf' : null;
}

/** Decodes the charset once; also reads the cheap `<html lang>`. Reads at most `maxTextBytes` of the payload, and
 *  calls `onCut` when there was more. */
export function htmlPage(r: ArchiveRecord, c: CaptureRow, maxTextBytes = DEFAULT_MAX_TEXT_MB * MB, onCut?: () => void): HtmlPage {
  const http = safeHttp(r);
  const payload = r.payloadUpTo(maxTextBytes);
  if (payload.cut) onCut?.();
  const decoded = decodeHtml(payload.bytes, http?.headers.get('content-type') ?? r.contentType);
  const lang = /<html\b[^>]*?\blang\s*=\s*["']?([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*)(?=["'\s/>])/i.exec(decoded.text.slice(0, 4096));
  return { digest: c.digest!, url: c.uri ?? '', html: decoded.text, lang: lang ? lang[1].toLowerCase() : null };
}

/** The stored row of a page from its extracted text. */
export function textRow(p: Pick<HtmlPage, 'digest' | 'url' | 'lang'>, ex: ExtractedText): PageRow {
  const mainLines = mainLinesOf(ex.text, ex.main);
  // The index must hold what fts_source derives from the stored row, since FTS5 deletes or replaces a row by deriving
  // it again: the main content and rest as the runs give them back. They differ from the extractor's when a line of
  // the article also stands before it (a menu entry naming the article's heading): the runs take the first such line.
  const main = mainOf(ex.text, mainLines);
  const rest = restOf(ex.text, mainLines);
  return {
    digest: p.digest,
    url: p.url,
    title: ex.title,
    description: ex.description,
    text: ex.text,
    main,
    rest,
    mainFound: ex.mainFound,
    lang: p.lang,
    // Segmenting and finding the main lines here keeps the CPU work in the worker threads, off the single writer
    // (when a text backend extracts, this runs in the pool's thread instead).
    mainLines,
    ftsTitle: ftsCopy(ex.title),
    ftsMain: ftsCopy(main),
    ftsRest: ftsCopy(rest),
  };
}

/** Decodes the charset once and extracts title, description and text. */
export function pageRow(r: ArchiveRecord, c: CaptureRow): PageRow {
  const p = htmlPage(r, c);
  return textRow(p, extractText(p.html));
}

/** The stored row of a document (a PDF's text, or plain text as it is): all of it main content, since no article is
 *  looked for outside HTML; a PDF keeps its page count. */
export function documentRow(c: CaptureRow, doc: { title: string; description: string; text: string; pageCount: number | null }): PageRow {
  const ex: ExtractedText = { title: doc.title, description: doc.description, text: doc.text, main: doc.text, rest: '', mainFound: false };
  return { ...textRow({ digest: c.digest!, url: c.uri ?? '', lang: null }, ex), pageCount: doc.pageCount };
}

/** Plain text as it is, its charset decoded as a page's is (BOM, header, UTF-8 validity, detection), without controls
 *  (documents/controls.ts). */
export function plainText(r: ArchiveRecord, bytes: Uint8Array): string {
  const http = safeHttp(r);
  const text = decodeHtml(bytes, http?.headers.get('content-type') ?? r.contentType).text.replace(/\r\n?/g, '\n');
  return withoutControls(text);
}
