/**
 * The second half of the transform: from the FSM's runs to { title, description, text }.
 * Pure TypeScript, no Node imports: the GPU path computes the per-character states on the GPU and calls finish()
 * in the browser (src/core/extract-webgl), the CPU path feeds the same Assembler from its fused scan (index.ts);
 * either way the output is built by this one piece of code. The policy it implements is written down in index.ts.
 */
import * as entities from './entities.js';
import * as fsm from './fsm.js';
import { chooseMain, Layout, TRACKED_TAGS } from './main-content.js';

// Module-local copies: loaders that bind imports through getters (tsx, vitest) would otherwise pay a call per use.
const { C_LT_SCRIPT, RCDATA, SCRIPT, SCRIPT_DESC, STATE_COUNT, SVG, SVG_TAG, TAG, TAG_SQ, TEXT, TRANSITIONS, classAt } = fsm;
const { decodeEntities } = entities;

export interface ExtractedText {
  title: string;
  description: string;
  /** The full text. */
  text: string;
  /** The main content (the article); equals text when the page has none (mainFound false). */
  main: string;
  /** The text outside the main content ('' when there is no article): main and rest hold each word of text once. */
  rest: string;
  mainFound: boolean;
}

export interface ExtractOptions {
  /** false: do not look for the main content (main is then text and mainFound false). Default true. */
  main?: boolean;
}

/** A run of markup is reported by its family: TAG stands for TAG..TAG_SQ, SCRIPT for SCRIPT..SCRIPT_DESC, SVG for
 *  SVG_TAG and SVG; every other state is its own family. */
export const FAMILY: Uint8Array = (() => {
  const f = new Uint8Array(STATE_COUNT);
  for (let s = 0; s < STATE_COUNT; s++) {
    f[s] = s >= TAG && s <= TAG_SQ ? TAG : s >= SCRIPT && s <= SCRIPT_DESC ? SCRIPT : s === SVG_TAG ? SVG : s;
  }
  return f;
})();

/** Elements that end a line (HTML's block-level and line-breaking elements); both start and end tags break. */
const BLOCK_TAGS = (
  'address article aside blockquote body br caption center dd details dialog dir div dl dt fieldset figcaption ' +
  'figure footer form frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li main menu nav ol optgroup ' +
  'option p pre section summary table tbody tfoot thead tr ul'
).split(' ');
/** Elements that separate words without breaking the line (table cells, form controls). */
const SPACE_TAGS = 'td th button input select'.split(' ');

const KIND_BLOCK = 1;
const KIND_SPACE = 2;
const KIND_META = 3;
const KIND_MASK = 3;
/** A tag's code: its kind in the low bits, 1 + its id in TRACKED_TAGS above them (0: not tracked), and above those
 *  1 + the index of its name among the FSM's raw-text elements (fsm.ts: script, style, title, textarea, the four
 *  HIDDEN ones, template, svg; 0: none), so that the CPU scan learns both from one look at the name. */
const TRACK_SHIFT = 2;
const TRACK_MASK = 0x3f;
const RAW_SHIFT = 8;
/** The raw-text elements by their index in the FSM's LT_ and END_ classes (C_LT_SCRIPT + index). */
const RAW_NAMES = [['script'], ['style'], ['title'], ['textarea'], ['noscript', 'iframe', 'noembed', 'noframes'],
  ['template'], ['svg']];
const MAX_KEY_LENGTH = 10; // 'blockquote', 'figcaption'

/** Where the last nameKey (and so tagCode) stopped reading: every code unit before it, from the name's start, is a
 *  letter or a digit, so the CPU scan goes on walking the tag from there instead of reading its name again. An
 *  object's field rather than a second result, so that the call allocates nothing. */
export const nameRead = { end: 0 };

/**
 * A tag name as a number without allocating: base 37 over a-z (case-folded) and 0-9; -1 when the name is longer
 * than any we look for or has other characters (then it is no element we treat specially). Sets nameRead.end.
 */
function nameKey(text: string, p: number, end: number): number {
  let key = 0;
  for (let len = 0; p < end; p++) {
    const c = text.charCodeAt(p);
    let v: number;
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) v = (c | 0x20) - 0x60;
    else if (c >= 0x30 && c <= 0x39) v = c - 0x30 + 27;
    else if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0x2f || c === 0x3e) break;
    else {
      key = -1;
      break;
    }
    if (++len > MAX_KEY_LENGTH) {
      key = -1;
      break;
    }
    key = key * 37 + v;
  }
  nameRead.end = p;
  return key;
}

/** The slot of a nameKey in TAG_KEYS. A table of typed arrays rather than a Map: keys of six letters or more are no
 *  small integers, and a Map boxes and hashes each such key it is asked for (in a profile, that Map's lookup took
 *  3% of the extraction's time). */
const TAG_SLOTS = 256;
function tagSlot(key: number): number {
  return Math.imul(key | 0, 0x9e3779b1) >>> 24; // key | 0: its low 32 bits
}

/** An open-addressed table from nameKey to the tag's code (TAG_CODES[slot], 0: none), probed linearly from tagSlot. */
const { TAG_KEYS, TAG_CODES } = (() => {
  const codes = new Map<number, number>();
  for (const n of BLOCK_TAGS) codes.set(nameKey(n, 0, n.length), KIND_BLOCK);
  for (const n of SPACE_TAGS) codes.set(nameKey(n, 0, n.length), KIND_SPACE);
  codes.set(nameKey('meta', 0, 4), KIND_META);
  if (TRACKED_TAGS.length >= TRACK_MASK) throw new Error('TRACKED_TAGS outgrew its bits in a tag code');
  TRACKED_TAGS.forEach((n, id) => {
    const key = nameKey(n, 0, n.length);
    codes.set(key, (codes.get(key) ?? 0) | ((id + 1) << TRACK_SHIFT));
  });
  RAW_NAMES.forEach((names, index) => {
    for (const n of names) codes.set(nameKey(n, 0, n.length), (codes.get(nameKey(n, 0, n.length)) ?? 0) | ((index + 1) << RAW_SHIFT));
  });
  const keys = new Float64Array(TAG_SLOTS).fill(-1);
  const table = new Int32Array(TAG_SLOTS);
  for (const [key, code] of codes) {
    let slot = tagSlot(key);
    while (keys[slot] >= 0) slot = (slot + 1) & (TAG_SLOTS - 1);
    keys[slot] = key;
    table[slot] = code;
  }
  return { TAG_KEYS: keys, TAG_CODES: table };
})();

/** The code of the tag whose name starts at text[p] (the tag ends before `end`), 0 when it is none we treat. */
export function tagCode(text: string, p: number, end: number): number {
  const key = nameKey(text, p, end);
  if (key < 0) return 0;
  for (let slot = tagSlot(key); ; slot = (slot + 1) & (TAG_SLOTS - 1)) {
    const k = TAG_KEYS[slot];
    if (k === key) return TAG_CODES[slot];
    if (k < 0) return 0;
  }
}

/** The FSM's state after the '<' of a start tag whose name has the code `code` (tagCode), from TEXT: TAG, or the
 *  raw-text state its name opens (the transition of its LT_ class, see fsm.ts). */
export function startTagState(code: number): number {
  const raw = code >> RAW_SHIFT;
  return raw === 0 ? TAG : TRANSITIONS[(C_LT_SCRIPT + raw - 1) * STATE_COUNT + TEXT];
}

/** Collapsible white space: ASCII white space and U+00A0 (a decoded &nbsp; separates words like a space). */
const WS_RUN = /[\t\n\f\r \u00a0]+/g;
/** White space but NUL, from lastIndex on. */
const WHITE_RUN = /[\t\n\f\r \u00a0]*/y;
/** What goes before the next character the text keeps (T8): nothing, one space (white space was seen since the
 *  character before it) or a line break (a block tag was). */
const NONE = 0;
const SPACE = 1;
const LINE = 2;

/** The text without the spaces and line breaks at its ends. A loop: the regex /^[\n ]+|[\n ]+$/g tries its second
 *  branch at every space of the text (measured: 5% of an ingest worker's time). */
function trimEdges(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpaceOrBreak(s.charCodeAt(start))) start++;
  while (end > start && isSpaceOrBreak(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function isSpaceOrBreak(c: number): boolean {
  return c === 0x20 || c === 0x0a;
}

function collapse(s: string): string {
  return trimEdges(s.replace(WS_RUN, ' '));
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;
}

/** Position just after the '>' that ends the start tag opening at text[start] ('<'), or -1 if it does not end. */
function startTagEnd(text: string, start: number, end: number): number {
  let s = TAG;
  for (let k = start + 1; k < end; k++) {
    s = TRANSITIONS[classAt(text, k) * STATE_COUNT + s];
    if (s === TEXT) return k + 1;
  }
  return -1;
}

/** Attributes of the tag in text[start, end) (end includes its '>'); names lower-cased, first occurrence wins. */
export function tagAttributes(text: string, start: number, end: number): Map<string, string> {
  const attrs = new Map<string, string>();
  let p = start + 1;
  while (p < end && !isWs(text.charCodeAt(p)) && text.charCodeAt(p) !== 0x2f && text.charCodeAt(p) !== 0x3e) p++;
  for (;;) {
    while (p < end && (isWs(text.charCodeAt(p)) || text.charCodeAt(p) === 0x2f)) p++;
    if (p >= end || text.charCodeAt(p) === 0x3e) return attrs;
    const nameStart = p++; // a leading '=' belongs to the name (HTML 13.2.5.32)
    while (p < end && !isWs(text.charCodeAt(p)) && text.charCodeAt(p) !== 0x2f && text.charCodeAt(p) !== 0x3e &&
      text.charCodeAt(p) !== 0x3d) p++;
    const name = text.slice(nameStart, p).toLowerCase();
    let q = p;
    while (q < end && isWs(text.charCodeAt(q))) q++;
    let value = '';
    if (text.charCodeAt(q) === 0x3d) {
      q++;
      while (q < end && isWs(text.charCodeAt(q))) q++;
      const quote = text.charCodeAt(q);
      if (quote === 0x22 || quote === 0x27) {
        let close = text.indexOf(quote === 0x22 ? '"' : "'", q + 1);
        if (close < 0 || close >= end) close = end;
        value = text.slice(q + 1, close);
        p = close + 1;
      } else {
        p = q;
        while (p < end && !isWs(text.charCodeAt(p)) && text.charCodeAt(p) !== 0x3e) p++;
        value = text.slice(q, p);
      }
    }
    if (!attrs.has(name)) attrs.set(name, decodeEntities(value, true));
  }
}

/**
 * Receives a page as runs, in order: text(start, end) for character data and markup(family, start, end) for
 * everything else (end includes the closing '>' when there is one). Both drivers report identical runs.
 */
export class Assembler {
  /**
   * The Assembler of the page before, which the next page takes over (see take()). One object for every page, so
   * that its map (V8's hidden class) lives as long as the extractor: a full collection that found no Assembler alive
   * collected the map, and with it the optimized code of the scan and the finish step that embeds it, which then ran
   * unoptimized until the JIT compiled them again. bench/extract collects the heap before each turn: after that, a
   * round of full text took 134 ms against 74 with an Assembler kept alive (the 311 speed pages, one core).
   */
  private static spare: Assembler | undefined;
  private html = '';
  /** The text so far as T8 makes it: each line's characters, one space for each run of white space inside a line and
   *  '\n' between lines. A separator waits in `pending` until the next character kept, so no line starts or ends
   *  with one, and the text needs no pass of its own at the end: a regex over the appended runs, with a call per
   *  break, took 13 ms of the 311 speed pages' 75 (bench/extract), and each run was searched for NUL and '&' before
   *  it was appended; append() reads each character once instead. Stretches of a run that need no collapsing are
   *  appended as slices: most runs are one such stretch. */
  private out = '';
  private pending = NONE;
  /** Where the last append() put its first character kept (-1: it kept none). */
  private firstKept = -1;
  /** The commas appended since the Layout was last told (M4 scores a line by them). */
  private commas = 0;
  /** The Layout's measure of the output so far (M2): the length it had when each run of text was appended whole, with
   *  NULs dropped and references decoded, but a run of white space only as one space (or none right after a break)
   *  plus the rest of its length, and each space and break that did not follow a break as one code unit: the
   *  output as this finish step once built it before collapsing, on which M4-M10's lengths are tuned. */
  private raw = 0;
  /** Nothing but white space has been seen since the last break (or the start). */
  private afterBreak = true;
  private title: string | undefined;
  private description: string | undefined;
  /** Undefined when the main content is not wanted (ExtractOptions.main false). */
  private layout: Layout | undefined;

  private constructor() {}

  /** The Assembler for the page `html`: the spare one when there is one (result() gives it back). */
  static take(html: string, options: ExtractOptions = {}): Assembler {
    const asm = Assembler.spare ?? new Assembler();
    Assembler.spare = undefined;
    asm.html = html;
    asm.out = '';
    asm.pending = NONE;
    asm.firstKept = -1;
    asm.commas = asm.raw = 0;
    asm.afterBreak = true;
    asm.title = asm.description = undefined;
    asm.layout = options.main === false ? undefined : Layout.take(html);
    return asm;
  }

  /** The next window of a page read in windows (extractPieces): the runs fed from now on are positions in `html`. */
  window(html: string): void {
    this.html = html;
    this.layout?.window(html);
  }

  text(start: number, end: number): void {
    const blank = blankEnd(this.html, start, end);
    this.textAfterBlank(start, blank, blankRead.nul, end);
  }

  /**
   * text(start, end) whose leading run of white space, with `nul` NULs in it, ends at `blank` (blankEnd): the CPU scan
   * crosses that run while it looks for the '<' that ends the text, and does not cross it twice. A run of white space
   * only (most runs between two tags: the page's indentation) is one space to T8; the Layout's lengths count it whole
   * (M2).
   */
  textAfterBlank(start: number, blank: number, nul: number, end: number): void {
    const layout = this.layout;
    const leading = blank - start - nul;
    if (blank === end) {
      this.blank(leading);
      return;
    }
    if (leading > 0 && this.pending === NONE) this.pending = SPACE;
    const rawAt = this.raw;
    const length = leading + this.append(this.html, blank, end, true);
    this.raw += length;
    this.afterBreak = false;
    if (!layout) return;
    if (!layout.hasText && this.firstKept >= 0) layout.firstText(this.firstKept, rawAt);
    if (layout.inLink) layout.linkText(length);
    layout.commas += this.commas;
    this.commas = 0;
  }

  /** A run of text that is white space only, `length` code units without its NULs: one space to T8, counted whole by
   *  the Layout (M2). Most runs between two tags are such (the page's indentation). */
  blank(length: number): void {
    if (length === 0) return;
    this.space();
    this.raw += length - 1;
    if (this.layout?.inLink) this.layout.linkText(length);
  }

  /**
   * Appends s[from, end) to the text as T8 makes it: a run of white space becomes the pending separator, NUL is
   * dropped and, when `decode`, the character references from the first '&' on are decoded (after the NULs are
   * dropped, as in a run decoded whole: T6). Returns the run's length decoded and without NULs (M2's measure).
   */
  private append(s: string, from: number, end: number, decode: boolean): number {
    this.firstKept = -1;
    let nul = 0;
    let commas = 0;
    // s[kept, k) is kept as it is: characters T8 keeps, with single spaces between them.
    let kept = from;
    for (let k = from; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c > 0x2c && c !== 0xa0) continue;
      if (c === 0x2c) {
        commas++;
        continue;
      }
      if (c === 0x20 && k > kept && k + 1 < end && !isCollapsible(s.charCodeAt(k + 1))) continue;
      if (c === 0x26 && decode) {
        // A space right before the reference was taken as one between two kept characters, but the reference may
        // decode to white space: it waits as the separator.
        let stop = k;
        if (k > kept && s.charCodeAt(k - 1) === 0x20) stop--;
        if (stop > kept) this.keep(s, kept, stop);
        if (stop < k && this.pending === NONE) this.pending = SPACE;
        let rest = s.slice(k, end);
        if (rest.indexOf('\0') >= 0) rest = rest.replace(/\0/g, '');
        const decoded = decodeEntities(rest);
        const first = this.firstKept;
        this.commas += commas;
        const length = k - from - nul + this.append(decoded, 0, decoded.length, false);
        if (first >= 0) this.firstKept = first;
        return length;
      }
      if (!isCollapsible(c)) continue;
      if (k > kept) this.keep(s, kept, k);
      if (c === 0) nul++;
      else if (this.pending === NONE) this.pending = SPACE;
      kept = k + 1;
    }
    if (end > kept) this.keep(s, kept, end);
    this.commas += commas;
    return end - from - nul;
  }

  /** Appends s[start, end), characters kept, after the pending separator. */
  private keep(s: string, start: number, end: number): void {
    if (this.pending !== NONE) {
      if (this.out.length > 0) this.out += this.pending === LINE ? '\n' : ' ';
      this.pending = NONE;
    }
    if (this.firstKept < 0) this.firstKept = this.out.length;
    this.out += s.slice(start, end);
  }

  markup(family: number, start: number, end: number): void {
    const html = this.html;
    if (family === TAG) {
      const isEnd = html.charCodeAt(start + 1) === 0x2f;
      this.tag(tagCode(html, isEnd ? start + 2 : start + 1, end), start, end, isEnd);
    } else if (family === RCDATA) {
      const open = startTagEnd(html, start, end);
      if (open < 0) return;
      if ((html.charCodeAt(start + 2) | 0x20) === 0x69) { // <tItle, not <tExtarea
        if (this.title === undefined) this.title = this.clean(decodeEntities(html.slice(open, end)));
        this.lineBreak();
      } else {
        this.space();
        this.text(open, end);
        this.space();
      }
    }
  }

  /** A start or end tag html[start, end) (a TAG-family run) whose name has the code `code` (tagCode): markup()
   *  reads the name, the CPU scan passes what it read while finding the tag. */
  tag(code: number, start: number, end: number, isEnd: boolean): void {
    const track = (code >> TRACK_SHIFT) & TRACK_MASK;
    if (track && this.layout) this.layout.tag(track - 1, start, end, isEnd);
    const kind = code & KIND_MASK;
    if (kind === KIND_BLOCK) this.lineBreak();
    else if (kind === KIND_SPACE) this.space();
    else if (kind === KIND_META && this.description === undefined && !isEnd) this.meta(start, end);
  }

  /** A <meta> start tag html[start, end) before the description is found: T5. A method of its own, so that the
   *  scan, into which tag() is inlined, does not inline this rare case too: V8 inlines at most 920 bytes of bytecode
   *  into a function, and what this took left the scan's next most frequent calls out. */
  private meta(start: number, end: number): void {
    if (!mayDescribe(this.html, start, end)) return;
    const attrs = tagAttributes(this.html, start, end);
    const content = attrs.get('content');
    if (content !== undefined && attrs.get('name')?.trim().toLowerCase() === 'description') {
      this.description = this.clean(content);
    }
  }

  result(): ExtractedText {
    const text = flattened(this.out);
    const layout = this.layout;
    layout?.lineBreak(this.out.length, this.raw);
    const title = this.title ?? '';
    const mask = layout && chooseMain(layout, text, title);
    const description = this.description ?? '';
    const split = mask && layout ? splitLines(text, mask, layout.segEnd) : undefined;
    layout?.release();
    this.release();
    if (!split) return { title, description, text, main: text, rest: '', mainFound: false };
    return { title, description, text, ...split, mainFound: true };
  }

  /** Gives this Assembler to the next page, without the page and its text (no page is kept alive by it). */
  private release(): void {
    this.html = this.out = '';
    this.layout = undefined;
    Assembler.spare = this;
  }

  private lineBreak(): void {
    this.layout?.lineBreak(this.out.length, this.raw);
    this.pending = LINE;
    if (this.afterBreak) return;
    this.raw++;
    this.afterBreak = true;
  }

  /** A space (a break before it or after it makes a line break of both). */
  private space(): void {
    if (this.pending === NONE) this.pending = SPACE;
    if (!this.afterBreak) this.raw++;
  }

  private clean(s: string): string {
    return collapse(s.replace(/\0/g, ''));
  }
}

/**
 * The lines of `text` whose segment's mask entry is 1 (main) and 0 (rest), each joined by '\n', in one pass. Line k
 * of text is segment k, and ends where the segment does (segEnd[k]: the text is collapsed as it is appended, so a
 * segment's end is where its line break goes); a run of lines on one side is one slice of text.
 */
function splitLines(text: string, mask: Uint8Array, segEnd: Int32Array): { main: string; rest: string } {
  const picked = ['', ''];
  let lineStart = 0;
  for (let s = 0; s < mask.length; s++) {
    const side = mask[s];
    while (s + 1 < mask.length && mask[s + 1] === side) s++;
    const run = text.slice(lineStart, segEnd[s]);
    picked[side] = picked[side] ? picked[side] + '\n' + run : run;
    lineStart = segEnd[s] + 1;
  }
  return { main: picked[1], rest: picked[0] };
}

/** Whether the meta tag html[start, end) can be <meta name="description">: its name can be "description" only if the
 *  tag holds that word (in any case) or a reference that may spell it. Most meta tags are not (Open Graph, viewport,
 *  ...), and a page without a description would otherwise split all of them into attribute maps. */
function mayDescribe(html: string, start: number, end: number): boolean {
  return DESCRIPTION_OR_REFERENCE.test(html.slice(start, end));
}
const DESCRIPTION_OR_REFERENCE = /description|&/i;

/**
 * s in one piece. V8 builds `out += piece` as a rope of the pieces, which the first read of a character flattens in
 * place: reading one here does it while the page is still in the cache, not when the text is first read elsewhere
 * (stored, posted to another thread), on a rope whose pieces are slices of a page long gone from the cache: the 311
 * speed pages' full texts took 2.6-8 ms a round to flatten right after their extraction and 21-33 ms after all of
 * them. Main content reads the text anyway; this makes full text pay for it too, as a caller would.
 */
function flattened(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** What the last blankEnd() found besides its result: the NULs in the run (an object's field, so that the call
 *  allocates nothing). */
export const blankRead = { nul: 0 };

/**
 * The end of the run of white space and NULs at html[start] (start itself when there is none), before `end`; sets
 * blankRead.nul. A run of one code unit (a space or a break between two words or tags) is crossed by the loop; a
 * longer one, most often a page's indentation (a quarter of the runs, 16 code units or more), by the regex from its
 * second code unit on: the CPU scan cannot know a run's length before it crosses it, and a loop that walked the first
 * 16 code units before the regex took the rest (as text() did when the run's end was known) was slower
 * (bench/extract/ab.ts --per-page: full text 3-4%). The loop goes on past what the regex crossed only past a NUL,
 * which it counts.
 */
export function blankEnd(html: string, start: number, end: number): number {
  let nul = 0;
  let i = start;
  for (; i < end; i++) {
    const c = html.charCodeAt(i);
    if (!isCollapsible(c)) break;
    if (c === 0) nul++;
    else if (i > start) {
      WHITE_RUN.lastIndex = i;
      WHITE_RUN.test(html);
      i = Math.min(WHITE_RUN.lastIndex, end) - 1;
    }
  }
  blankRead.nul = nul;
  return i;
}

/** Whether a character is one that T8 collapses (or, NUL, drops). */
function isCollapsible(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0xa0 || c === 0;
}

/** Reports the runs of text given its per-code-unit FSM states (see fsm.ts) to an Assembler. */
export function assembleFromStates(html: string, states: Uint8Array, asm: Assembler): void {
  const n = html.length;
  if (states.length !== n) throw new RangeError(`states has ${states.length} entries for ${n} code units`);
  let i = 0;
  while (i < n) {
    if (states[i] === TEXT) {
      let j = i + 1;
      while (j < n && states[j] === TEXT) j++;
      asm.text(i, j);
      i = j;
      continue;
    }
    const family = FAMILY[states[i]];
    let j = i + 1;
    while (j < n && FAMILY[states[j]] === family) j++;
    if (j < n && states[j] === TEXT) j++; // the '>' that closed the markup
    asm.markup(family, i, j);
    i = j;
  }
}

/** The extraction output of a page from its text and the state after each code unit (statesOf(text) or the GPU's). */
export function finish(html: string, states: Uint8Array): ExtractedText {
  const asm = Assembler.take(html);
  assembleFromStates(html, states, asm);
  return asm.result();
}
