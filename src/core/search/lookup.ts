// Lookups that need no full text: captures of a URL, the capture nearest a time, a page's captures with revisits
// resolved to the record that holds their payload. SQL builders are pure; the functions run them.
import { CAPTURE_COLUMNS, hostRange, type Collection, type SqlQuery, type StoredCapture } from '../store/index.js';
import { surt } from '../warc/surt.js';

export type UrlMatch = 'exact' | 'prefix' | 'host';

export interface UrlLookupOptions {
  match?: UrlMatch;
  limit?: number;
  offset?: number;
}

const FROM = 'FROM captures c JOIN warc_files f ON f.id = c.file_id';
/** Types that answer "what did this URL look like": not requests, metadata or warcinfo. */
const REPLAYABLE = `c.type IN ('response', 'revisit', 'resource')`;

/** The smallest string greater than every string starting with `s` (for a prefix range on an index). */
function prefixEnd(s: string): string {
  return s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1);
}

export function buildUrlCapturesSql(url: string, o: UrlLookupOptions = {}): SqlQuery {
  const params: SqlQuery['params'] = { limit: o.limit ?? -1, offset: o.offset ?? 0 };
  let where: string;
  switch (o.match ?? 'exact') {
    case 'exact':
      params.key = surt(url);
      where = 'c.urlkey = @key';
      break;
    case 'prefix': {
      const key = surt(url);
      params.lo = key;
      params.hi = prefixEnd(key);
      where = 'c.urlkey >= @lo AND c.urlkey < @hi';
      break;
    }
    case 'host': {
      const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).hostname : url.replace(/[/:?#].*$/, '');
      const r = hostRange(host);
      params.lo = r.lo;
      params.hi = r.hi;
      where = 'c.rhost >= @lo AND c.rhost < @hi';
      break;
    }
  }
  return {
    sql: `SELECT ${CAPTURE_COLUMNS} ${FROM} WHERE ${where} AND ${REPLAYABLE}
      ORDER BY c.urlkey, c.timestamp, c.id LIMIT @limit OFFSET @offset`,
    params,
  };
}

/** All captures of a URL (exact, by SURT key), of every URL under a prefix, or of a host and its subdomains. */
export function capturesOfUrl(coll: Collection, url: string, o: UrlLookupOptions = {}): StoredCapture[] {
  return coll.all<StoredCapture>(buildUrlCapturesSql(url, o));
}

/** The captures of `url` just at-or-before and just after `ts`: the nearest is one of them. */
export function buildCaptureAtSql(url: string, ts: string): SqlQuery {
  const key = surt(url);
  return {
    sql: `SELECT * FROM (SELECT ${CAPTURE_COLUMNS} ${FROM} WHERE c.urlkey = @key AND ${REPLAYABLE} AND c.timestamp <= @ts
        ORDER BY c.timestamp DESC, c.id DESC LIMIT 1)
      UNION ALL
      SELECT * FROM (SELECT ${CAPTURE_COLUMNS} ${FROM} WHERE c.urlkey = @key AND ${REPLAYABLE} AND c.timestamp > @ts
        ORDER BY c.timestamp ASC, c.id ASC LIMIT 1)`,
    params: { key, ts: ts.padEnd(14, '0') },
  };
}

/** The capture of `url` nearest in time to `ts` (14 digits, or a prefix of it), or null. */
export function captureAt(coll: Collection, url: string, ts: string): StoredCapture | null {
  const pair = coll.all<StoredCapture>(buildCaptureAtSql(url, ts));
  if (pair.length < 2) return pair[0] ?? null;
  const t = tsMillis(ts.padEnd(14, '0'));
  const [before, after] = pair;
  // A tie goes to the earlier capture (what the archive held at that moment).
  return t - tsMillis(before.timestamp!) <= tsMillis(after.timestamp!) - t ? before : after;
}

function tsMillis(ts: string): number {
  return Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14));
}

export interface PageCapture extends StoredCapture {
  /** For a revisit: the record holding the payload (by refers-to URI/date, else the same digest); else itself.
   *  null when the original is not in the collection. */
  original: StoredCapture | null;
}

export function buildPageCapturesSql(pageId: number): SqlQuery {
  return {
    sql: `SELECT ${CAPTURE_COLUMNS} ${FROM} JOIN pages p ON p.digest = c.digest
      WHERE p.id = @id AND ${REPLAYABLE} ORDER BY c.timestamp, c.id`,
    params: { id: pageId },
  };
}

/** Every capture of a page, oldest first, revisits resolved. */
export function capturesOfPage(coll: Collection, pageId: number): PageCapture[] {
  return coll.all<StoredCapture>(buildPageCapturesSql(pageId)).map((c) => ({ ...c, original: resolveRevisit(coll, c) }));
}

export function buildRevisitOriginalSql(c: StoredCapture): SqlQuery {
  // WARC 1.1 §6.7: WARC-Refers-To-Target-URI + WARC-Refers-To-Date name the original; without them the
  // payload digest does (identical-payload-digest profile). Prefer the named record, then the nearest earlier
  // capture with the digest, then any.
  return {
    sql: `SELECT ${CAPTURE_COLUMNS},
        (CASE WHEN @rkey IS NOT NULL AND c.urlkey = @rkey AND c.timestamp = @rts THEN 0
              WHEN @rkey IS NOT NULL AND c.urlkey = @rkey THEN 1 ELSE 2 END) AS pref
      ${FROM}
      WHERE c.type IN ('response', 'resource')
        AND ((@rkey IS NOT NULL AND c.urlkey = @rkey) OR (@digest IS NOT NULL AND c.digest = @digest))
      ORDER BY pref, (c.timestamp > @ts), abs(c.timestamp - @ts), c.id LIMIT 1`,
    params: {
      rkey: c.refersToUri ? surt(c.refersToUri) : null,
      rts: c.refersToDate,
      digest: c.digest,
      ts: c.timestamp ?? '',
    },
  };
}

/** The record that holds a capture's payload: itself, or for a revisit its original (null when absent). */
export function resolveRevisit(coll: Collection, c: StoredCapture): StoredCapture | null {
  if (c.type !== 'revisit') return c;
  const row = coll.get<StoredCapture & { pref?: number }>(buildRevisitOriginalSql(c));
  if (!row) return null;
  delete row.pref;
  return row;
}
