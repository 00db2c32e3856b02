/**
 * Text extraction from HTML: the CPU extractor and the specification of the transform (the GPU kernels in
 * src/core/extract-webgl implement the same one and must give byte-identical output).
 *
 * THE TRANSFORM (each clause has a unit test in test/core/extract/extract.test.ts, named after its number)
 *  T1  Input is a decoded string (see charset.ts); output is { title, description, text } and the main content (M1).
 *  T2  Tokenizing follows the state machine in fsm.ts: tags are found as a browser's tokenizer finds them ('<' + ASCII
 *      letter starts a tag, '</' + letter an end tag, names ASCII case-insensitive; '<' followed by anything else is
 *      text; a '>' inside a quoted attribute value does not end a tag; a quote opens a value only after '=';
 *      script bodies follow the '<!--' / '<script' escapes). Simplifications are listed in fsm.ts.
 *  T3  Removed with their content: comments ('<!--' to '-->' or '--!>'; '<!-->' and '<!--->' are empty comments;
 *      an unterminated comment runs to the end), '<!...>' and '<?...>' and '</' + non-letter up to the next '>'
 *      (doctype, CDATA, bogus comments, '</>'), and the elements script, style, noscript, iframe, noembed, noframes,
 *      template, svg (content up to the matching end tag, or to the end; '<svg .../>' is empty).
 *  T4  title: the content of the first <title> (raw text: no tags inside), references decoded, white space collapsed
 *      and trimmed; '' when there is none. The title is not part of text.
 *  T5  description: the content attribute of the first <meta name="description" content="..."> (name compared
 *      case-insensitively and trimmed), references decoded as in an attribute value, white space collapsed, trimmed.
 *  T6  text: the character data of the page plus the content of <textarea> (raw text), with character references
 *      decoded: the full HTML5 named set (2231 names, 106 legacy names also without ';', longest match), decimal and
 *      hex references with or without ';', 0 / surrogates / > U+10FFFF -> U+FFFD, 0x80-0x9F -> windows-1252.
 *      An '&' that starts no reference stays as written.
 *  T7  Lines: the start and end tags of block elements (finish.ts BLOCK_TAGS: p, div, br, li, h1-h6, tr, table,
 *      section, article, header, footer, nav, ul, ol, blockquote, pre, hr, form, ...) end a line; td, th, button,
 *      input, select separate words with a space; other tags (a, span, b, ...) and removed elements separate nothing.
 *  T8  White space: runs of ASCII white space and U+00A0 become one space (also inside <pre>); each line is trimmed;
 *      there are no empty lines; lines are joined with '\n', with none at the start or end. NUL is dropped.
 *
 * MAIN CONTENT (main-content.ts; each clause has a test in test/core/extract/main-content.test.ts, named after it)
 *  M1  Output: main, rest and mainFound. With an article, main and rest are the lines of text that are and are not
 *      in it, each in text's order, so every line of text is in exactly one of them; without one, main is text,
 *      rest is '' and mainFound is false.
 *  M2  Structure: a line's element is the innermost open container at its first character (body div section
 *      article main aside nav header footer ul ol dl table tr td th form figure blockquote center details menu
 *      dialog); a container ends at its end tag (closing those opened inside it), a td/th at the next cell or row, a
 *      tr at the next row; an end tag with no open element of its name is ignored. A line's length is its extent in
 *      the output (before white space is collapsed); its link text is what lies inside <a>. A line's block is the
 *      last block tag opened since the line before it (p, li, h1-h6, ... or a container; a container opened inside
 *      a heading leaves the line a heading).
 *  M3  Boilerplate: an element and all inside it are out of the running when its tag is nav, aside, header, footer,
 *      menu, dialog, form or figure (an image's caption and credit are not the article's text); or its role is navigation, banner, contentinfo, complementary, menu, menubar, search,
 *      dialog, alert or alertdialog; or its class or id holds a boilerplate word (comment, footer, header, menu,
 *      sidebar, share, related, cookie, banner, breadcrumb, nav..., see UNLIKELY) and no rescue word (article,
 *      body, content, main, column, ...); or it is not shown: a hidden attribute, aria-hidden="true", or a style
 *      with display: none or visibility: hidden. <main>, <article>, role=main|article and itemprop=articleBody are
 *      never out of the running.
 *  M4  Scoring (Readability's): each line of 25+ characters in the running scores 1 + its commas +
 *      min(floor(length / 100), 3) for its element and its ancestors up to four levels, divided by 1, 2, 6, 9, 12.
 *      A scored element starts from its tag (div +5; pre, td, blockquote +3; ul, ol, dl, form -3; th -5) and its
 *      class weight (a negative class/id word -25, a positive one +25, a main hint as in M3 +25), and its total is
 *      multiplied by 1 - its link density (link text / text, over the lines in the running inside it). The article
 *      is the element with the highest score (the first of equals), or the ancestor M9 gives.
 *  M5  Siblings: an element with the article's parent that scores at least max(10, 0.2 x the article's score) is
 *      part of it; so is a line directly inside that parent longer than 80 with link density below 0.25.
 *  M6  Cleaning: inside the article an element is dropped with its content when its class weight plus its score is
 *      below 0; or, when it has fewer than 10 commas, if it is no list and has more list items than paragraphs, or
 *      is no list with class weight below 25 and link density above 0.2, or has class weight 25+ and link density
 *      above 0.5; or when its class or id names a byline, date, caption or credit (byline, author, dateline,
 *      timestamp, writtenby, caption, credit) and it holds fewer than 100 code units. An element at least half of
 *      whose text is in a data table (a table with a th cell) is not cleaned.
 *  M7  No article: when nothing scores, or the lines chosen total fewer than 200 code units, the choice is made once
 *      more with the class/id boilerplate words of M3 ignored, and the form tag (a framework such as ASP.NET's Web
 *      Forms wraps the whole page in one) and aria-hidden="true" (modal scripts set it on the page's root while a
 *      dialog, a cookie banner, is open); the other tags, roles, the hidden attribute and styles still count. If that
 *      also fails, a third attempt also looks inside what is not shown (hidden, display: none, visibility: hidden:
 *      an article a script reveals). If that also fails, mainFound is false.
 *  M8  Lines: a line of the article goes to rest when it is shorter than 200 code units with link text at least 0.8
 *      of it (a related-story link, "READ MORE: ..."), or is only an advertising label (Advertisement, Advert, Ad,
 *      Sponsored, Anzeige, Publicité, ... trimmed, any case), or is an image's credit or caption: shorter than 300
 *      code units and, trimmed, starting with '©' or 'Photo:', 'Image:', 'Picture:', 'Credit:' (or their plurals,
 *      any case) or ending with such a label's parenthesis ('... (Image: GETTY)'); or is a date line or a byline
 *      (metadata, as Readability's byline and trafilatura's date are): shorter than 200 code units (M2) and, with
 *      white space collapsed, shorter than 80, and either a date (English month name, day and year in either order,
 *      or digits d/m/y), optionally after 'Published', 'Updated', 'Posted', 'Last updated' or 'Modified' (+ 'on',
 *      ':'), a time and a weekday, and before a time; or 'By' and one to four capitalised words, alone or before ',',
 *      '-', '|' or 'and' and text that does not end a sentence (. ! ?); or is an h1
 *      or h2 line that the page's title (T4) contains or that contains the title, compared with white space
 *      collapsed and in lower case (the headline is stored as the title). If no line is left, mainFound is false.
 *  M9  Split article: when at least 3 of the 4 next-best scored elements (M4) score 0.75 of the best or more, the
 *      article is the nearest ancestor of the best element (below body) that holds 3 of them (an article cut
 *      into blocks by section, ad or gallery); an ancestor that no line scored starts from its tag and class weight,
 *      and M6 does not clean the best element (nor what holds it) inside it.
 *  M10 End of text (boilerpipe's terminating blocks): a line of the article shorter than 100 code units that
 *      starts with 'Comments', 'N comments', 'Post a comment', 'Leave a comment', 'Leave a reply', 'Please rate
 *      this' or '© Reuters', or holds 'what you think', 'add comment', 'add your comment', 'reader views', 'reader
 *      comments', 'have your say' or 'N users responded in' (any case, in the line as the text shows it: white space
 *      collapsed by T8), goes to rest with every line of the article after it, when the article's lines before it
 *      total 300 code units or more and those after it total less.
 * The rules run on what the finish step sees (runs of text and markup), so the GPU path gets the same main content.
 *
 * This module fuses the FSM scan with skipping (it jumps straight to the next code unit that can change the state)
 * and feeds the same Assembler as finish(), so extractText(t) equals finish(t, statesOf(t)) (tested on the corpus).
 */
import {
  Assembler, blankEnd, blankRead, FAMILY, nameRead, startTagState, tagCode, type ExtractedText, type ExtractOptions,
} from './finish.js';
import * as fsm from './fsm.js';

export type { ExtractedText } from './finish.js';
export { finish } from './finish.js';
export { statesOf } from './fsm.js';
export { decodeEntities } from './entities.js';

// Module-local copies: loaders that bind imports through getters (tsx, vitest) would otherwise pay a call per use.
const {
  TRANSITIONS, STATE_COUNT, TEXT, TAG, TAG_EQ, TAG_DQ, TAG_SQ, COMMENT, BOGUS, SCRIPT, SCRIPT_ESC, SCRIPT_DESC, SVG_TAG,
  classAt, isWs,
} = fsm;
const family_ = FAMILY;
const nameRead_ = nameRead;
/** The code units at the end of a window (scan with final false) whose classes are not known: classAt looks ahead. */
const GUARD = fsm.WINDOW_AHEAD + 1;
const blankRead_ = blankRead;
const blankEnd_ = blankEnd;

/** An ASCII letter (NaN, past the end, is none). */
function isLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/**
 * The next position >= k whose code unit may move the FSM out of state s (n if none). Only the characters that
 * carry a state-changing class in s are looked for; every other code unit keeps s (see TRANSITIONS).
 */
function nextCandidate(html: string, s: number, k: number, n: number): number {
  let p: number;
  switch (s) {
    case TAG: // '>' closes, '=' expects a value
      for (; k < n; k++) {
        const c = html.charCodeAt(k);
        if (c === 0x3e || c === 0x3d) return k;
      }
      return n;
    case TAG_EQ:
      return k;
    case SCRIPT_ESC: case SCRIPT_DESC: // '<script', '</script', '-->'
      for (; k < n; k++) {
        const c = html.charCodeAt(k);
        if (c === 0x3c || c === 0x3e) return k;
      }
      return n;
    case SCRIPT: p = html.indexOf('<', k); break; // '<!--' or '</script'
    case TAG_DQ: p = html.indexOf('"', k); break;
    case TAG_SQ: p = html.indexOf("'", k); break;
    case COMMENT: case BOGUS: case SVG_TAG: p = html.indexOf('>', k); break;
    default: p = html.indexOf('</', k); // the raw-text states end only at an end tag
  }
  return p < 0 ? n : p;
}

/**
 * The position of the '>' that ends the tag (states TAG..TAG_SQ) going on at k in state TAG, or -1 when it runs to the
 * end of the input. The TAG family's transitions, written out: in TAG only '>' (to TEXT) and '=' (to TAG_EQ) count;
 * in TAG_EQ white space waits, a quote opens a value that only its own quote closes, '>' closes the tag and any other
 * code unit starts an unquoted value (back to TAG). Most markup is tags, and this walks one without a class lookup
 * or a table step per transition (the generic loop in scan() gives the same states, see TRANSITIONS).
 */
function tagEnd(html: string, k: number, n: number): number {
  for (;;) {
    let c = 0;
    for (; k < n; k++) {
      c = html.charCodeAt(k);
      if (c === 0x3e || c === 0x3d) break;
    }
    if (k >= n) return -1;
    if (c === 0x3e) return k;
    k++;
    while (k < n && isWs(c = html.charCodeAt(k))) k++;
    if (k >= n) return -1;
    if (c === 0x22 || c === 0x27) {
      k = html.indexOf(c === 0x22 ? '"' : "'", k + 1);
      if (k < 0) return -1;
    } else if (c === 0x3e) return k;
    k++;
  }
}

/**
 * Feeds the runs of `html` to the Assembler. With `final` false, `html` is a window of a longer page (extractPieces):
 * a run is fed only when it is known whole, and where a run (or the last code units, whose classes look ahead past
 * the window: WINDOW_AHEAD) starts that is not, the scan stops and returns its position, from where the next window
 * goes on. Every such position is a run's start in TEXT, or the '</' of the end tag that ends a raw-text element,
 * which in TEXT is the same end tag: a scan started there goes on as the page's would. Returns html.length when it
 * fed everything.
 */
function scan(html: string, asm: Assembler, final = true): number {
  const n = html.length;
  const limit = final ? n : n - GUARD;
  let i = 0;
  while (i < n) {
    let s = TEXT;
    // A tag's name is read once, for its class (here) and for what the Assembler does with it (tagCode): -1 for
    // other markup, and for a raw-text element's start tag, whose run ends at its end tag.
    let code = -1;
    let isEnd = false;
    // Markup often follows markup at once ("</a></li>"): then no search. Else the text's leading white space (between
    // two tags, often all of it) is crossed first, once for both the search and the Assembler (textAfterBlank), and
    // a '<' right after it needs no search either.
    let j = i;
    let blank = i;
    let nul = 0;
    if (html.charCodeAt(i) !== 0x3c) {
      blank = blankEnd_(html, i, n);
      nul = blankRead_.nul;
      j = html.charCodeAt(blank) === 0x3c ? blank : html.indexOf('<', blank);
    }
    // Where the walk of the markup at j goes on: after a tag's name, which tagCode has read (it holds no code unit
    // that changes the state), else after the '<'.
    let k = 0;
    while (j >= 0) {
      // '<' + letter and '</' + letter are tags (an end tag is a TAG from TEXT whatever its name, see TRANSITIONS);
      // anything else is classified.
      const c1 = html.charCodeAt(j + 1);
      if (isLetter(c1)) {
        const name = tagCode(html, j + 1, n);
        s = startTagState(name);
        if (s === TAG) code = name;
        k = nameRead_.end;
        break;
      }
      if (c1 === 0x2f && isLetter(html.charCodeAt(j + 2))) {
        code = tagCode(html, j + 2, n);
        k = nameRead_.end;
        isEnd = true;
        s = TAG;
        break;
      }
      s = TRANSITIONS[classAt(html, j) * STATE_COUNT + TEXT];
      if (s !== TEXT) {
        k = j + 1;
        break;
      }
      j = html.indexOf('<', j + 1);
    }
    if (j < 0 || j > limit || k > limit) {
      if (!final) return i;
      // final: no '<' ends the text (k and j are within the page when there is one)
      asm.textAfterBlank(i, blank, nul, n);
      return n;
    }
    if (j > blank) asm.textAfterBlank(i, blank, nul, j);
    else if (j > i) asm.blank(j - i - nul);
    let start = j;
    let family = family_[s];
    // The TAG family is left only for TEXT, so a run that reaches TAG ends at the tag's end.
    while (s !== TAG) {
      k = nextCandidate(html, s, k, n);
      if (k >= n || k > limit) {
        k = n; // the run goes on past the page, or (in a window) past what can be classified
        break;
      }
      const next = TRANSITIONS[classAt(html, k) * STATE_COUNT + s];
      if (next === TEXT) break;
      if (family_[next] !== family) {
        asm.markup(family, start, k);
        start = k;
        family = family_[next];
      }
      s = next;
      k++;
    }
    if (s === TAG) k = tagEnd(html, k, n);
    if (k < 0 || k >= n) {
      if (!final) return start;
      asm.markup(family, start, n);
      return n;
    }
    if (code >= 0) asm.tag(code, start, k + 1, isEnd);
    else asm.markup(family, start, k + 1);
    i = k + 1;
  }
  return n;
}

/** The CPU extractor: title, meta description and body text of an HTML page, as specified above. */
export function extractText(html: string): ExtractedText {
  return extractWith(html, {});
}

/** extractText without looking for the main content (main is text, mainFound false): for callers that want only
 *  the full text, and the baseline that the cost of main content is measured against (bench/extract). */
export function extractFullText(html: string): ExtractedText {
  return extractWith(html, { main: false });
}

/**
 * extractText of the page that `pieces` make in order (extractText(pieces.join(''))), without the page as one
 * string. A string over 128 KiB (64K characters of a page with any character past U+00FF) is V8's large object:
 * memory mapped for it alone and unmapped when it is collected, so every page of it is a fresh one to fault in (a
 * large page's share of an ingest worker's time, see ARCHITECTURE.md). The page is scanned in windows, each the
 * part of the window before that no run was known whole in, followed by the next piece; a window is made to hold
 * at least twice what was left, so a run longer than a piece (a large inline script) is scanned a bounded number of
 * times.
 */
export function extractPieces(pieces: readonly string[], options: ExtractOptions = {}): ExtractedText {
  if (pieces.length <= 1) return extractWith(pieces[0] ?? '', options);
  let p = 0;
  let html = pieces[p++];
  const asm = Assembler.take(html, options);
  for (;;) {
    const final = p === pieces.length;
    const stop = scan(html, asm, final);
    if (final) return asm.result();
    const left = html.slice(stop);
    html = left + pieces[p++];
    while (p < pieces.length && html.length < 2 * left.length) html += pieces[p++];
    asm.window(html);
  }
}

function extractWith(html: string, options: ExtractOptions): ExtractedText {
  const asm = Assembler.take(html, options);
  scan(html, asm);
  return asm.result();
}
