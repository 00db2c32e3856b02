// The app's address: which screen is shown and what it shows, kept in the location hash so that Back/Forward, reload
// and a pasted or bookmarked link land on the same screen. The store (store.ts) writes a route with pushState and
// shows whatever route the hash names (at start and on popstate), so the hash is the one source of truth for where the
// person is. The hash (not the path) carries it because the renderer is loaded from a file in Electron and from one
// static page in browser mode: neither can serve a deep path.
//
// An address is `#/<kind>/<segment>/<segment>?<param>=<value>`: segments and values are encodeURIComponent'ed, so a
// collection named 'a/b' stays one segment. A screen gets an address by adding one entry to ROUTES below: its kind,
// how its segments and parameters read into the route's fields, and how they are written back.
import type { SortOrder } from '../shared/api-collections.js';

interface Address {
  segments: string[];
  params?: Record<string, string | undefined>;
  /** Written after the segments as is (not escaped), and read back by the entry from `rest`: the replay URL. */
  tail?: string;
}

interface RouteSpec<T> {
  /** The route an address names, null when it is malformed. `segments` are unescaped; `rest` is the address after
   *  '#/<kind>/' as written, for an entry that reads a tail. */
  parse(segments: string[], params: URLSearchParams, rest: string): T | null;
  write(route: T): Address;
}

const spec = <T>(s: RouteSpec<T>) => s;

/** A collection's name: present. */
const named = (s: string | undefined): s is string => !!s;
/** An absolute URL: a scheme, then something. Anything else in a URL's place is a mangled link, not a capture. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:./i;
const SORTS: SortOrder[] = ['relevance', 'date'];
export const CAPTURE_LOOKUPS = ['url', 'prefix', 'host'] as const;
export type CaptureLookup = (typeof CAPTURE_LOOKUPS)[number];

/** A collection's own screen (files and ingest, statistics): `#/<kind>/<collection>`. */
const collectionScreen = spec<{ collection: string }>({
  parse: ([collection, ...more]) => (named(collection) && more.length === 0 ? { collection } : null),
  write: (r) => ({ segments: [r.collection] }),
});

/** Every screen with an address. The replay view's comes first in the table only by habit; order does not matter. */
export const ROUTES = {
  /** The replay view of one capture: `#/replay/<collection>/<timestamp>/<url>`. The URL comes last and as is, query
   *  included, so that it reads like the archived URL and a pasted one needs no escaping, as in a Wayback address.
   *  The timestamp is 1-14 digits of yyyyMMddhhmmss: a prefix names the capture nearest to it. */
  replay: spec<{ collection: string; ts: string; url: string }>({
    parse: (_s, _p, rest) => {
      const m = /^([^/]+)\/(\d{1,14})\/(.+)$/s.exec(rest);
      if (!m) return null;
      const collection = decodeURIComponent(m[1]);
      return named(collection) && ABSOLUTE.test(m[3]) ? { collection, ts: m[2], url: m[3] } : null;
    },
    write: (r) => ({ segments: [r.collection, r.ts], tail: r.url }),
  }),
  /** Files and ingest. */
  collection: collectionScreen,
  /** Search: `#/search/<collection>?q=<query>&sort=date` (relevance is the default and not written). */
  search: spec<{ collection: string; q: string; sort: SortOrder }>({
    parse: ([collection, ...more], p) => {
      const sort = (p.get('sort') ?? 'relevance') as SortOrder;
      return named(collection) && more.length === 0 && SORTS.includes(sort) ? { collection, q: p.get('q') ?? '', sort } : null;
    },
    write: (r) => ({ segments: [r.collection], params: { q: r.q || undefined, sort: r.sort === 'relevance' ? undefined : r.sort } }),
  }),
  /** One capture in the record viewer: `#/record/<collection>/<capture id>/<url>`; the URL finds its timeline, the id
   *  the capture in it. */
  record: spec<{ collection: string; id: number; url: string }>({
    parse: (_s, _p, rest) => {
      const m = /^([^/]+)\/(\d{1,15})\/(.+)$/s.exec(rest);
      if (!m) return null;
      const collection = decodeURIComponent(m[1]);
      return named(collection) && ABSOLUTE.test(m[3]) ? { collection, id: Number(m[2]), url: m[3] } : null;
    },
    write: (r) => ({ segments: [r.collection, String(r.id)], tail: r.url }),
  }),
  /** Captures looked up by URL, prefix or host: `#/captures/<collection>?by=host&url=<what>`; with `timeline=<url>`,
   *  that URL's timeline beside them. */
  captures: spec<{ collection: string; by: CaptureLookup; url: string; timeline: string }>({
    parse: ([collection, ...more], p) => {
      const by = (p.get('by') ?? 'url') as CaptureLookup;
      if (!named(collection) || more.length > 0 || !CAPTURE_LOOKUPS.includes(by)) return null;
      return { collection, by, url: p.get('url') ?? '', timeline: p.get('timeline') ?? '' };
    },
    write: (r) => ({ segments: [r.collection], params: { by: r.by === 'url' ? undefined : r.by, url: r.url || undefined, timeline: r.timeline || undefined } }),
  }),
  stats: collectionScreen,
  /** Inspect a file: `#/inspect?path=<file>`. */
  inspect: spec<{ path: string }>({
    parse: (segments, p) => (segments.length === 0 ? { path: p.get('path') ?? '' } : null),
    write: (r) => ({ segments: [], params: { path: r.path || undefined } }),
  }),
  settings: spec<Record<never, never>>({
    parse: (segments) => (segments.length === 0 ? {} : null),
    write: () => ({ segments: [] }),
  }),
  /** The profiler: recent operations and their waterfalls, `#/profiler`. */
  profiler: spec<Record<never, never>>({
    parse: (segments) => (segments.length === 0 ? {} : null),
    write: () => ({ segments: [] }),
  }),
};

type Routes = typeof ROUTES;
export type RouteKind = keyof Routes;
/** A route of one kind: its kind and its entry's fields. */
export type RouteOf<K extends RouteKind> = { kind: K } & (Routes[K] extends RouteSpec<infer T> ? T : never);
export type Route = { [K in RouteKind]: RouteOf<K> }[RouteKind];
export type ReplayRoute = RouteOf<'replay'>;

const ADDRESS = /^#?\/([a-z][a-z0-9-]*)(\/.*|\?.*)?$/s;

/** The route a location hash names, or null for none ('' or '#') or one it cannot read (an unknown kind, a missing
 *  or extra segment, a broken escape, a value out of range). */
export function parseRoute(hash: string): Route | null {
  const m = ADDRESS.exec(hash);
  if (!m || !Object.hasOwn(ROUTES, m[1])) return null;
  const kind = m[1] as RouteKind;
  const rest = (m[2] ?? '').replace(/^\//, '');
  const q = rest.indexOf('?');
  try {
    const path = q < 0 ? rest : rest.slice(0, q);
    const segments = path === '' ? [] : path.split('/').map(decodeURIComponent);
    const fields = (ROUTES[kind] as RouteSpec<object>).parse(segments, readParams(q < 0 ? '' : rest.slice(q + 1)), rest);
    return fields && ({ kind, ...fields } as Route);
  } catch {
    return null; // a stray '%' that is no escape
  }
}

/** The parameters of an address. Not URLSearchParams' own parsing, which keeps a broken escape as text: here it
 *  throws, and the address is refused as the segments' would be. A '+' is a space, as a typed form would send it. */
function readParams(query: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    params.append(decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' ')));
  }
  return params;
}

/** The location hash of a route, '#/search/...'. */
export function routeHash(route: Route): string {
  const { kind, ...fields } = route;
  const a = (ROUTES[kind] as RouteSpec<object>).write(fields);
  let hash = `#/${kind}${a.segments.map((s) => `/${encodeURIComponent(s)}`).join('')}`;
  if (a.tail !== undefined) return `${hash}/${a.tail}`;
  const params = Object.entries(a.params ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  // encodeURIComponent rather than URLSearchParams' form encoding: a space reads '%20', as it does in the segments.
  if (params.length) hash += `?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
  return hash;
}

/** The collection a route belongs to, null for a screen of the whole app. */
export function routeCollection(route: Route): string | null {
  return 'collection' in route ? route.collection : null;
}

/** The capture of a URL's timeline (oldest first) that a replay route's timestamp names: the one with that
 *  timestamp, else the nearest in time to it (a prefix counts as the start of its period: '2014' is 1 January 2014),
 *  the earlier on a tie; null for an empty timeline. The view then rewrites its address to the capture's full
 *  timestamp, so that the replay origin's resolver is asked for exactly the capture shown. */
export function captureForRoute<C extends { timestamp: string | null }>(timeline: C[], ts: string): C | null {
  const exact = timeline.find((c) => c.timestamp === ts);
  if (exact) return exact;
  const target = instant(ts);
  let best: C | null = null;
  let bestGap = Infinity;
  for (const c of timeline) {
    if (!c.timestamp) continue;
    const gap = Math.abs(instant(c.timestamp) - target);
    if (gap < bestGap) (best = c), (bestGap = gap);
  }
  return best;
}

/** Ms since the epoch of 1-14 timestamp digits, the missing ones being the start of the period. */
function instant(ts: string): number {
  const t = ts + '00000101000000'.slice(ts.length);
  return Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14));
}
