// Turning archive records into plain rows: what a worker does per record. Pure functions of a record, so they are
// tested without threads.
import type { CaptureRow, PageRow } from '../../shared/records.js';
import { decodeHtml, decodeHtmlPieces } from '../decode/charset.js';
import { DEFAULT_MAX_TEXT_MB, MB } from '../extract/bound.js';
import { extractText, type ExtractedText } from '../extract/index.js';
import { ftsCopy } from '../search/segment.js';
import type { PageInput } from '../store/index.js';
import { joinRanges, lineRanges, mainLinesOfLines, type LineRange } from '../store/main-lines.js';
import { sha1Base32 } from '../warc/cdxj.js';
import { looksLikePdf } from '../documents/index.js';
import { withoutControls } from '../documents/controls.js';
import { surt } from '../warc/surt.js';
import type { ArchiveRecord, HttpMessage } from '../warc/types.js';
import type { HtmlPage } from './protocol.js';

/** <html lang> is looked for in the page's first characters. */
const LANG_CHARS = 4096;
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

/** A page's HTML as decodeHtmlPieces gives it: in pieces, for the CPU extractor (extractPieces), which then never
 *  holds a large page as one string. */
export interface HtmlPieces extends Omit<HtmlPage, 'html'> {
  pieces: string[];
}

/** Decodes the charset once; also reads the cheap `<html lang>`. Reads at most `maxTextBytes` of the payload, and
 *  calls `onCut` when there was more. */
export function htmlPieces(r: ArchiveRecord, c: CaptureRow, maxTextBytes = DEFAULT_MAX_TEXT_MB * MB, onCut?: () => void, most?: number): HtmlPieces {
  const http = safeHttp(r);
  const payload = r.payloadUpTo(maxTextBytes);
  if (payload.cut) onCut?.();
  const { pieces } = decodeHtmlPieces(payload.bytes, http?.headers.get('content-type') ?? r.contentType, most);
  let head = pieces[0];
  for (let k = 1; head.length < LANG_CHARS && k < pieces.length; k++) head += pieces[k];
  const lang = /<html\b[^>]*?\blang\s*=\s*["']?([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*)(?=["'\s/>])/i.exec(head.slice(0, LANG_CHARS));
  return { digest: c.digest!, url: c.uri ?? '', pieces, lang: lang ? lang[1].toLowerCase() : null };
}

/** htmlPieces with the HTML as one string: for a text backend of the pool, which takes whole pages. */
export function htmlPage(r: ArchiveRecord, c: CaptureRow, maxTextBytes = DEFAULT_MAX_TEXT_MB * MB, onCut?: () => void): HtmlPage {
  const { pieces, ...page } = htmlPieces(r, c, maxTextBytes, onCut, Infinity);
  return { ...page, html: pieces[0] };
}

/** The stored row of a page from its extracted text (for a pool's text backend; a worker posts pageInput's). */
export function textRow(p: Pick<HtmlPage, 'digest' | 'url' | 'lang'>, ex: ExtractedText): PageRow {
  const lines = ex.text.split('\n');
  const mainLines = ex.main === ex.text ? null : mainLinesOfLines(lines, ex.main);
  const { main, rest } = parts(ex.text, lines, mainLines);
  return { ...rowFields(p, ex, mainLines), text: ex.text, main, rest, ftsMain: ftsCopy(main), ftsRest: ftsCopy(rest) };
}

/** textRow as the writer takes it from a worker: text, main content and rest as UTF-8 (store/index.ts PageInput) in
 *  one buffer, to transfer. The text is encoded once, main and rest copied from its bytes. The text is segmented once
 *  too, and main and rest not made as strings at all unless segmenting changes it (ftsCopy: pages of scripts written
 *  without spaces, or not in NFC): segmenting works line by line (a line break ends every run it segments), so the
 *  segmented main content and rest are the segmented text's lines, taken by the same runs. */
export function pageInput(p: Pick<HtmlPage, 'digest' | 'url' | 'lang'>, ex: ExtractedText): PageInput {
  const lines = ex.text.split('\n');
  const mainLines = ex.main === ex.text ? null : mainLinesOfLines(lines, ex.main);
  const ranges = mainLines === null ? null : lineRanges(mainLines, lines.length);
  const segmented = ftsCopy(ex.text);
  let fts = { main: segmented, rest: null as string | null };
  if (segmented !== null && ranges !== null) {
    const segmentedLines = segmented.split('\n');
    const copy = (inside: boolean): string | null => {
      // Segmenting never adds or removes a line break; were it to, this stays exact all the same.
      if (segmentedLines.length !== lines.length) return ftsCopy(joinRanges(lines, ranges, inside));
      const own = ranges.filter((r) => r.inside === inside);
      const same = own.every((r) => segmentedLines.slice(r.start, r.end).every((line, i) => line === lines[r.start + i]));
      return same ? null : joinRanges(segmentedLines, ranges, inside);
    };
    fts = { main: copy(true), rest: copy(false) };
  }
  return { ...rowFields(p, ex, mainLines), ...encodeParts(ex.text, lines, ranges), ftsMain: fts.main, ftsRest: fts.rest };
}

/** What textRow and pageInput share: all but the text, main content and rest, and their segmented copies. */
function rowFields(p: Pick<HtmlPage, 'digest' | 'url' | 'lang'>, ex: ExtractedText, mainLines: string | null) {
  return {
    digest: p.digest,
    url: p.url,
    title: ex.title,
    description: ex.description,
    mainFound: ex.mainFound,
    lang: p.lang,
    // Segmenting and finding the main lines here keeps the CPU work in the worker threads, off the single writer
    // (when a text backend extracts, this runs in the pool's thread instead).
    mainLines,
    ftsTitle: ftsCopy(ex.title),
  };
}

/** The index must hold what fts_source derives from the stored row, since FTS5 deletes or replaces a row by deriving
 *  it again: the main content and rest as the runs give them back. They differ from the extractor's when a line of
 *  the article also stands before it (a menu entry naming the article's heading): the runs take the first such line. */
function parts(text: string, lines: readonly string[], mainLines: string | null): { main: string; rest: string } {
  if (mainLines === null) return { main: text, rest: '' };
  const ranges = lineRanges(mainLines, lines.length);
  return { main: joinRanges(lines, ranges, true), rest: joinRanges(lines, ranges, false) };
}

const utf8 = new TextEncoder();
/** Where encodeParts encodes, reused from page to page up to this size (a larger text gets one of its own). */
let scratch = new Uint8Array(1 << 16);
const SCRATCH_MAX = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** The UTF-8 bytes of a text and of its lines inside and outside the main content (`ranges`, which cover its lines in
 *  order; null: all of it is main content), as views of one buffer. The text is encoded range by range, so the
 *  bytes of each range are known; main and rest are those ranges' bytes joined by newlines, as their lines are. */
function encodeParts(text: string, lines: readonly string[], ranges: readonly LineRange[] | null): { text: Uint8Array; main: Uint8Array; rest: Uint8Array } {
  const room = text.length * 3; // UTF-8 bytes a UTF-16 code unit takes at most
  const buf = room <= scratch.length ? scratch : room <= SCRATCH_MAX ? (scratch = new Uint8Array(room)) : new Uint8Array(room);
  const spans: { from: number; to: number; inside: boolean }[] = [];
  let written = 0;
  if (ranges === null) written = utf8.encodeInto(text, buf).written;
  else {
    let char = 0;
    let line = 0;
    for (const r of ranges) {
      if (r.start >= r.end) continue;
      if (r.start !== line) throw new Error(`line ranges leave out or repeat lines (${r.start} after ${line})`);
      let end = char;
      for (; line < r.end; line++) end += lines[line].length + 1;
      const from = written;
      written += utf8.encodeInto(text.slice(char, end - 1), buf.subarray(written)).written;
      spans.push({ from, to: written, inside: r.inside });
      if (end - 1 < text.length) buf[written++] = NEWLINE;
      char = end;
    }
  }
  const joined = (inside: boolean): number => {
    const own = spans.filter((s) => s.inside === inside);
    return own.reduce((n, s) => n + s.to - s.from, Math.max(0, own.length - 1));
  };
  const mainBytes = ranges === null ? 0 : joined(true);
  const out = new Uint8Array(written + mainBytes + (ranges === null ? 0 : joined(false)));
  out.set(buf.subarray(0, written));
  if (ranges === null) return { text: out, main: out, rest: out.subarray(written) };
  let at = written;
  for (const inside of [true, false]) {
    let first = true;
    for (const s of spans) {
      if (s.inside !== inside) continue;
      if (!first) out[at++] = NEWLINE;
      out.set(buf.subarray(s.from, s.to), at);
      at += s.to - s.from;
      first = false;
    }
  }
  return { text: out.subarray(0, written), main: out.subarray(written, written + mainBytes), rest: out.subarray(written + mainBytes) };
}

/** Decodes the charset once and extracts title, description and text. */
export function pageRow(r: ArchiveRecord, c: CaptureRow): PageRow {
  const p = htmlPage(r, c);
  return textRow(p, extractText(p.html));
}

/** The stored row of a document (a PDF's text, or plain text as it is), as a worker posts it: all of it main
 *  content, since no article is looked for outside HTML; a PDF keeps its page count. */
export function documentRow(c: CaptureRow, doc: { title: string; description: string; text: string; pageCount: number | null }): PageInput {
  const ex: ExtractedText = { title: doc.title, description: doc.description, text: doc.text, main: doc.text, rest: '', mainFound: false };
  return { ...pageInput({ digest: c.digest!, url: c.uri ?? '', lang: null }, ex), pageCount: doc.pageCount };
}

/** Plain text as it is, its charset decoded as a page's is (BOM, header, UTF-8 validity, detection), without controls
 *  (documents/controls.ts). */
export function plainText(r: ArchiveRecord, bytes: Uint8Array): string {
  const http = safeHttp(r);
  const text = decodeHtml(bytes, http?.headers.get('content-type') ?? r.contentType).text.replace(/\r\n?/g, '\n');
  return withoutControls(text);
}
