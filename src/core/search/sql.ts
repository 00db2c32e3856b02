// Search SQL as pure functions of a parsed query: text plus named parameters, nothing executed here, so every
// statement can be read and tested on its own (STYLE.md item 5).
import type { SqlQuery } from '../store/index.js';
import { CAPTURE_COLUMNS, hostRange } from '../store/index.js';
import { hasFilters, toFtsMatch, type ParsedQuery } from './query.js';

/** Snippet markers: STX/ETX around each matched term. Control characters cannot occur in extracted text, so the
 *  UI splits on them and renders the parts as text (never as HTML). */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
export const SNIPPET_ELLIPSIS = '…';

/** Captures that can show a page: the record that holds the payload, or a revisit of it. */
const PAGE_CAPTURE_TYPES = `c.type IN ('response', 'revisit', 'resource')`;

type Params = SqlQuery['params'];

/** The WHERE condition a capture `c` must meet for its page to be a hit, with its parameters. */
export function captureFilterSql(q: ParsedQuery, params: Params): string {
  const f = q.filters;
  const and: string[] = [PAGE_CAPTURE_TYPES];
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
  if (f.mimes.length) {
    any(
      f.mimes.map((m, i) => {
        if ('exact' in m) {
          params[`mime${i}`] = m.exact;
          return `c.mime = @mime${i}`;
        }
        params[`mime${i}`] = m.prefix;
        return `substr(c.mime, 1, length(@mime${i})) = @mime${i}`;
      }),
    );
  }
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
  if (f.from !== undefined) {
    params.from = f.from;
    and.push('c.timestamp >= @from');
  }
  if (f.to !== undefined) {
    params.to = f.to;
    and.push('c.timestamp <= @to');
  }
  return and.join(' AND ');
}

export interface HitsSqlOptions {
  sort: 'relevance' | 'date';
  limit: number;
  offset: number;
  /** Relevance sort: rank only this many best FTS candidates (-1: all). */
  candidateCap: number;
}

const HIT_COLUMNS = `p.id AS pageId, p.title AS title, p.url AS pageUrl, p.digest AS digest, p.lang AS lang,
  (SELECT count(*) FROM captures c WHERE c.digest = p.digest AND ${PAGE_CAPTURE_TYPES}) AS captureCount`;

/**
 * The hits query.
 * Relevance: ranking stays inside FTS5. `ORDER BY rank LIMIT cap` on the FTS table scores matches from the index's
 * own doclists (bm25 with the weights set once by the 'rank' config; no row of pages or captures is read) and only
 * the best `cap` leave it to be joined to pages and captures. A very common word therefore costs one doclist pass
 * and a top-N sort, never a join, snippet or capture lookup per matching page (measured: 50k matching pages, ~0.1 s
 * on a loaded 2-core machine). With filters the top `cap` may hold too few hits; the caller then asks again with
 * every match as a candidate (search/index.ts).
 * Date: no bm25 at all; the match set is read as rowids only and each page's newest matching capture sorts it.
 */
export function buildHitsSql(q: ParsedQuery, o: HitsSqlOptions): SqlQuery {
  const params: Params = { limit: o.limit, offset: o.offset };
  const cf = captureFilterSql(q, params);
  const match = toFtsMatch(q);
  const best = `(SELECT c.id FROM captures c WHERE c.digest = p.digest AND ${cf} ORDER BY c.timestamp DESC, c.id DESC LIMIT 1)`;
  let inner: string;
  if (match !== null && o.sort === 'relevance') {
    params.match = match;
    params.cap = o.candidateCap;
    inner = `SELECT ${HIT_COLUMNS}, m.score AS score, ${best} AS bestCapture
      FROM (SELECT rowid AS pid, rank AS score FROM pages_fts WHERE pages_fts MATCH @match ORDER BY rank LIMIT @cap) m
      JOIN pages p ON p.id = m.pid`;
    return {
      sql: `SELECT h.*, ${CAPTURE_COLUMNS} FROM (${inner}) h
        JOIN captures c ON c.id = h.bestCapture JOIN warc_files f ON f.id = c.file_id
        ORDER BY h.score, h.pageId LIMIT @limit OFFSET @offset`,
      params,
    };
  }
  // Date order (or filters only): newest matching capture per page, via the timestamp-bearing digest index.
  const inMatch = match !== null ? 'AND p.id IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH @match)' : '';
  if (match !== null) params.match = match;
  inner = `SELECT ${HIT_COLUMNS}, NULL AS score, c.id AS bestCapture, max(c.timestamp) AS bestTs
    FROM captures c JOIN pages p ON p.digest = c.digest
    WHERE ${cf} ${inMatch}
    GROUP BY p.id`;
  return {
    sql: `SELECT h.*, ${CAPTURE_COLUMNS} FROM (${inner}) h
      JOIN captures c ON c.id = h.bestCapture JOIN warc_files f ON f.id = c.file_id
      ORDER BY h.bestTs DESC, h.pageId DESC LIMIT @limit OFFSET @offset`,
    params,
  };
}

/** Every match's rowid, unranked (no bm25): for counting matches against a set of pages. */
export function buildMatchIdsSql(match: string): SqlQuery {
  return { sql: `SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match`, params: { match } };
}

/** Every match in rank order (best first), rowids and scores only: read lazily and stopped early. */
export function buildRankedMatchesSql(match: string): SqlQuery {
  return { sql: `SELECT rowid AS pid, rank AS score FROM pages_fts WHERE pages_fts MATCH @match ORDER BY rank`, params: { match } };
}

/** One page's score for the words (no row when it does not match); rowid pinned by a range, see buildSnippetSql. */
export function buildPageRankSql(match: string, pageId: number): SqlQuery {
  return {
    sql: `SELECT rowid AS pid, rank AS score FROM pages_fts WHERE pages_fts MATCH @match AND rowid >= @id AND rowid <= @id`,
    params: { match, id: pageId },
  };
}

/** Pages with a capture within the filters, at most `max`: read from the capture indexes, without the words. */
export function buildFilteredPagesSql(q: ParsedQuery, max: number): SqlQuery {
  const params: Params = { max };
  const cf = captureFilterSql(q, params);
  return {
    sql: `SELECT DISTINCT p.id AS id FROM captures c JOIN pages p ON p.digest = c.digest WHERE ${cf} LIMIT @max`,
    params,
  };
}

/** The hit rows of chosen pages (any order; the caller orders them), each with its newest capture in the filters. */
export function buildHitsOfPagesSql(q: ParsedQuery, pageIds: number[]): SqlQuery {
  const params: Params = { ids: JSON.stringify(pageIds) };
  const cf = captureFilterSql(q, params);
  const best = `(SELECT c.id FROM captures c WHERE c.digest = p.digest AND ${cf} ORDER BY c.timestamp DESC, c.id DESC LIMIT 1)`;
  return {
    sql: `SELECT h.*, ${CAPTURE_COLUMNS} FROM (
        SELECT ${HIT_COLUMNS}, NULL AS score, ${best} AS bestCapture FROM pages p
        WHERE p.id IN (SELECT value FROM json_each(@ids))) h
      JOIN captures c ON c.id = h.bestCapture JOIN warc_files f ON f.id = c.file_id`,
    params,
  };
}

/** The snippet of one page for the query's words; FTS5 picks the column with the best match.
 *  The rowid is pinned by a range, not `rowid = @id`: with SQLite 3.53.2 (better-sqlite3 12) FTS5 ignores a bound
 *  `rowid = ?` next to MATCH and returns every match, so each hit would get the first match's snippet. */
export function buildSnippetSql(match: string, pageId: number, tokens = 24): SqlQuery {
  return {
    sql: `SELECT snippet(pages_fts, -1, @ms, @me, @ell, @tokens) AS snippet
      FROM pages_fts WHERE pages_fts MATCH @match AND rowid >= @id AND rowid <= @id`,
    params: { match, id: pageId, ms: MARK_START, me: MARK_END, ell: SNIPPET_ELLIPSIS, tokens },
  };
}

/** Number of pages the words match, read from the FTS index alone (no bm25, no joins). */
export function buildMatchCountSql(match: string): SqlQuery {
  return { sql: `SELECT count(*) AS n FROM pages_fts WHERE pages_fts MATCH @match`, params: { match } };
}

/** Hits among (at most `cap`, -1: all) matched pages that have a capture within the filters. With `cap` set this is
 *  a sample used to estimate the total of a huge match set. */
export function buildFilteredCountSql(q: ParsedQuery, cap: number): SqlQuery {
  const params: Params = { cap };
  const cf = captureFilterSql(q, params);
  const match = toFtsMatch(q);
  const exists = `EXISTS (SELECT 1 FROM captures c WHERE c.digest = p.digest AND ${cf})`;
  if (match === null) return { sql: `SELECT count(*) AS n FROM pages p WHERE ${exists}`, params };
  params.match = match;
  return {
    sql: `SELECT count(*) AS n FROM (SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match LIMIT @cap) m
      JOIN pages p ON p.id = m.pid WHERE ${exists}`,
    params,
  };
}

export type FacetName = 'site' | 'mime' | 'status' | 'year';

const FACET_EXPR: Record<FacetName, string> = {
  site: 'c.rhost',
  mime: 'c.mime',
  status: 'c.status',
  year: 'substr(c.timestamp, 1, 4)',
};

/** Hits per value of one facet, over at most `cap` matched pages (-1: all) or over the given pages; a hit counts once
 *  per value among its matching captures. */
export function buildFacetSql(q: ParsedQuery, facet: FacetName, cap: number, top = 20, pageIds?: number[]): SqlQuery {
  const params: Params = { cap, top };
  const cf = captureFilterSql(q, params);
  const match = toFtsMatch(q);
  let from: string;
  if (pageIds) {
    // The hits are already known (a selective filter): count over exactly those pages.
    params.ids = JSON.stringify(pageIds);
    from = '(SELECT value AS pid FROM json_each(@ids)) m JOIN pages p ON p.id = m.pid';
  } else if (match === null) from = 'pages p';
  else {
    params.match = match;
    from = `(SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match LIMIT @cap) m JOIN pages p ON p.id = m.pid`;
  }
  return {
    sql: `SELECT ${FACET_EXPR[facet]} AS value, count(DISTINCT p.id) AS count
      FROM ${from} JOIN captures c ON c.digest = p.digest
      WHERE ${cf} AND ${FACET_EXPR[facet]} IS NOT NULL
      GROUP BY value ORDER BY count DESC, value LIMIT @top`,
    params,
  };
}

export { hasFilters };
