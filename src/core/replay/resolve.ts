// The replay resolver: URL + target time -> the capture to serve, on top of the search module's capture lookups and
// revisit resolution (src/core/search/lookup.ts); it adds the order in which variants are tried and marks how each
// answer was found. The order (each step only when the one before found nothing):
//  1. the URL itself, by SURT key as CDX lookups match (scheme, `www.`, case, query order ignored): its capture
//     nearest the asked time, 'exact' when that capture's timestamp starts with the asked digits, else 'nearest';
//  2. canonical variants (canonicalVariants below): 'canonical';
//  3. fuzzy matching of the query (fuzzy.ts): 'fuzzy'.
// A capture whose payload cannot be served (a revisit whose original the collection lacks, or one the caller
// excludes, such as a redirect to itself) gives way to the next nearest capture of the same URL.
import { captureAt, capturesOfUrl, resolveRevisit } from '../search/lookup.js';
import { timestampSeconds } from '../search/timestamp.js';
import type { Collection } from '../store/index.js';
import { surt } from '../warc/surt.js';
import { fuzzyMatch } from './fuzzy.js';
import type { ReplayCapture, Resolution, ResolvedHow } from './types.js';

export interface ResolveOptions {
  /** Capture ids not to serve (the response builder passes redirects that lead back to their own URL). */
  exclude?: ReadonlySet<number>;
}

/** How many captures of one path fuzzy matching compares at most. */
const FUZZY_CANDIDATES = 2000;

/**
 * The URL spellings that name the same resource on almost every server, tried in this order: the trailing slash
 * added or removed (`/a` and `/a/` are one page to most servers, and links and crawlers disagree on which to use),
 * and a directory and its index file (`/dir/` and `/dir/index.html`, as wget-style crawls save them).
 */
export function canonicalVariants(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const path = u.pathname;
  const out: string[] = [];
  const withPath = (p: string) => {
    const v = new URL(u.href);
    v.pathname = p;
    out.push(v.href);
  };
  if (path.endsWith('/')) {
    if (path !== '/') withPath(path.slice(0, -1));
    withPath(path + 'index.html');
    withPath(path + 'index.htm');
  } else {
    withPath(path + '/');
    const index = /\/index\.html?$/.exec(path);
    if (index) withPath(path.slice(0, index.index + 1));
  }
  return out;
}

/** The URL as the WHATWG parser writes it (host lower-cased, default port gone): SURT keeps a `WWW.` written in
 *  capitals (as warcio.js does), and a host's case never names another resource. */
function parsedHref(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

interface Served {
  capture: ReplayCapture;
  payload: ReplayCapture | null;
}

/** The capture to serve for `url` at `at` (1-14 digits, a prefix of yyyyMMddhhmmss). Never throws for a miss (how is
 *  then 'missing'); throws for a time that is not such digits. */
export function resolve(coll: Collection, url: string, at: string, o: ResolveOptions = {}): Resolution {
  if (!/^\d{1,14}$/.test(at)) throw new RangeError(`replay time must be 1 to 14 digits (yyyyMMddhhmmss or a prefix), not '${at}'`);
  const exclude = o.exclude ?? new Set<number>();
  const t = timestampSeconds(at);
  const distance = (c: ReplayCapture) => Math.abs(timestampSeconds(c.timestamp ?? '0') - t);

  /** The nearest servable capture of one URL; a capture with no payload when the URL has only such captures. */
  const ofUrl = (u: string): Served | null => {
    const quick = captureAt(coll, u, at);
    if (!quick) return null;
    if (!exclude.has(quick.id)) {
      const payload = resolveRevisit(coll, quick);
      if (payload) return { capture: quick, payload };
    }
    const all = capturesOfUrl(coll, u).filter((c) => !exclude.has(c.id));
    all.sort((a, b) => distance(a) - distance(b) || a.timestamp!.localeCompare(b.timestamp!));
    for (const c of all) {
      const payload = resolveRevisit(coll, c);
      if (payload) return { capture: c, payload };
    }
    return all.length ? { capture: all[0], payload: null } : null;
  };

  const done = (how: ResolvedHow, s: Served | null): Resolution => {
    if (!s) return { how: 'missing', askedUrl: url, at, capture: null, payload: null, viaRevisit: false, driftSeconds: null };
    return {
      how,
      askedUrl: url,
      at,
      capture: s.capture,
      payload: s.payload,
      viaRevisit: s.capture.type === 'revisit',
      driftSeconds: s.capture.timestamp ? timestampSeconds(s.capture.timestamp) - t : null,
    };
  };

  const own = ofUrl(parsedHref(url));
  if (own) return done(own.capture.timestamp?.startsWith(at) ? 'exact' : 'nearest', own);
  for (const v of canonicalVariants(url)) {
    const hit = ofUrl(v);
    if (hit) return done('canonical', hit);
  }
  const candidates = capturesOfUrl(coll, url, { match: 'query', limit: FUZZY_CANDIDATES }).filter((c) => !exclude.has(c.id));
  // The best match first; one whose revisit cannot be served gives way to the next best.
  while (candidates.length) {
    const c = fuzzyMatch(surt(url), candidates, distance);
    if (!c) break;
    const payload = resolveRevisit(coll, c);
    if (payload) return done('fuzzy', { capture: c, payload });
    candidates.splice(candidates.indexOf(c), 1);
  }
  return done('missing', null);
}
