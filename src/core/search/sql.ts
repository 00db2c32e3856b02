// Search SQL as pure functions of a parsed query: text plus named parameters, nothing executed here, so every
// statement can be read and tested on its own (CONTRIBUTING.md, 'SQL').
import type { FacetName } from '../../shared/api-collections.js';
import type { SqlQuery } from '../store/index.js';
import { CAPTURE_COLUMNS, hostRange } from '../store/index.js';
import { BM25_WEIGHTS, FTS_MAIN_COLUMN_MASK, FTS_TOKENIZER, MAIN_FUNCTION, META_WORDS_THROUGH, MIME_INDEX_NAME, NOTE_TARGET } from '../store/schema.js';
import { ftsTerm, hasFilters, mainFirstMatch, toFtsMatch, type ParsedQuery } from './query.js';

/** Snippet markers: STX/ETX around each matched term. Control characters cannot occur in extracted text, so the
 *  UI splits on them and renders the parts as text (never as HTML). */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
export const SNIPPET_ELLIPSIS = '…';

/** Captures that can show a page: the record that holds the payload, or a revisit of it. */
const PAGE_CAPTURE_TYPES = `c.type IN ('response', 'revisit', 'resource')`;

type Params = SqlQuery['params'];

/** A bound page id as FTS5 takes a rowid bound: better-sqlite3 binds a JavaScript number as a REAL, and FTS5 uses a
 *  rowid constraint only when its value is an INTEGER; given a REAL it reads every match and leaves the bound to
 *  SQLite (so `rowid > @floor` walked the whole doclist: 96 ms for a word on every page of 1M, 0.13 ms cast). */
function rowidParam(name: string): string {
  return `CAST(@${name} AS INTEGER)`;
}

/** Which of a filter's conditions captureFilterSql writes. 'all': every condition. 'ranges': only those the host and
 *  time indexes answer (host range, time range), a looser condition every capture of a hit meets. 'page': every
 *  condition, for the captures of given pages (found on the page index, captures_page). */
export type FilterScope = 'all' | 'ranges' | 'page';

/** The WHERE condition a capture `c` must meet for its page to be a hit (or a looser one: FilterScope), with its
 *  parameters. */
export function captureFilterSql(q: ParsedQuery, params: Params, scope: FilterScope = 'all'): string {
  const indexedOnly = scope === 'ranges';
  const f = q.filters;
  const and: string[] = indexedOnly ? [] : [PAGE_CAPTURE_TYPES];
  const any = (parts: string[]) => and.push(parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`);
  if (f.sites.length) {
    any(
      f.sites.map((s, i) => {
        const r = hostRange(s);
        params[`siteLo${i}`] = r.lo;
        params[`siteHi${i}`] = r.hi;
        return `(c.rhost >= @siteLo${i} AND c.rhost < @siteHi${i})`;
      }),
    );
  }
  if (f.from !== undefined) {
    params.from = f.from;
    and.push('c.timestamp >= @from');
  }
  if (f.to !== undefined) {
    params.to = f.to;
    and.push('c.timestamp <= @to');
  }
  if (indexedOnly) return and.length ? and.join(' AND ') : 'TRUE';
  // The media type index (MIME_INDEX) is for a filter it alone can narrow: `+` keeps SQLite from choosing it by the
  // media type anywhere else. Its statistics cannot tell text/html, on most captures, from a type on a few: chosen
  // over the host index for `site:www.boba.org mime:text/html`, it read every HTML capture of the collection; chosen
  // for one page's captures instead of the page index, it was searched once for each record type (at a million
  // pages, `the mime:text/plain` probed on each match of `the`: 530 -> 1,067 ms).
  if (f.mimes.length) and.push(mimeFilterSql(q, params, scope === 'all' && !hasRanges(q) ? 'c.mime' : '+c.mime'));
  if (f.statuses.length) {
    any(
      f.statuses.map((s, i) => {
        if ('exact' in s) {
          params[`status${i}`] = s.exact;
          return `c.status = @status${i}`;
        }
        params[`statusMin${i}`] = s.min;
        params[`statusMax${i}`] = s.max;
        return `c.status BETWEEN @statusMin${i} AND @statusMax${i}`;
      }),
    );
  }
  // A note or tag is on the capture's page or on the capture itself (schema.ts NOTE_TARGET). Written as the captures
  // of the tagged or noted targets, which SQLite reads once and finds by the digest and (file, offset) indexes: few,
  // as a person made them. An EXISTS per capture had SQLite test every capture (tag:to-read alone at 200k pages,
  // 70 tagged: 570 ms).
  const targetsOf = (table: string, where: string) =>
    `(c.digest IN (${NOTE_TARGET.pageDigests(table, where)}) OR (c.file_id, c.offset) IN (${NOTE_TARGET.captureKeys(table, where)}))`;
  f.tags.forEach((tag, i) => {
    params[`tag${i}`] = tag;
    and.push(targetsOf('tags', `tag = @tag${i}`));
  });
  f.notes.forEach((term, i) => {
    params[`note${i}`] = ftsTerm(term);
    and.push(targetsOf('notes', `id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH @note${i})`));
  });
  return and.join(' AND ');
}

/** Whether the filter has a host or a time range, which the host and time indexes answer. */
export function hasRanges(q: ParsedQuery): boolean {
  return q.filters.sites.length > 0 || q.filters.from !== undefined || q.filters.to !== undefined;
}

/** A capture's media type within the filter's: each exact type, or each prefix as the range of the types it starts
 *  (which the media type index reads, as it cannot substr()). */
function mimeFilterSql(q: ParsedQuery, params: Params, column = 'c.mime'): string {
  const parts = q.filters.mimes.map((m, i) => {
    if ('exact' in m) {
      params[`mime${i}`] = m.exact;
      return `${column} = @mime${i}`;
    }
    params[`mimeLo${i}`] = m.prefix;
    params[`mimeHi${i}`] = m.prefix.slice(0, -1) + String.fromCharCode(m.prefix.charCodeAt(m.prefix.length - 1) + 1);
    return `(${column} >= @mimeLo${i} AND ${column} < @mimeHi${i})`;
  });
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

/** How many captures have one of the filter's media types, counted up to `cap` on the media type index alone
 *  (store/schema.ts MIME_INDEX), whatever else the filter asks: at least as many as the filter keeps. */
export function buildMimeCaptureCountSql(q: ParsedQuery, cap: number): SqlQuery {
  const params: Params = { cap };
  const mimes = mimeFilterSql(q, params);
  return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM captures c INDEXED BY ${MIME_INDEX_NAME} WHERE ${mimes} LIMIT @cap)`, params };
}

export interface HitsSqlOptions {
  limit: number;
  offset: number;
  /** The query's matches, found before (search/index.ts ownMatchIds), instead of its FTS5 match. */
  ids?: readonly number[];
}

const HIT_COLUMNS = `p.id AS pageId, p.title AS title, p.url AS pageUrl, p.digest AS digest, p.lang AS lang`;

/** The page of hits with each one's capture count: counted for the returned rows only, not for every candidate. */
function withCaptureCount(sql: string): string {
  return `SELECT x.*, (SELECT count(*) FROM captures c WHERE c.page_id = x.pageId AND ${PAGE_CAPTURE_TYPES}) AS captureCount
    FROM (${sql}) x`;
}

/**
 * The hits in date order (or of filters only): no bm25 at all; the match set is read as rowids only and each page's
 * newest matching capture sorts it, found on the page index of the captures (captures_page, which bears the time
 * and the filters' columns). Relevance order is the ranked tiers' (search/index.ts rankedTiers).
 */
export function buildDateHitsSql(q: ParsedQuery, o: HitsSqlOptions): SqlQuery {
  const params: Params = { limit: o.limit, offset: o.offset };
  const match = toFtsMatch(q);
  // With words (or ids), each match's captures are found by its page.
  const cf = captureFilterSql(q, params, o.ids || match !== null ? 'page' : 'all');
  // The matches' pages: found before (ids), or read as rowids from the full-text index.
  let matches: string | null = null;
  if (o.ids) {
    matches = '(SELECT value FROM json_each(@ids))';
    params.ids = JSON.stringify(o.ids);
  } else if (match !== null) {
    matches = '(SELECT rowid FROM pages_fts WHERE pages_fts MATCH @match)';
    params.match = match;
  }
  // With words (or ids), each match's newest capture within the filters is found from the captures alone (the page
  // index covers time, type, status, media type and host), and only the page of hits reads its pages' rows: joined
  // to every match, SQLite read each one's page row too (at a million pages, `captain`'s 2,267 matches: 62-74 ->
  // 11-18 ms; `records mime:text/html` 107-116 -> 14-15).
  // Without words, the captures the filter keeps are grouped by page from an index alone, as with words: left to
  // choose, SQLite read every page row for a range or prefix of status or media type and looked up its captures
  // (status:3xx at a million pages, none kept: 2.5 s; by the captures, 0.1 s), and joined to their pages, each kept
  // capture read its page's row (mime:text/plain's 20,047 at a million pages: 230-410 ms warm, 10 s from a cold disk).
  const kept = matches !== null ? `c.page_id IN ${matches}` : 'c.page_id IS NOT NULL';
  const newest = `SELECT c.page_id AS pid, c.id AS bestCapture, max(c.timestamp) AS bestTs
    FROM captures c WHERE ${cf} AND ${kept}
    GROUP BY c.page_id ORDER BY bestTs DESC, pid DESC LIMIT @limit OFFSET @offset`;
  return {
    sql: withCaptureCount(`SELECT h.*, ${CAPTURE_COLUMNS} FROM (
        SELECT ${HIT_COLUMNS}, NULL AS score, t.bestCapture, t.bestTs FROM (${newest}) t JOIN pages p ON p.id = t.pid) h
      JOIN captures c ON c.id = h.bestCapture JOIN warc_files f ON f.id = c.file_id`) + ' ORDER BY x.bestTs DESC, x.pageId DESC',
    params,
  };
}

/** How many of the pages with a rowid above `floor` (the newest pages) hold the word: a forward read of that rowid
 *  range, which FTS5 starts with a seek (0.14 ms for a word on every page of 1M, over the newest 1,000). */
export function buildRecentShareSql(match: string, floor: number): SqlQuery {
  return {
    sql: `SELECT count(*) AS n FROM pages_fts WHERE pages_fts MATCH @match AND rowid > ${rowidParam('floor')}`,
    params: { match, floor },
  };
}

/** The rowid span of all pages: the scale for estimating a match total from a window of matches. */
export function buildPageSpanSql(): SqlQuery {
  // Two subqueries: SQLite answers a lone min() or max() from the rowid b-tree, but scans the table for both at once.
  return { sql: `SELECT (SELECT min(id) FROM pages) AS lo, (SELECT max(id) FROM pages) AS hi`, params: {} };
}

/** Every match's rowid, unranked (no bm25): for counting matches against a set of pages. With `limit`, at most so
 *  many. */
export function buildMatchIdsSql(match: string, limit?: number): SqlQuery {
  const sql = `SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match`;
  return limit === undefined ? { sql, params: { match } } : { sql: `${sql} LIMIT @limit`, params: { match, limit } };
}

/** What a page that holds the words only outside its main content adds to its bm25 score (lower is better): more
 *  than any page's score can differ from another's (bm25 gives at most about 2.2 x idf a phrase, idf below 20 up to
 *  a billion pages), so every page that holds them in its main content ranks above it. */
export const REST_ONLY_PENALTY = 1e6;

/** How an arm's matches are scored. 'bm25': FTS5's bm25 with the table's weights (`rank`), which counts each phrase
 *  of the match over the whole table once per statement (at a million pages, most of a ranked phrase's time).
 *  'one-phrase': the ranking extension's as_bm25 told no counts (store/fts-rank.ts): bm25 with every IDF 1, which
 *  for a match of one positive phrase (any others only under NOT: they have no instances in a row it matches) is
 *  bm25's score over that phrase's IDF, so the same order, without the count. */
export type Scoring = 'bm25' | 'one-phrase';

/** One part of a relevance order: the matches of `match`, each scored as `scoring` says plus `penalty`. The parts
 *  are read one after the other (rankArms). */
export interface RankArm {
  match: string;
  penalty: number;
  scoring: Scoring;
}

/**
 * The parts of a relevance order, read one after the other, each only when those before it fall short of a page of
 * hits. With `mainFirst` (query.ts mainFirstMatch), its matches (the words in the main content) come first, then the
 * others, REST_ONLY_PENALTY lower. No column weight can do that: FTS5's bm25 normalizes by the length of the whole
 * page, so one navigation word on a short page outscored the same word once in a long article.
 */
export function rankArms(match: string, mainFirst: string | null = null, scoring: Scoring = 'bm25'): RankArm[] {
  return mainFirst === null
    ? [{ match, penalty: 0, scoring }]
    : [{ match: mainFirst, penalty: 0, scoring }, { match: restOnlyMatch(match, mainFirst), penalty: REST_ONLY_PENALTY, scoring }];
}

/**
 * An arm's matches with a rowid in [from, below) (either bound may be absent), in rank order: (pid, score), best
 * first. search/index.ts ranks a large match set in tiers: its newest rankWindow matches first (from the rowid of the
 * rankWindow-th newest), then all older ones (below it): FTS5 scores every match for `ORDER BY rank` (and bm25
 * decodes each match's position lists), so ranking a word found on most pages costs time in proportion to the
 * collection, and most queries need only the first tier. Ranking the set in fixed tiers, not in a window that grows
 * with the page asked for, keeps one order for every page of hits (consistent paging).
 * Ties in score (pages of the same text length and word counts) are cut by page id: `ORDER BY score` alone let SQLite
 * return tied rows in any order, so a LIMIT kept a different set each time and pages of hits repeated one another.
 */
export function buildRankedSql(arm: RankArm, from?: number, below?: number): SqlQuery {
  const params: Params = { match: arm.match };
  let range = '';
  if (from !== undefined) {
    params.from = from;
    range += ` AND rowid >= ${rowidParam('from')}`;
  }
  if (below !== undefined) {
    params.below = below;
    range += ` AND rowid < ${rowidParam('below')}`;
  }
  return { sql: `${armSql(arm)}${range} ORDER BY score, pid`, params };
}

/** An arm's newest `window` matches in rank order, in one statement, and (buildOlderRankedSql) all older ones: for a
 *  match FTS5 merges whole before its first row (a prefix not written out as its words), whose merge a read in windows
 *  of rowids (buildRankedSql's bounds) would pay once a window. */
export function buildNewestRankedSql(arm: RankArm, window: number): SqlQuery {
  return { sql: `SELECT * FROM (${armSql(arm)} ORDER BY rowid DESC LIMIT @window) ORDER BY score, pid`, params: { match: arm.match, window } };
}

/** The matches older than an arm's newest `window`, in rank order (buildNewestRankedSql). */
export function buildOlderRankedSql(arm: RankArm, window: number): SqlQuery {
  const newest = `SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match ORDER BY rowid DESC LIMIT @window`;
  return { sql: `${armSql(arm)} AND rowid < (SELECT min(pid) FROM (${newest})) ORDER BY score, pid`, params: { match: arm.match, window } };
}

function armSql(arm: RankArm): string {
  const score = arm.scoring === 'bm25' ? 'rank' : `as_bm25(pages_fts, ${BM25_WEIGHTS.join(', ')})`;
  return `SELECT rowid AS pid, ${arm.penalty === 0 ? score : `${score} + ${arm.penalty}`} AS score FROM pages_fts WHERE pages_fts MATCH @match`;
}

/** The pages with a capture within the filters that the words match, in the order of a newest-first read
 *  (search/index.ts newestTier: main content first): each of the filter's pages, newest first, looked up in the
 *  full-text index by its rowid.
 *  For a filter of few pages and very common words, where the newest matches would be walked far to meet the filter
 *  (a host of 190 captures at a million pages: 12 ms walked; a lookup 15 us). */
export function buildNewestFilterMatchesSql(match: string, mainFirst: string | null, q: ParsedQuery): SqlQuery {
  const params: Params = {};
  const pages = `${filterPageIdsSql(q, params)} ORDER BY pid DESC`;
  const matching = (m: string, score: string) => `SELECT * FROM (SELECT s.pid AS pid, ${score} AS score FROM (${pages}) s
    WHERE ${pageMatchesSql(m, 's.pid')})`;
  if (mainFirst === null) return { sql: matching('@match', '-s.pid'), params: { ...params, match } };
  return {
    sql: `${matching('@mainMatch', '-s.pid')} UNION ALL ${matching('@restOnlyMatch', `${REST_ONLY_PENALTY} - s.pid`)}`,
    params: { ...params, mainMatch: mainFirst, restOnlyMatch: restOnlyMatch(match, mainFirst) },
  };
}

/** The matches of `match` that are not matches of `mainFirst`: the pages holding the words only outside their main
 *  content. */
function restOnlyMatch(match: string, mainFirst: string): string {
  return `(${match}) NOT (${mainFirst})`;
}

/** How candidates are kept to a filter's pages inside SQLite (no row crosses to JavaScript that is not kept), by page
 *  id (schema.ts migration 8). 'probe': each candidate's captures are looked up (captures_page), for a read that
 *  stops after a few candidates, or a filter that keeps most pages. 'set': the filter's pages are read once from the
 *  host or time index into a b-tree each candidate is looked up in, for a read of many candidates and a filter of
 *  few pages. Measured at a million pages: a common word on a host of 79,000 captures, probed 0.1 ms, as a set 16 ms
 *  (reading the set); a rare word's whole match set on a host of 6,000 captures, as a set 9 ms, probed 67 ms. */
export type FilterWay = 'probe' | 'set';

/** Ranked candidates (pid, score) kept to the pages with a capture within the filters (FilterWay says how), best
 *  score first. Probed, they are tested in their order as they come, so the caller stops at a page of hits: `LIMIT -1`
 *  keeps SQLite from flattening the candidates' query into this one, which sorted a tier after the filter and so
 *  probed each of its matches before the first row (1,000 probes for a page of 20 hits, 3-5 ms at a million pages).
 *  As a set, the filter runs before the sort, so bm25 scores only the candidates kept; `+pid`, not `pid`: SQLite
 *  pushes an IN down into the FTS5 subquery, and on the bare column FTS5 takes it as rowid constraints, one doclist
 *  walk from the start per allowed page (41 s for a common word and a site of 1,700 pages at 20k pages). */
export function filteredCandidates(candidates: SqlQuery, q: ParsedQuery, way: FilterWay): SqlQuery {
  const params: Params = { ...candidates.params };
  if (way === 'probe') {
    return { sql: `SELECT pid, score FROM (${candidates.sql} LIMIT -1) WHERE ${pageHasCaptureSql(q, params, 'pid')}`, params };
  }
  const kept = `+pid IN (${filterPagesSql(q, params)})`;
  return { sql: `SELECT pid, score FROM (${candidates.sql}) WHERE ${kept} ORDER BY score, pid`, params };
}

/** The page ids of the captures within the filters (repeated for a page with several), from the host or time
 *  index where the filter has a range. */
function filterPagesSql(q: ParsedQuery, params: Params): string {
  return `SELECT c.page_id FROM captures c WHERE ${captureFilterSql(q, params)}`;
}

/** Whether the page `pid` (an SQL expression) has a capture within the filters: a range of captures_page. */
function pageHasCaptureSql(q: ParsedQuery, params: Params, pid: string): string {
  return `EXISTS (SELECT 1 FROM captures c WHERE c.page_id = ${pid} AND ${captureFilterSql(q, params, 'page')})`;
}

/** The filters a newest-first read of the full-text index keeps its matches to, and how (FilterWay). */
export interface PageFilter {
  q: ParsedQuery;
  way: FilterWay;
}

/** The condition keeping an FTS5 read to the pages with a capture within the filters, or none without a filter
 *  (`+rowid` for a set: see filteredCandidates). */
function keptTo(params: Params, filter?: PageFilter): string {
  if (!filter) return '';
  return filter.way === 'probe'
    ? ` AND ${pageHasCaptureSql(filter.q, params, 'pages_fts.rowid')}`
    : ` AND +rowid IN (${filterPagesSql(filter.q, params)})`;
}

/** The matches with a rowid in [from, upto), oldest first (unranked), kept to the filter's pages when there is one:
 *  one window of a newest-first read (search/index.ts newestMatches). With `mainColumns`, each row also says whether
 *  the match's first phrase, its one positive phrase, is in the main columns (`main`, 1 or 0: the ranking extension's
 *  as_columns, store/fts-rank.ts), which is whether the row matches the query held to them. */
export function buildMatchIdsBetweenSql(match: string, from: number, upto: number, filter?: PageFilter, mainColumns = false): SqlQuery {
  const params: Params = { match, from, upto };
  const kept = keptTo(params, filter);
  const main = mainColumns ? `, (as_columns(pages_fts, 0) & ${FTS_MAIN_COLUMN_MASK}) != 0 AS main` : '';
  return { sql: `SELECT rowid AS pid${main} FROM pages_fts WHERE pages_fts MATCH @match AND rowid >= ${rowidParam('from')} AND rowid < ${rowidParam('upto')}${kept}`, params };
}

/** Every match newest first (unranked), kept to the filter's pages when there is one, or only `limit` of them past
 *  the newest `offset` (SQLite skips those itself): a newest-first read in one statement (search/index.ts readWhole).
 *  `oldestFirst`: the `limit` oldest instead, read forwards. */
export function buildNewestMatchIdsSql(match: string, filter?: PageFilter, page?: { limit: number; offset: number; oldestFirst?: boolean }): SqlQuery {
  const params: Params = { match };
  const kept = keptTo(params, filter);
  const sql = `SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match${kept} ORDER BY rowid ${page?.oldestFirst ? 'ASC' : 'DESC'}`;
  if (!page) return { sql, params };
  return { sql: `${sql} LIMIT @limit OFFSET @offset`, params: { ...params, limit: page.limit, offset: page.offset } };
}

/** A row when page `pid` matches: a seek (rowidParam). */
export function buildMatchAtSql(match: string, pid: number): SqlQuery {
  return { sql: `SELECT 1 AS ok FROM pages_fts WHERE pages_fts MATCH @match AND rowid = ${rowidParam('pid')}`, params: { match, pid } };
}

/** The distinct words of page `pid` beginning with `prefix` (folded as the index folds), one a line, '' for none:
 *  the ranking extension's as_words (store/fts-rank.ts), which reads the page's text once where FTS5, asked whether
 *  the page matches the prefix, merges the prefix's doclists first. */
export function buildPageWordsSql(prefix: string, pid: number): SqlQuery {
  return { sql: `SELECT as_words(pages_fts, @prefix) AS words FROM pages_fts WHERE rowid = ${rowidParam('pid')}`, params: { prefix, pid } };
}

/** How many rows a query returns. */
export function buildCountSql(q: SqlQuery): SqlQuery {
  return { sql: `SELECT count(*) AS n FROM (${q.sql})`, params: q.params };
}

/** Candidates past the first `offset`, at most `limit` of them: SQLite skips the offset itself (a list scrolled to its
 *  100,000th hit), for when no candidate is judged row by row. */
export function buildCandidatePageSql(candidates: SqlQuery, limit: number, offset: number): SqlQuery {
  return { sql: `SELECT * FROM (${candidates.sql}) LIMIT @limit OFFSET @offset`, params: { ...candidates.params, limit, offset } };
}

/** The matches of `match` among the pages with a capture within the filters, unranked (or of its `newest` matches,
 *  newest first): the filter's pages read once (FilterWay 'set'), so only the hits cross to JavaScript; reading every
 *  match of a common word row by row into a set cost 10x the doclist walk itself. */
export function buildFilteredMatchIdsSql(match: string, q: ParsedQuery, newest?: number): SqlQuery {
  const params: Params = { match };
  let matches = 'SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match';
  if (newest !== undefined) {
    params.newest = newest;
    matches += ' ORDER BY rowid DESC LIMIT @newest';
  }
  return { sql: `SELECT pid FROM (${matches}) WHERE +pid IN (${filterPagesSql(q, params)})`, params };
}

/** The pages with a capture within the filters that `match` matches, each looked up in the full-text index by its
 *  rowid: for a filter of few pages and a word on most pages, where walking the word's doclist (buildFilteredMatchIdsSql)
 *  costs more than a lookup per page (at a million pages: 760 pages' lookups 11 ms, the walk of a word on 620,000
 *  pages 33 ms). */
export function buildMatchingFilterPagesSql(match: string, q: ParsedQuery): SqlQuery {
  const params: Params = { match };
  return { sql: `SELECT s.pid FROM (${filterPageIdsSql(q, params)}) s WHERE ${pageMatchesSql('@match', 's.pid')}`, params };
}

/** Each page with a capture within the filters once, as `pid`. */
function filterPageIdsSql(q: ParsedQuery, params: Params): string {
  return `SELECT DISTINCT c.page_id AS pid FROM captures c WHERE ${captureFilterSql(q, params)} AND c.page_id IS NOT NULL`;
}

/** Whether the words `match` (an SQL parameter) match the page `pid` (an SQL expression of an INTEGER column, which
 *  FTS5 takes as a rowid bound: rowidParam): a lookup of its rowid in the full-text index. */
function pageMatchesSql(match: string, pid: string): string {
  return `EXISTS (SELECT 1 FROM pages_fts WHERE pages_fts MATCH ${match} AND rowid >= ${pid} AND rowid <= ${pid})`;
}

/** How many captures of any type meet the filter's host and time ranges, counted up to `cap`: read from one capture
 *  index alone (no row, no page), it bounds from above the pages the whole filter keeps. */
export function buildIndexedCaptureCountSql(q: ParsedQuery, cap: number): SqlQuery {
  const params: Params = { cap };
  const cf = captureFilterSql(q, params, 'ranges');
  return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM captures c WHERE ${cf} LIMIT @cap)`, params };
}

/** Captures within the filters' time range, newest first and, at one time, by descending page id (as
 *  buildDateHitsSql orders pages), each with its page and whether it meets the whole filter and has a page (`kept`,
 *  1 or 0): date order for a match set too large to sort (search/index.ts newestPages), from the timestamp index
 *  alone, which holds what the filter tests but a tag or a note (store/schema.ts TIME_FILTERS_INDEX), SQLite sorting
 *  each run of one time by page id. A host is tested on each capture, not looked up: held to the host
 *  index, SQLite sorted all of a host's captures by time before the first row (79,000 at 1M pages: 309 ms). Unless
 *  `fromHostIndex`, for a host of few captures: then its captures alone are read, from the host index, and sorted
 *  (walking every capture for a host whose captures are old went through all of them: 1-8 s at 1M pages). Every
 *  capture of the range is a row, so the walk can count what it costs. */
export function buildNewestCapturesSql(q: ParsedQuery, fromHostIndex = false): SqlQuery {
  const params: Params = {};
  const ranges = captureFilterSql(fromHostIndex ? q : withoutHosts(q), params, 'ranges');
  const cf = captureFilterSql(q, params);
  return {
    sql: `SELECT c.page_id AS pid, (${cf} AND c.page_id IS NOT NULL) AS kept FROM captures c WHERE ${ranges}
      ORDER BY c.timestamp DESC, c.page_id DESC`,
    params,
  };
}

/** The query without its host filters: the captures a walk newest first goes through. */
function withoutHosts(q: ParsedQuery): ParsedQuery {
  return { ...q, filters: { ...q.filters, sites: [] } };
}

/** The pages with a capture within a filter of hosts alone, from the host index alone (captures_rhost_page covers
 *  type, host and page): how many (`n`), or those whose id is a multiple of `every` (`pid`), a sample spread over the
 *  host's pages whatever their time (by page id, not by date), at most `limit` of them when given. At 1M pages,
 *  www.boba.org's 73,000 pages: 12-19 ms to count, as much to sample; www.batri.fr's 23,597 read whole (`every` 1):
 *  13 ms. */
export function buildHostPagesSql(q: ParsedQuery, every?: number, limit?: number): SqlQuery {
  const params: Params = {};
  const cf = captureFilterSql(q, params);
  if (every === undefined) return { sql: `SELECT count(DISTINCT c.page_id) AS n FROM captures c WHERE ${cf}`, params };
  params.every = every;
  const sql = `SELECT DISTINCT c.page_id AS pid FROM captures c WHERE ${cf} AND c.page_id % @every = 0`;
  if (limit === undefined) return { sql, params };
  params.limit = limit;
  return { sql: `${sql} LIMIT @limit`, params };
}

/** The rowid span of all captures: how many captures a filter without host or time ranges walks through. */
export function buildCaptureSpanSql(): SqlQuery {
  return { sql: `SELECT (SELECT min(id) FROM captures) AS lo, (SELECT max(id) FROM captures) AS hi`, params: {} };
}

/** The hit rows of chosen pages (any order; the caller orders them), each with its newest capture in the filters. */
export function buildHitsOfPagesSql(q: ParsedQuery, pageIds: number[]): SqlQuery {
  const params: Params = { ids: JSON.stringify(pageIds) };
  const cf = captureFilterSql(q, params, 'page');
  const best = `(SELECT c.id FROM captures c WHERE c.page_id = p.id AND ${cf} ORDER BY c.timestamp DESC, c.id DESC LIMIT 1)`;
  return {
    sql: withCaptureCount(`SELECT h.*, ${CAPTURE_COLUMNS} FROM (
        SELECT ${HIT_COLUMNS}, NULL AS score, ${best} AS bestCapture FROM pages p
        WHERE p.id IN (SELECT value FROM json_each(@ids))) h
      JOIN captures c ON c.id = h.bestCapture JOIN warc_files f ON f.id = c.file_id`),
    params,
  };
}

/** The stored title, description and text of the given pages, with their main-content runs (store/main-lines.ts),
 *  for their snippets: split in JavaScript, not through MAIN_FUNCTION and REST_FUNCTION, which carried each text to
 *  JavaScript and back twice (at 1M pages, ten hits of "hat but", 200 KB: 2.3 ms, read raw and split 0.6 ms). A text
 *  of more than `bytesAbove` bytes comes as its UTF-8 bytes, to be decoded in pieces (main-lines.ts mainPieces): ten
 *  84,000-character pages took 6.0 ms to read as strings, 1.0 as bytes decoded in pieces. A smaller one comes as a
 *  string, which better-sqlite3 makes faster than a decoder does from bytes. */
export function buildPageTextsSql(pageIds: number[], bytesAbove: number): SqlQuery {
  return {
    sql: `SELECT id, title, description,
        CASE WHEN octet_length(text) > @bytesAbove THEN CAST(text AS BLOB) ELSE text END AS text,
        main_lines AS mainLines FROM pages
      WHERE id IN (SELECT value FROM json_each(@ids))`,
    params: { ids: JSON.stringify(pageIds), bytesAbove },
  };
}

/** The first `leadChars` characters of the given pages' main content, as `lead`: the snippet of a hit of a query
 *  without words. */
export function buildPageLeadsSql(pageIds: number[], leadChars: number): SqlQuery {
  return {
    sql: `SELECT id, substr(${MAIN_FUNCTION}(text, main_lines), 1, @lead) AS lead FROM pages
      WHERE id IN (SELECT value FROM json_each(@ids))`,
    params: { ids: JSON.stringify(pageIds), lead: leadChars },
  };
}

/** The snippet of one page for the query's words; FTS5 picks the column with the best match. The page id is cast
 *  (rowidParam): bound as a REAL, `rowid = @id` was ignored and every match returned, so each hit got the first
 *  match's snippet. */
export function buildSnippetSql(match: string, pageId: number, tokens = 24): SqlQuery {
  return {
    sql: `SELECT snippet(pages_fts, -1, @ms, @me, @ell, @tokens) AS snippet
      FROM pages_fts WHERE pages_fts MATCH @match AND rowid = ${rowidParam('id')}`,
    params: { match, id: pageId, ms: MARK_START, me: MARK_END, ell: SNIPPET_ELLIPSIS, tokens },
  };
}

/** Temporary tables (per connection, so also on a read-only collection) to list the words of the pages' index: one
 *  that folds a text as the pages' index folds it (the same tokenizer, one row), and the words of each. */
export const WORD_TABLES_SQL: readonly SqlQuery[] = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS temp.as_fold USING fts5(x, tokenize = "${FTS_TOKENIZER}")`,
  'CREATE VIRTUAL TABLE IF NOT EXISTS temp.as_fold_words USING fts5vocab(temp, as_fold, row)',
  'CREATE VIRTUAL TABLE IF NOT EXISTS temp.as_page_words USING fts5vocab(main, pages_fts, row)',
].map((sql) => ({ sql, params: {} }));

/** Fold a text (buildFoldedWordsSql then reads its words). */
export function buildFoldSql(text: string): SqlQuery[] {
  return [{ sql: 'DELETE FROM temp.as_fold', params: {} }, { sql: 'INSERT INTO temp.as_fold (x) VALUES (@text)', params: { text } }];
}

/** The words of the folded text, in the index's order, each with how many times it occurs. */
export function buildFoldedWordsSql(): SqlQuery {
  return { sql: 'SELECT term, cnt FROM temp.as_fold_words', params: {} };
}

/** Whether the word list (page_words) holds the words of every page: 1, else 0 or null. */
export function buildWordListTrueSql(): SqlQuery {
  return {
    sql: `SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = @key) >= (SELECT coalesce(max(id), 0) FROM pages) AS listed`,
    params: { key: META_WORDS_THROUGH },
  };
}

/** The words of the pages' index that begin with `prefix` (folded), at most `max`, in the index's order, each with how
 *  many pages hold it: from the word list when `listed` (buildWordListTrueSql), else from fts5vocab, which reads each
 *  word's doclist to count it (only its rowids, never merged), and so grows with the collection. */
export function buildWordsBeginningSql(prefix: string, max: number, listed: boolean): SqlQuery {
  return {
    sql: `SELECT term, ${listed ? 'pages' : 'doc'} AS pages FROM ${listed ? 'page_words' : 'temp.as_page_words'}
      WHERE term >= @prefix AND term < @prefix || char(1114111) ORDER BY term LIMIT @max`,
    params: { prefix, max },
  };
}

/** The words of the word list (page_words) that begin with `prefix`, and the pages of each, in order. */
export function buildListedWordsSql(prefix: string): SqlQuery {
  return {
    sql: `SELECT term, pages FROM page_words WHERE term >= @prefix AND term < @prefix || char(1114111) ORDER BY term`,
    params: { prefix },
  };
}

/** The rows this connection has changed since it opened (with PRAGMA data_version, which counts other connections'
 *  commits: whether what was read here still holds). */
export function buildOwnChangesSql(): SqlQuery {
  return { sql: 'SELECT total_changes() AS n', params: {} };
}

/** The facets, in the column order of buildFacetRowsSql's rows (after the page id). */
export const FACET_NAMES: readonly FacetName[] = ['site', 'mime', 'status', 'year'];

const FACET_EXPR: Record<FacetName, string> = {
  site: 'c.rhost',
  mime: 'c.mime',
  status: 'c.status',
  year: 'substr(c.timestamp, 1, 4)',
};

/** What a collection's statistics count its captures by: the facets, and the month ('YYYY-MM'). */
export type CaptureGroup = FacetName | 'month';

const GROUP_EXPR: Record<CaptureGroup, string> = {
  ...FACET_EXPR,
  month: `substr(c.timestamp, 1, 4) || '-' || substr(c.timestamp, 5, 2)`,
};

/** The captures that can show a page counted by their value of each of `groups`: rows of group, value and count,
 *  most first in each group (ties by value), at most `limit` values a group (-1: all); a capture without a value is
 *  not counted in that group. Two groups or more are counted in one pass over the captures, grouped by all their
 *  values together (few pairs), each group's counts then summed from those: at a million pages media type and status
 *  took 341-464 ms so against 698 one at a time, year and month 418-460 against 724. One group alone is grouped
 *  directly, which for the host reads its index in order (115 ms). */
export function buildCaptureCountsSql(groups: readonly CaptureGroup[], limit: number): SqlQuery {
  const params = { limit };
  if (groups.length === 1) {
    const [group] = groups;
    const expr = GROUP_EXPR[group];
    return {
      sql: `SELECT '${group}' AS "group", ${expr} AS value, count(*) AS count FROM captures c
        WHERE ${PAGE_CAPTURE_TYPES} AND ${expr} IS NOT NULL GROUP BY value ORDER BY count DESC, value LIMIT @limit`,
      params,
    };
  }
  const values = groups.map((g, i) => `${GROUP_EXPR[g]} AS v${i}`).join(', ');
  const keys = groups.map((_, i) => `v${i}`).join(', ');
  const each = groups.map((g, i) => `SELECT * FROM (SELECT '${g}' AS "group", v${i} AS value, sum(n) AS count FROM pass
      WHERE v${i} IS NOT NULL GROUP BY v${i} ORDER BY count DESC, value LIMIT @limit)`);
  return {
    sql: `WITH pass AS MATERIALIZED (SELECT ${values}, count(*) AS n FROM captures c WHERE ${PAGE_CAPTURE_TYPES} GROUP BY ${keys})
      ${each.join(' UNION ALL ')}`,
    params,
  };
}

/** One row per (page, capture within the filters) with every facet's value, over the given pages (the matches, or a
 *  sample of them), or over all pages. One pass serves all facets (search/index.ts counts them): four GROUP BY
 *  queries would each repeat the capture join. */
export function buildFacetRowsSql(q: ParsedQuery, pageIds?: readonly number[]): SqlQuery {
  const params: Params = {};
  const cf = captureFilterSql(q, params, pageIds ? 'page' : 'all');
  const cols = FACET_NAMES.map((f) => `${FACET_EXPR[f]} AS ${f}`).join(', ');
  // By page id from captures_page alone: neither page rows nor digests are read.
  if (!pageIds) return { sql: `SELECT c.page_id AS pid, ${cols} FROM captures c WHERE c.page_id IS NOT NULL AND ${cf}`, params };
  // In ascending order, consecutive lookups in captures_page fall in the same leaf or the next, and the leaves are
  // read in file order: at a million pages, 2,000 matches spread over the collection (`captain`) took 83 ms from a
  // cold disk against 142 newest first, and 7.5 against 18.7 with their pages in SQLite's cache.
  params.ids = JSON.stringify([...pageIds].sort((a, b) => a - b));
  return {
    sql: `SELECT c.page_id AS pid, ${cols} FROM (SELECT value AS pid FROM json_each(@ids)) m CROSS JOIN captures c ON c.page_id = m.pid
      WHERE ${cf}`,
    params,
  };
}

export { hasFilters };
