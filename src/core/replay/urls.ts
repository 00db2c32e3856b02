// The replay URL scheme, on the replay origin: /<collection>/<ts><flag>/<archived absolute URL with its query>.
// Browser-safe (no node: imports): the renderer builds and reads these addresses too.
import type { ReplayFlag } from '../../shared/replay.js';

/** Paths under this one are the replay server's own (the helper script, CSP reports), never a collection. */
export const RESERVED_PREFIX = '/__as/';
/** The injected helper script's path (src/core/replay/frame.ts holds its source). */
export const FRAME_SCRIPT_PATH = '/__as/frame.js';
/** Where the replay CSP sends its violation reports. */
export const CSP_REPORT_PATH = '/__as/csp-report';
/** Where the helper script reports a navigation it stopped (?url=...), as an image request: the one kind of request
 *  the replay policy lets a document make in both modes. */
export const BLOCKED_REPORT_PATH = '/__as/blocked';

export interface ReplayAddress {
  collection: string;
  /** 1-14 digits, a prefix of yyyyMMddhhmmss: the nearest capture wins. */
  ts: string;
  flag: ReplayFlag;
  /** The archived URL, absolute, with its query. */
  url: string;
}

/** The tail that follows a collection's prefix: `/<ts><flag>/<url>`. */
export function replayTail(ts: string, flag: ReplayFlag, url: string): string {
  return `/${ts}${flag}/${url}`;
}

export function replayPath({ collection, ts, flag, url }: ReplayAddress): string {
  return `/${encodeURIComponent(collection)}${replayTail(ts, flag, url)}`;
}

const ADDRESS = /^\/([^/]+)\/(\d{1,14})(js_|id_)?\/(.*)$/s;

/** Reads a request's path and query as a replay address; null when it is not one (reserved paths included). The
 *  archived URL is repaired the ways clients mangle it: `http:/host` (slashes merged by a path normaliser) and a
 *  missing scheme (`host/path`, taken as http). */
export function parseReplayPath(pathAndQuery: string): ReplayAddress | null {
  if (pathAndQuery.startsWith(RESERVED_PREFIX)) return null;
  const m = ADDRESS.exec(pathAndQuery);
  if (!m) return null;
  let collection: string;
  try {
    collection = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  let url = m[4];
  if (!url) return null;
  const scheme = /^(https?):\/*/i.exec(url);
  if (scheme) url = `${scheme[1].toLowerCase()}://${url.slice(scheme[0].length)}`;
  else if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[^/:]+:\d/.test(url)) return null; // another scheme: not replayable
  else url = `http://${url}`;
  return { collection, ts: m[2], flag: (m[3] ?? '') as ReplayFlag, url };
}
