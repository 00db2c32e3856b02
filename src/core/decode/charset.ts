/**
 * Bytes of an HTML payload -> text, with the charset found the way a browser finds it (WHATWG HTML 13.2.3,
 * simplified) and labels resolved as the Encoding standard says (TextDecoder does it: "iso-8859-1", "ascii" and
 * "latin1" mean windows-1252, "gb2312" means gbk, ...). Order: a BOM; the HTTP Content-Type charset; a
 * <meta charset> or <meta http-equiv=content-type content="...charset=..."> in the first 1024 bytes; with no usable
 * label, UTF-8 if the bytes are valid UTF-8, else the chardet guess, else windows-1252.
 * An unknown label (e.g. "big5_solaris") is skipped, not fatal: the next source decides.
 * Runs in the engine (Node), not in the renderer.
 */
import { isAscii } from 'node:buffer';
import chardet from 'chardet';
import { numericReference } from '../extract/entities.js';
import { FAMILY, tagAttributes } from '../extract/finish.js';
import { TAG, statesOf } from '../extract/fsm.js';
import { validUtf8Pieces } from './utf8.js';

export type CharsetSource = 'http' | 'bom' | 'meta' | 'utf8-valid' | 'detected' | 'fallback';

export interface DecodedHtml {
  text: string;
  /** The Encoding standard's name of the encoding used (e.g. "utf-8", "windows-1252", "gbk", "shift_jis"). */
  charset: string;
  source: CharsetSource;
}

const PRESCAN_BYTES = 1024;
/** decodeHtmlPieces' pieces: 60 KiB of UTF-8 is at most 60K UTF-16 code units, 120 KiB, so that a piece, and most
 *  often what the extractor carries over from the one before with it, stays under V8's large-object size (128 KiB). */
const PIECE_BYTES = 60 * 1024;
/** chardet reads this much; more costs time and rarely changes the guess. */
const DETECT_BYTES = 64 * 1024;

/** Labels already resolved: building a TextDecoder to resolve one opens a converter, a cost per page that a handful
 *  of labels repeat. Bounded, since an archive may hold any number of made-up labels. */
const resolved = new Map<string, string | undefined>();
const RESOLVED_MAX = 256;

/** The Encoding standard's name for a label, or undefined if the label names no encoding TextDecoder supports. */
export function resolveLabel(label: string): string | undefined {
  const key = label.trim();
  if (resolved.has(key)) return resolved.get(key);
  let encoding: string | undefined;
  try {
    encoding = new TextDecoder(key).encoding;
  } catch {
    encoding = undefined;
  }
  if (resolved.size >= RESOLVED_MAX) resolved.clear();
  resolved.set(key, encoding);
  return encoding;
}

function bomEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** The charset parameter of a Content-Type value (`text/html; charset="gbk"`), if any. */
export function charsetParam(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** HTML 2.6.4.2 "extracting a character encoding from a meta element": the value after "charset=" in content. */
export function charsetFromContent(content: string): string | undefined {
  const m = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(content);
  if (!m) return undefined;
  return m[1] ?? m[2] ?? m[3];
}

/**
 * The label declared by the first <meta charset> / <meta http-equiv="content-type"> among the tags that end in the
 * first 1024 bytes. Tags, comments and quoted values are found by the same FSM as extraction (fsm.ts) over a
 * Latin-1 view (every label and tag name is ASCII), so a commented-out meta does not count.
 */
export function prescanMetaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PRESCAN_BYTES)).toString('latin1');
  const states = statesOf(head);
  const n = head.length;
  for (let i = 0; i < n; i++) {
    if (FAMILY[states[i]] !== TAG || (i > 0 && FAMILY[states[i - 1]] === TAG)) continue;
    if (!/^<meta[\s/]/i.test(head.slice(i, i + 6))) continue;
    let end = i + 1;
    while (end < n && FAMILY[states[end]] === TAG) end++;
    if (end >= n) return undefined; // the tag does not end within the prescan window
    const attrs = tagAttributes(head, i, end + 1);
    const charset = attrs.get('charset');
    if (charset !== undefined && charset.trim() !== '') return charset;
    const content = attrs.get('content');
    if (attrs.get('http-equiv')?.trim().toLowerCase() === 'content-type' && content !== undefined) {
      const label = charsetFromContent(content);
      if (label) return label;
    }
  }
  return undefined;
}

/** The text of bytes in an encoding, in pieces of at most `most` bytes each where the encoding is cut so cheaply
 *  (UTF-8 and windows-1252, nearly every page), else whole. */
function decode(bytes: Uint8Array, encoding: string, most: number): string[] {
  if (encoding === 'windows-1252') {
    // Node 20's TextDecoder names every windows-1252 label right but decodes it as ISO-8859-1 (0x93 -> U+0093, not
    // U+201C). The 0x80-0x9F row of windows-1252 is the table HTML uses for numeric references: reuse it.
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const pieces: string[] = [];
    for (let start = 0; start === 0 || start < b.length; start += most) {
      const latin1 = b.toString('latin1', start, Math.min(start + most, b.length));
      pieces.push(latin1.replace(/[\x80-\x9f]/g, (c) => numericReference(c.charCodeAt(0))));
    }
    return pieces;
  }
  if (encoding === 'utf-8') return validUtf8Pieces(bytes, most) ?? [new TextDecoder(encoding).decode(bytes)];
  return [new TextDecoder(encoding).decode(bytes)];
}

/**
 * A declared label wins, except that bytes which are valid UTF-8 and not pure ASCII are read as UTF-8 whatever a
 * legacy label says. Pages re-saved as UTF-8 keep their old `charset=gb2312` (qq.html in the readability corpus) and
 * servers add a default `charset=iso-8859-1` to UTF-8 pages; real text in a legacy encoding is practically never
 * valid multi-byte UTF-8 (a Latin-1 letter would have to be followed by a byte in 0x80-0xBF every time).
 * A browser would show mojibake here; for indexing we prefer the words.
 */
function declared(bytes: Uint8Array, encoding: string, source: CharsetSource, most: number): DecodedPieces {
  if (encoding !== 'utf-8' && !isAscii(bytes)) {
    const utf8 = validUtf8Pieces(bytes, most);
    if (utf8 !== undefined) return { pieces: utf8, charset: 'utf-8', source: 'utf8-valid' };
  }
  return { pieces: decode(bytes, encoding, most), charset: encoding, source };
}

/** The encoding a browser takes from the page's own declarations (HTML 13.2.3.1 steps 1-5): a BOM, else the HTTP
 *  charset, else a <meta> in the first 1024 bytes; undefined when none names an encoding. Nothing is decoded. */
export function declaredCharset(bytes: Uint8Array, contentTypeHeader?: string): { charset: string; source: 'bom' | 'http' | 'meta' } | undefined {
  const bom = bomEncoding(bytes);
  if (bom) return { charset: bom, source: 'bom' };

  const httpLabel = contentTypeHeader ? charsetParam(contentTypeHeader) : undefined;
  const http = httpLabel ? resolveLabel(httpLabel) : undefined;
  if (http) return { charset: http, source: 'http' };

  const metaLabel = prescanMetaCharset(bytes);
  let meta = metaLabel ? resolveLabel(metaLabel) : undefined;
  // HTML 13.2.3.2: a meta can't declare UTF-16 (the bytes it sits in are ASCII-compatible); x-user-defined is 1252.
  if (meta === 'utf-16le' || meta === 'utf-16be') meta = 'utf-8';
  if (!meta && metaLabel?.trim().toLowerCase() === 'x-user-defined') meta = 'windows-1252';
  return meta ? { charset: meta, source: 'meta' } : undefined;
}

/** Decodes an HTML payload; never throws: undecodable bytes become U+FFFD as in a browser. */
export function decodeHtml(bytes: Uint8Array, contentTypeHeader?: string): DecodedHtml {
  const { pieces, charset, source } = decodeHtmlPieces(bytes, contentTypeHeader, Infinity);
  return { text: pieces[0], charset, source };
}

/** A payload's text in pieces, in order, for a reader that does not need it as one string (extract/index.ts
 *  extractPieces): a string of more than 128 KiB is a large object to V8, with memory of its own to fault in. */
export interface DecodedPieces extends Omit<DecodedHtml, 'text'> {
  pieces: string[];
}

/** decodeHtml's text in pieces (joined, they are its text), each of at most `most` bytes of the payload where the
 *  encoding allows it (UTF-8, windows-1252), else one piece: the same charset found the same way. */
export function decodeHtmlPieces(bytes: Uint8Array, contentTypeHeader?: string, most = PIECE_BYTES): DecodedPieces {
  const d = declaredCharset(bytes, contentTypeHeader);
  if (d?.source === 'bom') return { pieces: decode(bytes, d.charset, most), charset: d.charset, source: 'bom' };
  if (d) return declared(bytes, d.charset, d.source, most);

  const utf8 = validUtf8Pieces(bytes, most);
  if (utf8 !== undefined) return { pieces: utf8, charset: 'utf-8', source: 'utf8-valid' };
  const guess = chardet.detect(bytes.subarray(0, DETECT_BYTES));
  const detected = guess ? resolveLabel(guess) : undefined;
  if (detected) return { pieces: decode(bytes, detected, most), charset: detected, source: 'detected' };
  return { pieces: decode(bytes, 'windows-1252', most), charset: 'windows-1252', source: 'fallback' };
}
