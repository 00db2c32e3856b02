// Which lines of a page's stored text are its main content, as the store keeps it: not a second copy of the article,
// but the runs of lines in and out of it. The extractor's main and rest are the lines of text in and not in the
// article, each in text's order (extract/index.ts, clause M1), so the runs give both back exactly (the main content
// as the extractor wrote it; the rest with its words, in text's order) at a few bytes a page instead of the article's
// size again. Pure functions: the ingest workers encode, the store decodes in SQL (MAIN_FUNCTION, REST_FUNCTION) and
// for the record viewer.

/**
 * The runs of `main`'s lines within `text`: comma-separated line counts, alternately outside and inside the main
 * content, starting outside ('0,12,3,4': lines 0-11 in, 12-14 out, 15-18 in, the rest out). Null when main is the
 * whole text (no article), and also when main's lines are not a subsequence of text's (then the page falls back to
 * its full text rather than losing words).
 */
export function mainLinesOf(text: string, main: string): string | null {
  return main === text ? null : mainLinesOfLines(text.split('\n'), main);
}

/** mainLinesOf of a text already split into its lines, for a main content that is not the whole text. */
export function mainLinesOfLines(lines: readonly string[], main: string): string | null {
  const wanted = main === '' ? [] : main.split('\n');
  const runs: number[] = [];
  let inside = false;
  let run = 0;
  let w = 0;
  for (const line of lines) {
    const isMain = w < wanted.length && line === wanted[w];
    if (isMain) w++;
    if (isMain !== inside) {
      runs.push(run);
      inside = isMain;
      run = 0;
    }
    run++;
  }
  if (w < wanted.length) return null;
  if (inside) runs.push(run);
  return runs.join(',');
}

/** Lines [start, end) of a text, all inside its main content or all outside. */
export interface LineRange {
  start: number;
  end: number;
  inside: boolean;
}

/** The ranges of lines `runs` gives over a text of `lineCount` lines, in order; the lines past the last run are
 *  outside the main content. A stored value that is no list of counts gives what it always gave (no lines). */
export function lineRanges(runs: string, lineCount: number): LineRange[] {
  const ranges: LineRange[] = [];
  let at = 0;
  let inside = false;
  for (const n of runs.split(',')) {
    const end = at + Number(n);
    ranges.push({ start: at, end: Math.min(end, lineCount), inside });
    at = end;
    inside = !inside;
  }
  ranges.push({ start: at, end: lineCount, inside: false });
  return ranges;
}

/** The lines of the ranges inside (or outside) the main content, joined as the text joins them. */
export function joinRanges(lines: readonly string[], ranges: readonly LineRange[], inside: boolean): string {
  const out: string[] = [];
  for (const r of ranges) if (r.inside === inside) for (let i = r.start; i < r.end; i++) out.push(lines[i]);
  return out.join('\n');
}

/** The lines of `text` inside (or outside) the runs, joined as the text joins them. */
function linesOf(text: string, runs: string, inside: boolean): string {
  const lines = text.split('\n');
  return joinRanges(lines, lineRanges(runs, lines.length), inside);
}

/** A stretch of a text's characters, [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** Where the main content's lines lie in `text` (a string, or its UTF-8 bytes: a newline byte is never part of another
 *  character's): a span for each run of them (runs with no line outside between them make one span), from its first
 *  line's start to its last line's end, without the newline after it. Joined by '\n', the spans' characters are
 *  mainOf(text, runs). Null when the runs are not all whole counts: mainOf then reads them line by line as it always
 *  did. */
export function mainSpans(text: string | Uint8Array, runs: string): Span[] | null {
  const counts = runs.split(',').map(Number);
  if (!counts.every((n) => Number.isInteger(n) && n >= 0)) return null;
  const newlineFrom = typeof text === 'string' ? (at: number) => text.indexOf('\n', at) : (at: number) => text.indexOf(NEWLINE, at);
  const spans: Span[] = [];
  let next = 0; // where the next line starts; past the text's end (text.length + 1) once every line is counted
  let inside = false;
  for (const n of counts) {
    const start = next;
    for (let k = 0; k < n && next <= text.length; k++) {
      const newline = newlineFrom(next);
      next = newline < 0 ? text.length + 1 : newline + 1;
    }
    if (inside && next > start) {
      const last = spans[spans.length - 1];
      if (last !== undefined && last.end + 1 === start) last.end = next - 1;
      else spans.push({ start, end: next - 1 });
    }
    inside = !inside;
  }
  return spans;
}

const NEWLINE = 0x0a;

/** Bytes of UTF-8 in one piece of mainPieces at most (unless one line is longer): at most as many UTF-16 units, so a
 *  piece stays under V8's 128 KiB for a string of the ordinary heap. A larger string gets a fresh mapping of its own,
 *  whose pages fault in on first touch: on this project's CI machine (~12 us a fault) a page of 84,000 characters with
 *  one curly quote (two bytes a character) cost ~0.6 ms to read as one string, and as much again to join its main
 *  content into another. A text no longer than this is read as a string (search/sql.ts buildPageTextsSql). */
export const PIECE_BYTES = 60 * 1024;

const utf8 = new TextDecoder();

/** A page's main content (mainOf) in pieces of whole lines, joined by '\n' the main content: from its stored text as a
 *  string, one piece; as UTF-8 bytes (a text longer than PIECE_BYTES), pieces of at most PIECE_BYTES each (a longer
 *  line is a piece of its own). Search cuts snippets from them without ever making a big page's text or its main
 *  content one string (search/snippet.ts snippetOfPieces). */
export function mainPieces(text: string | Uint8Array, runs: string | null): string[] {
  if (typeof text === 'string') return [mainOf(text, runs)];
  const spans = runs === null ? [{ start: 0, end: text.length }] : mainSpans(text, runs);
  if (spans === null) return [mainOf(utf8.decode(text), runs)];
  // Each span is cut at line ends into parts of at most PIECE_BYTES; the parts are gathered into pieces while they fit.
  const pieces: string[] = [];
  let parts: string[] = [];
  let size = -1; // the gathered parts' bytes, with the newlines that join them
  const add = (start: number, end: number) => {
    if (parts.length > 0 && size + 1 + end - start > PIECE_BYTES) {
      pieces.push(parts.join('\n'));
      parts = [];
      size = -1;
    }
    parts.push(utf8.decode(text.subarray(start, end)));
    size += 1 + end - start;
  };
  for (const span of spans) {
    let start = span.start;
    while (span.end - start > PIECE_BYTES) {
      let end = text.lastIndexOf(NEWLINE, start + PIECE_BYTES);
      if (end < start) end = text.indexOf(NEWLINE, start + PIECE_BYTES);
      if (end < 0 || end >= span.end) break;
      add(start, end);
      start = end + 1;
    }
    add(start, span.end);
  }
  if (parts.length > 0) pieces.push(parts.join('\n'));
  return pieces;
}

/** A page's stored text as a string, from either form buildPageTextsSql reads it in. */
export function textOf(text: string | Uint8Array): string {
  return typeof text === 'string' ? text : utf8.decode(text);
}

/** The main content of a page's text (the whole text when `runs` is null). */
export function mainOf(text: string, runs: string | null): string {
  if (runs === null) return text;
  const spans = mainSpans(text, runs);
  return spans === null ? linesOf(text, runs, true) : spans.map((s) => text.slice(s.start, s.end)).join('\n');
}

/** The text outside the main content ('' when `runs` is null). */
export function restOf(text: string, runs: string | null): string {
  return runs === null ? '' : linesOf(text, runs, false);
}
