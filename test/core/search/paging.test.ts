// Consistent paging by relevance: pages of hits asked one after another (offset 0, 100, 200, ...) hold every hit
// exactly once, in the order of one big page, under every plan, with filters, for words found only outside the main
// content, and across the rank window's edge. Many pages score the same (the same text): the ties are what made pages
// repeat one another when the order within a tie was left to SQLite.
import { describe, expect, it } from 'vitest';
import { search, type SearchTuning } from '../../../src/core/search/index.js';
import { collectionOf, type FakePage } from './helpers.js';

const N = 330;
const SITES = ['one.example.com', 'two.example.org', 'three.example.net'];
// Every page: an article holding 'benchmark', a menu holding 'sitenav' (so 'sitenav' is only outside the main
// content). 'mixed' is in the article of every fourth page and in the menu of the others, so it is ranked in two
// tiers. Two text lengths only: large groups of pages tie in bm25.
const PAGES: FakePage[] = Array.from({ length: N }, (_, i) => {
  const main = [`benchmark article ${i % 4 === 0 ? 'mixed' : 'plain'}`, i % 2 ? 'a longer closing line of words' : 'end'].join('\n');
  return {
    digest: `sha1:B${String(i).padStart(4, '0')}`,
    title: 'Result page',
    text: [`Home sitenav ${i % 4 === 0 ? 'plain' : 'mixed'}`, main].join('\n'),
    main,
    captures: [{ uri: `http://${SITES[i % 3]}/p/${i}`, timestamp: `2021${String((i % 12) + 1).padStart(2, '0')}01000000` }],
  };
});
const onSite = (site: string) => PAGES.filter((_, i) => SITES[i % 3] === site).length;

const coll = collectionOf(PAGES);

// Each plan a relevance query may take (search/index.ts), with a rank window that a page of 100 crosses (150) or
// that holds every match (the default).
const TUNINGS: Array<[string, Partial<SearchTuning>]> = [
  ['ranked, one window', {}],
  ['ranked, window of 150', { rankWindow: 150, commonShare: 1 }],
  ['very common words, newest first', { rankWindow: 150, commonShare: 0.5 }],
  ['very common words, selective filter as a set', { rankWindow: 150, commonShare: 0.5, walkCandidates: 0 }],
  ['very common words, selective filter looked up', { rankWindow: 150, commonShare: 0.5, matchesPerPageLookup: 0 }],
  ['selective filter probed', { rankWindow: 150, commonShare: 1 }],
  ['selective filter as a set', { rankWindow: 150, commonShare: 1, walkCandidates: 0 }],
  // A window too small for a site's first page of hits: its matches ranked whole.
  ['selective filter ranked whole', { rankWindow: 20, commonShare: 1 }],
  ['very common words, newest first in windows from one page', { rankWindow: 150, commonShare: 0.5, firstWindowPages: 1 }],
  ['very common words in windows, selective filter probed', { rankWindow: 150, commonShare: 0.5, firstWindowPages: 1, walkCandidates: 1e9 }],
  ['very common words in windows, selective filter as a set', { rankWindow: 150, commonShare: 0.5, firstWindowPages: 1, walkCandidates: 0 }],
  ['ranked, window of 150 found in windows from one page', { rankWindow: 150, commonShare: 1, firstWindowPages: 1 }],
  ['broad filter', { rankWindow: 150, commonShare: 1, selectivePages: 0 }],
  // 'benchmark longer': 'longer' is on half of the pages, not very common at 0.5; ranked by it alone, its candidates
  // tested in the whole query's match set read at once instead of looked up one by one.
  ['very common word beside a rarer one, match set read', { rankWindow: 150, commonShare: 0.5, candidateLookups: 0 }],
];

const QUERIES: Array<[string, number]> = [
  ['benchmark', N],
  ['sitenav', N],
  ['mixed', N],
  [`benchmark site:${SITES[1]}`, onSite(SITES[1])],
  [`mixed site:${SITES[0]}`, onSite(SITES[0])],
  ['sitenav to:2021-06-30', PAGES.filter((_, i) => i % 12 < 6).length],
  // A very common word and a rarer one (on the odd pages): ranked by the rarer one, more candidates than are looked up
  // one by one (search/index.ts matchesWhole).
  ['benchmark longer', N / 2],
  // Phrases: read newest first in windows when very common; one in every article, one only in every menu.
  ['"benchmark article"', N],
  ['"home sitenav"', N],
  [`"benchmark article" site:${SITES[1]}`, onSite(SITES[1])],
];

const ids = (q: string, limit: number, offset: number, tuning: Partial<SearchTuning>) =>
  search(coll(), q, { limit, offset, tuning }).hits.map((h) => h.pageId);

describe.each(TUNINGS)('paging by relevance (%s)', (_name, tuning) => {
  it.each(QUERIES)('%s: pages of 100 and of 70 hold every hit once, in the order of one page', (q, count) => {
    const whole = ids(q, 1000, 0, tuning);
    expect(whole).toHaveLength(count);
    expect(new Set(whole).size).toBe(count);
    for (const size of [100, 70]) {
      const paged: number[] = [];
      for (let offset = 0; offset < count + size; offset += size) paged.push(...ids(q, size, offset, tuning));
      expect(paged).toEqual(whole);
    }
  });
});

describe('paging by relevance keeps the ranking', () => {
  it('pages score no better than the page before them (ties broken by page id)', () => {
    const hits = [0, 100, 200, 300].flatMap((offset) => search(coll(), 'mixed', { limit: 100, offset }).hits);
    expect(hits).toHaveLength(N);
    for (let k = 1; k < hits.length; k++) {
      const [a, b] = [hits[k - 1], hits[k]];
      expect(a.score! < b.score! || (a.score === b.score && a.pageId < b.pageId), `hit ${k}`).toBe(true);
    }
    // The article matches (every fourth page) first, then the menu matches.
    expect(hits.slice(0, N / 4 + 1).map((h) => PAGES[h.pageId - 1].main!.includes('mixed'))).not.toContain(false);
  });
  it('with a window, the newest window of matches is ranked first, then the older ones', () => {
    const hits = [0, 100, 200, 300].flatMap((offset) => search(coll(), 'benchmark', { limit: 100, offset, tuning: { rankWindow: 150, commonShare: 1 } }).hits);
    const newest = hits.slice(0, 150).map((h) => h.pageId);
    expect(Math.min(...newest)).toBe(N - 150 + 1);
    expect(Math.max(...hits.slice(150).map((h) => h.pageId))).toBe(N - 150);
  });
});

describe('a selective filter gives the same hits in the same order however it is applied', () => {
  // Probed on each candidate (walkCandidates high), read as a set of pages (0), or each of its pages looked up in the
  // full-text index (matchesPerPageLookup 0: newest first only), for a ranked query
  // and for one of very common words or a very common prefix (newest first, whose intersection keeps the
  // candidates' order unsorted).
  it.each([
    ['ranked', { rankWindow: 150, commonShare: 1 }],
    ['very common words', { rankWindow: 150, commonShare: 0.5 }],
    ['very common words, in windows from one page', { rankWindow: 150, commonShare: 0.5, firstWindowPages: 1 }],
  ] as Array<[string, Partial<SearchTuning>]>)('%s', (_name, tuning) => {
    // A prefix is read as its words when probed, whole by FTS5 against a set of pages (search/index.ts).
    for (const q of [`benchmark site:${SITES[1]}`, `mixed site:${SITES[0]}`, `sitenav site:${SITES[2]}`, `benchm* site:${SITES[1]}`]) {
      const walked = ids(q, 1000, 0, { ...tuning, walkCandidates: 1e9 });
      expect(walked).toHaveLength(onSite(q.slice(q.indexOf(':') + 1)));
      for (const way of [{ walkCandidates: 0 }, { matchesPerPageLookup: 0 }]) {
        expect(ids(q, 1000, 0, { ...tuning, ...way })).toEqual(walked);
        expect(ids(q, 10, 20, { ...tuning, ...way })).toEqual(walked.slice(20, 30));
      }
    }
  });
});

