// Search that finds the article, not the menu (issue 14, "Use it" and must-show 3): a word only in a page's navigation
// ranks below pages that hold it in their main content, under every plan search may take; in:main leaves such pages
// out; in:all ranks the whole page by bm25 alone; a hit whose word is in its article shows no line of its menu.
import { describe, expect, it } from 'vitest';
import { search, searchFacets, MARK_END, MARK_START, type SearchTuning } from '../../../src/core/search/index.js';
import { mainFirstMatch, mainWordsMatch, parseQuery } from '../../../src/core/search/query.js';
import { buildMatchAtSql } from '../../../src/core/search/sql.js';
import { snippetOf, termPattern } from '../../../src/core/search/snippet.js';
import { PIECE_BYTES } from '../../../src/core/store/main-lines.js';
import { collectionOf, type FakePage } from './helpers.js';

const NAV = ['Home', 'Zebra shop weekly', 'Contact us'];
const filler = (i: number) => Array.from({ length: 40 }, (_, k) => `word${(i * 7 + k) % 50}`).join(' ');

// Articles (even i < 12): long, 'zebra' and 'weekly' once in the article. Menu pages (odd i < 12): short, 'zebra' and
// 'weekly' only in their navigation. Interleaved in ingest order, so a window of the newest matches holds both
// kinds. Then four newer pages without an article (all of their text is main) that have 'weekly' but no 'zebra', so
// 'weekly' is a very common word among the newest pages and 'zebra' is not.
const PAGES: FakePage[] = Array.from({ length: 16 }, (_, i) => {
  const digest = `sha1:M${String(i).padStart(2, '0')}`;
  const captures = [{ uri: `http://${i < 6 ? 'old' : 'new'}.example.org/${i}`, timestamp: `2020${String((i % 12) + 1).padStart(2, '0')}0${1 + Math.floor(i / 12)}000000` }];
  if (i >= 12) return { digest, title: `plain ${i}`, text: `Weekly notes ${i} common`, captures };
  const article = i % 2 === 0;
  const main = article
    ? [`Story ${i} common`, `${filler(i)} a zebra crossed the road ${filler(i + 1)}`, `weekly ${filler(i + 2)}`].join('\n')
    : `Opening hours ${i} common`;
  const text = article ? ['Home', 'News', 'Contact us', main].join('\n') : [...NAV, main].join('\n');
  return { digest, title: `page ${i}`, text, main, captures };
});
const isArticle = (digest: string | null) => Number(digest!.slice(-2)) % 2 === 0;
/** Whether the page holds the word in its main content (all of its text when it has no article). */
const inMain = (digest: string | null, word: string) => {
  const p = PAGES.find((x) => x.digest === digest)!;
  return (p.main ?? p.text).toLowerCase().includes(word);
};

const coll = collectionOf(PAGES);

// Each plan search.ts may take for a ranked query (search/index.ts): the plain join, a window of the newest matches,
// a very common word only filtering (ranked by the rarer ones), every word very common (newest first), a selective
// filter (a set of pages), a broad filter (a capture lookup per candidate).
const PLANS: Array<{ name: string; query: string; word: string; limit: number; tuning: Partial<SearchTuning> }> = [
  { name: 'ranked join', query: 'zebra', word: 'zebra', limit: 20, tuning: {} },
  { name: 'rank window', query: 'zebra', word: 'zebra', limit: 8, tuning: { rankWindow: 4 } },
  { name: 'common word filters', query: 'zebra common', word: 'zebra', limit: 20, tuning: { rankWindow: 4, commonShare: 0.5 } },
  { name: 'common word filters, its match set read', query: 'zebra common', word: 'zebra', limit: 20, tuning: { rankWindow: 4, commonShare: 0.5, candidateLookups: 0 } },
  { name: 'all words very common', query: 'weekly', word: 'weekly', limit: 20, tuning: { rankWindow: 4 } },
  { name: 'all words very common, read in windows from one page', query: 'weekly', word: 'weekly', limit: 20, tuning: { rankWindow: 4, firstWindowPages: 1 } },
  { name: 'rank window found in windows from one page', query: 'zebra', word: 'zebra', limit: 8, tuning: { rankWindow: 4, firstWindowPages: 1 } },
  { name: 'selective filter', query: 'zebra site:example.org', word: 'zebra', limit: 20, tuning: { selectivePages: 100 } },
  { name: 'selective filter in SQL', query: 'zebra site:example.org', word: 'zebra', limit: 20, tuning: { selectivePages: 100, walkCandidates: 0 } },
  { name: 'broad filter', query: 'zebra site:example.org', word: 'zebra', limit: 20, tuning: { selectivePages: 0 } },
];

describe('main content ranks first', () => {
  for (const plan of PLANS) {
    it(`${plan.name}: no page with the word only in its navigation ranks above one with it in its article`, () => {
      const hits = search(coll(), plan.query, { limit: plan.limit, tuning: plan.tuning }).hits;
      const kinds = hits.map((h) => inMain(h.capture.digest, plan.word));
      expect(kinds.filter(Boolean).length).toBeGreaterThan(0);
      expect(kinds.filter((k) => !k).length).toBeGreaterThan(0);
      // Main-content matches first, then the others: never one of the others before a main-content match.
      expect(kinds).toEqual([...kinds].sort((a, b) => Number(b) - Number(a)));
    });
  }

  // Articles (every third page) with a phrase in their main content; menus of growing length with it in their
  // navigation, some with both of its words apart in their main content (so the words' test passes and the phrase's
  // does not).
  const lighthouse = collectionOf(Array.from({ length: 9 }, (_, i): FakePage => {
    const article = i % 3 === 0;
    const words = i % 3 === 2 ? ' light and harbour' : '';
    const main = article ? `Story ${i}\nThe harbour light shone ${filler(i)}` : `Opening hours ${filler(i).slice(0, 20 * i)}${words}`;
    const text = article ? `Home\n${main}` : `Home\nHarbour light tours\n${main}`;
    return { digest: `sha1:L${i}`, title: `page ${i}`, text, main,
      captures: [{ uri: `http://l.example.org/${i}`, timestamp: `2020010${1 + i}000000` }] };
  }));

  it('the rest-only pages of a phrase, known, rank as a filter that keeps every page ranks them', () => {
    // A phrase's matches are told apart by arm page by page when they are few (search/index.ts pagesByArm).
    // Unfiltered, the menu pages are ranked by the query's own match over their span; a filter keeps them to its
    // pages in the arm's own ranked statement. Same scores, same order; the menus differ in length, so in score.
    const plain = search(lighthouse(), '"harbour light"', { limit: 20 }).hits;
    const filtered = search(lighthouse(), '"harbour light" site:example.org', { limit: 20, tuning: { selectivePages: 0 } }).hits;
    expect(plain.map((h) => h.capture.digest).slice(3).sort()).toEqual(['sha1:L1', 'sha1:L2', 'sha1:L4', 'sha1:L5', 'sha1:L7', 'sha1:L8']);
    expect(new Set(plain.slice(3).map((h) => h.score)).size).toBeGreaterThan(3);
    expect(plain.map((h) => [h.capture.digest, h.score])).toEqual(filtered.map((h) => [h.capture.digest, h.score]));
  });

  // Every page has 'harbour' and 'light', so the phrase's words are very common and its matches are read newest
  // first. One page in twenty has the phrase, so each is told apart by arm page by page: in the article (i % 60 ==
  // 0); in the menu, both words apart in the article (20); in the menu, 'harbour' nowhere else (40).
  const harbourPages = Array.from({ length: 180 }, (_, i): FakePage => {
    const main = i % 60 === 0 ? `Story ${i} in the harbour light` : i % 60 === 40 ? `Light rain ${filler(i)}` : `Harbour cranes and a light wind ${filler(i)}`;
    const text = i % 60 === 20 || i % 60 === 40 ? `Home\nHarbour light tours\n${main}` : `Home\nAbout\n${main}`;
    return { digest: `sha1:H${String(i).padStart(3, '0')}`, title: `page ${i}`, text, main,
      captures: [{ uri: `http://h.example.org/${i}`, timestamp: `2020${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}000000` }] };
  });
  const harbour = collectionOf(harbourPages);

  it('a phrase of very common words, read newest first, ranks the pages with it in their article first', () => {
    for (const tuning of [{}, { firstWindowPages: 1 }]) {
      const hits = search(harbour(), '"harbour light"', { limit: 20, tuning: { rankWindow: 4, commonShare: 0.5, ...tuning } });
      expect(hits.plan).toBe('newest-matches');
      // Articles newest first, then the others newest first.
      expect(hits.hits.map((h) => h.capture.digest)).toEqual(['120', '060', '000', '160', '140', '100', '080', '040', '020'].map((n) => `sha1:H${n}`));
    }
  });

  it("the words' test of the main content is true on every page the main content's own test is", () => {
    const queries = ['"harbour light"', '"light rain" harbour', '"harbour cranes" OR "light wind"', '"harbour light" -cranes', '"harbour light" "light rain"'];
    let matched = 0;
    for (const query of queries) {
      const q = parseQuery(query);
      const [exact, words] = [mainFirstMatch(q)!, mainWordsMatch(q)!];
      expect(words).not.toBe(null);
      for (let pid = 1; pid <= harbourPages.length; pid++) {
        if (harbour().get(buildMatchAtSql(exact, pid)) === undefined) continue;
        matched++;
        expect(harbour().get(buildMatchAtSql(words, pid)), `${query} at page ${pid}`).not.toBe(undefined);
      }
    }
    expect(matched).toBeGreaterThan(10);
    expect(mainWordsMatch(parseQuery('harbour light'))).toBe(null); // no phrase: nothing cheaper to test
  });

  it('pages of hits read newest first cut one list, whichever arm the offset falls in', () => {
    // 'weekly' is very common: its matches are read whole, newest first, main content first; SQLite passes over the
    // offset, and an offset past the first arm's matches is spent in the second.
    const tuning = { rankWindow: 4 };
    const all = search(coll(), 'weekly', { limit: 20, tuning });
    expect(all.plan).toBe('newest-matches');
    expect(all.hits.length).toBeGreaterThan(10);
    for (const size of [1, 3, 7]) {
      const paged: string[] = [];
      for (let offset = 0; offset < all.hits.length; offset += size) {
        paged.push(...search(coll(), 'weekly', { limit: size, offset, tuning }).hits.map((h) => h.capture.digest!));
      }
      expect(paged, `pages of ${size}`).toEqual(all.hits.map((h) => h.capture.digest));
    }
  });

  it('without windows every article ranks above every menu page, and paging keeps that order', () => {
    const first = search(coll(), 'zebra', { limit: 6 }).hits.map((h) => h.capture.digest);
    const second = search(coll(), 'zebra', { limit: 6, offset: 6 }).hits.map((h) => h.capture.digest);
    expect(first.filter(isArticle)).toHaveLength(6);
    expect(second.filter((d) => !isArticle(d))).toHaveLength(6);
  });

  it('in:all ranks by bm25 over the whole page: a short menu page outscores a long article there', () => {
    // The reason for the tiers: the same query ranked as one page puts a menu page first.
    const hits = search(coll(), 'zebra in:all', { limit: 20 }).hits;
    expect(hits).toHaveLength(12);
    expect(isArticle(hits[0].capture.digest)).toBe(false);
  });

  it('in:main finds only the pages that hold the word in their main content (or title or description)', () => {
    for (const plan of PLANS) {
      const hits = search(coll(), `${plan.query} in:main`, { limit: 20, tuning: plan.tuning }).hits;
      expect(hits.map((h) => h.capture.digest).sort()).toEqual(PAGES.filter((p) => inMain(p.digest, plan.word)).map((p) => p.digest));
    }
    expect(search(coll(), 'page in:main').hits).toHaveLength(12); // the title counts as main
    expect(searchFacets(coll(), 'zebra in:main').total).toBe(6);
    expect(searchFacets(coll(), 'zebra').total).toBe(12);
  });

  it('date order and exclusions keep the scope', () => {
    const newest = search(coll(), 'zebra in:main', { sort: 'date', limit: 20 }).hits.map((h) => h.capture.digest);
    expect(newest).toEqual(PAGES.filter((p) => inMain(p.digest, 'zebra')).map((p) => p.digest).reverse());
    // An exclusion excludes a page holding the word anywhere, also in:main: the menu pages too.
    const hits = search(coll(), 'common in:main -zebra', { limit: 20 }).hits.map((h) => h.capture.digest).sort();
    expect(hits).toEqual(PAGES.slice(12).map((p) => p.digest));
  });
});

describe('snippets come from the main content first', () => {
  it('a hit with the word in its article shows no line of its navigation', () => {
    const hits = search(coll(), 'zebra', { limit: 20 }).hits;
    expect(hits.filter((x) => isArticle(x.capture.digest))).toHaveLength(6);
    for (const h of hits.filter((x) => isArticle(x.capture.digest))) {
      const plain = h.snippet.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
      expect(plain).toContain('zebra crossed');
      for (const line of ['Home', 'News', 'Contact us']) expect(plain).not.toContain(line);
    }
    // A menu page's only match is in its navigation: that is its snippet.
    const menu = hits.find((x) => !isArticle(x.capture.digest))!;
    expect(menu.snippet).toContain(`${MARK_START}Zebra${MARK_END} shop`);
  });
  it('without words, a hit shows the lead of its main content', () => {
    const h = search(coll(), 'site:new.example.org', { limit: 20 }).hits.find((x) => isArticle(x.capture.digest))!;
    expect(h.snippet.startsWith('Story')).toBe(true);
  });

  // Pages over PIECE_BYTES are read as UTF-8 bytes and their main content decoded in pieces (store/main-lines.ts
  // mainPieces): the snippets are the ones the joined main content gives, from the article, the rest when the words
  // are only there.
  const paragraph = (i: number) => `Paragraph ${i} of the “long” story ${filler(i)}`;
  const bigMain = Array.from({ length: 900 }, (_, i) => paragraph(i));
  bigMain[850] = `The ferry reached the quay at dawn ${filler(3)}`;
  const bigText = ['Home', 'Quay tours', ...bigMain.slice(0, 400), 'Advert: ferry tickets', ...bigMain.slice(400)].join('\n');
  const big = collectionOf([{ digest: 'sha1:BIG', title: 'Long story', text: bigText, main: bigMain.join('\n'),
    captures: [{ uri: 'http://big.example.org/', timestamp: '20200101000000' }] }]);

  it('a page larger than a piece gives the same snippets as its joined main content', () => {
    expect(Buffer.byteLength(bigText)).toBeGreaterThan(2 * PIECE_BYTES);
    const [ferry] = search(big(), 'ferry', { limit: 1 }).hits;
    expect(ferry.snippet).toBe(snippetOf(bigMain.join('\n'), termPattern(parseQuery('ferry'))!));
    expect(ferry.snippet).toContain(`The ${MARK_START}ferry${MARK_END} reached the quay`);
    expect(ferry.snippet).not.toContain('Advert');
    const [quay] = search(big(), '"quay tours"', { limit: 1 }).hits;
    expect(quay.snippet).toBe(`Home ${MARK_START}Quay tours${MARK_END} Advert: ferry tickets`);
  });
});
