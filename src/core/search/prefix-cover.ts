// A prefix with more words than an OR is worth writing out (search/index.ts MAX_COMPLETIONS), written out all the same:
// its most frequent words by name, and the rest by longer prefixes that none of those words begins with. FTS5 reads a
// prefix by merging the doclists of every word it covers before its first row; here only the rarer words' doclists
// are merged, and the frequent ones are read lazily, newest first, as any completion is.
//
// How many words to name is a trade: each item of the OR costs a cursor opened (~5 us at a million pages), and each
// page of the words left under a prefix item costs its merge (~60 ns). Measured on the bench's million real pages,
// the newest 40 matches: `lib*` (17,875 words, 13,882 of them on one or two pages) 50 named -> 612 items, 200,822
// pages merged, 17 ms; 200 -> 2,999 items, 24 ms. `con*` (3,111 words on 7.7M pages): 50 -> 851 items, 3.4M pages
// merged, 208 ms; 200 -> 1,906 items, 794k pages, 52 ms; 500 -> 2,579 items, 2,822 pages, 15 ms. Read whole, either
// took 100-2,000 ms.

import { ftsLiteral } from './query.js';

/** A word of the index and how many pages hold it. */
export interface IndexWord {
  term: string;
  pages: number;
}

/** What an item of the OR costs, and a page merged under a prefix item, in nanoseconds (see above). */
const ITEM_COST = 5_000;
const MERGED_PAGE_COST = 60;
/** The fewest of the most frequent words tried by name; then twice as many, and so on. */
const FIRST_NAMED = 50;

/** A cover of a prefix's words: its items (a word, or a prefix when `prefix`), and how many pages its prefixes merge. */
export interface PrefixCover {
  items: Array<{ text: string; prefix: boolean }>;
  mergedPages: number;
}

/**
 * What together matches exactly `words`, all the words of the index that begin with `prefix` in code point order (as
 * SQLite orders them): each named word (`named`, by index) by itself, and the others by the shortest longer prefixes
 * that no named word begins with, or by itself when a named word begins with the whole word. Null when that takes
 * more than `most` items.
 */
export function coverWith(words: readonly IndexWord[], prefix: string, named: ReadonlySet<number>, most: number): PrefixCover | null {
  // How far each word runs along a named word: in order, the named word nearest before or after it runs along it
  // furthest (words that share a start lie together).
  const along = new Int32Array(words.length).fill(prefix.length);
  const runAlong = (i: number, n: number) => {
    const a = words[i].term;
    const b = words[n].term;
    let k = prefix.length;
    while (k < a.length && k < b.length && a.charCodeAt(k) === b.charCodeAt(k)) k++;
    if (k > along[i]) along[i] = k;
  };
  for (let i = 0, n = -1; i < words.length; i++) {
    if (named.has(i)) n = i;
    if (n >= 0) runAlong(i, n);
  }
  for (let i = words.length - 1, n = -1; i >= 0; i--) {
    if (named.has(i)) n = i;
    if (n >= 0) runAlong(i, n);
  }
  const items: PrefixCover['items'] = [];
  let mergedPages = 0;
  // The words under one prefix lie together, so a prefix is added when the first of them is met.
  let last: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const { term, pages } = words[i];
    let k = along[i];
    if (k === term.length) {
      items.push({ text: term, prefix: false }); // a named word, or the start of one
    } else {
      mergedPages += pages;
      if (last !== null && term.startsWith(last)) continue;
      // One character past the run (a code point: a surrogate pair is never cut): no named word begins so.
      if (k > prefix.length && isHighSurrogate(term.charCodeAt(k - 1))) k--;
      last = term.slice(0, k + (isHighSurrogate(term.charCodeAt(k)) ? 2 : 1));
      items.push({ text: last, prefix: true });
    }
    if (items.length > most) return null;
  }
  return { items, mergedPages };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** The cheapest cover of a prefix's words (`words`, in code point order) within `most` items, its items as FTS5
 *  items (a quoted word, or a quoted prefix and `*`): its FIRST_NAMED most frequent words named, then twice as many,
 *  while that fits; null when none fits. */
export function prefixCover(words: readonly IndexWord[], prefix: string, most: number): { items: string[]; mergedPages: number } | null {
  const byPages = words.map((_, i) => i).sort((a, b) => words[b].pages - words[a].pages || a - b);
  let best: PrefixCover | null = null;
  let bestCost = Infinity;
  for (let named = FIRST_NAMED; ; named *= 2) {
    const cover = coverWith(words, prefix, new Set(byPages.slice(0, named)), most);
    if (cover === null) break;
    const cost = cover.items.length * ITEM_COST + cover.mergedPages * MERGED_PAGE_COST;
    if (cost < bestCost) [best, bestCost] = [cover, cost];
    if (named >= words.length) break;
  }
  if (!best) return null;
  return { items: best.items.map(({ text, prefix: p }) => ftsLiteral(text, p)), mergedPages: best.mergedPages };
}
