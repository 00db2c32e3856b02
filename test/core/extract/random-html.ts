// Pages for the extractor's tests: random pages of tricky tokens for its fuzz tests (fsm.test.ts, pieces.test.ts),
// from a deterministic PRNG so that a failure reproduces, and a page cut into pieces (pieces.test.ts, corpus.test.ts).

export function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const TOKENS = [
  '<', '>', '/', '!', '?', '-', '--', '=', '"', "'", ' ', '\n', 'a', 'p', 'x', '&amp;', '&', '<!--', '-->', '--!>',
  '<p>', '</p>', '<br/>', '<script>', '</script>', '<style ', '</style>', '<title>', '</title>', '<textarea>',
  '</textarea>', '<noscript>', '</noscript>', '<iframe>', '</iframe>', '<template>', '</template>', '<svg', '</svg>',
  '/>', '<meta name=description content="d">', '<!DOCTYPE html>', '<![CDATA[', ']]>', 'é', '中', '<a href=', 'SCRIPT',
  '<td>', '&#x41;', '&nbsp;', '\0',
];

export function randomHtml(next: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += TOKENS[Math.floor(next() * TOKENS.length)];
  return s;
}

/** The page cut into pieces of the given lengths, repeated to the end. */
export function cut(html: string, lengths: readonly number[]): string[] {
  const pieces: string[] = [];
  for (let i = 0, k = 0; i < html.length; k++) {
    const n = lengths[k % lengths.length];
    pieces.push(html.slice(i, i + n));
    i += n;
  }
  return pieces;
}
