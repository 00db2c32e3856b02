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

/** The main content of a page's text (the whole text when `runs` is null). */
export function mainOf(text: string, runs: string | null): string {
  return runs === null ? text : linesOf(text, runs, true);
}

/** The text outside the main content ('' when `runs` is null). */
export function restOf(text: string, runs: string | null): string {
  return runs === null ? '' : linesOf(text, runs, false);
}
