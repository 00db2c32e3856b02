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
  if (main === text) return null;
  const lines = text.split('\n');
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

/** The lines of `text` inside (or outside) the runs, joined as the text joins them. */
function linesOf(text: string, runs: string, inside: boolean): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let at = 0;
  let isMain = false;
  for (const n of runs.split(',')) {
    const end = at + Number(n);
    if (isMain === inside) for (let i = at; i < end && i < lines.length; i++) out.push(lines[i]);
    at = end;
    isMain = !isMain;
  }
  // Past the last run: outside the main content.
  if (!inside) for (let i = at; i < lines.length; i++) out.push(lines[i]);
  return out.join('\n');
}

/** The main content of a page's text (the whole text when `runs` is null). */
export function mainOf(text: string, runs: string | null): string {
  return runs === null ? text : linesOf(text, runs, true);
}

/** The text outside the main content ('' when `runs` is null). */
export function restOf(text: string, runs: string | null): string {
  return runs === null ? '' : linesOf(text, runs, false);
}
