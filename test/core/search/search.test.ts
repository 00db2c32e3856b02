// Search over a collection built from plain rows: operators, filters, hits-with-captures, snippets, scripts
// (issue "Collections and offline full-text search": query language, CJK/diacritics/Cyrillic/Greek/Arabic, facets).
import Database from 'better-sqlite3'; // test-only: takes a collection back to the schema before a migration
import { describe, expect, it } from 'vitest';
import { MARK_END, MARK_START, search, searchFacets, QuerySyntaxError } from '../../../src/core/search/index.js';
import type { SearchOptions, SearchTuning } from '../../../src/core/search/index.js';
import { parseQuery } from '../../../src/core/search/query.js';
import { buildDateHitsSql, buildNewestCapturesSql, filteredCandidates } from '../../../src/core/search/sql.js';
import { Collection } from '../../../src/core/store/index.js';
import { SCHEMA_VERSION } from '../../../src/core/store/schema.js';
import { buildCollection, collectionOf, spied, tempDbs, type FakePage } from './helpers.js';

const PAGES: FakePage[] = [
  {
    digest: 'sha1:AAA', title: 'Web archiving basics', text: 'How a crawler writes WARC files for the web archive.',
    captures: [
      { uri: 'http://www.example.com/basics', timestamp: '20190101000000' },
      { uri: 'http://example.com/basics', timestamp: '20210505120000' },
      { uri: 'http://mirror.org/basics', timestamp: '20230101000000' },
    ],
  },
  {
    digest: 'sha1:BBB', title: 'Cats', text: 'The cat sat on the mat. Archive of cat pictures.',
    captures: [{ uri: 'http://blog.example.com/cats', timestamp: '20200301000000' }],
  },
  {
    digest: 'sha1:CCC', title: 'Dogs', text: 'Dogs chase the mailman; an archive mention too.',
    captures: [{ uri: 'http://dogs.net/', timestamp: '20180101000000', status: 404 }],
  },
  {
    digest: 'sha1:DDD', title: 'Un café', text: 'Nous avons bu un café noir à Paris.',
    captures: [{ uri: 'http://fr.example.fr/cafe', timestamp: '20200101000000', mime: 'application/xhtml+xml' }],
  },
  {
    digest: 'sha1:EEE', title: '东京', text: '我们在东京大学学习中文。日本語の文章です。',
    captures: [{ uri: 'http://cn.example.cn/', timestamp: '20200101000000' }],
  },
  {
    digest: 'sha1:FFF', title: 'ไทย', text: 'ภาษาไทยเป็นภาษาที่สวยงาม',
    captures: [{ uri: 'http://th.example.th/', timestamp: '20200101000000' }],
  },
  {
    digest: 'sha1:GGG', title: 'Cities', text: 'Москва, Αθήνα and القاهرة are capitals.',
    captures: [{ uri: 'http://cities.example.org/', timestamp: '20200101000000' }],
  },
  {
    digest: 'sha1:HHH', title: 'Archive', text: 'Title match only in the body of nothing else.',
    captures: [{ uri: 'http://title.example.org/', timestamp: '20170101000000' }],
  },
];

// Every behaviour below holds for an index one writer built and for one adopted from shards (store/fts-shard.ts), as
// an ingest with shard threads writes it; and ranked with the ranking extension (store/fts-rank.ts, where it was
// built: the first two) and with FTS5's bm25 alone, as where no C compiler built it.
const BUILDS: Array<[string, () => Collection]> = [
  ['index by one writer', collectionOf(PAGES)],
  ['index from 2 shards', collectionOf(PAGES, { ftsShards: 2 })],
  ['ranked by FTS5\'s bm25', collectionOf(PAGES, { ftsRank: false })],
];

// Queries take one of several plans (search/index.ts): walk the ranked matches keeping filtered pages (a selective
// filter, probed on each candidate or read as a set of pages), walk them probing each candidate's captures (a broad
// filter), or the
// stopword-aware walk (very common words only filter; with commonShare 0 every word on the newest page counts as very
// common), or date order walking captures newest first. Every behaviour below must hold whichever plan runs.
// Each plan is known by the name the search reports and, where two share a name, a statement only it runs (its probe
// query's), which must run under its tuning and not under a tuning that picks another plan for the same query.
interface PlanProbe {
  query: string;
  options: SearchOptions;
  /** The plan the search reports (SearchResult.plan). */
  plan: string;
  /** Matches the SQL text of a statement only this plan runs. */
  statement?: RegExp;
  /** A plan of the ranking extension's (store/fts-rank.ts): where it is not loaded, the search takes another. */
  extension?: boolean;
  /** A tuning under which the same query takes another plan, where this one is the default's. */
  otherwise?: Partial<SearchTuning>;
}
/** The statement that keeps candidates by a capture lookup each (sql.ts FilterWay 'probe'). */
const PROBED = /EXISTS \(SELECT 1 FROM captures c WHERE c\.page_id = pid /;
/** The statement that keeps candidates among the filter's pages read as a set (FilterWay 'set'). */
const AS_SET = /\+pid IN \(SELECT c\.page_id FROM captures c /;
/** The same two ways on a newest-first read of the full-text index (sql.ts PageFilter). */
const NEWEST_PROBED = / AND EXISTS \(SELECT 1 FROM captures c WHERE c\.page_id = pages_fts\.rowid /;
const NEWEST_AS_SET = / AND \+rowid IN \(SELECT c\.page_id FROM captures c /;
const PLANS: Array<[string, Partial<SearchTuning>, PlanProbe]> = [
  // A selective filter: probed on the tier of the newest ranked matches, its pages read as a set for the older tier.
  ['ranked walk', {}, { query: 'crawler site:example.com', options: {}, plan: 'selective-filter', statement: AS_SET }],
  // A selective filter too small for its first page of hits to fill within the newest rankWindow matches: all its
  // matches ranked at once.
  ['ranked whole', { rankWindow: 1 }, {
    query: 'crawler site:example.com', options: {}, plan: 'selective-filter', statement: new RegExp(`MATCH @match ORDER BY score, pid\\) WHERE ${AS_SET.source}`),
  }],
  ['broad filter', { selectivePages: 0 }, { query: 'crawler site:example.com', options: {}, plan: 'ranked-matches', statement: PROBED }],
  // An OR holding a prefix is not ranked, as a prefix alone is not: newest first (ranked, bm25 had FTS5 merge the
  // prefix's doclists whole). Only where the collection holds more than rankWindow pages; here, 8 against 1.
  ['an OR with a prefix', { rankWindow: 1 }, { query: 'cat OR mail*', options: {}, plan: 'newest-matches' }],
  ['common words', { rankWindow: 1, commonShare: 0 }, { query: 'archive', options: {}, plan: 'newest-matches', statement: /MATCH @match ORDER BY rowid DESC$/ }],
  // A phrase's newest matches are read forwards in windows of page ids, here of one page at first (the seams crossed).
  ['common words in windows', { rankWindow: 1, commonShare: 0, firstWindowPages: 1 }, { query: '"web archive"', options: {}, plan: 'newest-matches', statement: /rowid < CAST\(@upto AS INTEGER\)/ }],
  // Newest matches first and a selective filter: probed when the page of hits should fill within walkCandidates
  // candidates, else its pages read as a set.
  ['common words, filter probed', { rankWindow: 1, commonShare: 0, walkCandidates: 1e9 }, {
    query: 'archive site:example.com', options: {}, plan: 'selective-filter', statement: NEWEST_PROBED,
  }],
  ['common words, filter as a set', { rankWindow: 1, commonShare: 0, walkCandidates: 0 }, {
    query: 'archive site:example.com', options: {}, plan: 'selective-filter', statement: NEWEST_AS_SET,
  }],
  // A filter of so few pages that each is looked up in the full-text index, newest first.
  ['common words, filter looked up', { rankWindow: 1, commonShare: 0, matchesPerPageLookup: 0 }, {
    query: 'archive site:example.com', options: {}, plan: 'selective-filter', statement: /-s\.pid AS score[^]*rowid >= s\.pid AND rowid <= s\.pid/,
  }],
  ['common words in windows, filter probed', { rankWindow: 1, commonShare: 0, firstWindowPages: 1, walkCandidates: 1e9 }, {
    query: '"web archive" site:example.com', options: {}, plan: 'selective-filter', statement: new RegExp(`rowid < CAST\\(@upto AS INTEGER\\)${NEWEST_PROBED.source}`),
  }],
  // Without words, a filter no index narrows is walked newest first; past walkCaptures its captures are grouped.
  ['filters grouped', { walkCaptures: 0 }, { query: 'from:2019', options: {}, plan: 'date-sql' }],
  // A host alone holding too few of the captures for its pages to turn up within walkCaptures of them is grouped; by
  // default, here, it is walked newest first with the host tested on each capture.
  ['host grouped', { walkCaptures: 0 }, { query: 'site:example.com', options: {}, plan: 'date-sql' }],
  // A very common word beside a rarer one only filters: the candidates ranked by the rarer word are looked up in the
  // whole query's matches one by one, or (candidateLookups 0) tested in its match set read once.
  ['rarer words, candidates looked up', { rankWindow: 1, commonShare: 0 }, {
    query: 'archive cat', options: {}, plan: 'rarer-words', statement: /MATCH @match AND rowid = CAST\(@pid AS INTEGER\)$/,
  }],
  // A prefix beside the rarer words, with the ranking extension: each candidate looked up in its own words (as_words).
  ['rarer words, a prefix in the candidates\' own words', { rankWindow: 1, commonShare: 0 }, {
    query: 'cat ma*', options: {}, plan: 'rarer-words', statement: /as_words\(pages_fts, @prefix\)/, extension: true,
  }],
  ['rarer words, match set read', { rankWindow: 1, commonShare: 0, candidateLookups: 0 }, {
    query: 'archive cat', options: {}, plan: 'rarer-words', statement: /^SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match$/,
  }],
  // Date order walks the captures newest first instead of sorting the matches (a match set above dateSortMatches),
  // looking each one's page up in the matches, or (dateWalkLookups 0) testing it in the match set read once.
  ['date scan, pages looked up', { dateSortMatches: 0 }, {
    query: 'archive', options: { sort: 'date' }, plan: 'date-scan', statement: /MATCH @match AND rowid = CAST\(@pid AS INTEGER\)$/,
  }],
  ['date scan, match set read', { dateSortMatches: 0, dateWalkLookups: 0 }, {
    query: 'archive', options: { sort: 'date' }, plan: 'date-scan', statement: /^SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match$/,
  }],
  // A prefix is looked up in its words (by default only while that costs less than reading its match set, which on
  // a collection this small it never does).
  ['date scan, a prefix looked up in its words', { dateSortMatches: 0, prefixSeekReads: 0 }, {
    query: 'ca*', options: { sort: 'date' }, plan: 'date-scan', statement: /MATCH @match AND rowid = CAST\(@pid AS INTEGER\)$/,
  }],
  // ...or, with the ranking extension, tested in each page's own words (as_words): here at once (ownWordsReads 0).
  ['date scan, a prefix tested in each page\'s own words', { dateSortMatches: 0, ownWordsReads: 0, prefixSeekReads: 1 }, {
    query: 'ca*', options: { sort: 'date' }, plan: 'date-scan', statement: /as_words\(pages_fts, @prefix\)/, extension: true,
  }],
  // Fewer matches than dateSortMatches, sorted whole: a prefix beside other words has its matches found as those
  // words' pages, tested in their own words (ownWordsReads 0: whatever the cost). (Else, the default here, they are
  // read once by FTS5 for the count and the sort.)
  ['date sort, a prefix\'s matches in their own words', { ownWordsReads: 0 }, {
    query: 'archive ma*', options: { sort: 'date' }, plan: 'date-sql', statement: /as_words\(pages_fts, @prefix\)/, extension: true,
  }],
  // Ranked, a negated prefix beside other words: its matches found as those words' pages, tested in their own words,
  // kept by id and scored without the prefix, in tiers of one page (rankWindow 1).
  ['ranked, a negated prefix\'s matches in their own words', { ownWordsReads: 0, rankWindow: 1, commonShare: 1 }, {
    query: 'archive -ma*', options: {}, plan: 'ranked-matches', statement: /as_words\(pages_fts, @prefix\)/, extension: true,
  }],
  // A host beside words, sorted by date: the words' matches and the host's pages read as two sets, and the pages both
  // hold sorted by id (the default here; hostSetMatches 0 leaves them to the ways below).
  ['date sort, a host\'s pages and the words\' matches as sets', {}, {
    query: 'archive site:example.com', options: { sort: 'date' }, plan: 'host-matches',
    statement: /^SELECT DISTINCT c\.page_id AS pid FROM captures c WHERE /, otherwise: { hostSetMatches: 0 },
  }],
  // With a host of few captures, the walk reads that host's captures alone; of more (selectivePages 0), every capture
  // newest first, the host tested on each.
  ['date scan, the host\'s captures', { dateSortMatches: 0 }, {
    query: 'archive site:example.com', options: { sort: 'date' }, plan: 'date-scan',
    statement: /AS kept FROM captures c WHERE [^]*c\.rhost >= [^]*ORDER BY c\.timestamp DESC, c\.page_id DESC$/,
  }],
  ['date scan, every capture for the host', { dateSortMatches: 0, selectivePages: 0 }, {
    query: 'archive site:example.com', options: { sort: 'date' }, plan: 'date-scan',
    statement: /AS kept FROM captures c WHERE (?![^]*rhost)[^]*ORDER BY c\.timestamp DESC, c\.page_id DESC$/,
  }],
  // ...given up, when hits turn up too slowly among them (dateWalkCaptures 0: at once), for the host's captures that
  // match grouped by page.
  ['date scan given up for grouping', { dateSortMatches: 0, selectivePages: 0, dateWalkCaptures: 0 }, {
    query: 'archive site:example.com', options: { sort: 'date' }, plan: 'date-sql', statement: /AS kept FROM captures c WHERE /,
  }],
];

/** The SQL texts the store ran for `query`. */
function statementsOf(coll: Collection, query: string, opts: SearchOptions): { plan: string; statements: string[] } {
  const { spy, seen } = spied(coll);
  return { plan: search(spy, query, opts).plan, statements: seen };
}

describe.each(BUILDS)('%s', (_build, coll) => {
  describe.each(PLANS)('search (%s)', (plan, tuning, probe) => {
    it('runs the plan its tuning asks for', () => {
      const ran = (t: Partial<SearchTuning>) => {
        const { plan: reported, statements } = statementsOf(coll(), probe.query, { ...probe.options, tuning: t });
        return reported === probe.plan && (!probe.statement || statements.some((sql) => probe.statement!.test(sql)));
      };
      expect(ran(tuning)).toBe(!probe.extension || coll().ftsRank);
      // Another plan for the same query: the default one, or for the default itself, the broad filter or the probe's
      // own.
      expect(ran(plan === 'ranked walk' ? PLANS.find(([name]) => name === 'broad filter')![1] : probe.otherwise ?? {})).toBe(false);
    });

    const run = (q: string, o: SearchOptions = {}) => search(coll(), q, { ...o, tuning });
    const digests = (q: string, o: SearchOptions = {}) => run(q, o).hits.map((h) => h.capture.digest).sort();

    it('words all must match', () => {
      expect(digests('archive cat')).toEqual(['sha1:BBB']);
      expect(digests('archive')).toEqual(['sha1:AAA', 'sha1:BBB', 'sha1:CCC', 'sha1:HHH']);
    });
    it('ranks a title match above a body match (bm25 title weight)', () => {
      expect(run('archive').hits[0].capture.digest).toBe('sha1:HHH');
    });
    it('phrases, prefix, OR, exclusion', () => {
      expect(digests('"web archive"')).toEqual(['sha1:AAA']);
      expect(digests('"archive web"')).toEqual([]);
      expect(digests('mail*')).toEqual(['sha1:CCC']);
      expect(digests('cat OR dogs')).toEqual(['sha1:BBB', 'sha1:CCC']);
      expect(digests('archive -cat')).toEqual(['sha1:AAA', 'sha1:CCC', 'sha1:HHH']);
      expect(digests('cat ma*')).toEqual(['sha1:BBB']);
      expect(digests('cat mai*')).toEqual([]);
      expect(digests('archive mail*')).toEqual(['sha1:CCC']);
      expect(digests('archive -mail*')).toEqual(['sha1:AAA', 'sha1:BBB', 'sha1:HHH']);
      expect(digests('dog* mail* -cat*')).toEqual(['sha1:CCC']);
    });
    it('site:/host: keep a hit when one capture is on the host or a subdomain; the shown capture is in the filter', () => {
      expect(digests('archive site:example.com')).toEqual(['sha1:AAA', 'sha1:BBB']);
      expect(digests('archive host:blog.example.com')).toEqual(['sha1:BBB']);
      expect(digests('archive site:ample.com')).toEqual([]);
      const hit = run('archive site:mirror.org').hits[0];
      expect(hit.url).toBe('http://mirror.org/basics');
      expect(hit.captureCount).toBe(3);
    });
    it('site: without words lists the pages with a capture on the host, newest capture there first', () => {
      expect(run('site:example.com').hits.map((h) => [h.capture.digest, h.timestamp])).toEqual([['sha1:AAA', '20210505120000'], ['sha1:BBB', '20200301000000']]);
      expect(run('site:example.com', { limit: 1, offset: 1 }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB']);
      expect(run('site:example.com to:2020-12-31').hits.map((h) => [h.capture.digest, h.timestamp])).toEqual([['sha1:BBB', '20200301000000'], ['sha1:AAA', '20190101000000']]);
      expect(run('site:mirror.org').hits.map((h) => h.url)).toEqual(['http://mirror.org/basics']);
      // Pages of other hosts are newer than example.org's: a page of hits holds the host's own.
      expect(run('site:example.org', { limit: 1 }).hits.map((h) => h.capture.digest)).toEqual(['sha1:GGG']);
      expect(run('site:example.org', { limit: 1, offset: 1 }).hits.map((h) => h.capture.digest)).toEqual(['sha1:HHH']);
    });
    it('the best capture is the newest within the filter', () => {
      expect(run('crawler').hits[0].timestamp).toBe('20230101000000');
      expect(run('crawler to:2022').hits[0].timestamp).toBe('20210505120000');
      expect(run('crawler to:2020-12-31').hits[0].timestamp).toBe('20190101000000');
      expect(digests('crawler from:2024')).toEqual([]);
    });
    it('tag: and note: keep the pages marked so, or the one capture marked, with words or alone', () => {
      const c = coll();
      const first = run('crawler to:2020-12-31').hits[0].capture;
      c.addTag(Collection.noteTarget(first, 'capture'), 'first');
      c.addTag(Collection.noteTarget(run('cat').hits[0].capture, 'page'), 'pets');
      c.setNote(Collection.noteTarget(run('mailman').hits[0].capture, 'page'), 'checked the mailman story');
      expect(digests('archive tag:pets')).toEqual(['sha1:BBB']);
      expect(digests('tag:pets')).toEqual(['sha1:BBB']);
      // The tag is on one of the page's three captures: that one is shown.
      expect(run('tag:first').hits.map((h) => [h.capture.digest, h.timestamp])).toEqual([['sha1:AAA', '20190101000000']]);
      expect(run('crawler tag:first').hits[0].timestamp).toBe('20190101000000');
      expect(digests('note:mailman')).toEqual(['sha1:CCC']);
      expect(digests('archive note:mailman -dogs')).toEqual([]);
      expect(digests('archive tag:nothing')).toEqual([]);
      expect(searchFacets(c, 'tag:pets', tuning).total).toBe(1);
      expect(searchFacets(c, 'archive tag:first', tuning).total).toBe(1);
    });
    it('mime: and status: filters', () => {
      expect(digests('café mime:application/xhtml+xml')).toEqual(['sha1:DDD']);
      expect(digests('café mime:application/*')).toEqual(['sha1:DDD']);
      expect(digests('café mime:text/html')).toEqual([]);
      expect(digests('archive status:4xx')).toEqual(['sha1:CCC']);
      expect(digests('archive status:200')).toEqual(['sha1:AAA', 'sha1:BBB', 'sha1:HHH']);
    });
    it('sort by date and pagination', () => {
      const byDate = run('archive', { sort: 'date' }).hits.map((h) => h.timestamp);
      expect(byDate).toEqual(['20230101000000', '20200301000000', '20180101000000', '20170101000000']);
      const paged = [0, 1, 2, 3].flatMap((offset) => run('archive', { sort: 'date', limit: 1, offset }).hits.map((h) => h.timestamp));
      expect(paged).toEqual(byDate);
      expect(run('archive status:200', { sort: 'date' }).hits.map((h) => h.timestamp))
        .toEqual(byDate.filter((ts) => ts !== run('archive status:4xx').hits[0].timestamp));
      expect(run('archive', { sort: 'date' }).hits.map((h) => h.score)).toEqual([null, null, null, null]);
      // The newest captures are of pages that do not match: passed over, whichever way the match is tested.
      expect(run('cat OR dogs', { sort: 'date' }).hits.map((h) => [h.capture.digest, h.timestamp]))
        .toEqual([['sha1:BBB', '20200301000000'], ['sha1:CCC', '20180101000000']]);
      // With a host: each page by its newest capture on the host (AAA's newest, on mirror.org, is not it).
      expect(run('archive site:example.com', { sort: 'date' }).hits.map((h) => [h.capture.digest, h.timestamp]))
        .toEqual([['sha1:AAA', '20210505120000'], ['sha1:BBB', '20200301000000']]);
      expect(run('archive site:example.com', { sort: 'date', limit: 1, offset: 1 }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB']);
      // A prefix (cat, cats; café folded; capitals): the newest capture, AAA's, passed over; GGG and DDD tie in time.
      expect(run('ca*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB', 'sha1:GGG', 'sha1:DDD']);
      expect(run('ca*', { sort: 'date', limit: 1, offset: 1 }).hits.map((h) => h.capture.digest)).toEqual(['sha1:GGG']);
      expect(run('ca* -noir', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB', 'sha1:GGG']);
      expect(run('CA*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB', 'sha1:GGG', 'sha1:DDD']);
      expect(run('caf*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:DDD']);
      expect(run('ca* OR dog*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:BBB', 'sha1:GGG', 'sha1:DDD', 'sha1:CCC']);
      expect(run('archive -ca*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:AAA', 'sha1:CCC', 'sha1:HHH']);
      const p1 = run('archive', { limit: 2 }).hits.map((h) => h.pageId);
      const p2 = run('archive', { limit: 2, offset: 2 }).hits.map((h) => h.pageId);
      expect(p1).toHaveLength(2);
      expect(new Set([...p1, ...p2]).size).toBe(4);
    });
    it('filters-only queries list pages newest first, pages whose newest captures tie by descending page id', () => {
      expect(run('site:example.com').hits.map((h) => h.capture.digest)).toEqual(['sha1:AAA', 'sha1:BBB']);
      const in2020 = ['sha1:BBB', 'sha1:GGG', 'sha1:FFF', 'sha1:EEE', 'sha1:DDD'];
      expect(run('from:2020 to:2020').hits.map((h) => h.capture.digest)).toEqual(in2020);
      const paged = [0, 2, 4].flatMap((offset) => run('from:2020 to:2020', { limit: 2, offset }).hits.map((h) => h.capture.digest));
      expect(paged).toEqual(in2020);
      // The shown capture is the newest within the filter: AAA's 2021 one, not its 2023 one.
      expect(run('to:2022').hits.map((h) => [h.capture.digest, h.timestamp]).slice(0, 2)).toEqual([['sha1:AAA', '20210505120000'], ['sha1:BBB', '20200301000000']]);
      expect(run('status:404').hits.map((h) => h.capture.digest)).toEqual(['sha1:CCC']);
      expect(run('mime:application/xhtml+xml to:2020').hits.map((h) => h.capture.digest)).toEqual(['sha1:DDD']);
      expect(run('to:2018').hits.map((h) => h.capture.digest)).toEqual(['sha1:CCC', 'sha1:HHH']);
      expect(run('from:2030').hits).toEqual([]);
    });
    it('snippets mark the matched terms with U+0002/U+0003', () => {
      const s = run('crawler').hits[0].snippet;
      expect(s).toContain(`${MARK_START}crawler${MARK_END}`);
    });
    it("each hit's snippet comes from its own page (SQLite 3.53.2 ignores a bound rowid = ? beside MATCH)", () => {
      const hits = run('archive').hits;
      expect(hits.length).toBeGreaterThan(2);
      for (const h of hits) {
        const text = PAGES.find((p) => p.digest === h.capture.digest)!;
        const plain = h.snippet.replaceAll(MARK_START, '').replaceAll(MARK_END, '').replaceAll('…', '');
        expect(text.title + ' ' + text.text, h.title).toContain(plain.trim().split(' ').slice(0, 3).join(' '));
      }
    });
    it('diacritics fold: cafe finds café', () => {
      expect(digests('cafe')).toEqual(['sha1:DDD']);
      expect(digests('CAFÉ')).toEqual(['sha1:DDD']);
    });
    it('CJK and Thai words are found, two-character words included', () => {
      for (const w of ['东京', '学习', '中文', '大学', '日本語', '文章']) expect(digests(w), w).toEqual(['sha1:EEE']);
      expect(digests('东京大学')).toEqual(['sha1:EEE']);
      expect(digests('京大')).toEqual([]); // not a word: the segmenter never made it one
      for (const w of ['ภาษา', 'ไทย', 'สวยงาม']) expect(digests(w), w).toEqual(['sha1:FFF']);
    });
    it('CJK snippets read as the page wrote them: no segmenting spaces', () => {
      expect(run('学习').hits[0].snippet).toBe(`我们在东京大学${MARK_START}学习${MARK_END}中文。日本語の文章です。`);
    });
    it('Cyrillic, Greek, Arabic are searchable in their own letters, case-folded', () => {
      expect(digests('москва')).toEqual(['sha1:GGG']);
      expect(digests('ΑΘΉΝΑ')).toEqual(['sha1:GGG']);
      expect(digests('القاهرة')).toEqual(['sha1:GGG']);
    });
    it('malformed query text throws QuerySyntaxError, never an SQL error', () => {
      expect(() => run('"unclosed')).toThrow(QuerySyntaxError);
    });
  });

  describe('search plans', () => {
    it('a broad filter passes over the best candidates it does not keep', () => {
      // 'archive' ranks the title match (title.example.org) first, which the filter leaves out.
      expect(search(coll(), 'archive', { limit: 1 }).hits[0].url).toBe('http://title.example.org/');
      const hits = search(coll(), 'archive site:example.com', { limit: 1, tuning: { selectivePages: 0 } }).hits;
      expect(hits.map((h) => h.url)).toHaveLength(1);
      expect(hits[0].url).toMatch(/example\.com/);
    });
    it('pagination is the same whichever plan runs', () => {
      for (const [, tuning] of PLANS) {
        const all = search(coll(), 'archive status:200', { tuning }).hits.map((h) => h.pageId);
        const paged = [0, 1, 2].flatMap((offset) => search(coll(), 'archive status:200', { limit: 1, offset, tuning }).hits.map((h) => h.pageId));
        expect(paged).toEqual(all);
      }
    });
  });

  describe('searchFacets', () => {
    it('counts hits, not captures, per facet value', () => {
      const f = searchFacets(coll(), 'archive');
      expect(f.total).toBe(4);
      expect(f.totalIsEstimate).toBe(false);
      const site = Object.fromEntries(f.facets.site.map((x) => [x.value, x.count]));
      expect(site['www.example.com']).toBe(1);
      expect(site['mirror.org']).toBe(1);
      const status = Object.fromEntries(f.facets.status.map((x) => [x.value, x.count]));
      expect(status).toEqual({ '200': 3, '404': 1 });
      const year = Object.fromEntries(f.facets.year.map((x) => [x.value, x.count]));
      expect(year['2019']).toBe(1);
      expect(year['2021']).toBe(1);
    });
    it('total honours filters', () => {
      expect(searchFacets(coll(), 'archive site:example.com').total).toBe(2);
      expect(searchFacets(coll(), 'archive site:example.com', { selectivePages: 0 }).total).toBe(2);
      expect(searchFacets(coll(), 'site:example.com').total).toBe(2);
    });
    it('a host alone is counted on its index: the same facets as read from its captures, a sample past the limit', () => {
      // from:1990 keeps every capture, and makes the filter more than hosts: its captures are read for the facets.
      const read = searchFacets(coll(), 'site:example.com from:1990');
      const counted = searchFacets(coll(), 'site:example.com');
      expect(counted.facets).toEqual(read.facets);
      expect(counted.facets.site.map((x) => x.value).sort()).toEqual(['blog.example.com', 'example.com', 'www.example.com']);
      expect(counted).toMatchObject({ total: 2, totalIsEstimate: false, facetsAreSample: false });
      // Past the limit the total stays exact and the facets are the newest page's.
      const sampled = searchFacets(coll(), 'site:example.com', { exactCountLimit: 1 });
      expect(sampled).toMatchObject({ total: 2, totalIsEstimate: false, facetsAreSample: true });
      expect(sampled.facets.site.map((x) => x.value)).toEqual(['blog.example.com']);
    });
    it('a selective filter on a match set above the exact-count limit is counted exactly, by walking the matches or looking its pages up', () => {
      // Above the limit (3 matches of 'archive' and 4 of 'the', limit 1), a broad filter's total is an estimate; a
      // selective one's is exact whichever way it is counted: the matches walked with the filter's pages as a set, or
      // each of its pages looked up in the full-text index (matchesPerPageLookup 0: always; 1e9: never).
      const ways = { walked: { matchesPerPageLookup: 1e9 }, 'looked up': { matchesPerPageLookup: 0 } };
      const statements = { walked: /MATCH @match\) WHERE \+pid IN \(SELECT c\.page_id/, 'looked up': /rowid >= s\.pid AND rowid <= s\.pid/ };
      for (const [way, tuning] of Object.entries(ways) as Array<[keyof typeof ways, Partial<SearchTuning>]>) {
        const { spy, seen } = spied(coll());
        const f = searchFacets(spy, 'archive site:example.com', { exactCountLimit: 1, ...tuning });
        expect(seen.some((sql) => statements[way].test(sql)), way).toBe(true);
        expect(f, way).toMatchObject({ total: 2, totalIsEstimate: false, facetsAreSample: false });
        expect(Object.fromEntries(f.facets.site.map((x) => [x.value, x.count])), way)
          .toEqual({ 'www.example.com': 1, 'example.com': 1, 'blog.example.com': 1 });
        // Filters beyond the host range hold too: 'the' is on AAA and BBB (200) on the host, and on CCC (404) off it.
        expect(searchFacets(spy, 'the site:example.com status:200', { exactCountLimit: 1, ...tuning }).total, way).toBe(2);
        expect(searchFacets(spy, 'the site:example.com status:4xx', { exactCountLimit: 1, ...tuning }).total, way).toBe(0);
        expect(searchFacets(spy, 'archive site:example.com from:2020', { exactCountLimit: 1, ...tuning }).total, way).toBe(2);
        expect(searchFacets(spy, 'archive site:example.com to:2019-12-31', { exactCountLimit: 1, ...tuning }).total, way).toBe(1);
      }
    });
    it('a selective filter whose hits would cost more than walkMatches to find is estimated from the newest matches', () => {
      // 'archive' is on AAA, BBB, CCC and HHH (ingest order); from:2017 to:2018 keeps CCC (2018) and HHH (2017). Above
      // the walk bound, the sample is the newest match, HHH, and so are the facets.
      const exact = searchFacets(coll(), 'archive from:2017 to:2018', { exactCountLimit: 1 });
      expect(exact).toMatchObject({ total: 2, totalIsEstimate: false, facetsAreSample: false });
      expect(exact.facets.year).toEqual([{ value: '2017', count: 1 }, { value: '2018', count: 1 }]);
      const f = searchFacets(coll(), 'archive from:2017 to:2018', { exactCountLimit: 1, walkMatches: 1 });
      expect(f).toMatchObject({ totalIsEstimate: true, facetsAreSample: true });
      expect(f.facets.year).toEqual([{ value: '2017', count: 1 }]);
    });
    it('a match set above the exact-count limit gives a scaled estimate, flagged as such', () => {
      const f = searchFacets(coll(), 'archive status:200', { selectivePages: 0, exactCountLimit: 2 });
      expect(f.totalIsEstimate).toBe(true);
      expect(f.facetsAreSample).toBe(true);
      expect(f.total).toBeGreaterThanOrEqual(2);
      expect(f.total).toBeLessThanOrEqual(4);
    });
  });
});

describe('filters alone, grouped by page in date order', () => {
  const coll = BUILDS[0][1];
  it('read the captures the filter keeps, never every page row (a range or prefix of status or type included)', () => {
    // Left to choose, SQLite scanned the pages table for these and looked up each page's captures: at a million pages,
    // status:3xx took 2.4 s to find none.
    for (const q of ['status:3xx', 'mime:image/*', 'status:404', 'site:example.com']) {
      const sql = buildDateHitsSql(parseQuery(q), { limit: 20, offset: 0 });
      const plan = coll().all<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${sql.sql}`, params: sql.params }).map((r) => r.detail);
      expect(plan.some((d) => /^SCAN p\b/.test(d)), `${q}: ${plan.join('; ')}`).toBe(false);
      expect(plan.some((d) => /^(SCAN|SEARCH) c USING/.test(d)), q).toBe(true);
    }
    expect(search(coll(), 'status:4xx', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:CCC']);
    expect(search(coll(), 'mime:application/*', { sort: 'date' }).hits.map((h) => h.capture.digest)).toEqual(['sha1:DDD']);
  });
});

describe('captures walked in date order', () => {
  const coll = BUILDS[0][1];
  const dbs = tempDbs();
  const walkPlan = (c: Collection, q: string, fromHostIndex = false): string[] => {
    const sql = buildNewestCapturesSql(parseQuery(q), fromHostIndex);
    return c.all<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${sql.sql}`, params: sql.params }).map((r) => r.detail);
  };
  it("test a filter of type, status or host on the time index, no capture's row read", () => {
    // With the time index of page ids alone, each walked capture's row was read for these: at a million pages
    // `trail mime:text/html` by date 55-65 ms (5,448 captures share the newest second there), 12 with the wider one.
    for (const q of ['trail mime:text/html', 'status:404', 'archive site:example.com', 'mime:image/* status:2xx site:example.org from:2019']) {
      const plan = walkPlan(coll(), q);
      expect(plan.filter((d) => / c USING /.test(d)), `${q}: ${plan.join('; ')}`).toEqual([expect.stringMatching(/^(SCAN|SEARCH) c USING COVERING INDEX captures_timestamp_filters\b/)]);
    }
  });

  it('reach a collection made before the wider time index when it is opened, with the same pages in the same order', () => {
    const path = dbs.path();
    const queries = ['archive mime:text/html', 'status:2xx', 'site:example.com', 'mime:text/*'];
    const tuning: Partial<SearchTuning> = { dateSortMatches: 0 };
    const before = buildCollection(path, PAGES);
    const expected = queries.map((q) => search(before, q, { sort: 'date', tuning }).hits.map((h) => h.capture.digest));
    // As migration 11 left it: the time index of page ids alone.
    before.close();
    const raw = new Database(path);
    raw.exec(`DROP INDEX captures_timestamp_filters; CREATE INDEX captures_timestamp_page ON captures(timestamp, type, page_id)`);
    raw.pragma('user_version = 11');
    raw.close();
    const after = Collection.open(path);
    try {
      expect(after.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(after.indexDebt()).toBe('none');
      const indexes = after.all<{ name: string }>({ sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures'", params: {} }).map((r) => r.name);
      expect(indexes).toContain('captures_timestamp_filters');
      expect(indexes).not.toContain('captures_timestamp_page');
      expect(expected.flat().length).toBeGreaterThan(4);
      expect(queries.map((q) => search(after, q, { sort: 'date', tuning }).hits.map((h) => h.capture.digest))).toEqual(expected);
    } finally {
      after.close();
    }
  });
});

describe('a host with a time range', () => {
  const coll = BUILDS[0][1];
  it("has its pages read from one index, no capture's row read", () => {
    // Neither the host index nor the time index holds the other's column: at a million pages, "the" on a large host
    // in one year read ~97,000 capture rows for the filter's pages, 0.4 s for the hits and as much for the count.
    const candidates = { sql: 'SELECT rowid AS pid, 0 AS score FROM pages_fts WHERE pages_fts MATCH @match', params: { match: 'archive' } };
    const sql = filteredCandidates(candidates, parseQuery('archive site:example.com from:2019 to:2021'), 'set');
    const plan = coll().all<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${sql.sql}`, params: sql.params }).map((r) => r.detail);
    // Either index that holds both the host and the time (the host's URLs', or since migration 12 the time index).
    expect(plan.filter((d) => / c USING /.test(d)), plan.join('; ')).toEqual([expect.stringMatching(/COVERING INDEX (captures_rhost_url|captures_timestamp_filters)\b/)]);
    expect(search(coll(), 'archive site:example.com from:2019 to:2021').hits.map((h) => h.capture.digest).sort()).toEqual(['sha1:AAA', 'sha1:BBB']);
  });
});

describe('a media type few captures have', () => {
  // 60 HTML pages and 3 plain-text ones hold the word; selectivePages 1 makes the 3 few (at most 4 captures a page).
  const MANY: FakePage[] = Array.from({ length: 63 }, (_, i) => ({
    digest: `sha1:M${String(i).padStart(3, '0')}`, title: `Page ${i}`, text: `The archive keeps page ${i}.`,
    captures: [{ uri: `http://site${i % 7}.example.com/${i}`, timestamp: `20${10 + (i % 12)}0101000000`, ...(i % 21 === 5 ? { mime: 'text/plain' } : {}) }],
  }));
  const plain = MANY.filter((p) => p.captures[0].mime === 'text/plain').map((p) => p.digest).sort();
  const coll = collectionOf(MANY);
  const few: Partial<SearchTuning> = { selectivePages: 1 };
  const dbs = tempDbs();
  const digests = (r: { hits: Array<{ capture: { digest: string | null } }> }) => r.hits.map((h) => h.capture.digest);

  it('is counted on its own index and its pages read as a set, with the hits and total the probing plan gives', () => {
    const { spy, seen } = spied(coll());
    const selective = search(spy, 'archive mime:text/plain', { tuning: few });
    expect(selective.plan).toBe('selective-filter');
    expect(seen.some((sql) => /INDEXED BY captures_mime/.test(sql))).toBe(true);
    expect([...digests(selective)].sort()).toEqual(plain);
    // Above the bound (selectivePages 0 keeps nothing few), the filter is probed on each match instead: the same hits.
    const probed = search(coll(), 'archive mime:text/plain', { tuning: { selectivePages: 0 } });
    expect(probed.plan).not.toBe('selective-filter');
    expect(digests(probed)).toEqual(digests(selective));
    expect(searchFacets(coll(), 'archive mime:text/plain', few).total).toBe(3);
    expect(searchFacets(coll(), 'archive mime:text/p*', few).total).toBe(3);
    expect(searchFacets(coll(), 'archive mime:text/p*', { selectivePages: 0 }).total).toBe(3);
  });

  it('has no hits at once when no capture has it, in either order, without reading the full-text index', () => {
    for (const sort of ['relevance', 'date'] as const) {
      const { spy, matched } = spied(coll());
      const r = search(spy, 'archive mime:application/pdf', { sort });
      expect(r.hits, sort).toEqual([]);
      expect(matched, sort).toEqual([]);
      // A prefix is read as the range of the types it starts: image/ is none of them, text/ is.
      expect(search(coll(), 'archive mime:image/*', { sort }).hits, sort).toEqual([]);
      expect(search(coll(), 'archive mime:text/*', { sort }).hits.length, sort).toBe(20);
    }
  });

  it("leaves a page's own captures to the page index, and a host's to the host index", () => {
    // The media type index also holds the page id: taken for a probe of one page's captures, it was searched once for
    // each record type (at a million pages, `the mime:text/plain` probed on each match of `the`: 530 -> 1,067 ms).
    const candidates = { sql: 'SELECT rowid AS pid, 0 AS score FROM pages_fts WHERE pages_fts MATCH @match', params: { match: 'archive' } };
    const planOf = (way: 'probe' | 'set', query: string) => {
      const sql = filteredCandidates(candidates, parseQuery(query), way);
      return coll().all<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${sql.sql}`, params: sql.params }).map((r) => r.detail).filter((d) => / c (EXISTS )?USING /.test(d));
    };
    expect(planOf('probe', 'archive mime:text/plain')).toEqual([expect.stringMatching(/COVERING INDEX captures_page\b/)]);
    expect(planOf('set', 'archive mime:text/plain')).toEqual([expect.stringMatching(/COVERING INDEX captures_mime\b/)]);
    // With a host, the host index reads the filter's pages, as before the media type index: whatever its statistics
    // say, it would read every capture of a type most captures have (text/html) to find the host's.
    const withHost = planOf('set', 'archive site:example.com mime:text/html');
    expect(withHost.length).toBe(1);
    expect(withHost[0]).not.toMatch(/captures_mime/);
  });

  it('is built when a collection made before it is opened, and searched without it where it cannot be', () => {
    const path = dbs.path();
    const before = buildCollection(path, MANY);
    before.close();
    // As migration 12 left it.
    const raw = new Database(path);
    raw.exec('DROP INDEX captures_mime');
    raw.pragma('user_version = 12');
    raw.close();
    // Read-only, it cannot be built: the filter is probed on the matches as before.
    const old = Collection.open(path, { readonly: true });
    try {
      expect(old.hasIndex('captures_mime')).toBe(false);
      const r = search(old, 'archive mime:text/plain', { tuning: few });
      expect(r.plan).not.toBe('selective-filter');
      expect([...digests(r)].sort()).toEqual(plain);
    } finally {
      old.close();
    }
    const after = Collection.open(path);
    try {
      expect(after.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(after.hasIndex('captures_mime')).toBe(true);
      expect(after.indexDebt()).toBe('none');
      const r = search(after, 'archive mime:text/plain', { tuning: few });
      expect(r.plan).toBe('selective-filter');
      expect([...digests(r)].sort()).toEqual(plain);
    } finally {
      after.close();
    }
  });
});
