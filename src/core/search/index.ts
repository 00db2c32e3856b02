// Full-text search over a collection: parse the query, build the SQL (sql.ts), run it through the store.
// A hit is a page (one distinct text) with the newest of its captures that meets the filters.
import type { FacetCount, FacetName, SearchFacetsView, SearchHitView } from '../../shared/api-collections.js';
import { CodedError } from '../../shared/errors.js';
import { captureOf, hostOfKey, type Collection, type SqlQuery, type StoredCapture } from '../store/index.js';
import { parseQuery, toFtsMatch, ftsLiteral, hasFilters, holdsPrefix, mainFirstMatch, mainWordsMatch, phraseWordTerms, type Clause, type ParsedQuery, type Term } from './query.js';
import { segmentWords, unsegment } from './segment.js';
import { mainPieces, PIECE_BYTES, restOf, textOf } from '../store/main-lines.js';
import { archiveInternal } from './internal.js';
import { snippetOf, snippetOfPieces, termPattern } from './snippet.js';
import { prefixCover } from './prefix-cover.js';
import { MIME_INDEX_NAME } from '../store/schema.js';
import { annotate, openSpan, withSpan } from '../telemetry/index.js';
import {
  type PageFilter,
  type RankArm,
  type Scoring,
  buildFacetRowsSql,
  buildHostPagesSql,
  buildDateHitsSql,
  buildCandidatePageSql,
  buildHitsOfPagesSql,
  buildIndexedCaptureCountSql,
  buildMimeCaptureCountSql,
  buildCaptureSpanSql,
  buildFilteredMatchIdsSql,
  buildMatchingFilterPagesSql,
  filteredCandidates,
  hasRanges,
  buildNewestFilterMatchesSql,
  rankArms,
  buildRankedSql,
  buildNewestRankedSql,
  buildOlderRankedSql,
  buildNewestMatchIdsSql,
  buildNewestCapturesSql,
  buildMatchIdsSql,
  buildMatchIdsBetweenSql,
  buildMatchAtSql,
  buildPageWordsSql,
  buildCountSql,
  buildSnippetSql,
  buildPageSpanSql,
  buildPageTextsSql,
  buildPageLeadsSql,
  buildRecentShareSql,
  buildFoldSql,
  buildFoldedWordsSql,
  buildWordListTrueSql,
  buildWordsBeginningSql,
  buildListedWordsSql,
  buildOwnChangesSql,
  WORD_TABLES_SQL,
  FACET_NAMES,
} from './sql.js';

export { QuerySyntaxError, parseQuery, toFtsMatch } from './query.js';
export type { ParsedQuery } from './query.js';
export { MARK_START, MARK_END } from './sql.js';
export * from './lookup.js';
export * from './stats.js';

export interface SearchOptions {
  sort?: 'relevance' | 'date';
  limit?: number;
  offset?: number;
  tuning?: Partial<SearchTuning>;
}

/** A hit as the contract shows it (snippet marks: MARK_START/MARK_END), with the whole stored capture. */
export interface SearchHit extends Omit<SearchHitView, 'capture'> {
  capture: StoredCapture;
}

export interface SearchResult {
  hits: SearchHit[];
  tookMs: number;
  /** How the hits were found: 'newest-matches', 'rarer-words', 'selective-filter', 'ranked-matches', 'date-scan',
   *  'host-matches' or 'date-sql' (the comments in search() say when each is taken). */
  plan: string;
}

/** The bounds that keep a query's work small. Defaults suit collections of up to a few hundred thousand pages;
 *  tests and benchmarks pass other values to drive each plan. */
export interface SearchTuning {
  /** A filter whose host and time ranges hold at most this many pages' captures (CAPTURES_PER_PAGE each) is
   *  selective: its pages may be read as a set, and its total is counted exactly. */
  selectivePages: number;
  /** Above this many matches, relevance ranks the newest this-many matches first, then the older ones
   *  (rankedTiers). */
  rankWindow: number;
  /** Above this many matches, the total is estimated and facets are counted on this many matches. */
  exactCountLimit: number;
  /** A word on more than this share of all pages (and on more than rankWindow pages) is "very common". */
  commonShare: number;
  /** Newest matches first, a selective filter is probed on each candidate (sql.ts FilterWay) when the page of hits
   *  should fill within this many candidates; else its pages are read as a set. */
  walkCandidates: number;
  /** Date order: up to this many matches are sorted by their newest capture; above it, captures are walked newest
   *  first until the page of hits is full. */
  dateSortMatches: number;
  /** Date order: a match's matches among the newest this-many pages, counted, tell that it has surely more than
   *  dateSortMatches without reading them (clearlyMoreThan). */
  estimateWindow: number;
  /** What looking a page up in the full-text index by its rowid costs, in matches of a doclist walked (sql.ts
   *  buildMatchingFilterPagesSql, buildNewestFilterMatchesSql): a selective filter's pages are looked up, for its
   *  total or for the newest matches, when that costs less than walking the words' matches to meet them. */
  matchesPerPageLookup: number;
  /** A selective filter's hits among a larger match set are all found when that costs at most this many matches
   *  walked (or page lookups worth as much); else they are estimated from those among the newest this-many matches
   *  (at a million pages, walking 100,000 matches: 7 ms; a word on 630,000 pages: 23 ms, 45-70 ms with a host's
   *  pages as a set). */
  walkMatches: number;
  /** Without words, a filter no index narrows (dates, media type, status) is walked newest first through at most
   *  this many captures for its page of hits (1-3 us each); past them its captures are grouped by page. */
  walkCaptures: number;
  /** How many pages the first window of a newest-first read spans (newestMatches); 0: as many as matches are wanted,
   *  which a word on every page fills at once. Tests pass 1 to read in many windows. */
  firstWindowPages: number;
  /** Ranked by its rarer words alone, the first this-many candidates are looked up in the whole query's matches one
   *  by one (matchesWhole); past them, its match set is read once. Tests pass 0 to read it at once. */
  candidateLookups: number;
  /** Date order, captures walked newest first: the pages of the first this-many are looked up in the query's matches
   *  one by one (matchTest); past them, its match set is read once. Tests pass 0 to read it at once. */
  dateWalkLookups: number;
  /** What one word of a prefix's words costs a page's lookup (a seek in its doclist, ~3.3 us at a million pages), in
   *  pages read when the prefix's matches are read as a set (its doclists merged, ~0.3 us a page): date order looks
   *  a prefix up page by page only while that costs less than its set (matchTest). Tests pass 0 to look it up. */
  prefixSeekReads: number;
  /** What testing one page's own words for a prefix costs (as_words: its text read and tokenized once, 0.2-0.5 ms at
   *  a million pages), in pages read when the prefix's matches are read as a set (~0.6 us each, into a Set): date
   *  order tests a page so when the prefix's words would cost more to look up (or are too many to write out: a
   *  cover), while that costs less than the set (matchTest). Tests pass 0 to test every page so. */
  ownWordsReads: number;
  /** Date order, words and a host of too many captures to read them all: captures are walked newest first only
   *  while the rate at which hits turn up says the rest of the page is found within this many more (~9 us each, the
   *  host tested on each one's row); else the hits are found by grouping the host's captures that match (a word on
   *  143 of a large host's pages walked ~150,000 captures at a million pages: 1.1 s of CPU; grouped, 75 ms). Tests
   *  pass 0 to group at once. */
  dateWalkCaptures: number;
  /** Date order, words and a host: the pages both hold are found as two sets intersected, the words' matches and the
   *  host's pages, when the words are on at most hostSetMatches pages and the host holds at most hostSetPages
   *  (hostMatchIds). Tests pass 0 to leave them to the other ways. */
  hostSetMatches: number;
  hostSetPages: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  selectivePages: 5000,
  rankWindow: 1000,
  exactCountLimit: 2000,
  commonShare: 0.1,
  dateSortMatches: 5000,
  estimateWindow: 20_000,
  walkCandidates: 2000,
  matchesPerPageLookup: 300,
  walkMatches: 100_000,
  walkCaptures: 5_000,
  firstWindowPages: 0,
  candidateLookups: 64,
  // A match walked in date order (over dateSortMatches pages) on most pages has its first page of hits within a few
  // dozen lookups; reading all its matches first took 0.8-0.9 s at a million pages for a word on most of them. One
  // on 1% of the pages needs a hundred lookups a hit, where reading its ~10,000 matches takes a few milliseconds:
  // past this many lookups (~10 ms of them) the walk reads the set.
  dateWalkLookups: 500,
  prefixSeekReads: 10,
  ownWordsReads: 500,
  dateWalkCaptures: 40_000,
  // Reading 100,000 matches' ids costs ~20 ms at a million pages, 100,000 host pages ~35.
  hostSetMatches: 100_000,
  hostSetPages: 100_000,
};

/** Hits of a page when the caller does not say. */
const DEFAULT_LIMIT = 20;

function asQuery(q: string | ParsedQuery, coll?: Collection): ParsedQuery {
  const parsed = typeof q === 'string' ? parseQuery(q) : q;
  // A collection opened read-only as it was before notes existed (store/schema.ts migration 6) has no tags to filter.
  if (coll && parsed.filters.tags.length + parsed.filters.notes.length > 0 && !coll.hasNotes()) {
    throw new CodedError('read-only', `${coll.path} predates notes and tags, and a read-only open cannot add them: open it once where it is writable to use tag: and note:.`, coll.path);
  }
  return parsed;
}

/** The first page of hits and their snippets. Throws QuerySyntaxError for malformed query text. */
export function search(coll: Collection, query: string | ParsedQuery, opts: SearchOptions = {}): SearchResult {
  const t0 = performance.now();
  const [q, match] = withSpan('search.parse', {}, () => {
    const parsed = asQuery(query, coll);
    const m = toFtsMatch(parsed);
    annotate({ clauses: parsed.clauses.length, filtered: hasFilters(parsed.filters) });
    return [parsed, m] as const;
  });
  const limit = Math.max(0, Math.min(opts.limit ?? DEFAULT_LIMIT, 1000));
  const offset = Math.max(0, opts.offset ?? 0);
  const sort = match === null ? 'date' : (opts.sort ?? 'relevance');
  const filtered = hasFilters(q.filters);
  const t = { ...DEFAULT_TUNING, ...opts.tuning };

  const need = offset + limit;
  let rows: Row[] | null = null;
  // The prefixes' words, read once for whichever plan runs (a read folds each prefix and lists its words).
  const words = match !== null && holdsPrefix(q) ? prefixWords(coll, q) : null;
  // FTS5's bm25() counts each phrase's pages by walking the phrase's whole doclist (xQueryPhrase) on every new cursor,
  // whatever rowid window the query is held to, so a word on most pages costs time in proportion to the collection.
  // Such a word's bm25 weight is near zero anyway: when every word of a query is that common it is answered newest
  // matches first, which FTS5 reads from the end of the doclists; when only some are, the rarer ones alone are scored
  // and the common ones only filter (the stopword-aware plan). A filter is applied to the candidates inside SQLite by
  // page id, a capture lookup per candidate or the filter's pages read as a set (sql.ts FilterWay).
  // Every plan walks one order of the candidates that does not depend on the page asked for (tiers of ranked matches,
  // rankedTiers): so paging is consistent, each hit on exactly one page, in the order of one big page.
  // An earlier design ranked a window that grew with offset + limit and widened to all matches when a page came up
  // short; the pages past either step were cut from another order than the pages before them.
  // Which of the ways below answered: search spans and the latency metric are labelled with it.
  let plan = sort === 'relevance' ? 'ranked-matches' : 'date-sql';
  const planned = openSpan('search.plan', { sort });
  if (sort === 'relevance') {
    const completions = words?.completions ?? new Map<Term, string>();
    // A negated prefix costs each ranked statement its merge, and bm25 its count over the whole collection
    // (`captain -con*` at a million pages: 12-14 s for 19 hits). Where the matches can be found in their own words
    // (ownMatchIds), they are kept by id, and the query is scored without its negated prefixes: a page that matches
    // holds none of their words, so they add nothing to its score, and the tiers' bounds are read from the matches.
    const ownMatches = words && negatesPrefix(q) ? ownMatchIds(coll, q, words, null, t) : null;
    const scored = ownMatches ? withoutNegatedPrefixes(q) : q;
    const scoredMatch = ownMatches ? toFtsMatch(scored)! : match!;
    const common = commonClauses(coll, scored, t);
    const positive = scored.clauses.filter((c) => !c.negated).length;
    const captures = filtered ? selectiveFilterCaptures(coll, q, t) : null;
    if (captures === 0 || ownMatches?.length === 0) rows = [];
    else {
      // The filter is applied inside SQLite by page id (sql.ts FilterWay). A broad one is probed on each candidate (it
      // passes most of them). A selective one is probed on a read that stops early: a tier of the newest rankWindow
      // matches, or the newest matches when the page of hits should fill within walkCandidates of them (at its share
      // of all pages); a read of every match takes its pages once as a set, which costs in proportion to them and
      // makes each candidate's test a step in a small b-tree. Ranked, a selective filter whose first page of hits
      // would not fill within the newest rankWindow matches has all its matches ranked at once, bm25 scoring only those
      // it keeps: the window's tier scored every one of its matches to keep a few (a rare word on a host of 350
      // captures at a million pages: 20 ms, all at once 2 ms). Decided by the first page, not the one asked for, so
      // that every page of hits is cut from one order.
      const newestFirst = common.size === positive;
      const span = filtered ? pageSpan(coll) : 0;
      const probeNewest = captures === null || need * span <= t.walkCandidates * captures;
      const windowed = captures === null || DEFAULT_LIMIT * span <= t.rankWindow * captures;
      let keep: ((pid: number) => boolean) | null = ownMatches ? keptIn(ownMatches) : null;
      let tiers: Tier[];
      if (captures !== null) plan = 'selective-filter';
      else if (common.size > 0) plan = newestFirst ? 'newest-matches' : 'rarer-words';
      // A filter of so few pages that looking them up in the full-text index costs less than walking the newest
      // matches to meet it (about need / its share of all pages of them). Newest first, the words are on more than
      // commonShare of the pages, so about need / commonShare of its pages are looked up, at most all of them. A
      // prefix is not looked up page by page.
      const lookUp = captures !== null && !holdsPrefix(scored)
        && Math.min(captures, need / t.commonShare) * t.matchesPerPageLookup * captures < need * span;
      if (newestFirst && lookUp) tiers = [() => buildNewestFilterMatchesSql(scoredMatch, mainFirstMatch(scored), scored)];
      else if (newestFirst) {
        // Newest first, a prefix is read as its words (PrefixWords `completions`): the same pages, without the merge,
        // as long as the read stops early; intersected with a filter's set of pages it may read every match, and an OR
        // pays each row a step per word.
        const filter: PageFilter | undefined = filtered ? { q: scored, way: probeNewest ? 'probe' : 'set' } : undefined;
        const lazy = filter?.way === 'set' ? undefined : completions;
        const whole = readWhole(scored);
        const all = toFtsMatch(scored, lazy)!;
        const [first, rest] = rankArms(all, mainFirstMatch(scored, lazy));
        // With main-content ranking, the first arm is read as the query's matches told apart by the main-content
        // expression (newestMatches, `within`), and the others are kept: once the first arm has read every match
        // (none passed over by a count), they are the rest-only arm, in order, with no read at all. A rare phrase of a
        // common word is walked once, not in both arms' expressions (at 1M pages, "hat but": 37 -> ~19 ms).
        const seen: SeenPages = { outside: [], complete: true };
        const firstRead: NewestRead = rest && !whole
          ? { match: all, within: first.match, mainByColumns: onePhraseRanked(coll, scored), mainWords: mainWordsMatch(scored, lazy), whole, filter }
          : { match: first.match, whole, filter };
        tiers = [(skip) => newestTier(coll, firstRead, first.penalty, need, t, skip, rest ? seen : undefined)];
        if (rest) {
          tiers.push((skip) => firstRead.within && seen.complete
            ? seen.outside.map((pid) => ({ pid, score: rest.penalty - pid }))
            : newestTier(coll, { match: rest.match, whole, filter }, rest.penalty, need, t, skip));
        }
      } else {
        // Ranked by all the words, the newest rankWindow matches first; by the rarer words, all of theirs (few, as
        // rarer). A filter keeps each tier's candidates inside SQLite: probed on a tier of the newest matches (or on
        // all of them for a broad filter), as a set on a tier of every match.
        const rankQuery = { ...scored, clauses: scored.clauses.filter((c) => !common.has(c)) };
        const read = { ...newestRead(rankQuery, toFtsMatch(rankQuery)!), mainWords: mainWordsMatch(rankQuery), matches: ownMatches ?? undefined };
        const arms = rankArms(read.match, mainFirstMatch(rankQuery), scoringOf(coll, rankQuery));
        const ranked = rankedTiers(coll, arms, read, common.size === 0 && windowed ? t.rankWindow : -1, t, !filtered);
        tiers = ranked.map(({ read: tier, windowed: newest }) => () => {
          const c = tier();
          return c && filtered && 'sql' in c ? filteredCandidates(c, q, captures === null || newest ? 'probe' : 'set') : c;
        });
        // Scored by the rarer words alone: a candidate is kept when it matches every word (matchesWhole), looked up
        // one by one when the page of hits should fill within candidateLookups candidates (a candidate holds the very
        // common words about as often as the newest pages do); else, a page far down the list, tested in the set. A
        // prefix, whose share is not known, is looked up in each candidate's own words where it can be (a lookup in
        // FTS5 would merge it whole, as the set does: `con* captain` at a million pages, 1.3 s).
        if (common.size > 0 && !ownMatches) {
          const candidates = need / [...common.values()].reduce((a, b) => a * b, 1);
          const folded = words ? ownWordsOf(coll, q, words) : null;
          keep = folded
            ? matchesWhole(coll, match!, t.candidateLookups, (pid) => matchesOwnWords(coll, q, folded, pid))
            : matchesWhole(coll, match!, candidates <= t.candidateLookups ? t.candidateLookups : 0);
        }
      }
      rows = rowsOfPicked(coll, q, pick(coll, tiers, keep, offset, limit));
    }
  }
  // Sorted by date, the matches found in their own words when that is cheaper (ownMatchIds), or those on a host
  // (hostMatchIds), for the sort to read.
  const own: { ids: readonly number[] | null } = { ids: null };
  // Media types no capture has have no hits, in date order too: walked, every capture was gone through to find none
  // (`the mime:application/pdf` at a million pages: 1.4 s).
  if (sort === 'date' && filtered && !hasRanges(q) && selectiveFilterCaptures(coll, q, t) === 0) rows = [];
  else if (sort === 'date' && match !== null && (own.ids = hostMatchIds(coll, q, match, t)) !== null) plan = 'host-matches';
  else if (sort === 'date' && match !== null && moreMatchesThan(coll, q, match, t.dateSortMatches, t, words, own)) {
    // A host of few captures: those captures, sorted, rather than every capture walked to meet them. A host of many
    // whose captures turn out to hold few of the matches: they are grouped after all (dateWalkCaptures).
    const fromHostIndex = q.filters.sites.length > 0 && selectiveCaptures(coll, q, t) !== null;
    rows = dateOrderScan(coll, q, match, offset, limit, {
      lookups: t.dateWalkLookups, seekReads: t.prefixSeekReads, ownWordsReads: t.ownWordsReads, words, fromHostIndex,
      predictedLimit: q.filters.sites.length > 0 && !fromHostIndex ? t.dateWalkCaptures : Infinity,
    });
    if (rows !== null) plan = 'date-scan';
  } else if (match === null && (walksCaptures(q) || hostWalks(coll, q, offset + limit, t))) {
    // Without words, a filter that no index narrows to a few pages (a date range, a media type, a status) keeps
    // most captures or a run of them: grouping every capture it keeps by page cost 80-1,100 ms at 200k pages (a year,
    // text/html, status 200), a walk from the newest 2-5 ms. One that keeps few (mime:application/pdf) would be
    // walked to the end: past walkCaptures, they are grouped after all. A tag or a note has an index of its own and
    // is grouped at once; so is a host, unless it holds enough of the captures for the walk (hostWalks).
    rows = dateOrderScan(coll, q, null, offset, limit, { budget: t.walkCaptures });
    if (rows !== null) plan = 'date-scan';
  }
  rows ??= coll.all<Row>(buildDateHitsSql(q, { limit, offset, ids: own.ids ?? undefined }));

  planned.end({ plan, rows: rows.length });
  const snippets = withSpan('search.snippets', { pages: rows.length }, () => snippetsOf(coll, q, match, (rows ?? []).map((r) => r.pageId)));
  const hits = (rows ?? []).map((r): SearchHit => {
    const snippet = snippets.get(r.pageId) ?? '';
    return {
      pageId: r.pageId,
      title: r.title,
      url: r.uri ?? r.pageUrl,
      timestamp: r.timestamp,
      snippet,
      score: r.score,
      captureCount: r.captureCount,
      capture: captureOf(r),
      internal: archiveInternal(r.uri ?? r.pageUrl, r.file),
    };
  });
  return { hits, tookMs: performance.now() - t0, plan };
}

/** The positive clauses that are not ranked, each with its share of the newest pages, when the collection holds more
 *  than rankWindow pages: one plain word (no OR) found on more than commonShare of the newest rankWindow pages (a
 *  bounded sample: rowids are ingest order), whose bm25 weight is near zero and whose doclist is among the longest;
 *  and a prefix, alone or in an OR. A phrase is very common when one of its words is (ARCHITECTURE.md, "Search", at scale): bm25 counts a
 *  phrase's pages by walking it over the whole collection, which decodes that word's position list on every page
 *  holding the others ("meant that" at 1M pages: 37 ms, once per ranked statement), so its first hits could not come
 *  in 10 ms; listed newest first, they are a forward read of the newest matches. A prefix is not ranked by itself, as
 *  Lucene and Elasticsearch give every match of one the same score: bm25 would weigh the prefix as one term whose
 *  doclist is every word's of it merged (ranking pov* at a million pages merges ~100,000 pages' positions: ~60 ms),
 *  while its words, listed (PrefixWords `completions`), are read lazily newest first. Its share is given as 0: a
 *  candidate looked up in a match holding a prefix would have that merge made again for each (search's
 *  candidateLookups). */
export function commonClauses(coll: Collection, q: ParsedQuery, t: SearchTuning): Map<Clause, number> {
  const found = new Map<Clause, number>();
  const hi = coll.get<{ hi: number | null }>(buildPageSpanSql())?.hi ?? 0;
  if (hi <= t.rankWindow) return found;
  const floor = hi - t.rankWindow;
  // The share of the newest pages a word is on, when that makes it very common; else 0.
  const commonShareOf = (match: string) => {
    const share = (coll.get<{ n: number }>(buildRecentShareSql(match, floor))?.n ?? 0) / t.rankWindow;
    return share > t.commonShare ? share : 0;
  };
  for (const c of q.clauses) {
    if (c.negated) continue;
    // A prefix, alone or in an OR, is answered as very common words are, newest first: ranking it by bm25 has FTS5
    // merge every doclist it covers, positions and all (`captain OR con*` at a million pages: 2.0-2.4 s).
    if (c.anyOf.some((term) => term.prefix)) {
      found.set(c, 0);
      continue;
    }
    if (c.anyOf.length !== 1) continue;
    const words = phraseWordTerms(c.anyOf[0]);
    // A phrase: the share of its first very common word, which bounds the phrase's own from above.
    let share = 0;
    for (const word of words) if ((share = commonShareOf(word)) > 0) break;
    if (words.length === 0) share = commonShareOf(toFtsMatch({ clauses: [c], filters: q.filters })!);
    if (share > 0) found.set(c, share);
  }
  return found;
}

/** The most items a prefix's OR holds: an OR costs each row a step per item (~20 ns), so reading the newest 1,000
 *  matches of 2,000 words costs about what merging them does at 200k pages. A prefix of more words is written out as
 *  its frequent words and longer prefixes for the rest (prefix-cover.ts), or left to FTS5 whole when that also takes
 *  more. */
export const MAX_COMPLETIONS = 2000;

/** Connections whose temporary word tables exist (WORD_TABLES_SQL). */
const withWordTables = new WeakSet<Collection>();

/** What a query's prefixes are read as (prefixWords), whether every one of them is written out as words (`all`: not
 *  as a cover, whose prefixes a lookup would merge), and how many words they hold in all and how many pages hold each
 *  (summed): what looking one page up in them costs against reading all their pages (matchTest). */
interface PrefixWords {
  /** The words of the index that begin with each one-word prefix term of the query (at most MAX_COMPLETIONS; past
   *  that, a cover of them: prefix-cover.ts), as an FTS5 OR. They match the same pages as the prefix, but FTS5 reads
   *  an OR lazily, while a prefix without a prefix index has every doclist it covers merged, position lists and all,
   *  before its first row (at 200k pages, the newest 1,000 matches of a 3-letter prefix: 22-29 ms, of its words' OR
   *  4.5-8.6 ms). The words come from the word list while it holds every page's (page_words, store/schema.ts
   *  migration 9), else from fts5vocab, which reads each word's doclist (at a million pages, 4-48 ms a prefix). Only
   *  for reads that do not rank and stop early (an OR pays each row a step per word: every match of 614 words cost
   *  15x their merge). A prefix whose words are not found (none; or more than the bound, and no cover within it, or
   *  no word list to cover them from) is left as it is. */
  completions: Map<Term, string>;
  all: boolean;
  words: number;
  pages: number;
  /** Of each covered prefix, the cover's words alone (an OR): some of the prefix's words, so a page that holds one
   *  of them holds the prefix. */
  named: Map<Term, string>;
  /** The pages worth looking up in the covers whole (PrefixCoverMatch `lookups`, the fewest of them). */
  coverLookups: number;
  /** Each prefix as the index folds it (case, accents), for the prefixes folded to one word. */
  folded: Map<Term, string>;
  /** Of each prefix, its FREQUENT_WORDS words on the most pages (an OR). */
  frequent: Map<Term, string>;
}

/** How many of a prefix's words, those on the most pages, ask whether it has more matches than a bound
 *  (moreMatchesThan): an OR of more is read slower (FTS5 steps each of its words for each row). */
const FREQUENT_WORDS = 8;

/** The FREQUENT_WORDS of `words` on the most pages, as an FTS5 OR. */
function frequentWords(words: ReadonlyArray<{ term: string; pages: number }>): string {
  const most = [...words].sort((a, b) => b.pages - a.pages).slice(0, FREQUENT_WORDS);
  return `(${most.map((w) => ftsLiteral(w.term)).join(' OR ')})`;
}

function prefixWords(coll: Collection, q: ParsedQuery): PrefixWords {
  const out: PrefixWords = { completions: new Map(), all: true, words: 0, pages: 0, named: new Map(), coverLookups: Infinity, folded: new Map(), frequent: new Map() };
  let listed: boolean | undefined;
  let covered = false;
  for (const term of q.clauses.flatMap((c) => c.anyOf)) {
    if (!term.prefix) continue;
    const changes = ownChanges(coll);
    try {
      if (!withWordTables.has(coll)) {
        for (const sql of WORD_TABLES_SQL) coll.run(sql);
        withWordTables.add(coll);
      }
      // Folded by the index's own tokenizer, so the prefix meets the words as they were indexed (case, accents).
      for (const sql of buildFoldSql(segmentWords(term.text))) coll.run(sql);
    } catch (e) {
      // better-sqlite3 refuses any write, even to a temporary table, while a statement of the connection is being
      // iterated (TypeError): the prefix is then left to FTS5 whole, the same pages, only slower.
      if (e instanceof TypeError) continue;
      throw e;
    }
    foldChanges.set(coll, (foldChanges.get(coll) ?? 0) + ownChanges(coll) - changes);
    const folded = coll.all<{ term: string; cnt: number }>(buildFoldedWordsSql());
    if (folded.length !== 1 || folded[0].cnt !== 1) continue;
    listed ??= coll.get<{ listed: number | null }>(buildWordListTrueSql())?.listed === 1;
    const text = folded[0].term;
    out.folded.set(term, text);
    // A prefix covered before (a search's facets, its next page, a date walk's count and test) is not listed again.
    const kept = listed ? keptCovers(coll) : null;
    let cover = kept?.get(text);
    if (cover === undefined) {
      const words = coll.all<{ term: string; pages: number }>(buildWordsBeginningSql(text, MAX_COMPLETIONS + 1, listed));
      if (words.length === 0) continue;
      if (words.length <= MAX_COMPLETIONS) {
        out.completions.set(term, `(${words.map((w) => ftsLiteral(w.term)).join(' OR ')})`);
        out.frequent.set(term, frequentWords(words));
        out.words += words.length;
        for (const w of words) out.pages += w.pages;
        continue;
      }
      // Too many to name them all: the frequent ones named, the rest by longer prefixes (prefix-cover.ts), from the
      // word list (fts5vocab would read every word's doclist to list them).
      if (!kept) continue;
      cover = coverOf(coll, text, kept);
    }
    if (cover === null) continue;
    out.completions.set(term, cover.all);
    out.named.set(term, cover.named);
    out.frequent.set(term, cover.frequent);
    out.pages += cover.pages;
    out.coverLookups = Math.min(out.coverLookups, cover.lookups);
    covered = true;
  }
  // A looked-up page would have a cover's prefixes merged again for it (matchTest): only words are looked up.
  out.all = !covered && q.clauses.every((c) => c.anyOf.every((term) => !term.prefix || out.completions.has(term)));
  return out;
}

/** The covers of prefixes made lately, by collection, while its data holds: a search and its facets, and
 *  each page of hits, ask for the same one, and listing 17,875 words (`lib*` at a million pages) and covering them
 *  costs 20-60 ms. */
const covers = new WeakMap<Collection, { version: string; byPrefix: Map<string, PrefixCoverMatch | null> }>();
/** Prefixes whose covers are kept per collection; past this, the oldest is dropped. */
const COVERS_KEPT = 16;

/** A prefix's cover as FTS5 ORs: all its items, and its words alone; and how many pages are worth looking up in the
 *  whole cover before reading the prefix's set instead: half of what the set costs, its words' pages merged, over
 *  what a lookup costs, the pages its prefix items merge (at a million pages, 1 for `lib*`, 4 for `con*`). */
interface PrefixCoverMatch {
  all: string;
  named: string;
  lookups: number;
  /** Its words' pages, summed: what reading its set merges. */
  pages: number;
  /** Its FREQUENT_WORDS words on the most pages (an OR), all of them named. */
  frequent: string;
}

/** The rows this connection has changed (total_changes(): FTS5's own writes to its tables counted too). */
function ownChanges(coll: Collection): number {
  return coll.get<{ n: number }>(buildOwnChangesSql())?.n ?? 0;
}

/** The rows prefixWords changed folding prefixes (its temporary tables), by collection: no change to the data. */
const foldChanges = new WeakMap<Collection, number>();

/** What the collection's data is at: what is kept of it (keptCovers, keptMatches) holds while this does. Other
 *  connections' commits (the data version) and this one's own changes (a connection that ingests and searches), less
 *  those of folding prefixes, which each search makes (each fold changed 14 rows: counted, the covers were never kept
 *  past the search that made them). */
function dataState(coll: Collection): string {
  return `${coll.dataVersion()}:${ownChanges(coll) - (foldChanges.get(coll) ?? 0)}`;
}

/** The covers this collection's connection keeps (`covers`), emptied when its data has changed. */
function keptCovers(coll: Collection): Map<string, PrefixCoverMatch | null> {
  const version = dataState(coll);
  let kept = covers.get(coll);
  if (!kept || kept.version !== version) covers.set(coll, (kept = { version, byPrefix: new Map() }));
  return kept.byPrefix;
}

/** Every match of a query, newest first, kept per collection while its data holds: where finding them costs (a
 *  prefix beside other words tested in the pages' own words, ownMatchIds: `climate -com*` at a million pages, ~150
 *  ms; a phrase of common words sorted by date: ~30 ms), its facets and its next pages ask for the same set. By FTS5
 *  match and tuning, which chose how they were found: a search under one tuning answers as it would alone. At most
 *  MATCH_SETS_KEPT sets, each of at most dateSortMatches pages or what ownMatchIds finds. */
const matchSets = new WeakMap<Collection, { version: string; byKey: Map<string, readonly number[]> }>();
const MATCH_SETS_KEPT = 8;

/** The set of `match` under tuning `t` kept on this collection's connection (`matchSets`; all emptied when its data
 *  has changed), and how to keep one. Nothing is kept while the connection is iterating a statement: its data
 *  version cannot be read then (better-sqlite3 throws a TypeError). */
function keptMatches(coll: Collection, match: string, t: SearchTuning): { ids: readonly number[] | undefined; keep: (ids: number[]) => number[] } {
  let version: string;
  try {
    version = dataState(coll);
  } catch (e) {
    if (e instanceof TypeError) return { ids: undefined, keep: (ids) => ids };
    throw e;
  }
  let kept = matchSets.get(coll);
  if (!kept || kept.version !== version) matchSets.set(coll, (kept = { version, byKey: new Map() }));
  const sets = kept.byKey;
  const key = `${match}\u0000${JSON.stringify(t)}`;
  return {
    ids: sets.get(key),
    keep: (ids) => {
      sets.delete(key);
      if (sets.size >= MATCH_SETS_KEPT) sets.delete(sets.keys().next().value!);
      sets.set(key, ids);
      return ids;
    },
  };
}

/** A prefix's cover (prefix-cover.ts), from the word list, kept in `kept`; null when none fits MAX_COMPLETIONS. */
function coverOf(coll: Collection, prefix: string, kept: Map<string, PrefixCoverMatch | null>): PrefixCoverMatch | null {
  const inOrder = coll.rows(buildListedWordsSql(prefix)).map(([term, pages]) => ({ term: term as string, pages: pages as number }));
  const found = prefixCover(inOrder, prefix, MAX_COMPLETIONS);
  const pages = inOrder.reduce((n, w) => n + w.pages, 0);
  const cover = found === null ? null : {
    all: `(${found.items.join(' OR ')})`,
    named: `(${found.items.filter((i) => !i.endsWith('*')).join(' OR ')})`,
    lookups: Math.floor(pages / (2 * Math.max(1, found.mergedPages))),
    pages,
    frequent: frequentWords(inOrder),
  };
  if (kept.size >= COVERS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(prefix, cover);
  return cover;
}

/** The query with each prefix in `named` cut to those of its words (PrefixWords `named` or `frequent`): a page that
 *  matches it matches the query, since the words are some of the prefix's. Null when `named` is empty, when one of
 *  the query's prefixes has no completions (asking the query then merges that prefix), or when a prefix cut so is
 *  negated (a page without those words may still hold the prefix). */
function namedWordsMatch(q: ParsedQuery, words: PrefixWords, named: ReadonlyMap<Term, string> = words.named): string | null {
  if (named.size === 0) return null;
  for (const c of q.clauses) {
    for (const term of c.anyOf) {
      if (term.prefix && !words.completions.has(term)) return null;
      if (c.negated && named.has(term)) return null;
    }
  }
  return toFtsMatch(q, new Map([...words.completions, ...named]));
}

/** Whether `match` (the query's) has more than `n` matches, asked first of its prefixes' most frequent words alone
 *  (namedWordsMatch with PrefixWords `frequent`: 2-9 ms at a million pages for `con*`, `pro*`, `lib*`, where FTS5
 *  merges the whole prefix in 0.5-1.5 s; ~90 ms for `ten*`'s 593 words); then, where they can be, by counting its
 *  matches found in their own words (ownMatchIds, kept in `own`: `con* captain`, 1.5 s to count in FTS5); words
 *  alone by stepping over n of their matches; else (a phrase, a prefix), when its newest pages do not already say it
 *  has more (clearlyMoreThan, for a phrase), by reading them, up to n + 1, and keeping them in `own` when they are no
 *  more than n. */
function moreMatchesThan(
  coll: Collection, q: ParsedQuery, match: string, n: number, t: SearchTuning, words: PrefixWords | null, own: { ids: readonly number[] | null },
): boolean {
  const sure = words ? namedWordsMatch(q, words, words.frequent) : null;
  if (sure !== null && newestMatchIds(coll, newestRead(q, sure), 1, t, n).length > 0) return true;
  own.ids = words ? ownMatchIds(coll, q, words, sure, t) : null;
  if (own.ids !== null) return own.ids.length > n;
  // Words alone (read whole) are counted by stepping over n of their matches inside SQLite, and the sort finds them
  // again as cheaply. A match of at most n pages is kept for the sort where finding it again costs: FTS5 merges a
  // prefix before its first row (`climate -com*` at a million pages: 2.0-2.3 s -> 1.2), and matches a phrase of common
  // words by their positions on every page holding both (`"likely that"`, 333 pages: ~30 ms each time).
  const read = newestRead(q, match);
  if (read.whole && !holdsPrefix(q)) return newestMatchIds(coll, read, 1, t, n).length > 0;
  const kept = keptMatches(coll, match, t);
  if (kept.ids) return (own.ids = kept.ids).length > n;
  if (!holdsPrefix(q)) {
    if (clearlyMoreThan(coll, match, n, t.estimateWindow)) return true;
    const newest = newestMatchIds(coll, read, n + 1, t);
    if (newest.length <= n) own.ids = kept.keep(newest);
    return newest.length > n;
  }
  const ids = matchIds(coll, match, n + 1);
  if (ids.length <= n) own.ids = kept.keep(ids.reverse());
  return ids.length > n;
}

/** Whether `match`, at the share of the newest `window` pages it is on, has more than `n` pages even if that
 *  share were two standard deviations lower (k - 2√k of the k counted): sure enough to walk captures in date order
 *  rather than sort its matches (both give the same pages; only the time taken depends on it). Counting in a window
 *  is cheaper than reading n + 1 matches: a phrase of common words at a million pages, `"reason with"` (8,327 pages),
 *  read to its 5,001st match in 24-33 ms, counted in its newest window (150) in 0.6. */
function clearlyMoreThan(coll: Collection, match: string, n: number, window: number): boolean {
  const span = coll.get<{ lo: number | null; hi: number | null }>(buildPageSpanSql());
  if (span?.hi == null || span.lo == null || span.hi - span.lo + 1 <= window) return false;
  const k = coll.get<{ n: number }>(buildRecentShareSql(match, span.hi - window))?.n ?? 0;
  return ((k - 2 * Math.sqrt(k)) * (span.hi - span.lo + 1)) / window > n;
}

/** A candidate for a page of hits: a page and its score (lower is better). */
interface Candidate {
  pid: number;
  score: number;
}

/** What a page of hits has still to pass over (the offset): shared by the walk and a tier that can pass over whole
 *  windows of candidates by counting them (newestTier). */
interface Skip {
  left: number;
}

/** One tier of candidates, best first, made only when it is read: a statement, rows read in windows (newestTier), or
 *  null when it is known to be empty. Given `skip` when nothing is judged row by row, so it may spend the offset
 *  itself. */
type Tier = (skip: Skip | null) => SqlQuery | Iterable<Candidate> | null;

/** Walks the tiers of candidates one after the other, each best first, keeping pages `keep` accepts (all when null),
 *  past the first `offset` kept, until `limit` are kept: pid -> score. A tier is read only when those before it fell
 *  short, and only as far as the page of hits needs. */
function pick(coll: Collection, tiers: Tier[], keep: ((pid: number) => boolean) | null, offset: number, limit: number): Map<number, number> {
  const picked = new Map<number, number>();
  if (limit === 0) return picked;
  const skip: Skip = { left: offset };
  for (const [i, tier] of tiers.entries()) {
    let made = tier(keep ? null : skip);
    if (made === null) continue;
    // Nothing judged row by row: the last tier lets SQLite skip the offset itself (a list scrolled to its 100,000th
    // hit); earlier tiers must be counted, to know how much of the offset they used.
    if ('sql' in made && !keep && i === tiers.length - 1) {
      made = buildCandidatePageSql(made, limit - picked.size, skip.left);
      skip.left = 0;
    }
    const rows: Iterable<Candidate> = 'sql' in made ? coll.iterate<Candidate>(made) : made;
    for (const m of rows) {
      if (keep && !keep(m.pid)) continue;
      if (skip.left > 0) {
        skip.left--;
        continue;
      }
      picked.set(m.pid, m.score);
      if (picked.size >= limit) return picked;
    }
  }
  return picked;
}

/** Whether a page matches `match` (the whole query, for candidates ranked by its rarer words alone): the first
 *  `lookups` candidates are looked up one by one (a seek each), which is as far as a page of hits usually goes; past
 *  them, the query's match set is read once and each candidate tested in it. Reading that set first walked the
 *  common word's doclist at every page of the rarer one's (at 1M pages, "after zobrix": 1.9 ms CPU for the set, 18
 *  lookups 0.6 ms), and touched as many of its pages, which a cold cache reads from disk. */
function matchesWhole(
  coll: Collection, match: string, lookups: number, lookUp = (pid: number) => matchesAt(coll, match, pid),
): (pid: number) => boolean {
  let looked = 0;
  let all: Set<number> | null = null;
  return (pid) => {
    if (all === null && looked < lookups) {
      looked++;
      return lookUp(pid);
    }
    all ??= new Set(matchIds(coll, match));
    return all.has(pid);
  };
}

/** A match expression to read newest first, and how: `whole`, in one statement backwards, not in windows
 *  (readWhole). */
interface NewestRead {
  match: string;
  whole: boolean;
  /** Read whole and holding no prefix: a match set of no more than what is wanted is read forwards, whole
   *  (newestMatchIds). FTS5 merges a prefix before its first row, which a forward look would pay once more. */
  probe?: boolean;
  /** Only the pages with a capture within these filters, kept inside SQLite (sql.ts FilterWay). */
  filter?: PageFilter;
  /** Only the matches that also match this (the main-content expression): told apart window by window, one page at a
   *  time when a window holds few (a seek each), so a sparse match set is walked once, in `match`; the others go to
   *  the SeenPages the read records into. */
  within?: string;
  /** `within` is told with each match as it is read, not looked up: `match` has one positive phrase and the
   *  connection the ranking extension (onePhraseRanked), whose as_columns says whether that phrase is in the main
   *  columns (sql.ts buildMatchIdsBetweenSql). At 1M pages, the ten newest hits of "tape the" looked 49 pages up,
   *  4 ms of its 11. */
  mainByColumns?: boolean;
  /** A cheaper test of the main-content expression, when there is one (query.ts mainWordsMatch): a page it does not
   *  match does not match that expression. Tried first wherever a page is looked up in it: in `within`, and in the
   *  first arm (pagesByArm). */
  mainWords?: string | null;
  /** Every match of the query, newest first, found before (ownMatchIds) where `match` would read more: the query
   *  scored without its negated prefixes. The newest tier's bounds are read from them (rankedTiers). */
  matches?: readonly number[];
}

/** Whether a query's matches are read newest first in one statement backwards rather than forwards in windows
 *  (newestMatches): all but those with a phrase of several words and no prefix. FTS5 reads a phrase backwards 4-7x
 *  slower than forwards, which windows repay; words it reads backwards about 2x slower, and one backwards statement
 *  costs less than windows that each set up their cursors and overshoot (the newest 2,001 matches of "the": 0.5 ms
 *  CPU backwards, 1.2-1.6 in windows; the two-term class's first hits: 7.3 ms CPU p95 backwards, 8.0 in windows).
 *  A prefix's windows would each pay what FTS5 does before its first row: a prefix left whole has every doclist it
 *  covers merged, and written out as its words (PrefixWords `completions`) it opens up to MAX_COMPLETIONS words'
 *  segments. */
function readWhole(q: ParsedQuery): boolean {
  const terms = q.clauses.flatMap((c) => c.anyOf);
  return terms.some((term) => term.prefix) || !terms.some((term) => phraseWordTerms(term).length > 0);
}

/** How the matches of `q` (its FTS5 expression `match`) are read newest first. */
function newestRead(q: ParsedQuery, match: string): NewestRead {
  const whole = readWhole(q);
  return { match, whole, probe: whole && !holdsPrefix(q) };
}

/** Whether the connection has the ranking extension (store/fts-rank.ts) and the match of `q` one positive phrase, one
 *  clause of one term (each term is one FTS5 phrase: query.ts ftsTerm; the negated ones follow it). */
function onePhraseRanked(coll: Collection, q: ParsedQuery): boolean {
  const positive = q.clauses.filter((c) => !c.negated);
  return coll.ftsRank && positive.length === 1 && positive[0].anyOf.length === 1;
}

/** How the ranked plans score the matches of `q` (sql.ts Scoring): without bm25's count of its phrase where it can. */
function scoringOf(coll: Collection, q: ParsedQuery): Scoring {
  return onePhraseRanked(coll, q) ? 'one-phrase' : 'bm25';
}

/** One tier of ranked candidates, made when read; `windowed` when it holds at most the query's newest `window`
 *  matches (a filter is probed on it: sql.ts FilterWay), else it ranks every match it holds, however many. */
interface RankedTier {
  read: () => SqlQuery | Candidate[] | null;
  windowed: boolean;
}

/** The arms' matches in rank order as tiers: with `window` >= 1, each arm's matches among the query's newest `window`,
 *  then (only when the query has more) its older ones; else all at once. The newest are bounded by the rowid of the
 *  query's window-th newest match (one bound for every arm, so one look), found by a forward read in windows
 *  (newestMatches) when the first tier is read. When the query has no more than `window` matches, that read found them
 *  all, and each arm is ranked within their rowid span: FTS5 then walks only that span (bm25 still counts each phrase
 *  over the collection), where a rare phrase's matches were walked for every arm; and, when every candidate is kept
 *  (`keepsAll`: no filter), an arm holding one of them is that page, unranked. A match read whole keeps one statement
 *  per tier. */
function rankedTiers(coll: Collection, arms: RankArm[], read: NewestRead, window: number, t: SearchTuning, keepsAll: boolean): RankedTier[] {
  if (window < 1) return arms.map((arm) => ({ read: () => buildRankedSql(arm), windowed: false }));
  if (read.whole && !read.matches) {
    return arms.flatMap((arm) => [
      { read: () => buildNewestRankedSql(arm, window), windowed: true },
      { read: () => buildOlderRankedSql(arm, window), windowed: false },
    ]);
  }
  let bounds: { from: number; below?: number; older: boolean; byArm: number[][] | null } | null | undefined;
  const boundsOf = () => {
    if (bounds === undefined) {
      const newest = read.matches?.slice(0, window + 1) ?? newestMatchIds(coll, read, window + 1, t);
      bounds = newest.length === 0 ? null
        : newest.length > window ? { from: newest[window - 1], older: true, byArm: null }
        : { from: newest[newest.length - 1], below: newest[0] + 1, older: false, byArm: pagesByArm(coll, arms, newest, read.mainWords) };
    }
    return bounds;
  };
  return arms.flatMap((arm, i): RankedTier[] => [{
    read: () => {
      const b = boundsOf();
      const known = b?.byArm?.[i];
      if (!b || known?.length === 0) return null;
      // One page needs no ranking: its score is its arm's alone.
      if (known?.length === 1 && keepsAll) return [{ pid: known[0], score: arm.penalty }];
      if (known && keepsAll && i > 0) return restOnlyRanked(coll, { ...arm, match: read.match }, known);
      return buildRankedSql(arm, b.from, b.below);
    },
    windowed: true,
  }, {
    read: () => {
      const b = boundsOf();
      return b?.older ? buildRankedSql(arm, undefined, b.from) : null;
    },
    windowed: false,
  }]);
}

/** The rest-only arm's pages, known (pagesByArm), in rank order. bm25 scores such a page under the query's own match
 *  exactly as under the arm's (`match NOT main`): the excluded main-content phrases have no instances on it and add
 *  nothing. But bm25 counts every phrase of its match over the whole collection, and a phrase held to columns costs
 *  more to count: `arm` here holds the query's own match, ranked over the pages' span and kept to them, one count
 *  instead of two ("american intelligence" at a million pages, two pages: 9.2 ms -> 4.7). */
function restOnlyRanked(coll: Collection, arm: RankArm, pids: number[]): Candidate[] {
  const known = new Set(pids);
  const span = buildRankedSql(arm, Math.min(...pids), Math.max(...pids) + 1);
  return coll.all<Candidate>(span).filter((c) => known.has(c.pid));
}

/** At most this many matches are told apart by arm one page at a time (a seek each, ~30 µs at 1M pages). */
const PAGES_LOOKED_UP = 64;

/** A window whose matches are on at most one page in this many is sparse (withinWindow). */
const SPARSE_WINDOW = 16;

/** The given matches (all of the query's) split between the two arms (main content, rest only), when they are few
 *  enough to look each up in the first; else null. An arm with none of them is a ranked statement saved, and one with
 *  a single page needs no ranking: either saves a bm25 that counts each of its phrases over the whole collection (a
 *  rare phrase of common words, "trading trading" at 1M pages: 11 ms). */
function pagesByArm(coll: Collection, arms: RankArm[], pids: number[], mainWords?: string | null): number[][] | null {
  if (arms.length !== 2 || pids.length > PAGES_LOOKED_UP) return null;
  const inFirst = new Set(pids.filter((pid) => matchesAt(coll, mainWords, pid) && matchesAt(coll, arms[0].match, pid)));
  return [[...inFirst], pids.filter((pid) => !inFirst.has(pid))];
}

/** Whether the page matches `match` (a seek in the full-text index); true when there is no match to test. */
function matchesAt(coll: Collection, match: string | null | undefined, pid: number): boolean {
  return !match || coll.get(buildMatchAtSql(match, pid)) !== undefined;
}

/** What a newest-first read with `within` passed over (its matches outside `within`, newest first), and whether it
 *  read every match (none counted over). */
interface SeenPages {
  outside: number[];
  complete: boolean;
}

/** An arm's matches newest first, each scored by the arm's penalty minus its page id (lower is better, as with bm25):
 *  the order of a query of only very common words. */
function* newestTier(
  coll: Collection, read: NewestRead, penalty: number, want: number, t: SearchTuning, skip: Skip | null, record?: SeenPages,
): Generator<Candidate> {
  for (const pid of newestMatches(coll, read, want, t, skip, record)) yield { pid, score: penalty - pid };
}

/** Up to `take` matches' page ids, newest first, after the newest `skipped` ones: passed over by SQLite (a query read
 *  whole: LIMIT and OFFSET), or counted in SQL where a window holds no more than those, not read. */
function newestMatchIds(coll: Collection, read: NewestRead, take: number, t: SearchTuning, skipped = 0): number[] {
  const out: number[] = [];
  if (take <= 0) return out;
  if (read.whole) {
    const ids = (page: { limit: number; offset: number; oldestFirst?: boolean }) =>
      coll.rows(buildNewestMatchIdsSql(read.match, read.filter, page)).map((r) => r[0] as number);
    // FTS5 reads an AND backwards several times slower than forwards (newestMatches): a match set of no more than
    // `take` is read forwards, whole, and turned round; only a larger one is read backwards, as far as `take`. Which
    // it is, the density of its oldest PROBE_MATCHES matches tells (estimated at no more than half of `take`, a margin
    // for matches denser among the newest pages), or their being all (at a million pages, every match of "you
    // ziroban", 405: backwards 8.6 ms, forwards 0.6 ms).
    if (skipped === 0 && read.probe) {
      const probe = ids({ limit: PROBE_MATCHES, offset: 0, oldestFirst: true });
      if (probe.length < PROBE_MATCHES) return probe.reverse().slice(0, take);
      const span = coll.get<{ lo: number | null; hi: number | null }>(buildPageSpanSql());
      const density = PROBE_MATCHES / (probe[PROBE_MATCHES - 1] - (span?.lo ?? probe[0]) + 1);
      if (density * ((span?.hi ?? 0) - (span?.lo ?? 0) + 1) <= take / 2) {
        const oldest = ids({ limit: take + 1, offset: 0, oldestFirst: true });
        if (oldest.length <= take) return oldest.reverse();
      }
    }
    return ids({ limit: take, offset: skipped });
  }
  const skip: Skip = { left: skipped };
  for (const pid of newestMatches(coll, read, skipped + take, t, skip)) {
    if (skip.left > 0) {
      skip.left--;
      continue;
    }
    out.push(pid);
    if (out.length >= take) break;
  }
  return out;
}

/** The oldest matches newestMatchIds reads forwards to judge whether a match set is small enough to be read forwards
 *  whole (a few rows: a seek and a short walk). */
const PROBE_MATCHES = 64;

/** newestMatches of a match read whole, in one statement backwards. With `skip`, SQLite passes over what is left to
 *  pass over (OFFSET), and it is spent at the first row; only when no row comes are the matches counted, to spend as
 *  many. Passed over in JavaScript, a row at a time, the 50,000 newest matches of "the" (a list scrolled that far,
 *  200 rows a page) cost ~60 ms of a page's ~80 at a million pages. */
function* newestMatchesWhole(coll: Collection, read: NewestRead, skip: Skip | null): Generator<number> {
  const offset = skip?.left ?? 0;
  if (offset === 0) {
    for (const r of coll.iterate<{ pid: number }>(buildNewestMatchIdsSql(read.match, read.filter))) yield r.pid;
    return;
  }
  let any = false;
  for (const r of coll.iterate<{ pid: number }>(buildNewestMatchIdsSql(read.match, read.filter, { limit: -1, offset }))) {
    if (!any) skip!.left = 0;
    any = true;
    yield r.pid;
  }
  if (!any) skip!.left -= coll.get<{ n: number }>(buildCountSql(buildNewestMatchIdsSql(read.match, read.filter, { limit: offset, offset: 0 })))!.n;
}

/** How much wider than the last one a window of newestMatches may be: a density guessed from few matches may be far
 *  off, and a window too wide brings that many more rows to JavaScript. */
const WINDOW_GROWTH = 4;

/** Matches newest first, read forwards in windows of page ids from the newest page back (a match read whole: in one
 *  statement, backwards). FTS5 reads an AND or a phrase backwards several times slower than forwards (at 1M pages,
 *  every match of "weird the": 97 ms backwards, 32 ms forwards; the newest 1,000 of "reason with": 27 ms against 10),
 *  while a rowid range is a seek (the newest 1,000 pages of a word on every page: 0.14 ms). The first window spans
 *  `want` pages (or firstWindowPages), which holds them when every page matches; each next one is sized by the
 *  density of the matches seen so far to hold what is still wanted (past it, as many again), at most WINDOW_GROWTH
 *  times the last. With `skip`, a window holding no more than what is left to pass over is counted in SQL instead of
 *  read, so a list scrolled far down brings to JavaScript only the rows it shows. */
function* newestMatches(
  coll: Collection, read: NewestRead, want: number, t: SearchTuning, skip: Skip | null, record?: SeenPages,
): Generator<number> {
  if (read.whole) {
    yield* newestMatchesWhole(coll, read, skip);
    return;
  }
  const span = coll.get<{ lo: number | null; hi: number | null }>(buildPageSpanSql());
  if (span?.lo == null || span.hi == null) return;
  let upto = span.hi + 1;
  let width = Math.max(1, t.firstWindowPages || want);
  let found = 0;
  while (upto > span.lo) {
    const from = Math.max(span.lo, upto - width);
    const wanted = (match: string, mainColumns?: boolean) => buildMatchIdsBetweenSql(match, from, upto, read.filter, mainColumns);
    const counted = skip && skip.left > 0 ? coll.get<{ n: number }>(buildCountSql(wanted(read.within ?? read.match)))!.n : -1;
    if (counted >= 0 && counted <= skip!.left) {
      skip!.left -= counted;
      found += counted;
      if (record) record.complete = false;
    } else {
      const ids = read.within
        ? withinWindow(coll, read, upto - from, coll.rows(wanted(read.match, read.mainByColumns)), () => coll.rows(wanted(read.within!)), record)
        : coll.rows(wanted(read.match)).map((r) => r[0] as number);
      found += ids.length;
      for (let i = ids.length - 1; i >= 0; i--) yield ids[i];
    }
    const covered = span.hi + 1 - from;
    upto = from;
    // What is still wanted; once that is found (a reader that keeps only some goes on), as many again. Sized for as
    // many again before then overshot: at 1M pages, the last of the ten newest matches of "hat but" was read in a
    // window of 150,000 pages holding 13 (3.8 ms), where 20,000 held the one still wanted.
    const more = found < want ? want - found : found;
    width = found === 0 ? width * WINDOW_GROWTH : Math.min(width * WINDOW_GROWTH, Math.ceil((more * covered * 1.25) / found));
    width = Math.max(1, width);
  }
}

/** A window's matches (`all`, oldest first) that also match `within`, oldest first; the others are added to
 *  `record.outside`, newest first. Read `mainByColumns`, each row says so. Else a few matches spread thin (up to
 *  PAGES_LOOKED_UP, on at most one page in SPARSE_WINDOW of the window's `width`) are looked up one by one, and
 *  otherwise the window is read again in `within` (`readWithin`), one statement where a dense window's lookups would
 *  cost more (20 for a page of hits: 0.5 ms). */
function withinWindow(
  coll: Collection, read: NewestRead, width: number, all: unknown[][], readWithin: () => unknown[][], record?: SeenPages,
): number[] {
  const ids = all.map((r) => r[0] as number);
  let inside: Set<number>;
  if (read.mainByColumns) inside = new Set(all.filter((r) => r[1] === 1).map((r) => r[0] as number));
  else if (ids.length <= PAGES_LOOKED_UP && ids.length * SPARSE_WINDOW <= width) {
    inside = new Set(ids.filter((pid) => matchesAt(coll, read.mainWords, pid) && matchesAt(coll, read.within, pid)));
  } else inside = new Set(readWithin().map((r) => r[0] as number));
  if (record) for (let i = ids.length - 1; i >= 0; i--) if (!inside.has(ids[i])) record.outside.push(ids[i]);
  return ids.filter((pid) => inside.has(pid));
}

/** Date order for a large match set (or the pages of a filter alone, `match` null): sorting every match by its newest
 *  capture cost 4.5 s for "the" at 200k pages; walking captures newest first (newestPages) stops after the page of
 *  hits. Each walked page is tested for the match as matchTest says (`lookups`, `seekReads`); the walk goes through
 *  every capture, or with `fromHostIndex` the filter's hosts' captures alone (buildNewestCapturesSql). Null when the
 *  walk gives up (DateWalk). */
function dateOrderScan(
  coll: Collection, q: ParsedQuery, match: string | null, offset: number, limit: number,
  { lookups = 0, seekReads = 0, ownWordsReads = 0, words = null, budget = Infinity, predictedLimit = Infinity, fromHostIndex = false }: DateWalk,
): Row[] | null {
  const matches = match === null ? null : matchTest(coll, q, match, offset + limit, { lookups, seekReads, ownWordsReads }, words);
  const newest = newestPages(coll, q, matches, offset + limit, { budget, predictedLimit }, fromHostIndex);
  if (newest === null) return null;
  const page = newest.order.slice(offset, offset + limit);
  const rows = rowsOfPicked(coll, q, new Map(page.map((pid, i) => [pid, i])));
  for (const r of rows) r.score = null;
  return rows;
}

/** How a date-order walk goes (dateOrderScan): its match test's lookups (matchTest), and when it gives up for
 *  grouping the captures instead: past `budget` captures walked, or once the rate at which pages have turned up says
 *  the rest of the page of hits would take more than `predictedLimit` captures. */
interface DateWalk {
  lookups?: number;
  seekReads?: number;
  ownWordsReads?: number;
  /** The query's prefixes' words (prefixWords), when it holds prefixes. */
  words?: PrefixWords | null;
  budget?: number;
  predictedLimit?: number;
  fromHostIndex?: boolean;
}

/** How often a date-order walk judges its rate (captures walked): ~40 ms of a walk that tests a host on each. */
const JUDGE_WALK = 4096;

/** How many pages a prefix's lookups test before the share of them that match is trusted to predict the rest. */
const JUDGE_AFTER = 16;

/** Whether a page matches `match`: looked up page by page (a seek in the full-text index, each answer kept) for the
 *  first `lookups` pages asked about, then from the set of every match, read once. FTS5 asked whether one page holds
 *  a prefix merges the prefix's doclists whole, so a match holding prefixes is looked up otherwise, and only while
 *  that costs less than its set (its words' pages, ~0.3 us each to merge): for at most the lookups that cost what
 *  reading the set does, and after JUDGE_AFTER of them, only while the share found so far says the page of hits
 *  (`want` pages) fills within as many. At a million pages a 3-letter prefix is on 18-50% of pages and its set costs
 *  0.2-1.1 s. A page is looked up:
 *  - in its own words (matchesOwnWords: its text read once, 0.2-0.5 ms, `ownWordsReads`) where the ranking extension
 *    is loaded and the prefix's words would cost more to look up, or are too many to write out (a cover); when these
 *    stop paying, the pages that hold the query's other words are read as a set, if they are at most half the pages
 *    the prefixes' set merges, and only they are tested on (`con* 2019`, its second page at a million pages: the set
 *    of `2019` read in 21 ms, where `con* AND 2019` merged the prefix in 1.3 s);
 *  - else in the prefix's words (prefixWords), `seekReads` a word: 1.4-2.3 ms for 400-650 words;
 *  - else, for a covered prefix (prefix-cover.ts), in its named words first (~1 ms), and in the whole cover (8-38
 *    ms) only for a page that holds none of them, as often as that pays (PrefixCoverMatch `lookups`).
 *  A prefix whose words are not listed is read as a set at once. Sorted by date at a million pages (each query in a
 *  fresh process), pages tested in their own words instead of the other two ways: tra* 1.3-1.4 s -> 0.13-0.16, lib*
 *  0.72 -> 0.24-0.25 (its cover made first), bar* 0.75-0.88 -> 0.06. */
function matchTest(
  coll: Collection, q: ParsedQuery, match: string, want: number,
  { lookups, seekReads, ownWordsReads }: { lookups: number; seekReads: number; ownWordsReads: number }, words: PrefixWords | null,
): (pid: number) => boolean {
  let all: Set<number> | null = null;
  const known = new Map<number, boolean>();
  let worth = lookups;
  let lookupMatch = match;
  let named: string | null = null;
  let coverLookups = Infinity;
  let ownWords: ReadonlyMap<Term, string> | null = null;
  // Tested in their own words, the pages that hold the query's other words, read as a set when the lookups stop
  // paying (`rest`), are tested alone before the match set is read: if they are at most half the pages the prefixes'
  // set merges (`setPages`), and as long as their tests cost less than the rest of it.
  let restMatch: string | null = null;
  let setPages = 0;
  let rest: Set<number> | null = null;
  const prefixed = words !== null;
  if (prefixed) {
    const seeks = words.words * seekReads;
    const folded = ownWordsOf(coll, q, words);
    if (folded && (!words.all || seeks > ownWordsReads)) {
      ownWords = folded;
      worth = Math.min(lookups, ownWordsReads > 0 ? words.pages / ownWordsReads : Infinity);
      restMatch = otherWordsMatch(q);
      setPages = words.pages;
    } else {
      worth = !words.all ? 0 : Math.min(lookups, seeks > 0 ? words.pages / seeks : Infinity);
      lookupMatch = toFtsMatch(q, words.completions)!;
      named = namedWordsMatch(q, words);
      if (named !== null) [worth, coverLookups] = [lookups, words.coverLookups];
    }
  }
  let asked = 0;
  let found = 0;
  return (pid) => {
    if (all) return all.has(pid);
    const answer = known.get(pid);
    if (answer !== undefined) return answer;
    const readAll = () => {
      all = new Set(matchIds(coll, match));
      return all.has(pid);
    };
    if (asked >= worth || (prefixed && asked >= JUDGE_AFTER && (want * asked) / Math.max(found, 1) > worth)) {
      if (rest !== null || restMatch === null) return readAll();
      const cap = Math.floor(setPages / 2);
      const ids = matchIds(coll, restMatch, cap + 1);
      restMatch = null;
      if (ids.length > cap) return readAll();
      // The same judgement again, of the rest's pages alone, against what is left of the set's cost.
      rest = new Set(ids);
      [asked, found] = [0, 0];
      worth = ownWordsReads > 0 ? (setPages - ids.length) / ownWordsReads : Infinity;
    }
    if (rest !== null && !rest.has(pid)) {
      known.set(pid, false);
      return false;
    }
    asked++;
    let yes: boolean;
    if (ownWords !== null) yes = matchesOwnWords(coll, q, ownWords, pid);
    else {
      yes = named !== null && matchesAt(coll, named, pid);
      if (!yes) {
        if (named !== null && coverLookups-- <= 0) return readAll();
        yes = matchesAt(coll, lookupMatch, pid);
      }
    }
    if (yes) found++;
    known.set(pid, yes);
    return yes;
  };
}

/** Every match of a query holding prefixes beside other words, newest first, where FTS5 would merge the prefixes
 *  to read them (`con* captain` sorted by date at a million pages: 2.2 s; `captain -con*` 1.7 s a statement): the
 *  pages of its other words, each kept at once when `sure` (the query with its prefixes cut to their most frequent
 *  words: namedWordsMatch) holds it, dropped at once when it holds a negated prefix's most frequent words
 *  (excludedWordsMatch), one FTS5 read of them all each; else tested in its own words (matchesOwnWords). A page is
 *  tested in up to 20 ms (a big page's text), so without either read every page would be (`captain -con*`: 4.9 s,
 *  against 190 ms with the negated prefix's frequent words dropping 2,049 of its 2,267 pages): null then, and null
 *  where it would cost more than half the merge (its budget, below), or cannot be done (no ranking extension, no
 *  other positive word). */
function ownMatchIds(coll: Collection, q: ParsedQuery, words: PrefixWords, sure: string | null, t: SearchTuning): readonly number[] | null {
  const kept = keptMatches(coll, toFtsMatch(q)!, t);
  if (kept.ids) return kept.ids;
  const folded = ownWordsOf(coll, q, words);
  const restMatch = otherWordsMatch(q);
  const excluded = excludedWordsMatch(q, words);
  if (folded === null || restMatch === null || (sure === null && excluded === null)) return null;
  // What finding them so may cost, in page tests: half what FTS5's merge of the prefixes would. A test costs what
  // merging ~2,000 of their pages does (0.2-0.8 ms a page against ~0.17 us a merged page, at a million pages: four of
  // ownWordsReads' pages read into a set), and a page of the other words at most a fiftieth of a test (read, and
  // looked up in the prefixes' frequent words: 1-17 us a page). `climate -com*`: 24,930 pages, 24,412 dropped at
  // once (22-94 ms), 518 tested (88-424 ms), against 0.85-1.1 s to merge `com*`'s 5.4M; `lethal -tra*` is left to
  // FTS5: 619 pages to test, 216 ms, against 280 ms to merge `tra*`'s 1.9M.
  const budget = t.ownWordsReads > 0 ? words.pages / (8 * t.ownWordsReads) : Infinity;
  const bound = 50 * budget;
  const rest = matchIds(coll, restMatch, Number.isFinite(bound) ? Math.floor(bound) + 1 : undefined);
  if (rest.length > bound) return null;
  const held = new Set(sure === null ? [] : matchIds(coll, sure));
  const dropped = new Set(excluded === null ? [] : matchIds(coll, `(${restMatch}) AND ${excluded}`));
  const tested = rest.filter((pid) => !held.has(pid) && !dropped.has(pid));
  if (rest.length / 50 + tested.length > budget) return null;
  const found = new Set(tested.filter((pid) => matchesOwnWords(coll, q, folded, pid)));
  return kept.keep(rest.filter((pid) => held.has(pid) || found.has(pid)).reverse());
}

/** The query's negated clauses that hold a prefix, met (not negated), each prefix cut to its most frequent words
 *  (PrefixWords `frequent`), as one FTS5 OR: a page that holds it holds a clause the query excludes, so it is no
 *  match. Unscoped, as toFtsMatch leaves exclusions. Null when the query has no such clause. */
function excludedWordsMatch(q: ParsedQuery, words: PrefixWords): string | null {
  const met = q.clauses.filter(excludesPrefix).flatMap((c) => {
    // A prefix with no words (none listed) can hold no page: it is left out of the clause.
    const anyOf = c.anyOf.filter((term) => !term.prefix || words.frequent.has(term));
    return anyOf.length > 0 ? [toFtsMatch({ clauses: [{ negated: false, anyOf }], filters: q.filters }, words.frequent)!] : [];
  });
  return met.length === 0 ? null : `(${met.join(' OR ')})`;
}

/** Host pages worth reading for each match of the words, in hostMatchIds: about half of what a match sorted whole
 *  costs against a host page read. */
const HOST_PAGES_PER_MATCH = 25;

/** The pages that hold the words and a capture on the query's hosts, for the date sort to read by id: the words'
 *  matches and the host's pages, each read as a set from its own index, intersected. The walk meets them among the
 *  captures newest first, and a sort of every match looks each one's captures up: at a million pages,
 *  `overloaded site:www.batri.fr` (22,132 matches, the host's 23,597 pages) 310-400 ms walked, `arrival
 *  site:www.bazi.blog` (5,711; 19,145) 102-140 ms sorted. Null without a host, with a prefix (read its own ways) or
 *  a phrase (FTS5 checks its positions at every match read: the walk reads fewer), past hostSetMatches matches or
 *  hostSetPages host pages (or HOST_PAGES_PER_MATCH a match), or when more than dateSortMatches pages hold both (the
 *  sort would look each one's captures up). */
function hostMatchIds(coll: Collection, q: ParsedQuery, match: string, t: SearchTuning): number[] | null {
  if (q.filters.sites.length === 0 || holdsPrefix(q) || !readWhole(q)) return null;
  // Whether the words have more matches than that, stepped over without reading them (a common word: ~2 ms).
  if (newestMatchIds(coll, newestRead(q, match), 1, t, t.hostSetMatches).length > 0) return null;
  const matches = matchIds(coll, match);
  // A host page read costs ~0.35 us, a match sorted whole ~18 us (its captures looked up: `tillerson
  // site:www.boba.org`, 2,414 matches, 44 ms, against 73,283 host pages to read): the host is read while its pages
  // are at most HOST_PAGES_PER_MATCH a match, bounded from above by its captures, counted on the host index alone.
  const most = Math.min(t.hostSetPages, HOST_PAGES_PER_MATCH * matches.length);
  const hosts = hostsOf(q);
  if (coll.get<{ n: number }>(buildIndexedCaptureCountSql(hosts, most + 1))!.n > most) return null;
  const held = new Set(coll.column(buildHostPagesSql(hosts, 1, most + 1)) as number[]);
  const both = matches.filter((pid) => held.has(pid));
  return both.length > t.dateSortMatches ? null : both;
}

/** Whether a clause excludes a prefix (`-con*`). */
function excludesPrefix(c: Clause): boolean {
  return c.negated && c.anyOf.some((term) => term.prefix);
}

/** Whether the query excludes a prefix. */
function negatesPrefix(q: ParsedQuery): boolean {
  return q.clauses.some(excludesPrefix);
}

/** The query without the clauses that exclude a prefix. */
function withoutNegatedPrefixes(q: ParsedQuery): ParsedQuery {
  return { ...q, clauses: q.clauses.filter((c) => !excludesPrefix(c)) };
}

/** A test of membership in `ids`. */
function keptIn(ids: readonly number[]): (pid: number) => boolean {
  const set = new Set(ids);
  return (pid) => set.has(pid);
}

/** The page ids of `match`'s matches, unranked: at most `limit` of them when given. */
function matchIds(coll: Collection, match: string, limit?: number): number[] {
  return coll.column(buildMatchIdsSql(match, limit)) as number[];
}

/** The query held to its clauses that hold no prefix (every match is among their pages); null when none is
 *  positive. */
function otherWordsMatch(q: ParsedQuery): string | null {
  return toFtsMatch({ ...q, clauses: q.clauses.filter((c) => c.anyOf.every((term) => !term.prefix)) });
}

/** The query's prefixes folded (PrefixWords `folded`), when a page can be tested in its own words for them
 *  (matchesOwnWords): the ranking extension is loaded and every prefix is one word. Else null. */
function ownWordsOf(coll: Collection, q: ParsedQuery, words: PrefixWords): ReadonlyMap<Term, string> | null {
  if (!coll.ftsRank) return null;
  return q.clauses.every((c) => c.anyOf.every((term) => !term.prefix || words.folded.has(term))) ? words.folded : null;
}

/** Whether page `pid` matches `q` with each prefix (`folded`: all of the query's) written out as the page's own words
 *  beginning with it (as_words): the same answer as FTS5's for that page, without the prefix's doclists merged. A
 *  prefix the page has no word of is false: an alternative dropped, and a clause left with none unmet (or, negated,
 *  met). A query of one prefix on the whole page is then answered by its words alone; any other is asked of FTS5 as
 *  written for the page (columns, phrases, exclusions), each of its words a seek. */
function matchesOwnWords(coll: Collection, q: ParsedQuery, folded: ReadonlyMap<Term, string>, pid: number): boolean {
  const own = new Map<Term, string>();
  const clauses: Clause[] = [];
  for (const c of q.clauses) {
    const anyOf = c.anyOf.filter((term) => {
      if (!term.prefix) return true;
      const words = coll.get<{ words: string }>(buildPageWordsSql(folded.get(term)!, pid))?.words ?? '';
      if (words === '') return false;
      own.set(term, `(${words.split('\n').map((w) => ftsLiteral(w)).join(' OR ')})`);
      return true;
    });
    if (anyOf.length > 0) clauses.push({ ...c, anyOf });
    else if (!c.negated) return false;
  }
  const [only] = clauses;
  if (q.scope === undefined && clauses.length === 1 && !only.negated && only.anyOf.length === 1 && only.anyOf[0].prefix) return true;
  return matchesAt(coll, toFtsMatch({ ...q, clauses }, own), pid);
}

/** The pages of the captures within the filters (and in `matches`, when given), by their newest such capture, newest
 *  first, pages whose newest captures tie by descending page id (as buildDateHitsSql orders them): the first `want`,
 *  or all of them when the captures end first (`exhausted`), and how many captures were walked for them. Null when
 *  `budget` captures are walked first, or the rate says the rest would take more than `predictedLimit` (DateWalk). A
 *  page's place is its first capture in the walk (buildNewestCapturesSql). */
function newestPages(
  coll: Collection, q: ParsedQuery, matches: ((pid: number) => boolean) | null, want: number,
  { budget, predictedLimit = Infinity }: { budget: number; predictedLimit?: number }, fromHostIndex = false,
): { order: number[]; walked: number; exhausted: boolean } | null {
  const order: number[] = [];
  const seen = new Set<number>();
  let walked = 0;
  if (want <= 0) return { order, walked, exhausted: false };
  for (const r of coll.iterate<{ pid: number; kept: number }>(buildNewestCapturesSql(q, fromHostIndex))) {
    if (++walked > budget) return null;
    // Judged every JUDGE_WALK captures (and at each once past the limit): at the rate pages have turned up so far,
    // would the rest of the page take more than the limit?
    const judged = walked % JUDGE_WALK === 0 || walked > predictedLimit;
    if (judged && ((want - order.length) * walked) / Math.max(order.length, 1) > predictedLimit) return null;
    if (!r.kept || seen.has(r.pid) || (matches !== null && !matches(r.pid))) continue;
    seen.add(r.pid);
    order.push(r.pid);
    if (order.length >= want) return { order, walked, exhausted: false };
  }
  return { order, walked, exhausted: true };
}

/** How many captures the filter's host and time ranges hold when they are few (at most CAPTURES_PER_PAGE times
 *  selectivePages): counted from one index alone, without reading a capture row or a page. Null when the filter
 *  keeps more, or has no such range. */
function selectiveCaptures(coll: Collection, q: ParsedQuery, t: SearchTuning): number | null {
  if (!hasRanges(q)) return null;
  const bound = t.selectivePages * CAPTURES_PER_PAGE;
  const n = coll.get<{ n: number }>(buildIndexedCaptureCountSql(q, bound + 1))!.n;
  return n > bound ? null : n;
}

/** selectiveCaptures, or for a filter with no host or time range (sql.ts hasRanges) but media types, how many
 *  captures have those types when they are few: counted on the media type index, which SQLite then reads the
 *  filter's pages from (sql.ts captureFilterSql; with a host or a time range, it reads those indexes as before). Null
 *  when the filter keeps more, or the index is not there (an older collection opened read-only, or a bulk load that
 *  has not rebuilt it yet): such a filter is taken as broad and tested on the candidates, as a status alone is (no
 *  index finds whether its captures are few without scanning them: 126 ms for mime:text/html at 20k pages). */
function selectiveFilterCaptures(coll: Collection, q: ParsedQuery, t: SearchTuning): number | null {
  if (hasRanges(q)) return selectiveCaptures(coll, q, t);
  if (q.filters.mimes.length === 0 || !coll.hasIndex(MIME_INDEX_NAME)) return null;
  const bound = t.selectivePages * CAPTURES_PER_PAGE;
  const n = coll.get<{ n: number }>(buildMimeCaptureCountSql(q, bound + 1))!.n;
  return n > bound ? null : n;
}

/** Whether a query without words has its pages found by walking captures newest first (newestPages): unless a host,
 *  a tag or a note narrows it, which has an index of its own and few pages. */
function walksCaptures(q: ParsedQuery): boolean {
  return q.filters.sites.length + q.filters.tags.length + q.filters.notes.length === 0;
}

/** Whether a query without words whose filter has a host (and no tag or note) has its newest pages found by walking
 *  every capture newest first, testing the host on each (sql.ts buildNewestCapturesSql), rather than by grouping the
 *  host's captures by page, which reads each one's row (at 1M pages, www.boba.org's 79,000 captures: 705 ms; walked,
 *  its ten newest pages turn up within 140 captures). Yes when the host holds enough of the captures that `want`
 *  pages should turn up within walkCaptures of them, at its share: counted on the host index up to that many. */
function hostWalks(coll: Collection, q: ParsedQuery, want: number, t: SearchTuning): boolean {
  if (q.filters.sites.length === 0 || q.filters.tags.length + q.filters.notes.length > 0) return false;
  const enough = Math.ceil((want * rowidSpan(coll, buildCaptureSpanSql())) / t.walkCaptures);
  if (!Number.isFinite(enough)) return false; // walkCaptures 0: never walked
  // The host's captures at any time: counted on the host index alone (with the time range, each capture's row was
  // read: 23 ms for boba.org since 2020 at 1M pages).
  const hostAtAnyTime = { ...q, filters: { ...q.filters, from: undefined, to: undefined } };
  return coll.get<{ n: number }>(buildIndexedCaptureCountSql(hostAtAnyTime, enough))!.n >= enough;
}

/** Whether a filter is of hosts alone: its pages, their count and the newest of them come from the host index alone
 *  (sql.ts buildHostPagesSql). */
function hostsAlone(q: ParsedQuery): boolean {
  return q.filters.sites.length > 0 && !hasFilters({ ...q.filters, sites: [] });
}

/** The query's host filters alone. */
function hostsOf(q: ParsedQuery): ParsedQuery {
  return { clauses: [], filters: { sites: q.filters.sites, mimes: [], statuses: [], tags: [], notes: [] } };
}

/** Hits a sample of a host's pages must hold within the rest of the filter for its share to estimate the total: fewer
 *  (a status or a type the host seldom has), and the filter's captures are counted exactly. */
const MIN_SAMPLE_HITS = 100;

/** How many captures a walk of the filter's time range goes through in all (the whole collection's without one):
 *  counted on the timestamp index, or the rowid span of the captures. */
function capturesInRanges(coll: Collection, q: ParsedQuery): number {
  if (hasRanges(q)) return coll.get<{ n: number }>(buildIndexedCaptureCountSql(q, Number.MAX_SAFE_INTEGER))!.n;
  return rowidSpan(coll, buildCaptureSpanSql());
}

/** Captures a page of a selective filter is expected to have at most within the filter's ranges: its response and
 *  request records, and a revisit or two. */
const CAPTURES_PER_PAGE = 4;


/** The hit rows of the picked pages (pid -> score), in the order they were picked: not sorted by score, since an
 *  older tier's hit may score better than a newer tier's and still comes after it (rankedTiers). */
function rowsOfPicked(coll: Collection, q: ParsedQuery, picked: Map<number, number>): Row[] {
  if (picked.size === 0) return [];
  const order = new Map([...picked.keys()].map((pid, i) => [pid, i]));
  const rows = coll.all<Row>(buildHitsOfPagesSql(q, [...picked.keys()]));
  for (const r of rows) r.score = picked.get(r.pageId)!;
  return rows.sort((a, b) => order.get(a.pageId)! - order.get(b.pageId)!);
}

/** How many page ids the collection spans (its pages, and ids freed by pruned ones). */
function pageSpan(coll: Collection): number {
  return rowidSpan(coll, buildPageSpanSql());
}

/** How many rowids a span statement's `lo` and `hi` (buildPageSpanSql, buildCaptureSpanSql) cover; 0 for no rows. */
function rowidSpan(coll: Collection, sql: SqlQuery): number {
  const span = coll.get<{ lo: number | null; hi: number | null }>(sql);
  return span?.hi != null && span.lo != null ? span.hi - span.lo + 1 : 0;
}

/** Totals and facet counts for a query: the second call, so the UI can show hits before these are ready. */
export function searchFacets(coll: Collection, query: string | ParsedQuery, tuning: Partial<SearchTuning> = {}): SearchFacetsView {
  const t = { ...DEFAULT_TUNING, ...tuning };
  const t0 = performance.now();
  const q = asQuery(query, coll);
  const match = toFtsMatch(q);
  const filtered = hasFilters(q.filters);
  // Without words the filters are counted exactly from the capture indexes. With words, one read of the newest
  // matches (at most exactCountLimit + 1, from the end of the doclists) serves the rest: it says whether the set is
  // above the limit, and is then the sample facets are counted on and the total estimated from (its density over its
  // rowid span); else it is the whole set, counted exactly. A selective filter on a larger set has its hits found
  // among the matches (selectiveHits). The facet rows hold only captures within the filters, so their pages are the
  // filtered hits.
  let sample: readonly number[] | undefined;
  let matchCount: number;
  let sampled = false;
  // Every match was counted (ownMatchIds), though the facets may be counted on a sample of them.
  let counted = false;
  // Without words, a filter that keeps many pages (a date range, a media type) has the pages of its newest captures
  // walked, as search lists them: all of them when they are few, else the newest exactCountLimit as the sample, its
  // total estimated from the share of captures walked to find them (grouping all of text/html's captures by page
  // cost 700 ms at 200k pages). One that keeps few, or a host, tag or note, is counted exactly.
  const newest = match === null && walksCaptures(q) ? newestPages(coll, q, null, t.exactCountLimit + 1, { budget: t.walkCaptures + t.exactCountLimit }) : null;
  if (newest) {
    sampled = !newest.exhausted;
    sample = sampled ? newest.order.slice(0, t.exactCountLimit) : newest.order;
    matchCount = sampled ? Math.max(newest.order.length, Math.round((newest.order.length * capturesInRanges(coll, q)) / newest.walked)) : newest.order.length;
  } else if (match === null) {
    // A filter with a host (and no tag or note, which have indexes of their own and few pages): the host's pages
    // counted on the host index, and the facets counted on about exactCountLimit of them spread over all (the newest
    // alone would show only a host's last years), within the whole filter. Reading every capture of www.boba.org
    // (79,000 at 1M pages) for its facets cost 345 ms, with a media type 496; counted this way, ~40. The total is exact
    // for hosts alone, or when the sample is all of the host's pages; else the sample's share within the rest of the
    // filter, unless too few of its pages are (then the filter's captures are read as before).
    if (q.filters.sites.length > 0 && q.filters.tags.length + q.filters.notes.length === 0) {
      const hosts = hostsOf(q);
      const hostPages = coll.get<{ n: number }>(buildHostPagesSql(hosts))!.n;
      const every = Math.max(1, Math.floor(hostPages / t.exactCountLimit));
      const spread = coll.rows(buildHostPagesSql(hosts, every)).map((r) => r[0] as number);
      const { facets, pages } = countFacets(coll, buildFacetRowsSql(q, spread));
      const whole = every === 1;
      const alone = hostsAlone(q);
      if (whole || alone || pages >= MIN_SAMPLE_HITS) {
        const total = whole ? pages : alone ? hostPages : Math.round((pages / Math.max(1, spread.length)) * hostPages);
        return { total, totalIsEstimate: !whole && !alone, facets, facetsAreSample: !whole, tookMs: performance.now() - t0 };
      }
    }
    // Not walked, a query without words has a host, a tag or a note: its total is the pages the facet rows hold.
    matchCount = 0;
  } else {
    // Prefixes beside other words whose matches are found in their own words (ownMatchIds: `captain -con*` at a
    // million pages, 19 matches, 263-451 ms reading the newest through its cover), and a match set the search kept
    // (keptMatches), are counted exactly, and the facets on the newest exactCountLimit of them, as below. Else at most
    // exactCountLimit + 1 matches, newest first: a prefix is read as its words (PrefixWords `completions`).
    const words = holdsPrefix(q) ? prefixWords(coll, q) : null;
    // Words alone are never kept (moreMatchesThan counts them without reading them): not looked up.
    const own = words ? ownMatchIds(coll, q, words, namedWordsMatch(q, words, words.frequent), t)
      : readWhole(q) ? null : (keptMatches(coll, match, t).ids ?? null);
    const newest = own ?? newestMatchIds(coll, newestRead(q, toFtsMatch(q, words?.completions)!), t.exactCountLimit + 1, t);
    sampled = newest.length > t.exactCountLimit;
    sample = sampled ? newest.slice(0, t.exactCountLimit) : newest;
    counted = own !== null;
    matchCount = own ? own.length : sampled ? estimateMatches(coll, t.exactCountLimit, newest[t.exactCountLimit]) : newest.length;
    const selective = sampled && filtered && !own ? selectiveHits(coll, q, match, t, matchCount) : null;
    if (selective) {
      const { ids, exact } = selective;
      const { facets } = countFacets(coll, buildFacetRowsSql(q, exact ? ids : ids.slice(0, t.exactCountLimit)));
      const total = exact ? ids.length : Math.round((ids.length * matchCount) / t.walkMatches);
      return { total, totalIsEstimate: !exact, facets, facetsAreSample: !exact, tookMs: performance.now() - t0 };
    }
  }
  const { facets, pages } = countFacets(coll, buildFacetRowsSql(q, sample));
  // Filtered, the hits among the sample, scaled to the whole set when it is a sample (a sample of a filter's own
  // pages is all hits). Unfiltered, a count of every match (own) is exact.
  const total = !filtered ? matchCount : sampled ? Math.round((pages / sample!.length) * matchCount) : pages;
  return { total, totalIsEstimate: sampled && (filtered || !counted), facets, facetsAreSample: sampled, tookMs: performance.now() - t0 };
}

/** The match total of a huge set from its newest `n` matches, which lie above rowid `floor`: their density over that
 *  rowid span, times the span of all pages. Reads no match beyond those `n`. */
function estimateMatches(coll: Collection, n: number, floor: number): number {
  const span = coll.get<{ lo: number; hi: number }>(buildPageSpanSql())!;
  return Math.max(n + 1, Math.round((n * (span.hi - span.lo + 1)) / Math.max(1, span.hi - floor)));
}

const FACETS = FACET_NAMES;

const FACET_TOP = 20;

/** Hits per value of each facet, most first (ties by value), the top FACET_TOP; a hit counts once per value among its
 *  matching captures. Also how many distinct pages the rows hold. */
function countFacets(coll: Collection, sql: SqlQuery): { facets: Record<FacetName, FacetCount[]>; pages: number } {
  const seen = FACETS.map(() => new Map<string | number, Set<number>>());
  const pages = new Set<number>();
  for (const r of coll.rows(sql)) {
    const pid = r[0] as number;
    pages.add(pid);
    for (let f = 0; f < FACETS.length; f++) {
      const v = r[f + 1] as string | number | null;
      if (v === null) continue;
      let pages = seen[f].get(v);
      if (!pages) seen[f].set(v, (pages = new Set()));
      pages.add(pid);
    }
  }
  const out = {} as Record<FacetName, FacetCount[]>;
  FACETS.forEach((f, i) => {
    out[f] = [...seen[i]]
      .map(([value, pages]) => ({ value, count: pages.size }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, FACET_TOP)
      .map(({ value, count }) => ({ value: f === 'site' ? hostOfKey(String(value)) : String(value), count }));
  });
  return { facets: out, pages: pages.size };
}

/** The hits of a query whose filter keeps few pages (unranked), the words matching about `matches` pages: all of them
 *  (`exact`), by walking the matches with the filter's pages as a set or, when the words are on many more pages than
 *  the filter holds captures, by looking each of its pages up in the full-text index (sql.ts
 *  buildMatchingFilterPagesSql), as long as that costs at most walkMatches matches walked; else those among the
 *  newest walkMatches matches, a sample. Null for a broad filter. */
function selectiveHits(
  coll: Collection, q: ParsedQuery, match: string, t: SearchTuning, matches: number,
): { ids: number[]; exact: boolean } | null {
  const captures = selectiveFilterCaptures(coll, q, t);
  if (captures === null) return null;
  const lookups = captures * t.matchesPerPageLookup;
  const exact = Math.min(lookups, matches) <= t.walkMatches;
  const sql = !exact ? buildFilteredMatchIdsSql(match, q, t.walkMatches)
    : lookups < matches ? buildMatchingFilterPagesSql(match, q) : buildFilteredMatchIdsSql(match, q);
  return { ids: coll.rows(sql).map((r) => r[0] as number), exact };
}


type Row = StoredCapture & {
  pageId: number;
  score: number | null;
  title: string;
  pageUrl: string;
  captureCount: number;
};

/** Each hit's snippet: the query's terms found in the page's stored text (search/snippet.ts), in its main content
 *  first (so a page with the words in its article never shows its menu), then the description, then the rest of the
 *  text (split out only then), then the title; FTS5's snippet() only where those find none. Without words, the lead
 *  of the main content. */
function snippetsOf(coll: Collection, q: ParsedQuery, match: string | null, pageIds: number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (pageIds.length === 0) return out;
  const pattern = termPattern(q);
  // FTS5's snippet of the query without its exclusions: a hit holds none of their words, so they mark nothing, and a
  // negated prefix would be merged for each snippet (`captain OR navy -con*` at a million pages: 1.3 s a page).
  const marked = match === null ? null : toFtsMatch({ ...q, clauses: q.clauses.filter((c) => !c.negated) });
  const ftsSnippet = (id: number) =>
    unsegment(coll.get<{ snippet: string }>(buildSnippetSql(marked!, id))?.snippet ?? '');
  if (!pattern) {
    for (const p of coll.all<{ id: number; lead: string }>(buildPageLeadsSql(pageIds, LEAD_CHARS))) {
      out.set(p.id, match !== null ? ftsSnippet(p.id) : p.lead);
    }
    return out;
  }
  // A big page's text comes as its UTF-8 bytes, and its main content is decoded in pieces (store/main-lines.ts
  // mainPieces says why); its whole text is decoded only for the rest.
  type PageText = { id: number; title: string; description: string; text: string | Uint8Array; mainLines: string | null };
  for (const p of coll.all<PageText>(buildPageTextsSql(pageIds, PIECE_BYTES))) {
    const main = mainPieces(p.text, p.mainLines);
    const found = snippetOfPieces(main, pattern) ?? snippetOf(p.description, pattern)
      ?? (p.mainLines === null ? null : snippetOf(restOf(textOf(p.text), p.mainLines), pattern))
      ?? snippetOf(p.title, pattern);
    out.set(p.id, found ?? (match !== null ? ftsSnippet(p.id) : main.join('\n')));
  }
  return out;
}

/** Characters of a page's text shown for a hit of a query without words. */
const LEAD_CHARS = 200;
