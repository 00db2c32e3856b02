// Bounded work for huge match sets (issue "Collections and offline full-text search": query latency targets): a word
// on more pages than the rank window is ranked within its newest matches, totals above the exact-count limit are
// estimated and flagged, and filters still find hits that lie outside the window.
import { describe, expect, it } from 'vitest';
import { MARK_END, MARK_START, MAX_COMPLETIONS, search, searchFacets, type SearchResult } from '../../../src/core/search/index.js';
import { parseQuery } from '../../../src/core/search/query.js';
import { join } from 'node:path';
import { addPage, buildCollection, collectionOf, spied, tempDir, type FakePage } from './helpers.js';

const N = 40;
// Every page has 'common'; page 0 (the oldest) has it in its title too; the oldest four are on old.example.org.
const PAGES: FakePage[] = Array.from({ length: N }, (_, i) => ({
  digest: `sha1:P${String(i).padStart(3, '0')}`,
  title: i === 0 ? 'common knowledge' : `page ${i}`,
  text: `a common word ${'filler '.repeat(i % 7)} and ${i % 2 ? 'odd' : 'even'} ones`,
  captures: [{ uri: `http://${i < 4 ? 'old.example.org' : 'new.example.com'}/${i}`, timestamp: `2020${String((i % 12) + 1).padStart(2, '0')}01000000` }],
}));

const coll = collectionOf(PAGES);
/** The same pages where the ranking extension is not loaded (store/fts-rank.ts). */
const plain = collectionOf(PAGES, { ftsRank: false });

const newest = (k: number) => new Set(PAGES.slice(N - k).map((p) => p.digest));

describe('rank window', () => {
  it('a window covering every match ranks the whole set: the title match comes first', () => {
    const hits = search(coll(), 'common', { limit: 3 }).hits;
    expect(hits[0].title).toBe('common knowledge');
    expect(hits.map((h) => h.score!)).toEqual([...hits.map((h) => h.score!)].sort((a, b) => a - b));
  });
  it('above the window, hits come from the newest matches only, still in rank order', () => {
    const hits = search(coll(), 'common', { limit: 5, tuning: { rankWindow: 8 } }).hits;
    expect(hits).toHaveLength(5);
    for (const h of hits) expect(newest(8).has(h.capture.digest ?? "")).toBe(true);
    expect(hits.map((h) => h.score!)).toEqual([...hits.map((h) => h.score!)].sort((a, b) => a - b));
  });
  it('pages of hits within the window rank the same set, so they do not overlap', () => {
    const t = { rankWindow: 8 };
    const a = search(coll(), 'common', { limit: 4, tuning: t }).hits.map((h) => h.pageId);
    const b = search(coll(), 'common', { limit: 4, offset: 4, tuning: t }).hits.map((h) => h.pageId);
    expect(b).toHaveLength(4);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });
  it('a filter whose pages all lie outside the window still finds them', () => {
    // The last two: no word counts as very common, so the join and the ranked walk must each widen past the window.
    for (const tuning of [{ rankWindow: 4, selectivePages: 0 }, { rankWindow: 4 }, { rankWindow: 4, commonShare: 0.5 },
      { rankWindow: 4, selectivePages: 0, commonShare: 1 }, { rankWindow: 4, commonShare: 1 }]) {
      const hits = search(coll(), 'common site:old.example.org', { limit: 10, tuning }).hits;
      expect(hits.map((h) => h.url).sort()).toEqual([0, 1, 2, 3].map((i) => `http://old.example.org/${i}`).sort());
    }
  });
});

describe('date order, a phrase told to have more than dateSortMatches pages by its newest ones', () => {
  // The matches read newest first: in rowid windows (newestMatches), or in one statement.
  const readsUpTo = (seen: string[]) => seen.filter((sql) => /MATCH @match( AND rowid >= CAST\(@from AS INTEGER\) AND rowid < CAST\(@upto AS INTEGER\)| ORDER BY rowid)/.test(sql));
  const counted = (seen: string[]) => seen.filter((sql) => /count\(\*\) AS n FROM pages_fts WHERE pages_fts MATCH @match AND rowid > CAST\(@floor AS INTEGER\)$/.test(sql));
  it('walks the captures without reading the matches when the newest pages hold enough of them', () => {
    // "common word" is on all 16 of the newest pages: at least 16 - 2 * 4 = 8 of 16, so 20 of the 40 pages, over 10.
    const { spy, seen } = spied(coll());
    const walked = search(spy, '"common word"', { sort: 'date', limit: 15, tuning: { dateSortMatches: 10, estimateWindow: 16 } });
    expect(walked.plan).toBe('date-scan');
    expect(counted(seen)).toHaveLength(1);
    expect(readsUpTo(seen)).toEqual([]);
    const sorted = search(coll(), '"common word"', { sort: 'date', limit: 15, tuning: { dateSortMatches: 1e9 } });
    expect(sorted.plan).toBe('date-sql');
    expect(walked.hits.map((h) => h.pageId)).toEqual(sorted.hits.map((h) => h.pageId));
  });
  it('reads them, up to one more than dateSortMatches, when the newest pages leave it in doubt, and sorts those it read', () => {
    // "and odd" is on 8 of the newest 16: at least 8 - 2 * 2.8 = 2.3 of 16, 6 of the 40 pages, not over 10; it has
    // 20. With 7 (page 7's title), 1: read once, and sorted by id.
    for (const [query, plan] of [['"and odd"', 'date-scan'], ['"and odd" 7', 'date-sql']] as const) {
      const { spy, seen } = spied(coll());
      const found = search(spy, query, { sort: 'date', limit: 15, tuning: { dateSortMatches: 10, estimateWindow: 16 } });
      expect(found.plan, query).toBe(plan);
      expect(readsUpTo(seen).length, query).toBeGreaterThan(0);
      // What was read is what the sort sorts: by id, the phrase not matched again.
      expect(seen.some((sql) => /c\.page_id IN \(SELECT value FROM json_each\(@ids\)\)/.test(sql)), query).toBe(plan === 'date-sql');
      const sorted = search(coll(), query, { sort: 'date', limit: 15, tuning: { dateSortMatches: 1e9 } });
      expect(found.hits.map((h) => h.pageId), query).toEqual(sorted.hits.map((h) => h.pageId));
      expect(found.hits.length, query).toBeGreaterThan(0);
    }
  });
  it('are kept for the facets and the next page until the collection changes, also on the connection that changed it', () => {
    const t = { dateSortMatches: 10, estimateWindow: 16 };
    const dir = tempDir();
    const c = buildCollection(join(dir.dir, 'c.sqlite'), PAGES);
    try {
      const { spy, seen } = spied(c);
      const query = '"and odd" 7';
      const first = search(spy, query, { sort: 'date', limit: 1, tuning: t });
      const reads = readsUpTo(seen).length;
      expect(reads).toBeGreaterThan(0);
      expect(searchFacets(spy, query, t)).toMatchObject({ total: 1, totalIsEstimate: false });
      expect(search(spy, query, { sort: 'date', limit: 1, offset: 1, tuning: t }).hits).toEqual([]);
      // Neither matched the phrase again.
      expect(readsUpTo(seen)).toHaveLength(reads);
      // A new page holding the phrase: the set kept before would not have it.
      addPage(spy, { digest: 'sha1:NEW7', title: 'page 7 again', text: 'and odd ones', uri: 'http://new.example.com/7', timestamp: '20210101000000' });
      expect(search(spy, query, { sort: 'date', limit: 5, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(['sha1:NEW7', first.hits[0].capture.digest]);
      expect(searchFacets(spy, query, t)).toMatchObject({ total: 2, totalIsEstimate: false });
    } finally {
      c.close();
      dir.cleanup();
    }
  });
});

describe('totals and facets above the exact-count limit', () => {
  it('the total is exact at or below the limit', () => {
    const f = searchFacets(coll(), 'common', { exactCountLimit: N });
    expect(f).toMatchObject({ total: N, totalIsEstimate: false, facetsAreSample: false });
  });
  it('above it the total is estimated from the newest matches and flagged', () => {
    // 'odd' is on every other page: the newest 6 odd pages span 12 of the 40 rowids, so the estimate is 6 * 40 / 12.
    const f = searchFacets(coll(), 'odd', { exactCountLimit: 6 });
    expect(f.totalIsEstimate).toBe(true);
    expect(f.facetsAreSample).toBe(true);
    expect(f.total).toBeGreaterThanOrEqual(18);
    expect(f.total).toBeLessThanOrEqual(22);
    // Facets count the sample: the six newest odd pages, all on new.example.com.
    expect(f.facets.site).toEqual([{ value: 'new.example.com', count: 6 }]);
  });
  it('without words, a filter keeping more pages than the limit is estimated from the pages of its newest captures', () => {
    // One capture a page, twelve months of 2020: the newest 7 pages (the limit and one) are the first 7 captures
    // walked, so the estimate is 7 pages a 7 captures of the range's 40.
    const f = searchFacets(coll(), 'from:2020', { exactCountLimit: 6 });
    expect(f).toMatchObject({ total: N, totalIsEstimate: true, facetsAreSample: true });
    // Facets count the sample: the six newest pages, all on new.example.com.
    expect(f.facets.site).toEqual([{ value: 'new.example.com', count: 6 }]);
    // A filter of few pages is counted exactly: all that the walk finds, or its captures grouped when the walk is cut
    // short (walkCaptures: 0), which counts a larger one exactly too.
    const sinceSeptember = PAGES.filter((_, i) => i % 12 >= 8).length;
    const sinceNovember = PAGES.filter((_, i) => i % 12 >= 10).length;
    expect(searchFacets(coll(), 'from:2020-09', { exactCountLimit: 6 })).toMatchObject({ total: sinceSeptember, totalIsEstimate: true });
    for (const tuning of [{ exactCountLimit: 6 }, { exactCountLimit: 6, walkCaptures: 0 }]) {
      expect(searchFacets(coll(), 'from:2020-11', tuning)).toMatchObject({ total: sinceNovember, totalIsEstimate: false });
      expect(searchFacets(coll(), 'from:2020-10 site:old.example.org', tuning)).toMatchObject({ total: 0, totalIsEstimate: false });
      expect(searchFacets(coll(), 'status:200 from:2020-03 to:2020-03', tuning)).toMatchObject({ total: PAGES.filter((_, i) => i % 12 === 2).length, totalIsEstimate: false });
    }
    expect(searchFacets(coll(), 'from:2020-09', { exactCountLimit: 6, walkCaptures: 0 })).toMatchObject({ total: sinceSeptember, totalIsEstimate: false });
  });
  it('facets count each hit once per value, ordered by count then value', () => {
    const f = searchFacets(coll(), 'common');
    expect(f.facets.site).toEqual([{ value: 'new.example.com', count: N - 4 }, { value: 'old.example.org', count: 4 }]);
    const months = f.facets.year;
    expect(months).toEqual([{ value: '2020', count: N }]);
    expect(f.facets.status).toEqual([{ value: '200', count: N }]);
  });
});

// bm25 walks a word's whole doclist to count its pages, so a query of only very common words is answered newest
// matches first (O(limit)), while a query holding a rarer word keeps bm25 ranking.
describe('the stopword-aware plan', () => {
  const t = { rankWindow: 8, commonShare: 0.5 };
  const SPLIT: FakePage[] = Array.from({ length: 40 }, (_, i) => ({
    digest: `sha1:S${String(i).padStart(3, '0')}`,
    title: `page ${i}`,
    text: i < 30 ? `scarce ${i >= 26 ? 'usual' : 'other'} words` : 'usual other words',
    captures: [{ uri: `http://split.example.org/${i}`, timestamp: '20200101000000' }],
  }));
  const split = collectionOf(SPLIT);
  it('a query of only very common words lists the newest matches first', () => {
    const hits = search(coll(), 'common', { limit: 5, tuning: t }).hits;
    expect(hits.map((h) => h.capture.digest)).toEqual(PAGES.slice(N - 5).reverse().map((p) => p.digest));
  });
  it('accents and case fold as the index folds them', () => {
    const hits = search(coll(), 'CÔMMON', { limit: 3, tuning: t }).hits;
    expect(hits.map((h) => h.capture.digest)).toEqual(PAGES.slice(N - 3).reverse().map((p) => p.digest));
  });
  it('a rarer word in the query keeps bm25 ranking (the title match first)', () => {
    // 'knowledge' is on one page only: below the common threshold, so the query is ranked.
    const hits = search(coll(), 'common knowledge', { limit: 3, tuning: t }).hits;
    expect(hits[0].title).toBe('common knowledge');
  });
  it('scoring only the rarer words still returns exactly the pages matching every word', () => {
    const hits = search(coll(), 'odd common', { limit: 50, tuning: t }).hits;
    expect(hits.map((h) => h.pageId).sort((a, b) => a - b)).toEqual(
      search(coll(), 'odd common', { limit: 50, tuning: { rankWindow: 1000, commonShare: 1 } }).hits.map((h) => h.pageId).sort((a, b) => a - b),
    );
    expect(hits).toHaveLength(N / 2);
    const paged = [0, 5, 10, 15].flatMap((offset) => search(coll(), 'odd common', { limit: 5, offset, tuning: t }).hits.map((h) => h.pageId));
    expect(paged).toEqual(hits.map((h) => h.pageId));
  });
  it('ranked by the rarer word, a candidate without the very common one is left out, looked up or tested in a set', () => {
    // 'filler' is on six pages in seven (very common), 'odd' on every other: ranked by 'odd', the odd pages without
    // 'filler' (7, 21, 35) are candidates that fail. Looked up one by one (the default), tested in the query's match
    // set read at once (0), or looked up for the first two candidates and then tested in the set.
    const expected = PAGES.filter((p) => p.text.includes(' filler ') && p.text.includes(' odd ')).map((p) => p.digest);
    expect(expected).toHaveLength(N / 2 - 3);
    const orders = [undefined, 0, 2].map((candidateLookups) => {
      const tuning = { ...t, ...(candidateLookups === undefined ? {} : { candidateLookups }) };
      const r = search(coll(), 'filler odd', { limit: 50, tuning });
      expect(r.plan).toBe('rarer-words');
      const paged = [0, 4, 8, 12, 16].flatMap((offset) => search(coll(), 'filler odd', { limit: 4, offset, tuning }).hits.map((h) => h.capture.digest));
      expect(paged).toEqual(r.hits.map((h) => h.capture.digest));
      return paged;
    });
    expect([...orders[0]].sort()).toEqual([...expected].sort());
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
  });
  it('candidates that mostly lack the very common word: looked up one by one, then tested in the match set', () => {
    // 'usual' is on every one of the newest pages (very common), 'scarce' on the 30 oldest, of which only the last four
    // hold 'usual' too: ranked by 'scarce' (ties by page id), 26 candidates fail before the first hit, more than the
    // lookups allowed (10), so the walk goes on in the query's match set; a page far down is tested in it at once.
    const expected = SPLIT.slice(26, 30).map((p) => p.digest);
    for (const candidateLookups of [undefined, 0, 10]) {
      const tuning = { ...t, ...(candidateLookups === undefined ? {} : { candidateLookups }) };
      const r = search(split(), 'usual scarce', { limit: 50, tuning });
      expect(r.plan).toBe('rarer-words');
      expect(r.hits.map((h) => h.capture.digest)).toEqual(expected);
      const paged = [0, 2].flatMap((offset) => search(split(), 'usual scarce', { limit: 2, offset, tuning }).hits.map((h) => h.capture.digest));
      expect(paged).toEqual(expected);
    }
  });
  it('an exclusion still applies when every positive word is common', () => {
    const hits = search(coll(), 'common -odd', { limit: 3, tuning: t }).hits;
    expect(hits.map((h) => h.capture.digest)).toEqual([N - 2, N - 4, N - 6].map((i) => PAGES[i].digest));
  });
  it('a phrase is very common exactly when one of its words is on more than the share of the newest pages', () => {
    // 'word and' is itself on one newest page in eight, 'odd ones' has a word ('odd') that is not very common: each
    // has a very common word all the same. The truth is counted from the pages' own words.
    const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const holds = (text: string, phrase: string[]) =>
      words(text).some((_, i, w) => phrase.every((p, j) => w[i + j] === p));
    const veryCommon = (word: string) => PAGES.slice(N - t.rankWindow).filter((p) => holds(p.text, [word])).length > t.commonShare * t.rankWindow;
    for (const phrase of ['common word', 'word filler', 'filler and', 'word and', 'odd ones', 'and even']) {
      const r = search(coll(), `"${phrase}"`, { limit: 50, tuning: t });
      expect([phrase, r.plan]).toEqual([phrase, words(phrase).some(veryCommon) ? 'newest-matches' : 'ranked-matches']);
      expect(r.hits).toHaveLength(PAGES.filter((p) => holds(p.text, words(phrase))).length);
    }
  });
  it('a very common prefix is listed newest first, as a very common word is, and finds every page a word of it is on', () => {
    // Typed with case and accents the index folds away; 'fill*' is on six pages in seven (not on i % 7 === 0).
    const holding = (re: RegExp) => PAGES.filter((p) => p.text.split(/\s+/).some((w) => re.test(w)));
    for (const [q, re] of [['CÔMM*', /^comm/], ['fill*', /^fill/], ['"fille"*', /^fille/]] as Array<[string, RegExp]>) {
      const r = search(coll(), q, { limit: 50, tuning: t });
      expect([q, r.plan]).toEqual([q, 'newest-matches']);
      const expected = holding(re).map((p) => p.digest).reverse();
      expect(r.hits.map((h) => h.capture.digest)).toEqual(expected);
      expect(searchFacets(coll(), q, t)).toMatchObject({ total: expected.length, totalIsEstimate: false });
    }
  });
  it('an excluded prefix excludes every page a word of it is on, newest first', () => {
    const hits = search(coll(), 'common -fill*', { limit: 50, tuning: t });
    expect(hits.plan).toBe('newest-matches');
    expect(hits.hits.map((h) => h.capture.digest)).toEqual(PAGES.filter((p) => !/filler/.test(p.text)).map((p) => p.digest).reverse());
    expect(searchFacets(coll(), 'common -fill*', t).total).toBe(PAGES.filter((p) => !/filler/.test(p.text)).length);
  });
  it('a prefix searched while the connection is iterating a statement is left whole: the same pages', () => {
    const c = coll();
    const open = c.iterate<{ id: number }>({ sql: 'SELECT id FROM pages', params: {} });
    expect(open.next().done).toBe(false);
    try {
      const expected = PAGES.filter((p) => /\bfiller\b/.test(p.text)).length;
      expect(searchFacets(c, 'fill*', t)).toMatchObject({ total: expected, totalIsEstimate: false });
      expect(search(c, 'fill*', { limit: 50, tuning: t }).hits).toHaveLength(expected);
    } finally {
      open.return?.(undefined);
    }
  });
  it('a prefix is not ranked, however rare: its pages are listed newest first, and beside a rarer word it only narrows', () => {
    // 'even' is on every other page, not more than the common share of the newest: as a word it is ranked by bm25,
    // which puts the shorter pages first; as a prefix its pages come newest first.
    const evenPages = PAGES.filter((_, i) => i % 2 === 0).map((p) => p.digest);
    expect(search(coll(), 'even', { limit: 50, tuning: t }).plan).toBe('ranked-matches');
    const prefix = search(coll(), 'eve*', { limit: 50, tuning: t });
    expect(prefix.plan).toBe('newest-matches');
    expect(prefix.hits.map((h) => h.capture.digest)).toEqual([...evenPages].reverse());
    expect(search(coll(), 'knowl*', { limit: 5, tuning: t })).toMatchObject({ plan: 'newest-matches', hits: [{ title: 'common knowledge' }] });
    // 'odd' ranks; 'fill*' keeps the odd pages with filler (i % 7 > 0).
    for (const c of [coll(), plain()]) {
      const { spy, seen } = spied(c);
      const narrowed = search(spy, 'odd fill*', { limit: 50, tuning: t });
      expect(narrowed.plan).toBe('rarer-words');
      // With the ranking extension, the candidates are looked up in their own words (as_words), the match set not
      // read. Without it they are kept by the match set read once, not looked up one by one: each lookup of a match
      // holding a prefix would merge the prefix's words again.
      const setReads = seen.filter((sql) => /^SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match$/.test(sql));
      const ownWords = seen.filter((sql) => /as_words\(pages_fts, @prefix\)/.test(sql));
      if (c.ftsRank) {
        expect(setReads).toEqual([]);
        expect(ownWords.length).toBeGreaterThan(0);
      } else {
        expect(seen.filter((sql) => /AND rowid = CAST\(@pid AS INTEGER\)$/.test(sql))).toEqual([]);
        expect(setReads).toHaveLength(1);
      }
      expect(narrowed.hits.map((h) => h.capture.digest).sort()).toEqual(PAGES.filter((_, i) => i % 2 === 1 && i % 7 > 0).map((p) => p.digest));
    }
    expect(plain().ftsRank).toBe(false);
    // One of several words (a phrase) is read whole, the same pages.
    const phrase = search(coll(), '"common wo"*', { limit: 50, tuning: t });
    expect(phrase.hits).toHaveLength(N);
    expect(searchFacets(coll(), '"word fill"*', t).total).toBe(PAGES.filter((p) => /word filler/.test(p.text)).length);
  });
  it('a word on fewer pages than the rank window is ranked with bm25, however common (the title match first)', () => {
    const hits = search(coll(), 'common', { limit: 3, tuning: { rankWindow: 1000, commonShare: 0.5 } }).hits;
    expect(hits[0].title).toBe('common knowledge');
  });
});

describe('a prefix of very many words', () => {
  // More words begin with 'zz' than an OR names one by one: the prefix is written out as a cover (prefix-cover.ts),
  // still exact.
  const perPage = Math.ceil((MAX_COMPLETIONS + 1) / N);
  const MANY: FakePage[] = Array.from({ length: N }, (_, i) => ({
    digest: `sha1:Z${String(i).padStart(3, '0')}`,
    title: `page ${i}`,
    text: Array.from({ length: perPage }, (_, k) => `zz${i * perPage + k}`).join(' '),
    captures: [{ uri: `http://many.example.org/${i}`, timestamp: '20200101000000' }],
  }));
  const many = collectionOf(MANY);
  it('is listed newest first as any prefix is, and counted exactly', () => {
    const t = { rankWindow: 8, commonShare: 0.5 };
    const { spy, seen } = spied(many());
    expect(search(spy, 'zz*', { limit: 50, tuning: t })).toMatchObject({ plan: 'newest-matches' });
    // Read as its frequent words and longer prefixes for the rest (prefix-cover.ts), from the word list, once: the
    // search's facets, its next page and the same sorted by date use the cover kept.
    searchFacets(spy, 'zz*', t);
    search(spy, 'zz*', { limit: 10, offset: 10, tuning: t });
    search(spy, 'zz*', { limit: 10, sort: 'date', tuning: { dateSortMatches: 0 } });
    expect(seen.filter((sql) => /^SELECT term, pages FROM page_words WHERE/.test(sql))).toHaveLength(1);
    expect(search(many(), 'zz*', { limit: 50, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(MANY.map((p) => p.digest).reverse());
    expect(searchFacets(many(), 'zz*', t).total).toBe(N);
    // Fewer words (zz1, zz10..zz19, zz100..zz199, zz1000..zz1999): written out as an OR, the same pages.
    expect(searchFacets(many(), 'zz1*', t).total).toBe(MANY.filter((p) => /\bzz1/.test(p.text)).length);
    expect(search(many(), 'zz1*', { limit: 50, tuning: t }).hits).toHaveLength(MANY.filter((p) => /\bzz1/.test(p.text)).length);
  });
  it('is covered again once the collection changes, also on the connection that changed it', () => {
    const t = { rankWindow: 8, commonShare: 0.5 };
    const dir = tempDir();
    const c = buildCollection(join(dir.dir, 'c.sqlite'), MANY);
    try {
      expect(searchFacets(c, 'zz*', t).total).toBe(N);
      // A new page whose only word under the prefix is new: the cover made before would not match it.
      addPage(c, { digest: 'sha1:NEW', title: 'new', text: 'zzqq', uri: 'http://many.example.org/new', timestamp: '20210101000000' });
      c.refreshWordList();
      expect(search(c, 'zz*', { limit: 1, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(['sha1:NEW']);
      expect(searchFacets(c, 'zz*', t).total).toBe(N + 1);
    } finally {
      c.close();
      dir.cleanup();
    }
  });
});

// Sorted by date, the captures are walked newest first and each one's page tested for the prefix. With the ranking
// extension (store/fts-rank.ts) a page is tested in its own words (as_words); without it, in the cover's named words
// first, and in the whole cover only for a page that holds none of them.
describe.each([
  ['with the ranking extension', {}, true],
  ['with FTS5 alone', { ftsRank: false }, false],
] as const)('a prefix of very many words, sorted by date (%s)', (_name, opts, ownWords) => {
  // 'zz' begins more words than an OR names one by one, each page's own; 'zzfrequent' is on two pages of three (not on
  // pages 1, 4, 7...), so the cover names it. Page i is captured i seconds into 2020: the newest pages come last.
  const perPage = Math.ceil((MAX_COMPLETIONS + 1) / N);
  const DATED: FakePage[] = Array.from({ length: N }, (_, i) => ({
    digest: `sha1:D${String(i).padStart(3, '0')}`,
    title: `page ${i}`,
    text: [...Array.from({ length: perPage }, (_, k) => `zz${i * perPage + k}`), ...(i % 3 === 1 ? [] : ['zzfrequent'])].join(' '),
    captures: [{ uri: `http://dated.example.org/${i}`, timestamp: `20200101000${String(i).padStart(3, '0')}` }],
  }));
  const dated = collectionOf(DATED, opts);
  const t = { dateSortMatches: 0 };
  const newest = (k: number) => DATED.slice(N - k).map((p) => p.digest).reverse();
  const SET_READ = 'SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match';
  const OWN_WORDS = /as_words\(pages_fts, @prefix\)/;
  it('finds the pages that hold only its rarer words, in date order', () => {
    expect(dated().ftsRank).toBe(ownWords);
    const r = search(dated(), 'zz*', { sort: 'date', limit: 10, tuning: t });
    expect(r.plan).toBe('date-scan');
    // Pages 37, 34 and 31 hold no named word.
    expect(r.hits.map((h) => h.capture.digest)).toEqual(newest(10));
  });
  it('tests a page without reading the set when the newest pages hold the prefix', () => {
    const { spy, seen } = spied(dated());
    expect(search(spy, 'zz*', { sort: 'date', limit: 2, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(newest(2));
    expect(seen.filter((sql) => sql === SET_READ)).toEqual([]);
    // In the page's own words with the extension; else in the named words (an OR of exact words, no prefix item).
    expect(seen.some((sql) => OWN_WORDS.test(sql))).toBe(ownWords);
  });
  it('keeps the whole prefix where it is negated', () => {
    expect(search(dated(), 'page -zz*', { sort: 'date', limit: 10, tuning: t }).hits).toEqual([]);
    // The walk starts at page 37, which holds none of the named words: a page without them may hold the prefix.
    expect(search(dated(), 'page -zz* to:20200101000037', { sort: 'date', limit: 10, tuning: t }).hits).toEqual([]);
    expect(search(dated(), 'page -zzfrequent', { sort: 'date', limit: 3, tuning: t }).hits.map((h) => h.capture.digest))
      .toEqual(DATED.filter((_, i) => i % 3 === 1).map((p) => p.digest).reverse().slice(0, 3));
  });
});

// A page's own words (as_words) stand for a prefix in any query around it: the same pages, in the same order, as the
// whole match set sorted by date. Prefixes here have a few words each, so ownWordsReads 0 (with a word's lookup
// costing 1) has every page tested so; the reference sorts every match (dateSortMatches above them all).
describe('prefixes tested in each page\'s own words, sorted by date', () => {
  const M = 36;
  const WORDS = ['lantern', 'lanterns', 'Lândmark', 'landing', 'orbit', 'orbital', 'quartz'];
  // Page i holds words by its bits; the main content is its first line, a footer line the rest. Every fifth page has
  // its prefix words only in the footer, so in:main tells them apart.
  const OWN: FakePage[] = Array.from({ length: M }, (_, i) => {
    const words = WORDS.filter((_, b) => ((i * 5 + 3) >> b) % 2 === 1);
    const main = `page ${i} ${i % 5 === 0 ? '' : words.join(' ')}`.trim();
    const footer = i % 5 === 0 ? `footer ${words.join(' ')}` : 'footer';
    return {
      digest: `sha1:O${String(i).padStart(3, '0')}`,
      title: `title ${i}`,
      text: `${main}\n${footer}`,
      main,
      captures: [{ uri: `http://own.example.org/${i}`, timestamp: `2021${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}000000` }],
    };
  });
  const own = collectionOf(OWN);
  const QUERIES = ['lan*', 'LAN*', 'land*', 'in:main lan*', 'lan* orbit', 'lan* -orbit*', 'page -lan*', 'lan* OR quar*',
    'lan* orb*', '"page 3" OR orbi*', 'orbit OR zzq*', 'orbit -lantern', 'lan* footer', 'lan* quartz', 'land* quartz', 'in:main quartz lan* -orbit'];
  const OWN_WORDS = { dateSortMatches: 0, ownWordsReads: 0, prefixSeekReads: 1 };
  // Past the lookups at once (dateWalkLookups 0): the pages holding the query's other words, when they are few
  // enough, read as a set and tested alone; else the match set.
  for (const [how, tuning] of [['tested as met', OWN_WORDS], ['past the lookups', { ...OWN_WORDS, dateWalkLookups: 0 }]] as const) {
    for (const query of QUERIES) {
      it(`${query}: the pages of its whole match set, by date (${how})`, () => {
        const { spy, seen } = spied(own());
        const walked = search(spy, query, { sort: 'date', limit: 50, tuning });
        const sorted = search(own(), query, { sort: 'date', limit: 50, tuning: { dateSortMatches: 1e9 } });
        expect(walked.plan).toBe('date-scan');
        expect(sorted.plan).not.toBe('date-scan');
        expect(walked.hits.map((h) => h.capture.digest)).toEqual(sorted.hits.map((h) => h.capture.digest));
        if (how === 'tested as met') expect(seen.some((sql) => /as_words\(pages_fts, @prefix\)/.test(sql))).toBe(query.includes('*') && own().ftsRank);
      });
    }
  }
  // Fewer matches than dateSortMatches are sorted whole: with ownWordsReads 0, a query with other words has its
  // matches found as their pages tested in their own words (ownMatchIds), never by FTS5 merging the prefix; any other
  // holding a prefix has them read once by FTS5, when they are counted. Either way the sort reads them by id, not by
  // matching the prefix again.
  for (const query of QUERIES) {
    it(`${query}: sorted whole, the same pages whether its matches are found in their own words or by FTS5`, () => {
      const { spy, seen, matched } = spied(own());
      const found = search(spy, query, { sort: 'date', limit: 50, tuning: { ownWordsReads: 0 } });
      const sorted = search(own(), query, { sort: 'date', limit: 50, tuning: { dateSortMatches: 1e9 } });
      expect(found.plan).toBe('date-sql');
      expect(found.hits.map((h) => h.capture.digest)).toEqual(sorted.hits.map((h) => h.capture.digest));
      // In their own words where it holds prefixes and other words (a negated prefix too: its frequent words drop
      // pages at once), so that no statement matches a prefix ("lan"*).
      const { clauses } = parseQuery(query);
      const otherWords = clauses.some((c) => !c.negated && c.anyOf.every((term) => !term.prefix));
      const byIds = seen.some((sql) => /c\.page_id IN \(SELECT value FROM json_each\(@ids\)\)/.test(sql));
      expect(byIds).toBe(query.includes('*'));
      expect(matched.some((m) => m.includes('"*'))).toBe(query.includes('*') && !(otherWords && own().ftsRank));
    });
  }
  it('past the lookups, tests only the pages holding the other words when they are fewer than the prefix\'s', () => {
    const { spy, seen } = spied(own());
    search(spy, 'lan* quartz', { sort: 'date', limit: 50, tuning: { ...OWN_WORDS, dateWalkLookups: 0 } });
    const restRead = seen.filter((sql) => /MATCH @match LIMIT @limit$/.test(sql));
    expect(restRead).toHaveLength(own().ftsRank ? 1 : 0);
    // The whole match set (the prefix merged) is not read; 'page' is on every page, more than the prefix's: it is.
    expect(seen.filter((sql) => sql === 'SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match')).toHaveLength(own().ftsRank ? 0 : 1);
    const { spy: spy2, seen: seen2 } = spied(own());
    search(spy2, 'lan* page', { sort: 'date', limit: 50, tuning: { ...OWN_WORDS, dateWalkLookups: 0 } });
    expect(seen2.filter((sql) => sql === 'SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match')).toHaveLength(1);
  });
  it('the queries find pages, and not every page', () => {
    for (const query of ['lan*', 'in:main lan*', 'lan* -orbit*', 'page -lan*', 'lan* orb*']) {
      const n = search(own(), query, { sort: 'date', limit: 50 }).hits.length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(M);
    }
    // Folded as the index folds: Lândmark is found by lan*, and in:main leaves out the pages with it in a footer.
    expect(search(own(), 'lan*', { limit: 50 }).hits.length).toBeGreaterThan(search(own(), 'in:main lan*', { limit: 50 }).hits.length);
  });
});

// A negated prefix beside other words (`captain -con*`): where the ranking extension is loaded, its matches are found
// as the other words' pages, those holding the prefix's most frequent words dropped at once and the rest tested in
// their own words (as_words), and ranked, counted and sorted without FTS5 merging the prefix. Each query is asked so
// (ownWordsReads 0: tested whatever it costs) and by FTS5 (ownWordsReads huge: never worth it), with a rank window of
// five pages, so that the tiers' bounds matter: the same pages in the same order, page by page, and the same totals
// and facets.
describe('a negated prefix beside other words, found in the pages\' own words', () => {
  const M = 40;
  // 'neg' begins more words than its FREQUENT_WORDS: 'negfreq' on every third page, a word of its own on each of the
  // pages 1, 4, 7... (those past the frequent words are tested), 'Négatif' folded to one on page 38, and every fifth
  // page's 'neg' words only in a footer line, outside the main content. 'keel' is on most pages, a different number of
  // times each, so bm25 orders them otherwise than by age.
  const NEG: FakePage[] = Array.from({ length: M }, (_, i) => {
    const neg = [i % 3 === 0 ? 'negfreq' : '', i % 3 === 1 ? `neg${i}` : '', i === 38 ? 'Négatif' : ''].filter(Boolean).join(' ');
    const main = `page ${i} ${i % 4 === 3 ? '' : 'keel '.repeat((i * 7) % 5 + 1)}${i % 5 === 0 ? '' : neg}`.trim();
    const footer = i % 5 === 0 ? `footer ${neg}` : 'footer';
    return {
      digest: `sha1:N${String(i).padStart(3, '0')}`,
      title: i % 6 === 0 ? `keel ${i}` : `title ${i}`,
      text: `${main}\n${footer}`,
      main,
      captures: [{ uri: `http://${i % 2 ? 'odd' : 'even'}.example.org/${i}`, timestamp: `2021${String((i % 12) + 1).padStart(2, '0')}01000000` }],
    };
  });
  const negs = collectionOf(NEG);
  const digests = (r: SearchResult) => r.hits.map((h) => h.capture.digest);
  const QUERIES = ['keel -neg*', 'page -neg*', 'in:main page -neg*', 'keel OR quartz -neg*', 'keel -NEG*', 'keel -negfreq*',
    'keel -neg* -zzq*', 'page -neg* site:odd.example.org', 'keel -neg* from:20210601000000', 'page -neg* -keel'];
  // 'keel' and 'page' are very common words here (listed newest first), unless commonShare is 1 (ranked in tiers).
  for (const [how, common] of [['common words newest first', {}], ['ranked in tiers', { commonShare: 1 }]] as const) {
    const OWN = { ownWordsReads: 0, rankWindow: 5, ...common };
    const FTS5 = { ownWordsReads: 1e9, rankWindow: 5, ...common };
    for (const query of QUERIES) {
      it(`${query}: the same hits, pages, totals and facets as FTS5's (${how})`, () => {
        expect(negs().ftsRank).toBe(true);
        const { spy, seen, matched } = spied(negs());
        const ranked = search(spy, query, { limit: 50, tuning: OWN });
        const reference = search(negs(), query, { limit: 50, tuning: FTS5 });
        expect(digests(ranked)).toEqual(digests(reference));
        expect(ranked.hits.length).toBeGreaterThan(0);
        expect(ranked.hits.length).toBeLessThan(M);
        const paged = [0, 3, 6, 9, 12, 15].flatMap((offset) => digests(search(negs(), query, { limit: 3, offset, tuning: OWN })));
        expect(paged).toEqual(digests(reference).slice(0, 18));
        expect(digests(search(negs(), query, { sort: 'date', limit: 50, tuning: OWN })))
          .toEqual(digests(search(negs(), query, { sort: 'date', limit: 50, tuning: FTS5 })));
        const facets = searchFacets(negs(), query, OWN);
        expect({ ...facets, tookMs: 0 }).toEqual({ ...searchFacets(negs(), query, FTS5), tookMs: 0 });
        expect(facets).toMatchObject({ total: reference.hits.length, totalIsEstimate: false });
        // Found in their own words: no statement matched the negated prefix whole, and the pages left past its frequent
        // words were tested.
        expect(matched.filter((m) => /\bneg\*|NEG\*|negfreq\*/i.test(m))).toEqual([]);
        expect(seen.some((sql) => /as_words\(pages_fts, @prefix\)/.test(sql))).toBe(true);
      });
    }
  }
  it('counted in their own words, more matches than exactCountLimit: the total exact, the facets of the newest', () => {
    for (const query of ['page -neg*', 'keel OR quartz -neg*']) {
      const all = searchFacets(negs(), query, { ownWordsReads: 1e9 });
      const own = searchFacets(negs(), query, { ownWordsReads: 0, exactCountLimit: 3 });
      const sampled = searchFacets(negs(), query, { ownWordsReads: 1e9, exactCountLimit: 3 });
      expect(all.total).toBeGreaterThan(3);
      expect(own).toMatchObject({ total: all.total, totalIsEstimate: false, facetsAreSample: true });
      expect(sampled).toMatchObject({ totalIsEstimate: true, facetsAreSample: true });
      expect(own.facets).toEqual(sampled.facets);
      // Filtered, the hits among the sample are scaled, as FTS5's sample is.
      const filtered = searchFacets(negs(), `${query} site:odd.example.org`, { ownWordsReads: 0, exactCountLimit: 3 });
      expect(filtered.totalIsEstimate).toBe(true);
    }
  });
  it('found once in their own words for a search, its facets and its next page', () => {
    const t = { ownWordsReads: 0, rankWindow: 5 };
    const { spy, seen } = spied(negs());
    const first = search(spy, 'keel -neg*', { limit: 3, tuning: t });
    const tests = seen.filter((sql) => /as_words\(pages_fts, @prefix\)/.test(sql)).length;
    expect(tests).toBeGreaterThan(0);
    const facets = searchFacets(spy, 'keel -neg*', t);
    const next = search(spy, 'keel -neg*', { limit: 3, offset: 3, tuning: t });
    expect(seen.filter((sql) => /as_words\(pages_fts, @prefix\)/.test(sql))).toHaveLength(tests);
    // As each answers alone: on the collection without the spy (a JavaScript object of its own, with sets of its own).
    expect(facets).toEqual({ ...searchFacets(negs(), 'keel -neg*', t), tookMs: facets.tookMs });
    expect([...first.hits, ...next.hits].map((h) => h.pageId)).toEqual(search(negs(), 'keel -neg*', { limit: 6, tuning: t }).hits.map((h) => h.pageId));
  });
  it('asked of FTS5, the reference tests no page in its own words', () => {
    const { spy, seen } = spied(negs());
    search(spy, 'keel -neg*', { limit: 50, tuning: { ownWordsReads: 1e9, rankWindow: 5 } });
    searchFacets(spy, 'keel -neg*', { ownWordsReads: 1e9 });
    expect(seen.some((sql) => /as_words\(pages_fts, @prefix\)/.test(sql))).toBe(false);
  });
  // A word written against Japanese ('アプリnavy') is a token of its own to the index's segmenter but not to the
  // snippet's pattern, so its snippet is FTS5's: asked without the exclusions, which mark nothing on a hit.
  const mixed = collectionOf([
    { digest: 'sha1:MIX', title: 'mixed', text: 'ヘルプ\nアプリnavy、status\nmore', captures: [{ uri: 'http://mixed.example.org/', timestamp: '20200101000000' }] },
    { digest: 'sha1:NEG', title: 'negated', text: 'navy negate', captures: [{ uri: 'http://mixed.example.org/neg', timestamp: '20200101000000' }] },
  ]);
  it('a snippet from FTS5 is asked without the exclusions, so a negated prefix is not merged for it', () => {
    const { spy, seen, matched } = spied(mixed());
    const [hit, ...others] = search(spy, 'navy -neg*', { limit: 5 }).hits;
    expect(others).toEqual([]);
    expect(hit.snippet).toContain(`${MARK_START}navy${MARK_END}`);
    expect(hit.snippet).toBe(search(mixed(), 'navy', { limit: 5 }).hits.find((h) => h.capture.digest === 'sha1:MIX')!.snippet);
    expect(seen.filter((sql) => sql.includes('snippet(pages_fts'))).toHaveLength(1);
    expect(matched.at(-1)).toBe('"navy"');
  });
  it('the exclusion holds on the whole page, folded: footers and Négatif are excluded, a page without neg words is kept', () => {
    const hits = new Set(digests(search(negs(), 'in:main page -neg*', { limit: 50, tuning: { ownWordsReads: 0 } })));
    expect(hits.has('sha1:N010')).toBe(false); // negfreq in its footer only
    expect(hits.has('sha1:N038')).toBe(false); // Négatif
    expect(hits.has('sha1:N037')).toBe(false); // neg37, past the frequent words
    expect(hits.has('sha1:N002')).toBe(true);
  });
});

// A host beside words, sorted by date: the words' matches and the host's pages read as two sets and intersected
// (hostMatchIds), the pages both hold sorted by id. Pages have one to three captures, on a.example.org, its subdomain
// or b.example.org, at times that do not follow page ids; the same pages in the same order as sorting every match
// (hostSetMatches 0) and as walking the captures newest first (dateSortMatches 0 too).
describe('a host beside words, sorted by date', () => {
  const M = 60;
  const HOSTS = ['a.example.org', 'news.a.example.org', 'b.example.org'];
  const HOSTED: FakePage[] = Array.from({ length: M }, (_, i) => ({
    digest: `sha1:H${String(i).padStart(3, '0')}`,
    title: `page ${i}`,
    text: `page ${i} ${i % 3 === 0 ? 'harbor' : ''} ${i % 7 === 0 ? 'lamp' : ''} ${i % 2 === 0 ? 'even' : 'odd'}`,
    captures: Array.from({ length: (i % 3) + 1 }, (_, k) => ({
      uri: `http://${HOSTS[(i + k) % 3]}/${i}/${k}`,
      timestamp: `20${String(10 + ((i * 7 + k * 5) % 12)).padStart(2, '0')}0${(k % 9) + 1}01000000`,
    })),
  }));
  const hosted = collectionOf(HOSTED);
  const digests = (r: SearchResult) => r.hits.map((h) => h.capture.digest);
  const QUERIES = ['harbor site:a.example.org', 'lamp site:news.a.example.org', 'harbor OR lamp site:b.example.org',
    'harbor -lamp site:a.example.org', 'harbor site:a.example.org from:2015', 'harbor even site:a.example.org to:2018',
    'harbor site:a.example.org site:b.example.org', 'lamp site:b.example.org'];
  for (const query of QUERIES) {
    it(`${query}: the same pages in the same order as sorting every match or walking the captures`, () => {
      const { spy, seen } = spied(hosted());
      const sets = search(spy, query, { sort: 'date', limit: 50 });
      expect(sets.plan).toBe('host-matches');
      expect(seen.some((sql) => /^SELECT DISTINCT c\.page_id AS pid FROM captures c WHERE /.test(sql))).toBe(true);
      const sorted = search(hosted(), query, { sort: 'date', limit: 50, tuning: { hostSetMatches: 0 } });
      const walked = search(hosted(), query, { sort: 'date', limit: 50, tuning: { hostSetMatches: 0, dateSortMatches: 0 } });
      expect(sorted.plan).toBe('date-sql');
      expect(walked.plan).toBe('date-scan');
      expect(digests(sets)).toEqual(digests(sorted));
      expect(digests(sets)).toEqual(digests(walked));
      expect(sets.hits.map((h) => h.capture.uri)).toEqual(sorted.hits.map((h) => h.capture.uri));
      expect(sets.hits.length).toBeGreaterThan(0);
      expect(sets.hits.length).toBeLessThan(M);
      const paged = [0, 2, 4, 6].flatMap((offset) => digests(search(hosted(), query, { sort: 'date', limit: 2, offset })));
      expect(paged).toEqual(digests(sets).slice(0, 8));
    });
  }
  it('leaves a host too large for its words\' matches to the other ways: past hostSetPages, or 25 host pages a match', () => {
    expect(search(hosted(), 'harbor site:a.example.org', { sort: 'date', tuning: { hostSetPages: 1 } }).plan).not.toBe('host-matches');
    expect(search(hosted(), 'harbor site:a.example.org', { sort: 'date', tuning: { hostSetMatches: 1 } }).plan).not.toBe('host-matches');
    // '59' is on page 59 alone, against the 120 captures of every host: more than 25 a match. 'lamp' is on 9 pages.
    const one = search(hosted(), '59 site:example.org', { sort: 'date' });
    expect(one.plan).toBe('date-sql');
    expect(one.hits.map((h) => h.capture.digest)).toEqual(['sha1:H059']);
    expect(search(hosted(), 'lamp site:example.org', { sort: 'date' }).plan).toBe('host-matches');
  });
});

// A phrase with a very common word is listed newest first (its bm25 would walk that word's positions over the whole
// collection); a phrase of rarer words keeps bm25 ranking. Pages are read newest first in windows of page ids, here
// of one page at first (firstWindowPages), so that the windows' seams are crossed.
describe('phrases with a very common word', () => {
  const M = 48;
  // 'the' on every page; 'weird the' on every tenth page in the main content, and on pages 15, 25, 35 and 45 only
  // in a footer line (outside it), page 5 in its title (the title weighs most in bm25); 'quiet harbour' on pages 2,
  // 30 and 40: in the title of page 2 (the oldest), the text of page 30, and only outside the main content (a footer
  // line, eight times: it would outscore page 30 in bm25) of page 40, the newest; 'the lighthouse' on two pages, in
  // the main content of page 1 and only in a footer of page 12 (matches so sparse that each is looked up by arm).
  const PHRASED: FakePage[] = Array.from({ length: M }, (_, i) => {
    const main = `the day ${i % 10 === 0 ? 'was weird the whole' : 'went by as the others'} time${i === 30 ? ' near the quiet harbour' : i === 1 ? ' by the lighthouse' : ''}`;
    const footer = i === 40 ? `footer: ${'quiet harbour '.repeat(8)}` : i % 10 === 5 ? 'footer: it was weird the whole way'
      : i === 12 ? 'footer: the lighthouse' : null;
    return {
      digest: `sha1:W${String(i).padStart(3, '0')}`,
      title: i === 5 ? 'weird the title' : i === 2 ? 'quiet harbour' : `plain ${i}`,
      text: footer ? `${main}\n${footer}` : main,
      main: footer ? main : undefined,
      captures: [{ uri: `http://phrase.example.org/${i}`, timestamp: `2021${String((i % 12) + 1).padStart(2, '0')}01000000` }],
    };
  });
  const phrased = collectionOf(PHRASED);
  const holding = (phrase: string) => PHRASED.filter((p) => `${p.title} ${p.text}`.includes(phrase));
  for (const firstWindowPages of [0, 1]) {
    const t = { rankWindow: 8, commonShare: 0.5, firstWindowPages };
    it(`a phrase with a very common word lists every page holding it, newest first, main content first (first window ${firstWindowPages || 'as wanted'})`, () => {
      const inMain = (p: FakePage) => `${p.title} ${p.main ?? p.text}`.includes('weird the');
      const newestFirst = (pages: FakePage[]) => pages.map((p) => p.digest).reverse();
      const expected = [...newestFirst(holding('weird the').filter(inMain)), ...newestFirst(holding('weird the').filter((p) => !inMain(p)))];
      expect(expected).toHaveLength(10);
      expect(expected[0]).toBe('sha1:W040');
      expect(expected[6]).toBe('sha1:W045');
      const r = search(phrased(), '"weird the"', { limit: 50, tuning: t });
      expect(r.plan).toBe('newest-matches');
      expect(r.hits.map((h) => h.capture.digest)).toEqual(expected);
      const paged = [0, 3, 6, 9].flatMap((offset) => search(phrased(), '"weird the"', { limit: 3, offset, tuning: t }).hits.map((h) => h.capture.digest));
      expect(paged).toEqual(expected);
      expect(searchFacets(phrased(), '"weird the"', t)).toMatchObject({ total: expected.length, totalIsEstimate: false });
    });
    it(`a sparse phrase with a very common word: main content first, though older (first window ${firstWindowPages || 'as wanted'})`, () => {
      const r = search(phrased(), '"the lighthouse"', { limit: 50, tuning: t });
      expect(r.plan).toBe('newest-matches');
      expect(r.hits.map((h) => h.capture.digest)).toEqual(['sha1:W001', 'sha1:W012']);
    });
    it(`a phrase of rarer words keeps bm25 ranking: the title match first, though older, the footer match last (first window ${firstWindowPages || 'as wanted'})`, () => {
      const r = search(phrased(), '"quiet harbour"', { limit: 50, tuning: t });
      expect(r.plan).toBe('ranked-matches');
      expect(r.hits.map((h) => h.capture.digest)).toEqual(['sha1:W002', 'sha1:W030', 'sha1:W040']);
      // Paged one at a time: the same order (each part of it read alone).
      const paged = [0, 1, 2].flatMap((offset) => search(phrased(), '"quiet harbour"', { limit: 1, offset, tuning: t }).hits.map((h) => h.capture.digest));
      expect(paged).toEqual(['sha1:W002', 'sha1:W030', 'sha1:W040']);
      expect(search(phrased(), '"quiet harbour" in:main', { limit: 50, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(['sha1:W002', 'sha1:W030']);
      // Ranked as one page (in:all), the footer's eight outscore page 30's one: main-first is what puts it last.
      expect(search(phrased(), '"quiet harbour" in:all', { limit: 50, tuning: t }).hits.map((h) => h.capture.digest)).toEqual(['sha1:W002', 'sha1:W040', 'sha1:W030']);
    });
    it(`date order of a phrase: its size is told by a read in windows, and both ways give one order (first window ${firstWindowPages || 'as wanted'})`, () => {
      const sorted = search(phrased(), '"weird the"', { sort: 'date', limit: 50, tuning: { ...t, dateSortMatches: 1000 } });
      const scanned = search(phrased(), '"weird the"', { sort: 'date', limit: 50, tuning: { ...t, dateSortMatches: 3 } });
      expect([sorted.plan, scanned.plan]).toEqual(['date-sql', 'date-scan']);
      expect(sorted.hits).toHaveLength(holding('weird the').length);
      expect(scanned.hits.map((h) => h.pageId)).toEqual(sorted.hits.map((h) => h.pageId));
    });
    it(`a very common phrase beside a rarer word only filters: the rarer word ranks (first window ${firstWindowPages || 'as wanted'})`, () => {
      const r = search(phrased(), '"weird the" title', { limit: 50, tuning: t });
      expect(r.plan).toBe('rarer-words');
      expect(r.hits.map((h) => h.capture.digest)).toEqual(['sha1:W005']);
    });
  }
});

// newestMatchIds reads a match set forwards, whole, when its oldest matches say it is no larger than the count
// wanted, else backwards as far as that count: the same matches, newest first, either way.
describe('the newest matches of a set larger than a forward look', () => {
  const M = 200;
  // 'tri' on every third page (67), the first 100 pages on old.example.org.
  const many = collectionOf(Array.from({ length: M }, (_, i) => ({
    digest: `sha1:M${String(i).padStart(3, '0')}`, title: `page ${i}`, text: `some words ${i % 3 === 0 ? 'tri' : 'other'} here`,
    captures: [{ uri: `http://${i < 100 ? 'old.example.org' : 'new.example.com'}/${i}`, timestamp: '20200101000000' }],
  })));
  it('counts them exactly at or above their number, and samples the newest below it', () => {
    for (const limit of [67, 100, 150, 1000]) {
      const f = searchFacets(many(), 'tri', { exactCountLimit: limit });
      expect(f, `limit ${limit}`).toMatchObject({ total: 67, totalIsEstimate: false });
      expect(Object.fromEntries(f.facets.site.map((x) => [x.value, x.count])), `limit ${limit}`).toEqual({ 'old.example.org': 34, 'new.example.com': 33 });
    }
    // The newest 50 of them: all 33 on new.example.com and the 17 newest on old.example.org.
    const f = searchFacets(many(), 'tri', { exactCountLimit: 50 });
    expect(f.totalIsEstimate).toBe(true);
    expect(Object.fromEntries(f.facets.site.map((x) => [x.value, x.count]))).toEqual({ 'old.example.org': 17, 'new.example.com': 33 });
    // And as two words, which FTS5 reads backwards the slower.
    expect(searchFacets(many(), 'tri here', { exactCountLimit: 150 })).toMatchObject({ total: 67, totalIsEstimate: false });
  });
});


describe('totals and facets of a host without words', () => {
  // 600 pages on one host, ingested in date order over 2015-2024, one in four answered 404; 60 elsewhere.
  const HOST_PAGES = 600;
  const hostColl = collectionOf(Array.from({ length: HOST_PAGES + 60 }, (_, i): FakePage => ({
    digest: `sha1:A${String(i).padStart(4, '0')}`,
    title: `page ${i}`,
    text: `text ${i}`,
    captures: [{
      uri: i < HOST_PAGES ? `http://arc.example.net/${i}` : `http://other.example.org/${i}`,
      timestamp: `${2015 + Math.floor((i % HOST_PAGES) / 60)}0101000000`,
      status: i % 4 === 3 ? 404 : 200,
    }],
  })));
  const years = (f: ReturnType<typeof searchFacets>) => f.facets.year.map((y) => y.value).sort();

  it('the host alone: its pages counted exactly, facets on a sample spread over all of them', () => {
    const f = searchFacets(hostColl(), 'site:arc.example.net', { exactCountLimit: 100 });
    expect(f).toMatchObject({ total: HOST_PAGES, totalIsEstimate: false, facetsAreSample: true });
    // Spread by page id, the sample holds every year, not only the newest pages' last ones.
    expect(years(f)).toEqual(Array.from({ length: 10 }, (_, k) => String(2015 + k)));
    expect(searchFacets(hostColl(), 'site:arc.example.net')).toMatchObject({ total: HOST_PAGES, totalIsEstimate: false, facetsAreSample: false });
  });
  it('with more of a filter, the sample share estimates the total; too few hits in the sample, it is counted', () => {
    const ok = searchFacets(hostColl(), 'site:arc.example.net status:200', { exactCountLimit: 200 });
    expect(ok).toMatchObject({ totalIsEstimate: true, facetsAreSample: true });
    expect(Math.abs(ok.total - 450)).toBeLessThanOrEqual(45);
    const missing = searchFacets(hostColl(), 'site:arc.example.net status:404', { exactCountLimit: 200 });
    expect(missing).toMatchObject({ total: 150, totalIsEstimate: false, facetsAreSample: false });
    expect(searchFacets(hostColl(), 'site:arc.example.net from:2024', { exactCountLimit: 1000 })).toMatchObject({ total: 60, totalIsEstimate: false });
  });
});
