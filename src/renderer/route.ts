// The app's address: the part of the window's state kept in the location hash, so that Back/Forward, reload and a
// pasted link land on the same screen. Only the replay view has an address so far; a view that gets one adds a kind
// to Route, a case to parseRoute and one to routeHash. The hash (not the path) carries it because the renderer is
// loaded from a file in Electron and from one static page in browser mode: neither can serve a deep path.

/** The replay view of one capture: `#/replay/<collection>/<timestamp>/<url>`. The collection is encodeURIComponent'ed
 *  (names may hold spaces and slashes); the URL comes last and as is, query included, so that it reads like the
 *  archived URL and a pasted one needs no escaping, as in a Wayback address. */
export interface ReplayRoute {
  kind: 'replay';
  collection: string;
  /** 1-14 digits of yyyyMMddhhmmss: a prefix names the capture nearest to it. */
  ts: string;
  url: string;
}

export type Route = ReplayRoute;

const REPLAY = /^#?\/replay\/([^/]+)\/(\d{1,14})\/(.+)$/s;
/** An absolute URL: a scheme, then something. Anything else in the URL place is a mangled link, not a capture. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:./i;

/** The route a location hash names, or null for none (the app's own navigation) or one it cannot read. */
export function parseRoute(hash: string): Route | null {
  const m = REPLAY.exec(hash);
  if (!m) return null;
  let collection: string;
  try {
    collection = decodeURIComponent(m[1]);
  } catch {
    return null; // a stray '%' that is no escape
  }
  const url = m[3];
  if (!collection || !ABSOLUTE.test(url)) return null;
  return { kind: 'replay', collection, ts: m[2], url };
}

/** The location hash of a route, '#/replay/...'. */
export function routeHash(route: Route): string {
  return `#/replay/${encodeURIComponent(route.collection)}/${route.ts}/${route.url}`;
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
