/**
 * The tokenizer half of the text-extraction transform, as a finite state machine small enough for a GPU scan.
 *
 * Pure TypeScript, no Node or DOM imports: the gpu.js kernels (src/core/extract-webgl) import it, and so does the CPU extractor.
 * One table (TRANSITIONS) drives both, so the per-character states agree by construction. finish.ts turns
 * (text, states) into the extracted output.
 *
 * Model. Each code unit i gets a class `classAt(text, i)`, computed ONLY from the code units in the window
 * [i-3, i+10] (positions outside [0, length) read as "end of input"). The state after code unit i is
 * `TRANSITIONS[classAt(text, i) * STATE_COUNT + stateBefore]`; a page starts in `START_STATE` (TEXT).
 * All special characters are ASCII and every class that is not OTHER needs an ASCII-only window, so the classes of
 * a UTF-8 byte string and of its UTF-16 decoding agree at every ASCII position (non-ASCII is always OTHER).
 *
 * States (the state AFTER a code unit says what that code unit is):
 *   TEXT       0  character data, kept. Exception: a TEXT code unit whose predecessor is not TEXT is the '>' that
 *                 closed the markup before it (every edge into TEXT from another state is a '>'); it is markup.
 *   TAG        1  inside a start or end tag (from its '<'), outside quoted attribute values
 *   TAG_EQ     2  in a tag just after '=' (and any white space after it): only here does a quote open a value
 *   TAG_DQ     3  inside a "double-quoted" attribute value ('>' does not close the tag)
 *   TAG_SQ     4  inside a 'single-quoted' attribute value
 *   COMMENT    5  from the '<' of '<!--' up to (not including) the '>' of '-->' or '--!>' ('<!-->', '<!--->' close at
 *                 once, as in browsers); unterminated, it runs to the end of the input, as in browsers
 *   BOGUS      6  '<!' (doctype, CDATA, ...), '<?' and '</' + non-letter ('</>' too): dropped up to the first '>'
 *   SCRIPT     7  from the '<' of '<script' through its start tag and body, up to the '<' of '</script'
 *   SCRIPT_ESC 8  script body after '<!--' ("script data escaped", HTML 13.2.5.20): '-->' returns to SCRIPT,
 *                 '<script' enters SCRIPT_DESC, '</script' still ends the script
 *   SCRIPT_DESC 9 "script data double escaped" (13.2.5.27): a '<script' inside '<!--'; its '</script' returns to
 *                 SCRIPT_ESC and '-->' to SCRIPT, so `<script><!-- document.write("<script></script>") --></script>`
 *                 is one script, as in browsers
 *   STYLE     10  like SCRIPT for style (no escapes)
 *   RCDATA    11  like SCRIPT for title and textarea (kept: finish.ts takes the title, or textarea text, from it by
 *                 the name after the run's '<'); either end tag ends it
 *   HIDDEN    12  like SCRIPT for noscript, iframe, noembed, noframes (raw text in a scripting browser); any of their
 *                 four end tags ends it (so the common `<noscript><iframe></iframe></noscript>` ends at '</iframe')
 *   TEMPLATE  13  like SCRIPT for template
 *   SVG_TAG   14  inside an `<svg` start tag: '/>' closes it empty (foreign elements honour self-closing), '>' opens
 *   SVG       15  svg content, dropped up to the '<' of '</svg'
 * The raw states cover their start tag too (the start tag of a dropped element needs no parsing); the end tag that
 * leaves them is an ordinary TAG. Known simplifications (each would cost a state; 16 is the GPU's limit): an unquoted
 * attribute value is TAG, so '=' + quote inside one opens a quoted value; no nesting inside the raw states (a nested
 * '</svg' or '</template' ends the outer one); '--!>' also leaves SCRIPT_ESC; a quoted '>' in an svg start tag
 * closes it.
 *
 * Classes (code unit at i; names are ASCII case-insensitive; a "delimiter" is white space, '/', '>' or end of input):
 *   OTHER        0  anything below
 *   WS           1  '\t' '\n' '\f' '\r' ' '
 *   GT           2  '>' not matched by GT_SLASH / GT_COMMENT
 *   GT_SLASH     3  '>' right after '/'
 *   GT_COMMENT   4  '>' right after '--' or '--!'
 *   EQ           5  '='
 *   DQUOTE       6  '"'
 *   SQUOTE       7  "'"
 *   LT_TAG       8  '<' + ASCII letter, or '</' + ASCII letter, whose name is none of the special ones below
 *   LT_COMMENT   9  '<!--'
 *   LT_BOGUS    10  '<!' not followed by '--', '<?', '</' + a code unit that is not a letter ('</' at the very end
 *                   is OTHER: browsers keep it as text)
 *   LT_SCRIPT 11, LT_STYLE 12, LT_TITLE 13, LT_TEXTAREA 14, LT_HIDDEN 15, LT_TEMPLATE 16, LT_SVG 17
 *                   '<' + that name (HIDDEN: noscript|iframe|noembed|noframes) + delimiter
 *   END_SCRIPT 18, END_STYLE 19, END_TITLE 20, END_TEXTAREA 21, END_HIDDEN 22, END_TEMPLATE 23, END_SVG 24
 *                   '</' + that name + delimiter
 *   '<' followed by anything else is OTHER (text).
 */

export const TEXT = 0;
export const TAG = 1;
export const TAG_EQ = 2;
export const TAG_DQ = 3;
export const TAG_SQ = 4;
export const COMMENT = 5;
export const BOGUS = 6;
export const SCRIPT = 7;
export const SCRIPT_ESC = 8;
export const SCRIPT_DESC = 9;
export const STYLE = 10;
export const RCDATA = 11;
export const HIDDEN = 12;
export const TEMPLATE = 13;
export const SVG_TAG = 14;
export const SVG = 15;
export const STATE_COUNT = 16;
export const START_STATE = TEXT;

export const STATE_NAMES = [
  'TEXT', 'TAG', 'TAG_EQ', 'TAG_DQ', 'TAG_SQ', 'COMMENT', 'BOGUS', 'SCRIPT',
  'SCRIPT_ESC', 'SCRIPT_DESC', 'STYLE', 'RCDATA', 'HIDDEN', 'TEMPLATE', 'SVG_TAG', 'SVG',
] as const;

export const C_OTHER = 0;
export const C_WS = 1;
export const C_GT = 2;
export const C_GT_SLASH = 3;
export const C_GT_COMMENT = 4;
export const C_EQ = 5;
export const C_DQUOTE = 6;
export const C_SQUOTE = 7;
export const C_LT_TAG = 8;
export const C_LT_COMMENT = 9;
export const C_LT_BOGUS = 10;
export const C_LT_SCRIPT = 11;
export const C_LT_STYLE = 12;
export const C_LT_TITLE = 13;
export const C_LT_TEXTAREA = 14;
export const C_LT_HIDDEN = 15;
export const C_LT_TEMPLATE = 16;
export const C_LT_SVG = 17;
export const C_END_SCRIPT = 18;
export const C_END_STYLE = 19;
export const C_END_TITLE = 20;
export const C_END_TEXTAREA = 21;
export const C_END_HIDDEN = 22;
export const C_END_TEMPLATE = 23;
export const C_END_SVG = 24;
export const CLASS_COUNT = 25;

/** How far classAt looks: code units [i - WINDOW_BEHIND, i + WINDOW_AHEAD]. */
export const WINDOW_BEHIND = 3;
export const WINDOW_AHEAD = 10;

/** The raw-element states in the order of their LT_/END_ classes (LT class = C_LT_SCRIPT + k, END = C_END_SCRIPT + k). */
const RAW_STATES = [SCRIPT, STYLE, RCDATA, RCDATA, HIDDEN, TEMPLATE, SVG] as const;

function buildTransitions(): Uint8Array {
  const t = new Uint8Array(CLASS_COUNT * STATE_COUNT);
  const set = (cls: number, from: number, to: number) => { t[cls * STATE_COUNT + from] = to; };
  for (let c = 0; c < CLASS_COUNT; c++) for (let s = 0; s < STATE_COUNT; s++) set(c, s, s);
  const isGt = (c: number) => c === C_GT || c === C_GT_SLASH || c === C_GT_COMMENT;
  for (let c = 0; c < CLASS_COUNT; c++) {
    // TEXT: only a '<' class leaves it.
    if (c === C_LT_TAG) set(c, TEXT, TAG);
    else if (c === C_LT_COMMENT) set(c, TEXT, COMMENT);
    else if (c === C_LT_BOGUS) set(c, TEXT, BOGUS);
    else if (c >= C_LT_SCRIPT && c <= C_LT_SVG) {
      const raw = RAW_STATES[c - C_LT_SCRIPT];
      set(c, TEXT, raw === SVG ? SVG_TAG : raw);
    } else if (c >= C_END_SCRIPT && c <= C_END_SVG) {
      set(c, TEXT, TAG); // a stray end tag is an ordinary tag
      set(c, RAW_STATES[c - C_END_SCRIPT], TAG);
    }
    if (isGt(c)) {
      set(c, TAG, TEXT);
      set(c, TAG_EQ, TEXT);
      set(c, BOGUS, TEXT);
      set(c, SVG_TAG, c === C_GT_SLASH ? TEXT : SVG);
      if (c === C_GT_COMMENT) {
        set(c, COMMENT, TEXT);
        set(c, SCRIPT_ESC, SCRIPT);
        set(c, SCRIPT_DESC, SCRIPT);
      }
    }
    if (c === C_EQ) set(c, TAG, TAG_EQ);
    // Before a value: white space waits, a quote opens a quoted value, '>' closes, anything else starts an unquoted one.
    if (c !== C_WS && c !== C_DQUOTE && c !== C_SQUOTE && !isGt(c)) set(c, TAG_EQ, TAG);
    if (c === C_DQUOTE) { set(c, TAG_EQ, TAG_DQ); set(c, TAG_DQ, TAG); }
    if (c === C_SQUOTE) { set(c, TAG_EQ, TAG_SQ); set(c, TAG_SQ, TAG); }
  }
  // Script escapes (HTML 13.2.5.15-27).
  set(C_LT_COMMENT, SCRIPT, SCRIPT_ESC);
  set(C_END_SCRIPT, SCRIPT_ESC, TAG);
  set(C_LT_SCRIPT, SCRIPT_ESC, SCRIPT_DESC);
  set(C_END_SCRIPT, SCRIPT_DESC, SCRIPT_ESC);
  return t;
}

/** index = cls * STATE_COUNT + state -> next state. */
export const TRANSITIONS: Uint8Array = buildTransitions();

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** HTML's ASCII white space (the WS class). */
export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;
}

/** Whether text[p..] is `name` (lower-case ASCII, its first letter already matched) in any case, followed by a
 *  delimiter. */
function isNameAt(text: string, p: number, name: string): boolean {
  const len = name.length;
  const e = p + len;
  const n = text.length;
  if (e > n) return false;
  for (let j = 1; j < len; j++) if ((text.charCodeAt(p + j) | 0x20) !== name.charCodeAt(j)) return false;
  if (e === n) return true;
  const d = text.charCodeAt(e);
  return isWs(d) || d === 0x2f || d === 0x3e;
}

/**
 * Index of the special name at text[p..] followed by a delimiter, or -1: 0 script, 1 style, 2 title, 3 textarea,
 * 4 noscript|iframe|noembed|noframes, 5 template, 6 svg (the order of the LT_ and END_ classes). Dispatched on the
 * first two letters: most tags are none, and this runs for every '<' + letter.
 */
function specialName(text: string, p: number): number {
  const first = text.charCodeAt(p) | 0x20;
  const second = text.charCodeAt(p + 1) | 0x20; // NaN | 0x20 past the end: no letter
  switch (first) {
    case 0x73: // s
      if (second === 0x63) return isNameAt(text, p, 'script') ? 0 : -1;
      if (second === 0x74) return isNameAt(text, p, 'style') ? 1 : -1;
      if (second === 0x76) return isNameAt(text, p, 'svg') ? 6 : -1;
      return -1;
    case 0x74: // t
      if (second === 0x69) return isNameAt(text, p, 'title') ? 2 : -1;
      if (second === 0x65) return isNameAt(text, p, 'textarea') ? 3 : isNameAt(text, p, 'template') ? 5 : -1;
      return -1;
    case 0x6e: // n
      if (second !== 0x6f) return -1;
      return isNameAt(text, p, 'noscript') || isNameAt(text, p, 'noembed') || isNameAt(text, p, 'noframes') ? 4 : -1;
    case 0x69: // i
      return second === 0x66 && isNameAt(text, p, 'iframe') ? 4 : -1;
    default:
      return -1;
  }
}

/** The character class of text[i]; reads only text[i-3 .. i+10]. */
export function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  switch (c) {
    case 0x3c: { // '<'
      const n = text.length;
      if (i + 1 >= n) return C_OTHER;
      const c1 = text.charCodeAt(i + 1);
      if (isLetter(c1)) {
        const k = specialName(text, i + 1);
        return k < 0 ? C_LT_TAG : C_LT_SCRIPT + k;
      }
      if (c1 === 0x21) { // '!'
        return i + 3 < n && text.charCodeAt(i + 2) === 0x2d && text.charCodeAt(i + 3) === 0x2d ? C_LT_COMMENT : C_LT_BOGUS;
      }
      if (c1 === 0x3f) return C_LT_BOGUS; // '?'
      if (c1 === 0x2f) { // '/'
        if (i + 2 >= n) return C_OTHER;
        if (!isLetter(text.charCodeAt(i + 2))) return C_LT_BOGUS;
        const k = specialName(text, i + 2);
        return k < 0 ? C_LT_TAG : C_END_SCRIPT + k;
      }
      return C_OTHER;
    }
    case 0x3e: { // '>'
      const p1 = i >= 1 ? text.charCodeAt(i - 1) : -1;
      if (p1 === 0x2f) return C_GT_SLASH;
      if (p1 === 0x2d && i >= 2 && text.charCodeAt(i - 2) === 0x2d) return C_GT_COMMENT;
      if (p1 === 0x21 && i >= 3 && text.charCodeAt(i - 2) === 0x2d && text.charCodeAt(i - 3) === 0x2d) return C_GT_COMMENT;
      return C_GT;
    }
    case 0x3d: return C_EQ;
    case 0x22: return C_DQUOTE;
    case 0x27: return C_SQUOTE;
    case 0x20: case 0x0a: case 0x09: case 0x0d: case 0x0c: return C_WS;
    default: return C_OTHER;
  }
}

/** The state after each code unit of text (the reference the GPU kernels must reproduce). */
export function statesOf(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n);
  let s = START_STATE;
  for (let i = 0; i < n; i++) {
    s = TRANSITIONS[classAt(text, i) * STATE_COUNT + s];
    out[i] = s;
  }
  return out;
}
