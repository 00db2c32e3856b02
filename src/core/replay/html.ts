// The HTML rewriter: one pass of a small tokenizer of our own (no DOM) over a Latin-1 view of the payload, so every
// byte it does not rewrite comes out as it went in, whatever the page's charset. That view is right for every charset
// whose markup bytes are ASCII (UTF-8, the single-byte ones, Shift_JIS, GBK, Big5, EUC: their multi-byte sequences never
// hold '<', '>', '=' or quotes); UTF-16 is decoded and encoded back instead. Not handled: ISO-2022-JP, whose two-byte
// runs are ASCII bytes and may hold them (a page in it may be cut in the wrong places; the CSP still holds). Only attributes that change are
// re-serialised: their values decoded with the page's charset and entities, rewritten, and written back with `&`, `"`
// and any non-ASCII character as a character reference (valid in every charset, so no byte of another encoding is
// ever produced). What it changes, and why:
//  - URL attributes, srcset/imagesrcset, style attributes, <style> and meta refresh point into the archive;
//  - <base href> is honoured for resolving, then pointed into the archive too;
//  - integrity attributes go (rewritten bytes no longer match them), as do meta CSP (ours is the one that applies),
//    preconnect/dns-prefetch/prefetch/prerender hints, speculation rules and ping (requests made outside any fetch
//    the archive could answer);
//  - with scripts off: archived <script> elements are made inert (an unknown type; a src is dropped), on* handlers
//    and javascript: URLs removed, and <noscript> unwrapped so the page shows what it showed without scripts;
//  - one helper script (the replay server's /__as/frame.js, by nonce) goes in at the start of the document.
import { decodeEntities } from '../extract/entities.js';
import { absoluteUrl, rewriteRefresh, rewriteUrl, type ArchiveTarget } from './archive-url.js';
import { rewriteCss } from './css.js';
import type { RewriteDrop } from './types.js';
import { FRAME_SCRIPT_PATH } from './urls.js';

export interface HtmlRewriteOptions {
  target: ArchiveTarget;
  /** The document's archived URL: relative URLs resolve against it (or against its <base>). */
  url: string;
  /** The page's charset (an Encoding standard name, e.g. 'utf-8', 'windows-1252'): URLs are decoded with it. */
  charset: string;
  /** Archived scripts on (flag js_) or off. */
  scripts: boolean;
  /** The injected helper script's nonce; null injects nothing. */
  nonce: string | null;
}

export interface HtmlRewriteResult {
  bytes: Buffer;
  drops: RewriteDrop[];
}

/** Attributes holding one URL. `data` counts only on <object> (elsewhere it is a plain attribute). */
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'poster', 'background', 'cite', 'longdesc', 'lowsrc',
  'dynsrc', 'codebase', 'manifest', 'icon', 'profile', 'xlink:href']);
const SRCSET_ATTRS = new Set(['srcset', 'imagesrcset']);
/** URL attributes a person follows (with <a>/<area> href) rather than ones the page loads by itself. */
const LINK_ATTRS = new Set(['action', 'formaction', 'cite', 'longdesc']);
/** Resource hints: the browser opens connections or fetches on its own, outside anything the archive answers. */
const HINTS = new Set(['preconnect', 'dns-prefetch', 'prefetch', 'prerender']);
/** Elements whose content is text up to their end tag, not markup (HTML 13.1.2 raw text and escapable raw text). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** <script type> values that run as JavaScript (HTML 4.12.1.1's JavaScript MIME type essence list, plus module and
 *  the import maps that steer module loading). */
const JS_TYPE = /^(?:module|importmap|(?:text|application)\/(?:x-)?(?:java|ecma|j|live)script(?:1\.\d)?)$/;
/** Elements handled even without attributes. */
const SPECIAL = new Set(['head', 'script', 'noscript']);
/** What an inert archived script's type becomes: no browser runs it, and it says what it was. */
const INERT_SCRIPT_TYPE = 'text/x-archived-script';

interface Attr {
  /** Lower-cased name. */
  name: string;
  /** [start, end): the attribute with its leading whitespace; nameEnd ends the name as written. */
  start: number;
  nameEnd: number;
  end: number;
  /** The value as written (entities not decoded), '' when it has none. */
  raw: string;
}

interface Tag {
  name: string;
  nameEnd: number;
  attrs: Attr[];
  /** Index just past '>'. */
  end: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** The start tag at `lt` (s[lt] is '<', s[lt+1] a letter), attributes as HTML 13.2.5.32-39 splits them; null when the
 *  input ends inside it. */
function readTag(s: string, lt: number): Tag | null {
  const n = s.length;
  let i = lt + 1;
  while (i < n && !isSpace(s.charCodeAt(i)) && s[i] !== '/' && s[i] !== '>') i++;
  const tag: Tag = { name: s.slice(lt + 1, i).toLowerCase(), nameEnd: i, attrs: [], end: -1 };
  for (;;) {
    const start = i;
    while (i < n && (isSpace(s.charCodeAt(i)) || s[i] === '/')) i++;
    if (i >= n) return null;
    if (s[i] === '>') {
      tag.end = i + 1;
      return tag;
    }
    const nameStart = i;
    i++; // a first '=' belongs to the name
    while (i < n && !isSpace(s.charCodeAt(i)) && s[i] !== '/' && s[i] !== '>' && s[i] !== '=') i++;
    const attr: Attr = { name: s.slice(nameStart, i).toLowerCase(), start, nameEnd: i, end: i, raw: '' };
    let j = i;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (s[j] === '=') {
      j++;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      const q = s[j];
      if (q === '"' || q === "'") {
        const close = s.indexOf(q, j + 1);
        if (close < 0) return null;
        attr.raw = s.slice(j + 1, close);
        i = close + 1;
      } else {
        let k = j;
        while (k < n && !isSpace(s.charCodeAt(k)) && s[k] !== '>') k++;
        attr.raw = s.slice(j, k);
        i = k;
      }
      attr.end = i;
    }
    tag.attrs.push(attr);
  }
}

/** An attribute value written back: double-quoted, `&` `"` and every non-ASCII character as references. */
function escapeAttr(v: string): string {
  return v.replace(/[&"]|[^\x00-\x7f]/gu, (c) => (c === '&' ? '&amp;' : c === '"' ? '&quot;' : `&#x${c.codePointAt(0)!.toString(16)};`));
}

/** A decoder from the Latin-1 view back to the page's characters. */
function charsetDecoder(charset: string): (s: string) => string {
  let decoder: { decode(bytes: Uint8Array): string };
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('windows-1252');
  }
  // eslint-disable-next-line no-control-regex
  return (s) => (/^[\x00-\x7f]*$/.test(s) ? s : decoder.decode(Buffer.from(s, 'latin1')));
}

/** srcset candidates (HTML 4.8.4.3.10): URLs separated from descriptors by whitespace, candidates by commas. */
function rewriteSrcset(value: string, rewrite: (u: string) => string | null): string {
  let out = '';
  let i = 0;
  const n = value.length;
  while (i < n) {
    let j = i;
    while (j < n && (isSpace(value.charCodeAt(j)) || value[j] === ',')) j++;
    out += value.slice(i, j);
    if (j >= n) break;
    let k = j;
    while (k < n && !isSpace(value.charCodeAt(k))) k++;
    let url = value.slice(j, k);
    let trailing = '';
    const commas = /,+$/.exec(url);
    if (commas) {
      trailing = commas[0];
      url = url.slice(0, -trailing.length);
    }
    out += (rewrite(url) ?? url) + trailing;
    i = k;
    if (!trailing) {
      // descriptors run to the next comma outside parentheses
      let depth = 0;
      while (k < n && (depth > 0 || value[k] !== ',')) {
        if (value[k] === '(') depth++;
        else if (value[k] === ')') depth--;
        k++;
      }
      out += value.slice(i, k);
      i = k;
    }
  }
  return out;
}

/** An import map (scripts on; `json` in the page's characters) with its addresses pointed into the archive: the values
 *  of "imports" and of each scope, and the keys that are URLs rather than bare specifiers (they are matched against
 *  resolved module URLs, which are now archive addresses). null for a map that is not JSON: the browser ignores it. */
function rewriteImportMap(json: string, rewrite: (u: string) => string | null): string | null {
  let map: { imports?: unknown; scopes?: unknown };
  try {
    map = JSON.parse(json) as typeof map;
  } catch {
    return null;
  }
  const isUrlKey = (k: string) => /^(\/|\.\.?\/|[a-z][a-z0-9+.-]*:)/i.test(k);
  const remap = (entries: unknown, keys: boolean): unknown => {
    if (!entries || typeof entries !== 'object') return entries;
    return Object.fromEntries(Object.entries(entries as Record<string, unknown>).map(([k, v]) => [
      keys && isUrlKey(k) ? (rewrite(k) ?? k) : k,
      typeof v === 'string' ? (rewrite(v) ?? v) : remap(v, true),
    ]));
  };
  // Non-ASCII as \u escapes: the result is ASCII, right in the page whatever its charset.
  return JSON.stringify({ ...map, imports: remap(map.imports, true), scopes: remap(map.scopes, true) })
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const endTagPatterns = new Map<string, RegExp>();
function endTagPattern(name: string): RegExp {
  let re = endTagPatterns.get(name);
  if (!re) endTagPatterns.set(name, (re = new RegExp(`</${name}[\\s/>]`, 'gi')));
  return re;
}

class Rewriter {
  private readonly out: string[] = [];
  /** s[emitted..] has not been copied to out yet. */
  private emitted = 0;
  private base: string;
  private baseSeen = false;
  /** The helper script is in (or none is wanted). */
  private injected: boolean;
  readonly drops: RewriteDrop[] = [];

  constructor(private readonly s: string, private readonly o: HtmlRewriteOptions, private readonly decode: (s: string) => string) {
    this.base = o.url;
    this.injected = o.nonce === null;
  }

  /** The helper script goes in at `at`: just inside <head>, else before the first element that is not <html>, so it
   *  runs before anything archived. */
  private inject(at: number): void {
    this.replace(at, at, `<script nonce="${this.o.nonce}" src="${FRAME_SCRIPT_PATH}"></script>`);
    this.injected = true;
  }

  private readonly rewrite = (raw: string): string | null => rewriteUrl(this.o.target, raw, this.base);
  /** For URLs a person follows rather than ones the page loads: the same address, reported to `seen` as a link. */
  private readonly rewriteLink = (raw: string): string | null => {
    const { seen } = this.o.target;
    return rewriteUrl(seen ? { ...this.o.target, seen: (u) => seen(u, 'link') } : this.o.target, raw, this.base);
  };

  /** Replaces s[from, to) with `text`. */
  private replace(from: number, to: number, text: string): void {
    this.out.push(this.s.slice(this.emitted, from), text);
    this.emitted = to;
  }

  private drop(what: string, raw: string | null, request: boolean): void {
    this.drops.push({ url: raw === null ? '' : (absoluteUrl(raw, this.base) ?? raw), what, request });
  }

  private value(a: Attr): string {
    return decodeEntities(this.decode(a.raw), true);
  }

  run(): string {
    const s = this.s;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.indexOf('<', i);
      if (lt < 0) break;
      const c = s.charCodeAt(lt + 1);
      if (s.startsWith('!--', lt + 1)) {
        const end = s.indexOf('-->', lt + 2); // from lt+2: `<!-->` and `<!--->` are whole (empty) comments
        i = end < 0 ? n : end + 3;
      } else if (c === 0x21 || c === 0x3f) { // <! doctype / <? bogus comment
        const end = s.indexOf('>', lt);
        i = end < 0 ? n : end + 1;
      } else if (c === 0x2f) { // </ end tag
        const end = s.indexOf('>', lt);
        if (end < 0) break;
        const name = /^[a-z][^\s/>]*/i.exec(s.slice(lt + 2, Math.min(end, lt + 40)))?.[0].toLowerCase();
        if (name === 'noscript' && !this.o.scripts) this.replace(lt, end + 1, '');
        i = end + 1;
      } else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
        const tag = readTag(s, lt);
        if (!tag) break;
        i = this.startTag(lt, tag);
      } else {
        i = lt + 1;
      }
    }
    if (!this.injected) this.inject(n); // no element at all: the end is as good as anywhere
    this.out.push(s.slice(this.emitted));
    return this.out.join('');
  }

  /** Handles the start tag at lt; returns where scanning goes on. */
  private startTag(lt: number, tag: Tag): number {
    const { name } = tag;
    if (!this.injected && name !== 'html' && name !== 'head') this.inject(lt);
    // Most tags are bare (<p>, <div>, </li>...): nothing to look at but whether raw text follows.
    if (!tag.attrs.length && !SPECIAL.has(name)) return RAW_TEXT.has(name) ? this.rawText(name, tag.end) : tag.end;
    const edits = new Map<Attr, string | null>(); // new value, or null to remove
    const added: string[] = [];
    const attr = (n: string) => tag.attrs.find((a) => a.name === n);
    const scriptsOff = !this.o.scripts;
    let removeElement = false;
    let importMap = false;

    switch (name) {
      case 'base': {
        const href = attr('href');
        if (href && !this.baseSeen) {
          this.baseSeen = true;
          const abs = absoluteUrl(this.value(href), this.o.url);
          if (abs && /^https?:/i.test(abs)) this.base = abs; // a javascript: or data: base resolves nothing
        }
        break;
      }
      case 'link': {
        const rel = (attr('rel') ? this.value(attr('rel')!) : '').toLowerCase().split(/\s+/);
        const hint = rel.find((r) => HINTS.has(r));
        if (hint) {
          const href = attr('href');
          this.drop(`${hint} hint`, href ? this.value(href) : null, true);
          removeElement = true;
        }
        break;
      }
      case 'meta': {
        const equiv = attr('http-equiv') ? this.value(attr('http-equiv')!).trim().toLowerCase() : '';
        const content = attr('content');
        if (equiv === 'content-security-policy' || equiv === 'content-security-policy-report-only') {
          this.drop('meta CSP', null, false);
          removeElement = true;
        } else if (equiv === 'x-dns-prefetch-control' || equiv === 'set-cookie') {
          removeElement = true;
        } else if (equiv === 'refresh' && content) {
          const v = this.value(content);
          const to = rewriteRefresh(v, this.rewrite);
          if (to !== v) edits.set(content, to);
        }
        break;
      }
      case 'script': {
        const typeAttr = attr('type');
        const type = typeAttr ? this.value(typeAttr).split(';')[0].trim().toLowerCase() : '';
        if (type === 'speculationrules') {
          this.drop('speculation rules', null, true);
          removeElement = true;
        } else if (scriptsOff && (type === '' || JS_TYPE.test(type))) {
          const src = attr('src');
          if (src) {
            this.drop('script (scripts off)', this.value(src), true);
            edits.set(src, null);
          }
          if (typeAttr) edits.set(typeAttr, INERT_SCRIPT_TYPE);
          else added.push(` type="${INERT_SCRIPT_TYPE}"`);
        } else {
          importMap = type === 'importmap';
        }
        break;
      }
      case 'noscript':
        if (scriptsOff) return this.replaceTag(lt, tag, edits, added, true);
        break;
    }

    if (removeElement) {
      let end = tag.end;
      if (name === 'script') {
        const re = endTagPattern(name);
        re.lastIndex = tag.end;
        const m = re.exec(this.s);
        const close = m ? this.s.indexOf('>', m.index) : -1;
        end = close < 0 ? this.s.length : close + 1;
      }
      this.replace(lt, end, '');
      return end;
    }

    for (const a of tag.attrs) {
      if (edits.has(a)) continue;
      const an = a.name;
      if (URL_ATTRS.has(an) || (an === 'data' && name === 'object')) {
        const v = this.value(a);
        if (/^\s*javascript:/i.test(v)) {
          if (scriptsOff) edits.set(a, null);
          continue;
        }
        // <base href> was resolved above; what stays in the document must not lead out either
        const to = (LINK_ATTRS.has(an) || (an === 'href' && (name === 'a' || name === 'area')) ? this.rewriteLink : this.rewrite)(v);
        if (to !== null) edits.set(a, to);
      } else if (SRCSET_ATTRS.has(an)) {
        const v = this.value(a);
        const to = rewriteSrcset(v, this.rewrite);
        if (to !== v) edits.set(a, to);
      } else if (an === 'style') {
        const v = this.value(a);
        const to = rewriteCss(v, this.o.target, this.base);
        if (to !== v) edits.set(a, to);
      } else if (an === 'integrity') {
        const ref = attr('href') ?? attr('src');
        this.drop('integrity attribute', ref ? this.value(ref) : null, false);
        edits.set(a, null);
      } else if (an === 'ping') {
        for (const u of this.value(a).trim().split(/\s+/)) if (u) this.drop('ping', u, true);
        edits.set(a, null);
      } else if (an === 'srcdoc') {
        const inner = new Rewriter(this.value(a), { ...this.o, url: this.base, nonce: null }, (x) => x);
        edits.set(a, inner.run());
        this.drops.push(...inner.drops);
      } else if (scriptsOff && an.startsWith('on')) {
        edits.set(a, null);
      }
    }
    const next = edits.size || added.length ? this.replaceTag(lt, tag, edits, added, false) : tag.end;
    if (!this.injected && name === 'head') this.inject(next);
    return RAW_TEXT.has(name) ? this.rawText(name, next, importMap) : next;
  }

  /** Writes the tag with its edits (or nothing, when `omit`); returns the index after it. */
  private replaceTag(lt: number, tag: Tag, edits: Map<Attr, string | null>, added: string[], omit: boolean): number {
    if (omit) {
      this.replace(lt, tag.end, '');
      return tag.end;
    }
    const s = this.s;
    let text = s.slice(lt, tag.nameEnd);
    for (const a of tag.attrs) {
      const edit = edits.get(a);
      if (edit === undefined) text += s.slice(a.start, a.end);
      else if (edit !== null) text += `${s.slice(a.start, a.nameEnd)}="${escapeAttr(edit)}"`;
    }
    const tailFrom = tag.attrs.length ? tag.attrs[tag.attrs.length - 1].end : tag.nameEnd;
    const tail = s.slice(tailFrom, tag.end);
    const selfClosing = tail.endsWith('/>') ? tail.length - 2 : tail.length - 1;
    text += tail.slice(0, selfClosing) + added.join('') + tail.slice(selfClosing);
    this.replace(lt, tag.end, text);
    return tag.end;
  }

  /** Skips (or for <style>, rewrites) a raw text element's content; returns the index of its end tag. */
  private rawText(name: string, from: number, importMap = false): number {
    const re = endTagPattern(name);
    re.lastIndex = from;
    const m = name === 'plaintext' ? null : re.exec(this.s);
    const end = m ? m.index : this.s.length;
    const text = this.s.slice(from, end);
    let to = text;
    if (name === 'style') to = rewriteCss(text, this.o.target, this.base, this.decode);
    else if (importMap) to = rewriteImportMap(this.decode(text), this.rewrite) ?? text;
    if (to !== text) this.replace(from, end, to);
    return end;
  }
}

/** Rewrites an HTML payload (see the top of this file). The result keeps the input's bytes outside what changed. */
export function rewriteHtml(bytes: Uint8Array, o: HtmlRewriteOptions): HtmlRewriteResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (o.charset === 'utf-16le' || o.charset === 'utf-16be') return rewriteUtf16(buf, o);
  const r = new Rewriter(buf.toString('latin1'), o, charsetDecoder(o.charset));
  const text = r.run();
  return { bytes: Buffer.from(text, 'latin1'), drops: r.drops };
}

/** UTF-16 is the one charset whose markup is not ASCII bytes: the page is decoded, rewritten as text and encoded
 *  back the same way (byte order mark included when it had one). */
function rewriteUtf16(buf: Buffer, o: HtmlRewriteOptions): HtmlRewriteResult {
  const be = o.charset === 'utf-16be';
  const swap = (b: Buffer) => (be ? Buffer.from(b).swap16() : b);
  const even = buf.subarray(0, buf.length & ~1);
  const r = new Rewriter(swap(even).toString('utf16le'), o, (x) => x);
  return { bytes: Buffer.concat([swap(Buffer.from(r.run(), 'utf16le')), buf.subarray(even.length)]), drops: r.drops };
}
