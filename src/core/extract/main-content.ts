/**
 * Main content: which lines of a page's text are its article. The Assembler (finish.ts) reports the page's segments
 * (the text between two line breaks) and the container elements around them to a Layout while it builds the text;
 * chooseMain() then picks the article's segments from their features. Pure TypeScript, no Node imports, and fed by
 * the same runs on the CPU and the GPU path, so both give the same choice.
 * The rules are the M clauses in index.ts.
 */

/** Tags the Layout tracks: containers (pushed on its element stack), the link tag, and paragraph-like block tags.
 *  The index in this list is the tag's id. */
export const TRACKED_TAGS = [
  'a',
  // containers
  'body', 'div', 'section', 'article', 'main', 'aside', 'nav', 'header', 'footer', 'ul', 'ol', 'dl', 'table', 'tr',
  'td', 'th', 'form', 'figure', 'blockquote', 'center', 'details', 'menu', 'dialog',
  // paragraph-like blocks (not containers: their end is often omitted)
  'p', 'pre', 'li', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figcaption',
] as const;
const ID = Object.fromEntries(TRACKED_TAGS.map((n, i) => [n, i])) as Record<(typeof TRACKED_TAGS)[number], number>;
const T_A = ID.a;
/** A tracked tag's name length by its id. */
const TAG_NAME_LENGTH = Int32Array.from(TRACKED_TAGS, (name) => name.length);
const FIRST_CONTAINER = ID.body;
const FIRST_PARAGRAPH = ID.p;

// Element flags (from the tag and its class, id, role and itemprop).
const F_UNLIKELY = 1; // boilerplate by its name or tag: navigation, header, footer, sidebar, comments, ...
const F_NEGATIVE = 2; // class/id suggests not content (-25)
const F_POSITIVE = 4; // class/id suggests content (+25)
const F_MAIN = 8; // <main>, <article>, role=main, itemprop=articleBody: never unlikely, and a bonus
const F_LIST = 16;
const F_UNLIKELY_FIRST = 32; // boilerplate by a class/id word, a form or aria-hidden: the second attempt ignores it (M7)
const F_BYLINE = 64; // class/id names a byline, a date, a caption or a credit (M6)
const F_HIDDEN = 128; // not shown (hidden, display: none, visibility: hidden): only the last attempt looks inside (M7)

// Class/id words (Readability's lists, with a few more boilerplate words), matched as substrings of the lower-cased
// class and id values; ' ' stands for white space or the start or end of a value.
/** Boilerplate (M3). */
const UNLIKELY_WORDS =
  '-ad- ai2html banner breadcrumb combx comment communit cover-wrap disqus extra footer gdpr header legends menu ' +
  'related remark replies rss shoutbox sidebar skyscraper social sponsor supplemental ad-break agegate pagination ' +
  'pager popup yom-remote cookie consent newsletter share sharing subscribe navbar navigation toolbar masthead ' +
  'promo recommend outbrain taboola';
/** Words that rescue an element from UNLIKELY_WORDS (a "main-header" is not a header). */
const MAYBE_WORDS = 'and article body column content main shadow';
const NEGATIVE_WORDS =
  '-ad- hidden banner combx comment com- contact footer gdpr masthead media meta outbrain promo related scroll ' +
  'share shoutbox sidebar skyscraper sponsor shopping tags widget byline author caption';
const POSITIVE_WORDS = 'article body content entry hentry h-entry main page post text blog story';
const W_UNLIKELY = 1;
const W_MAYBE = 2;
const W_NEGATIVE = 4;
const W_POSITIVE = 8;
const W_BYLINE = 16;
/** A byline, date line, caption or credit (M6). */
const BYLINE_WORDS = 'byline author dateline timestamp writtenby caption credit';

/** Code unit -> symbol of the word matcher: 0 white space, 1-26 letters (either case), 27-36 digits, 37 '-', 38
 *  anything else. */
const SYMBOLS = 39;
function symbolOf(c: number): number {
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x7a) return l - 0x60;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 27;
  if (c === 0x2d) return 37;
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c ? 0 : 38;
}

/**
 * All the class/id words as one Aho-Corasick automaton (a DFA over SYMBOLS): one pass over a value finds every word
 * in it, without lower-casing or slicing it. One step is one load: WORD_STEP[state + code unit] holds the next state
 * (as its offset in the table, state number x 128) shifted left by WORD_BITS, and in its low bits the W_ bits of
 * the words that end there (a step that read the state and its words from two tables, and multiplied, was the
 * hottest line of the main-content choice). A state's row has a column per ASCII code unit rather than per symbol,
 * so that a step needs no lookup of the symbol first (wordsIn 25% faster); a code unit >= 128 takes the column of
 * OTHER_UNIT, an ASCII code unit of the same symbol.
 */
const WORD_BITS = 5;
const WORD_STEP = (() => {
  const next: number[][] = [new Array<number>(SYMBOLS).fill(-1)];
  const match: number[] = [0];
  const add = (word: string, bit: number) => {
    let st = 0;
    for (let i = 0; i < word.length; i++) {
      const sym = symbolOf(word.charCodeAt(i));
      if (next[st][sym] < 0) {
        next[st][sym] = next.length;
        next.push(new Array<number>(SYMBOLS).fill(-1));
        match.push(0);
      }
      st = next[st][sym];
    }
    match[st] |= bit;
  };
  for (const [words, bit] of [[UNLIKELY_WORDS, W_UNLIKELY], [MAYBE_WORDS, W_MAYBE], [NEGATIVE_WORDS, W_NEGATIVE],
    [POSITIVE_WORDS, W_POSITIVE], [BYLINE_WORDS, W_BYLINE]] as const) for (const w of words.split(' ')) add(w, bit);
  // Readability's '^nav', '\snav' and '^hid$', ' hid$', ' hid ', '^hid ': a word that starts (and, for hid, ends)
  // at white space or the value's edge.
  add(' nav', W_UNLIKELY);
  add(' hid ', W_NEGATIVE);
  // Breadth first: failure links, then the full transition table.
  const fail = new Array<number>(next.length).fill(0);
  const order: number[] = [];
  for (let sym = 0; sym < SYMBOLS; sym++) {
    const child = next[0][sym];
    if (child < 0) next[0][sym] = 0;
    else order.push(child);
  }
  for (let k = 0; k < order.length; k++) {
    const st = order[k];
    match[st] |= match[fail[st]];
    for (let sym = 0; sym < SYMBOLS; sym++) {
      const child = next[st][sym];
      if (child < 0) next[st][sym] = next[fail[st]][sym];
      else {
        fail[child] = next[fail[st]][sym];
        order.push(child);
      }
    }
  }
  const table = new Int32Array(next.length * 128);
  next.forEach((row, st) => {
    for (let c = 0; c < 128; c++) table[st * 128 + c] = ((row[symbolOf(c)] * 128) << WORD_BITS) | match[row[symbolOf(c)]];
  });
  return table;
})();
/** An ASCII code unit whose symbol (38) is that of every code unit >= 128. */
const OTHER_UNIT = 0x21;

/** Where the last wordsIn stopped: at the quote that ended the value, or at its end. An object's field rather than a
 *  second result, so that the call allocates nothing (as nameRead in finish.ts). */
const wordsRead = { end: 0 };

/**
 * The W_ bits of the words in the value html[start, end), read as if white space were before and after it; the value
 * ends earlier at the first code unit `quote` (-1: none), so a quoted value is matched as it is crossed, without first
 * searching for its end. Sets wordsRead.end.
 */
function wordsIn(html: string, start: number, end: number, quote: number): number {
  let step = WORD_STEP[0x20]; // the leading ' ' read in the start state (offset 0)
  let bits = step;
  let i = start;
  for (; i < end; i++) {
    const c = html.charCodeAt(i);
    if (c === quote) break;
    step = WORD_STEP[(step >> WORD_BITS) + (c < 128 ? c : OTHER_UNIT)];
    bits |= step;
  }
  wordsRead.end = i;
  return (bits | WORD_STEP[(step >> WORD_BITS) + 0x20]) & ((1 << WORD_BITS) - 1);
}

/** A style that hides the element (M3: what is not shown is not the article). */
const INVISIBLE_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
const UNLIKELY_ROLES = /^(?:navigation|banner|contentinfo|complementary|menu|menubar|search|dialog|alert|alertdialog)$/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;
}

/** Whether html[start, end) is `name` (lower-case ASCII) in any case. */
function isName(html: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if ((html.charCodeAt(start + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * The flags that the class, id, role and itemprop attributes of a start tag give: the tag ends before `end` and its
 * name before `p` (the Layout knows the name's length, so it is not read again). The attributes are walked in place
 * (as tagAttributes in finish.ts splits them, without decoding or slicing): this runs for every element that holds
 * text.
 */
function attributeFlags(html: string, p: number, end: number): number {
  let words = 0;
  let flags = 0;
  for (;;) {
    while (p < end && (isSpace(html.charCodeAt(p)) || html.charCodeAt(p) === 0x2f)) p++;
    if (p >= end || html.charCodeAt(p) === 0x3e) break;
    const nameStart = p++;
    while (p < end) {
      const c = html.charCodeAt(p);
      if (isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d) break;
      p++;
    }
    const nameEnd = p;
    while (p < end && isSpace(html.charCodeAt(p))) p++;
    if (html.charCodeAt(p) !== 0x3d) { // no value
      if (isName(html, nameStart, nameEnd, 'hidden')) flags |= F_HIDDEN;
      continue;
    }
    p++;
    while (p < end && isSpace(html.charCodeAt(p))) p++;
    const quote = html.charCodeAt(p);
    const quoted = quote === 0x22 || quote === 0x27;
    const nameLength = nameEnd - nameStart;
    // class and id: the words are matched as the value is crossed.
    if ((nameLength === 5 || nameLength === 2) &&
      (isName(html, nameStart, nameEnd, 'class') || isName(html, nameStart, nameEnd, 'id'))) {
      if (quoted) {
        words |= wordsIn(html, p + 1, end, quote);
        p = wordsRead.end + 1;
      } else {
        const valueStart = p;
        while (p < end && !isSpace(html.charCodeAt(p)) && html.charCodeAt(p) !== 0x3e) p++;
        words |= wordsIn(html, valueStart, p, -1);
      }
      continue;
    }
    let valueStart = p;
    let valueEnd: number;
    if (quoted) {
      valueStart = p + 1;
      valueEnd = html.indexOf(quote === 0x22 ? '"' : "'", valueStart);
      if (valueEnd < 0 || valueEnd > end) valueEnd = end;
      p = valueEnd + 1;
    } else {
      while (p < end && !isSpace(html.charCodeAt(p)) && html.charCodeAt(p) !== 0x3e) p++;
      valueEnd = p;
    }
    // By the name's length first: most attributes (href, src, data-*, ...) are none of these, and are passed after
    // one comparison.
    switch (nameLength) {
      case 5:
        if (isName(html, nameStart, nameEnd, 'style') && INVISIBLE_STYLE.test(html.slice(valueStart, valueEnd))) {
          flags |= F_HIDDEN;
        }
        break;
      case 4:
        if (isName(html, nameStart, nameEnd, 'role')) {
          const role = html.slice(valueStart, valueEnd).trim().toLowerCase();
          if (role === 'main' || role === 'article') flags |= F_MAIN;
          else if (UNLIKELY_ROLES.test(role)) flags |= F_UNLIKELY;
        }
        break;
      case 6:
        if (isName(html, nameStart, nameEnd, 'hidden')) flags |= F_HIDDEN;
        break;
      case 8:
        if (isName(html, nameStart, nameEnd, 'itemprop') && /articlebody/i.test(html.slice(valueStart, valueEnd))) {
          flags |= F_MAIN;
        }
        break;
      case 11:
        if (isName(html, nameStart, nameEnd, 'aria-hidden') && /^\s*true\s*$/i.test(html.slice(valueStart, valueEnd))) {
          // Modal dialog scripts set aria-hidden on the page's root while a dialog (a cookie banner) is open, so a
          // page saved then has its article there: the second attempt (M7) looks inside.
          flags |= F_UNLIKELY_FIRST;
        }
    }
  }
  if ((words & (W_UNLIKELY | W_MAYBE)) === W_UNLIKELY) flags |= F_UNLIKELY_FIRST;
  if (words & W_NEGATIVE) flags |= F_NEGATIVE;
  if (words & W_POSITIVE) flags |= F_POSITIVE;
  if (words & W_BYLINE) flags |= F_BYLINE;
  return flags;
}

/** Flags an element has by its tag alone. */
function tagFlags(tag: number): number {
  switch (tag) {
    case ID.article: case ID.main: return F_MAIN;
    case ID.nav: case ID.aside: case ID.footer: case ID.header: case ID.menu: case ID.dialog: case ID.figure:
      return F_UNLIKELY;
    // A form is a search box, a sign-up or a comment form, but some frameworks (ASP.NET's Web Forms) wrap the whole
    // page in one: the second attempt (M7) lets it hold the article.
    case ID.form: return F_UNLIKELY_FIRST;
    case ID.ul: case ID.ol: case ID.dl: return F_LIST;
    default: return 0;
  }
}

/**
 * The page's structure as the Assembler sees it: elements (the tracked containers, in document order, each with its
 * parent and its start tag's range in the page) and segments (a segment is the output between two line breaks; only
 * those with a character that T8 does not collapse are kept, with their range in the Assembler's output, the element
 * around their first text, their length and link-text length). The scan pays for little here: the class and id
 * hints are read in chooseMain, and only for elements that hold text.
 */
export class Layout {
  /** The Layout of the page before, whose columns the next page takes over (see take()). */
  private static spare: Layout | undefined;
  // Elements; 0 is the document. The columns are longer than nEl and nSeg: they grow by doubling and are reused
  // from page to page, so a page allocates nothing here (measured: main content a few per cent faster than with
  // number[] columns and their pushes).
  elParent = new Int32Array(1024);
  elTag = new Int32Array(1024);
  elStart = new Int32Array(1024);
  elEnd = new Int32Array(1024);
  /** The window (windows) whose positions elStart and elEnd are: a page read in windows (extractPieces) holds each
   *  tag whole in one of them; a page read whole is windows[0]. */
  elWin = new Int32Array(1024);
  nEl = 1;
  /** The page's text as the scan read it: the page, or its windows in order. Held until chooseMain reads the hints. */
  windows: string[] = [];
  private win = 0;
  /** The open elements: stack[0, depth), the document at 0; a depth instead of truncating the array (setting an
   *  array's length is slow in V8). stackTag holds their tags, so that an end tag is matched without looking each
   *  element up in elTag (with typed arrays and the tags beside the stack, main content took 2-3% less time than with
   *  a number[] stack: 92-93 against 95 ms a round, sums of per-page minima). */
  private stack = new Int32Array(256);
  private stackTag = new Int32Array(256).fill(-1);
  private depth = 1;
  // Segments.
  segStart = new Int32Array(1024);
  segEnd = new Int32Array(1024);
  segElem = new Int32Array(1024);
  segLink = new Int32Array(1024);
  segCommas = new Int32Array(1024);
  segTag = new Int32Array(1024);
  /** A segment's length (M2): its extent in the output as it would be with every run of white space appended whole
   *  (the Assembler appends a run between two tags as one space, see Assembler.text). */
  segLen = new Int32Array(1024);
  nSeg = 0;
  /** The open segment has text (the Assembler then stops looking). */
  hasText = false;
  /** Inside <a>: the Assembler reports the text's length to linkText(). */
  inLink = false;
  /** The commas of the open segment's text: the Assembler counts them as it appends the text. */
  commas = 0;
  private start = 0;
  private rawStart = 0;
  private link = 0;
  private elem = 0;
  private blockTag = -1;

  private constructor(html: string) {
    this.elParent[0] = -1;
    this.elTag[0] = -1;
    this.window(html);
  }

  /** A Layout for the page `html`: the spare one when there is one (a page's Layout is released by chooseMain). */
  static take(html: string): Layout {
    const layout = Layout.spare;
    if (!layout) return new Layout(html);
    Layout.spare = undefined;
    layout.window(html);
    layout.nEl = 1;
    layout.nSeg = 0;
    layout.depth = 1;
    layout.hasText = layout.inLink = false;
    layout.link = layout.commas = 0;
    layout.blockTag = -1;
    return layout;
  }

  /** The next window of the page (finish.ts Assembler.window): the tags from now on are positions in `html`. */
  window(html: string): void {
    this.win = this.windows.push(html) - 1;
  }

  /** Gives the columns to the next page: this Layout is not to be read any more. */
  release(): void {
    this.windows.length = 0;
    Layout.spare = this;
  }

  /** A tracked tag html[start, end); `end` is true for an end tag. Links and paragraph-like tags (two thirds of the
   *  calls) are handled here and containers in open() and close(): V8 inlines a function of up to 460 bytes of
   *  bytecode into its caller, and this one whole was 504, so every tracked tag paid a call. */
  tag(tag: number, start: number, end: number, isEnd: boolean): void {
    if (tag === T_A) this.inLink = !isEnd;
    else if (tag >= FIRST_PARAGRAPH) {
      if (!isEnd) this.blockTag = tag;
    } else if (isEnd) this.close(tag);
    else this.open(tag, start, end);
  }

  /** A container's end tag: closes it and those opened inside it (none when no element of its name is open). */
  private close(tag: number): void {
    const stackTag = this.stackTag;
    for (let k = this.depth - 1; k > 0; k--) {
      if (stackTag[k] === tag) {
        this.depth = k;
        return;
      }
    }
  }

  /** A container's start tag html[start, end): a new element inside the innermost open one. */
  private open(tag: number, start: number, end: number): void {
    const stackTag = this.stackTag;
    // Cells and rows close the open cell or row (their end tags are often left out).
    if (tag === ID.td || tag === ID.th || tag === ID.tr) {
      let top = stackTag[this.depth - 1];
      if (top === ID.td || top === ID.th) this.depth--;
      top = stackTag[this.depth - 1];
      if (tag === ID.tr && top === ID.tr) this.depth--;
    }
    const id = this.nEl++;
    if (id === this.elParent.length) {
      this.elParent = grown(this.elParent);
      this.elTag = grown(this.elTag);
      this.elStart = grown(this.elStart);
      this.elEnd = grown(this.elEnd);
      this.elWin = grown(this.elWin);
    }
    if (this.depth === this.stack.length) {
      this.stack = grown(this.stack);
      this.stackTag = grown(stackTag);
    }
    this.elParent[id] = this.stack[this.depth - 1];
    this.elTag[id] = tag;
    this.elStart[id] = start;
    this.elEnd[id] = end;
    this.elWin[id] = this.win;
    this.stack[this.depth] = id;
    this.stackTag[this.depth++] = tag;
    if (tag !== ID.body && !(this.blockTag >= ID.h1 && this.blockTag <= ID.h6)) this.blockTag = tag;
  }

  /** The open segment's first text starts at output position `at`, `rawAt` in the output with white space whole. */
  firstText(at: number, rawAt: number): void {
    this.hasText = true;
    this.start = at;
    this.rawStart = rawAt;
    this.elem = this.stack[this.depth - 1];
  }

  linkText(length: number): void {
    this.link += length;
  }

  /** A line break at output position `at` (`rawAt` with white space whole) ends the open segment. */
  lineBreak(at: number, rawAt: number): void {
    // A break with no text before it (the one a block's own start tag makes) keeps the block's tag for the next line.
    if (this.hasText) {
      this.push(at, rawAt);
      this.hasText = false;
      this.blockTag = -1;
    }
    this.link = 0;
    this.commas = 0;
  }

  private push(at: number, rawAt: number): void {
    const s = this.nSeg++;
    if (s === this.segStart.length) {
      this.segStart = grown(this.segStart);
      this.segEnd = grown(this.segEnd);
      this.segElem = grown(this.segElem);
      this.segLink = grown(this.segLink);
      this.segCommas = grown(this.segCommas);
      this.segTag = grown(this.segTag);
      this.segLen = grown(this.segLen);
    }
    this.segStart[s] = this.start;
    this.segEnd[s] = at;
    this.segElem[s] = this.elem;
    this.segLink[s] = this.link;
    this.segCommas[s] = this.commas;
    this.segTag[s] = this.blockTag;
    this.segLen[s] = rawAt - this.rawStart;
  }
}

/**
 * Zeroed columns for chooseMain and attempt, kept from page to page as the Layout's are: slot k of a pool is one
 * column, grown when a page needs more and zeroed up to the page's length when it is taken again (it may hold more
 * entries, from a larger page: they are never read). A page's choice wanted a dozen typed arrays per attempt, each
 * with a backing store to allocate and later collect, which cost more than zeroing them (measured: an allocation
 * about 0.4 us, a fill of the same column 0.02 us). The mask that chooseMain returns is one too (a view of the
 * page's segments on it): it holds until the next page's choice, and the Assembler reads it at once.
 */
class Columns<T extends Float64Array | Uint8Array | Uint32Array> {
  private readonly slots: T[] = [];

  constructor(private readonly make: (length: number) => T) {}

  zeroed(slot: number, length: number): T {
    const column = this.slots[slot];
    if (column && column.length >= length) return column.fill(0, 0, length) as T;
    return (this.slots[slot] = this.make(Math.max(1024, length * 2)));
  }
}
const F64 = new Columns((length) => new Float64Array(length));
const U8 = new Columns((length) => new Uint8Array(length));
const U32 = new Columns((length) => new Uint32Array(length));
// The slots. A page's columns (chooseMain) and an attempt's (the attempts run one after the other, each on columns
// zeroed again) have slots of their own.
const U32_EL_FLAGS = 0;
const [U8_HOLDS_TEXT, U8_IN_DATA_TABLE, U8_EXCLUDED, U8_CANDIDATE, U8_ROOT, U8_IN_MAIN, U8_MASK] = [0, 1, 2, 3, 4, 5, 6];
const [F64_SUM_LEN, F64_SUM_LINK, F64_SUM_COMMAS, F64_SUM_P, F64_SUM_LI, F64_SUM_TABLE, F64_SCORE] = [0, 1, 2, 3, 4, 5, 6];

/** The column with twice the room, its entries kept. */
function grown(column: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(column.length * 2);
  bigger.set(column);
  return bigger;
}

/** Readability's content score for a paragraph of `len` characters with `commas` commas. */
function paragraphScore(len: number, commas: number): number {
  return 1 + commas + Math.min(Math.floor(len / 100), 3);
}

function tagScore(tag: number): number {
  switch (tag) {
    case ID.div: return 5;
    case ID.pre: case ID.td: case ID.blockquote: return 3;
    case ID.ol: case ID.ul: case ID.dl: case ID.form: return -3;
    case ID.th: return -5;
    default: return 0;
  }
}

function classWeight(flags: number): number {
  return (flags & F_NEGATIVE ? -25 : 0) + (flags & F_POSITIVE ? 25 : 0) + (flags & F_MAIN ? 25 : 0);
}

/** In chooseMain's holdsText: the element holds text and is out of the running in every attempt (M3, M7). */
const ALWAYS_OUT = 2;
/** In holdsText: the element holds text and the first attempt leaves it out by its own hints (a class/id boilerplate
 *  word, a form, aria-hidden, not shown). */
const OUT_FIRST = 3;
/** In holdsText: the element holds text inside an OUT_FIRST one, and its hints are not read yet: the first attempt
 *  reads none of them (all it does is leave the element out with its ancestor), and most pages need no other. */
const DEFERRED = 4;

/**
 * The hints (elFlags) of the elements that hold text, from their tag and attributes: in the first pass those of all
 * but the DEFERRED ones, in the second (before the later attempts) those of the DEFERRED ones. Inside an element that
 * every attempt leaves out (M3 by its tag or role: M7 never lets those in), an element's own hints change nothing, so
 * its attributes are not read. A parent's id is below its children's, so a parent is settled before its children.
 */
function readHints(layout: Layout, holdsText: Uint8Array, elFlags: Uint32Array, first: boolean): void {
  const { windows, elParent, elTag, elStart, elEnd, elWin, nEl } = layout;
  for (let e = 1; e < nEl; e++) {
    const holds = holdsText[e];
    if (first ? holds === 0 : holds !== DEFERRED) continue;
    const up = holdsText[elParent[e]];
    if (up === ALWAYS_OUT || (first && (up === OUT_FIRST || up === DEFERRED))) {
      holdsText[e] = up === ALWAYS_OUT ? ALWAYS_OUT : DEFERRED;
      continue;
    }
    const tag = elTag[e];
    const nameEnd = elStart[e] + 1 + TAG_NAME_LENGTH[tag];
    const flags = tagFlags(tag) | (elEnd[e] > nameEnd + 1 ? attributeFlags(windows[elWin[e]], nameEnd, elEnd[e]) : 0);
    elFlags[e] = flags;
    const mayBeOut = !(flags & F_MAIN) && tag !== ID.body;
    if (mayBeOut && flags & F_UNLIKELY) holdsText[e] = ALWAYS_OUT;
    else if (first && mayBeOut && flags & (F_UNLIKELY_FIRST | F_HIDDEN)) holdsText[e] = OUT_FIRST;
    else holdsText[e] = 1;
  }
}

/** A page has an article when its main content has at least this many characters. */
const MIN_MAIN_LENGTH = 200;
/** M6: a byline, date or caption element holds less text than this. */
const BYLINE_MAX_LENGTH = 100;

/**
 * Which segments are main content: a mask over the Layout's segments, or undefined when the page has no article.
 * `out` is the page's text (T8), which the Layout's segments index (for M8's and M10's line tests). The mask is
 * overwritten by the next page's choice.
 */
export function chooseMain(layout: Layout, out: string, title = ''): Uint8Array | undefined {
  const { elParent, elTag, segElem, segLen, segCommas: commas, nEl, nSeg } = layout;
  if (nSeg === 0) return undefined;

  // Which elements hold text: only their hints are read (1 when read, or ALWAYS_OUT, OUT_FIRST, DEFERRED).
  const holdsText = U8.zeroed(U8_HOLDS_TEXT, nEl);
  for (let s = 0; s < nSeg; s++) holdsText[segElem[s]] = 1;
  for (let e = nEl - 1; e > 0; e--) if (holdsText[e]) holdsText[elParent[e]] = 1;
  const elFlags = U32.zeroed(U32_EL_FLAGS, nEl);
  readHints(layout, holdsText, elFlags, true);

  // Data tables (M6): a table with a header cell, and everything inside it.
  const inDataTable = U8.zeroed(U8_IN_DATA_TABLE, nEl);
  for (let e = 1; e < nEl; e++) {
    if (elTag[e] !== ID.th) continue;
    let t = elParent[e];
    while (t > 0 && elTag[t] !== ID.table) t = elParent[t];
    if (t > 0) inDataTable[t] = 1;
  }
  for (let e = 1; e < nEl; e++) inDataTable[e] |= inDataTable[elParent[e]];
  const page: Features = { layout, elFlags, segLen, commas, inDataTable };
  let mask = attempt(page, F_UNLIKELY | F_UNLIKELY_FIRST | F_HIDDEN);
  if (!mask) {
    // The later attempts look inside what the first left out, so they need its elements' hints (M7).
    readHints(layout, holdsText, elFlags, false);
    mask = attempt(page, F_UNLIKELY | F_HIDDEN) ?? attempt(page, F_UNLIKELY);
  }
  if (!mask) return undefined;
  dropBoilerplateLines(layout, out, mask, title);
  return mask.includes(1) ? mask : undefined;
}

/** M8: lines of the article that are still boilerplate. */
const LINK_LINE_DENSITY = 0.8;
const LINK_LINE_MAX_LENGTH = 200;
/** An advertising label on its own line, in the languages of the benchmarks' pages and a few more. */
const AD_LABEL = /^(?:advertisements?|advert|ads?|sponsored|anzeige|werbung|publicit[ée]|publicidad|pubblicit[àa]|reklama|iklan|реклама)$/i;
const AD_LABEL_MAX_LENGTH = 40;
/** An image's credit or caption left in the article's flow (outside <figure>, which M3 drops): a line that starts with
 *  a copyright sign or a "Photo:"-style label, or ends with a "(Image: ...)"-style credit. */
const CREDIT_LINE = /^(?:©|(?:photo|image|picture|credit)s?:)|\((?:photo|image|picture|credit)s?:[^()]*\)$/i;
const CREDIT_LINE_MAX_LENGTH = 300;

/**
 * M8: whether the line out[start, end) of `length` is only an advertising label or is an image credit. It is sliced
 * for the regexes only when its first or last character (trimmed) can start or end one: most lines cannot, and each
 * slice is garbage to collect.
 */
function isLabelOrCredit(out: string, start: number, end: number, length: number): boolean {
  while (start < end && isTrimmed(out.charCodeAt(start))) start++;
  while (end > start && isTrimmed(out.charCodeAt(end - 1))) end--;
  const first = out.charCodeAt(start);
  const lower = first | 0x20;
  const mayBeLabel = lower === 0x61 || lower === 0x73 || lower === 0x77 || lower === 0x70 || lower === 0x72 ||
    lower === 0x69 || first === 0x440 || first === 0x420; // a s w p r i, р Р
  if (length < AD_LABEL_MAX_LENGTH && mayBeLabel && AD_LABEL.test(out.slice(start, end))) return true;
  // By its first two characters: '©', 'ph', 'pi', 'im', 'cr' (lines that start with a p, an i or a c are many).
  const second = out.charCodeAt(start + 1) | 0x20;
  const mayBeCredit = first === 0xa9 || (lower === 0x70 && (second === 0x68 || second === 0x69)) ||
    (lower === 0x69 && second === 0x6d) || (lower === 0x63 && second === 0x72) || out.charCodeAt(end - 1) === 0x29;
  return mayBeCredit && CREDIT_LINE.test(out.slice(start, end));
}

/** The line out[start, end), trimmed as String.prototype.trim does (the text's white space is collapsed already,
 *  T8, but trim also takes Unicode spaces that T8 keeps). */
function trimmedLine(out: string, start: number, end: number): string {
  return out.slice(start, end).trim();
}

/**
 * M8: whether the line out[start, end) is a date line or a byline. It is sliced for a regex only when it may be one:
 * it starts with "by" (a byline), or with a digit or the first three letters of a label, weekday or month and has
 * four digits or more (a date has at least that many: 1/2/19), and it shows fewer characters than either may have;
 * most lines, headings among them, are neither.
 */
function isDateOrByline(out: string, start: number, end: number): boolean {
  while (start < end && isTrimmed(out.charCodeAt(start))) start++;
  const first = out.charCodeAt(start);
  const by = (first | 0x20) === 0x62 && (out.charCodeAt(start + 1) | 0x20) === 0x79;
  if (!by && !(first >= 0x30 && first <= 0x39) && !startsDateWord(out, start)) return false;
  // The collapsed line is at least as long as its characters other than white space: a line with as many as a date
  // line may hold is prose (most long lines end here, unsliced); a date has four digits or more (1/2/19).
  // A line shorter than that shows fewer characters: only its digits are counted.
  const mayShowTooMany = end - start >= DATE_LINE_MAX_LENGTH;
  let digits = 0;
  let shown = 0;
  for (let i = start; i < end; i++) {
    const c = out.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    if (mayShowTooMany && !isTrimmed(c) && ++shown >= DATE_LINE_MAX_LENGTH) return false;
  }
  if (!by && digits < 4) return false;
  const line = trimmedLine(out, start, end);
  return line.length < DATE_LINE_MAX_LENGTH && (by ? BYLINE : DATE_LINE).test(line);
}

/** What String.prototype.trim removes (ECMAScript's WhiteSpace and LineTerminator). Split at the space first: most
 *  characters are printable ASCII, which then take two comparisons instead of the whole list. */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff);
}
const HEADING_MAX_LENGTH = 400;
/** M8: a date line or a byline left in the article's flow (M6 drops those whose element's class says so): a date
 *  (month name, day and year, or digits), after a weekday, a label such as "Updated" or a time; or "By" and a name. */
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE = `(?:${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}\\.?\\s+${MONTH},?\\s+\\d{4}|\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{2,4})`;
const TIME = '\\d{1,2}[:.]\\d{2}\\s*(?:[ap]\\.?m\\.?)?(?:\\s*[a-z]{2,4})?';
const DATE_LINE = new RegExp(`^(?:(?:published|updated|posted|last updated|modified)(?: on)?:?\\s*)?(?:${TIME},?\\s*)?` +
  `(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s*)?${DATE}(?:,?\\s*(?:at\\s+)?${TIME})?$`, 'i');
/** A byline ends with no sentence's end ("By Monday, the quay had reopened." is prose). */
const BYLINE = /^[Bb][Yy]\s+[A-Z][\p{L}.'’-]*(?:\s+[A-Z][\p{L}.'’-]*){0,3}(?:\s*(?:,|-|\||and\b)(?:.*[^.!?])?)?$/u;
const DATE_LINE_MAX_LENGTH = 80;
/** The first three letters of the words a date line may start with (DATE_LINE): a label, a weekday or a month. A test
 *  of the first letter alone let most lines through (t, a, s, m, w, ...) to have their digits counted. */
const DATE_WORD_STARTS = new Set('pub upd pos las mod mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec'
  .split(' ').map((w) => threeLetterKey(w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(2))));

/** Three ASCII code units as one number, letters in either case alike. */
function threeLetterKey(a: number, b: number, c: number): number {
  return ((a | 0x20) << 16) | ((b | 0x20) << 8) | (c | 0x20);
}

/** Whether out[start, start + 3) is, in any case, the start of a word that DATE_LINE can begin with. */
function startsDateWord(out: string, start: number): boolean {
  const a = out.charCodeAt(start);
  const b = out.charCodeAt(start + 1);
  const c = out.charCodeAt(start + 2);
  return a < 128 && b < 128 && c < 128 && DATE_WORD_STARTS.has(threeLetterKey(a, b, c));
}
/** Its length with white space whole (M2) is below this: most lines are not sliced. */
const DATE_LINE_MAX_RAW_LENGTH = 200;
/** M10 (boilerpipe's terminating blocks): a short line that opens the comments or asks for the reader's opinion
 *  ends the article (it and the article's lines after it go to rest), when the article has about 60 words before
 *  it and less after it than before (a page of several stories has a "Comments" line after each). */
const END_OF_TEXT = /^\s*(?:\d+\s+comments?\b|comments\b|post a comment|leave a (?:comment|reply)|please rate this|© reuters)|what you think|add (?:your )?comment|reader (?:views|comments)|have your say|\d+ users responded in/i;
const END_LINE_MAX_LENGTH = 100;
const END_AFTER_LENGTH = 300;

/**
 * M8: a line of the chosen article goes to the rest when it is mostly link text and short (a related-story link,
 * "READ MORE: ..."), only an advertising label, or a heading (h1, h2) that repeats the page's title (the title is
 * stored apart, and the headline is not the article's body).
 */
function dropBoilerplateLines(layout: Layout, out: string, mask: Uint8Array, title: string): void {
  const { segStart, segEnd, segLink, segTag, segLen, nSeg } = layout;
  const lowerTitle = title.toLowerCase();
  let total = 0;
  for (let s = 0; s < nSeg; s++) if (mask[s]) total += segLen[s];
  let before = 0; // the article's length before line s
  let ended = false;
  for (let s = 0; s < nSeg; s++) {
    if (!mask[s]) continue;
    const length = segLen[s];
    if (!ended && length < END_LINE_MAX_LENGTH && before >= END_AFTER_LENGTH && total - before < before &&
      END_OF_TEXT.test(out.slice(segStart[s], segEnd[s]))) ended = true;
    before += length;
    if (ended) mask[s] = 0;
    else if (length < LINK_LINE_MAX_LENGTH && segLink[s] >= length * LINK_LINE_DENSITY) mask[s] = 0;
    else if (length < CREDIT_LINE_MAX_LENGTH && isLabelOrCredit(out, segStart[s], segEnd[s], length)) mask[s] = 0;
    else if (length < DATE_LINE_MAX_RAW_LENGTH && isDateOrByline(out, segStart[s], segEnd[s])) mask[s] = 0;
    else if ((segTag[s] === ID.h1 || segTag[s] === ID.h2) && lowerTitle && length < HEADING_MAX_LENGTH) {
      const line = trimmedLine(out, segStart[s], segEnd[s]).toLowerCase();
      if (line && (lowerTitle.includes(line) || line.includes(lowerTitle))) mask[s] = 0;
    }
  }
}

interface Features {
  layout: Layout;
  elFlags: Uint32Array;
  segLen: Int32Array;
  commas: Int32Array;
  /** The element is a data table or inside one. */
  inDataTable: Uint8Array;
}

/** M9: how many of the runners-up, and how close to the top's score, make an article split over several blocks. */
const RUNNERS_UP = 4;
const RUNNER_UP_SHARE = 0.75;
const MIN_RUNNERS_UP = 3;

/**
 * M9 (Readability's): an article split into several blocks (one per section, or cut by an ad or a gallery) makes
 * each block a candidate of about the same score, and the top one alone is a part of it. When at least three of
 * the four runners-up score 0.75 of the top or more, the article is the nearest ancestor of the top (below body)
 * that holds three of them. (Readability also climbs to an ancestor that scores more than the one below it; on the
 * dev half that only added boilerplate, so it is left out.)
 */
function consolidated(layout: Layout, score: Float64Array, best: readonly number[]): number {
  const { elParent, elTag } = layout;
  const top = best[0];
  const close = best.filter((e, i) => i > 0 && score[e] >= score[top] * RUNNER_UP_SHARE);
  if (score[top] <= 0 || close.length < MIN_RUNNERS_UP) return top;
  for (let a = elParent[top]; a > 0 && elTag[a] !== ID.body; a = elParent[a]) {
    let holds = 0;
    for (const e of close) {
      let x = elParent[e];
      while (x > a) x = elParent[x]; // an ancestor's id is below its descendants'
      if (x === a) holds++;
    }
    if (holds >= MIN_RUNNERS_UP) return a;
  }
  return top;
}

/** One attempt at the article, with the elements that have one of the `unlikely` flags out of the running. */
function attempt(page: Features, unlikely: number): Uint8Array | undefined {
  const { layout, elFlags, segLen, commas, inDataTable } = page;
  const { elParent, elTag, segElem, segLink, segTag, nEl, nSeg } = layout;
  // Elements out of the running: unlikely ones and everything inside them.
  const excluded = U8.zeroed(U8_EXCLUDED, nEl);
  for (let e = 1; e < nEl; e++) {
    const f = elFlags[e];
    excluded[e] = excluded[elParent[e]] || ((f & unlikely) && !(f & F_MAIN) && elTag[e] !== ID.body) ? 1 : 0;
  }

  // Subtree sums (a parent's id is below its children's).
  const sumLen = F64.zeroed(F64_SUM_LEN, nEl);
  const sumLink = F64.zeroed(F64_SUM_LINK, nEl);
  const sumCommas = F64.zeroed(F64_SUM_COMMAS, nEl);
  const sumP = F64.zeroed(F64_SUM_P, nEl);
  const sumLi = F64.zeroed(F64_SUM_LI, nEl);
  const sumTable = F64.zeroed(F64_SUM_TABLE, nEl);
  for (let s = 0; s < nSeg; s++) {
    const c = commas[s];
    const e = segElem[s];
    if (excluded[e]) continue;
    sumLen[e] += segLen[s];
    sumLink[e] += segLink[s];
    sumCommas[e] += c;
    if (segTag[s] === ID.p) sumP[e]++;
    else if (segTag[s] === ID.li) sumLi[e]++;
    if (inDataTable[e]) sumTable[e] += segLen[s];
  }
  for (let e = nEl - 1; e > 0; e--) {
    const p = elParent[e];
    sumLen[p] += sumLen[e];
    sumLink[p] += sumLink[e];
    sumCommas[p] += sumCommas[e];
    sumP[p] += sumP[e];
    sumLi[p] += sumLi[e];
    sumTable[p] += sumTable[e];
  }

  // Readability's scoring: each paragraph of 25+ characters scores its element and up to four ancestors.
  const score = F64.zeroed(F64_SCORE, nEl);
  const candidate = U8.zeroed(U8_CANDIDATE, nEl);
  for (let s = 0; s < nSeg; s++) {
    let e = segElem[s];
    if (excluded[e] || segLen[s] < 25) continue;
    const cs = paragraphScore(segLen[s], commas[s]);
    for (let level = 0; level < 5 && e > 0; level++, e = elParent[e]) {
      if (!candidate[e]) {
        candidate[e] = 1;
        score[e] = tagScore(elTag[e]) + classWeight(elFlags[e]);
      }
      score[e] += cs / (level === 0 ? 1 : level === 1 ? 2 : level * 3);
    }
  }
  // The best candidates, best first (the first of equals): the article (M4) and the runners-up M9 looks at.
  const best: number[] = [];
  for (let e = 1; e < nEl; e++) {
    if (!candidate[e]) continue;
    score[e] *= 1 - (sumLen[e] > 0 ? sumLink[e] / sumLen[e] : 0);
    let i = best.length;
    while (i > 0 && score[best[i - 1]] < score[e]) i--;
    if (i > RUNNERS_UP) continue;
    // Inserted at i by hand, the last dropped past RUNNERS_UP + 1 (splice was a tenth of an attempt's time).
    if (best.length <= RUNNERS_UP) best.push(e);
    for (let k = best.length - 1; k > i; k--) best[k] = best[k - 1];
    best[i] = e;
  }
  if (best.length === 0) return undefined;
  const root = U8.zeroed(U8_ROOT, nEl);
  // The best element stays whole (M6 does not clean it) when M9 takes an ancestor for the article.
  root[best[0]] = 1;
  const top = consolidated(layout, score, best);
  // An ancestor that no line scored starts from its tag and class weight, as a candidate does (M4).
  const topScore = candidate[top] ? score[top] : tagScore(elTag[top]) + classWeight(elFlags[top]);

  // The article: the top element and its siblings that score well.
  root[top] = 1;
  const parent = elParent[top];
  const threshold = Math.max(10, topScore * 0.2);
  for (let e = top + 1; e < nEl; e++) if (elParent[e] === parent && candidate[e] && score[e] >= threshold) root[e] = 1;
  for (let e = parent + 1; e < top; e++) if (elParent[e] === parent && candidate[e] && score[e] >= threshold) root[e] = 1;

  // Inside it, elements that look like boilerplate are dropped (Readability's conditional cleaning, simplified).
  const inMain = U8.zeroed(U8_IN_MAIN, nEl);
  for (let e = 1; e < nEl; e++) {
    if (excluded[e]) continue;
    if (!root[e] && !inMain[elParent[e]]) continue;
    // An element that is mostly a data table is kept whole: its cells are short, often links, and score little.
    if (!root[e] && sumTable[e] * 2 < sumLen[e]) {
      const f = elFlags[e];
      const weight = classWeight(f);
      const ld = sumLen[e] > 0 ? sumLink[e] / sumLen[e] : 0;
      const isList = (f & F_LIST) !== 0;
      if (weight + score[e] < 0) continue;
      if (f & F_BYLINE && sumLen[e] < BYLINE_MAX_LENGTH) continue;
      if (sumCommas[e] < 10) {
        if (!isList && sumLi[e] > sumP[e]) continue;
        if (!isList && weight < 25 && ld > 0.2) continue;
        if (weight >= 25 && ld > 0.5) continue;
      }
    }
    inMain[e] = 1;
  }

  const mask = U8.zeroed(U8_MASK, nSeg);
  let mainLength = 0;
  for (let s = 0; s < nSeg; s++) {
    const e = segElem[s];
    if (inMain[e] || (e === parent && !excluded[e] && segLen[s] > 80 && segLink[s] < segLen[s] * 0.25)) {
      mask[s] = 1;
      mainLength += segLen[s];
    }
  }
  return mainLength >= MIN_MAIN_LENGTH ? mask.subarray(0, nSeg) : undefined;
}
