// Fuzzy URL matching for replay, tried only when neither the URL nor a canonical variant of it has a capture. It
// works on SURT keys (src/core/warc/surt.ts: lower-cased, scheme and `www.` gone, query arguments sorted), so
// argument order and case never matter. The rules, and why each is safe:
//  1. Arguments that only defeat caches or identify the visitor are ignored: their value changes on every load (a
//     script adds `_=<ms since epoch>`, `cb=<random>`) or every visit (session ids, campaign tags), while the resource
//     does not. Ignored: the names in IGNORED_ARGS, and any argument whose value looks like an epoch time (10 or 13
//     digits) or a Math.random() fraction (0.dddddd…). A `;jsessionid=…` path parameter goes too.
//  2. With those ignored, a capture whose query has every argument asked for, and perhaps more, matches (fewest extra
//     arguments first): a request rarely drops an argument that changes the resource, but pages often add tracking
//     ones. A capture lacking an asked argument, or holding another value for it, never matches: it may be a
//     different resource (`?id=5` is not `?id=6`).
// Among equal matches the capture nearest in time wins.
import type { ReplayCapture } from './types.js';

/** Argument names (as SURT keys hold them: lower case) that never select a resource. */
export const IGNORED_ARGS = new Set([
  // cache busters
  '_', 'cb', 'cachebuster', 'cache_buster', 'cachebust', 'nocache', 'no_cache', 'bust', 'rnd', 'rand', 'random',
  '_t', '_ts', 't', 'ts', 'time', 'timestamp', '_dc', 'nc',
  // visitor and campaign identifiers
  'sid', 'sessionid', 'session_id', 'jsessionid', 'phpsessid', 'aspsessionid', 'fbclid', 'gclid', 'msclkid',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
]);

const EPOCH_OR_RANDOM = /^(?:\d{10}|\d{13}|0\.\d{6,})$/;

function ignored(arg: string): boolean {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg : arg.slice(0, eq);
  return IGNORED_ARGS.has(name) || (eq >= 0 && EPOCH_OR_RANDOM.test(arg.slice(eq + 1)));
}

/** A SURT key split into its path (`;jsessionid=` dropped) and the arguments that count (rule 1), sorted. */
export function fuzzyParts(urlkey: string): { path: string; args: string[] } {
  const q = urlkey.indexOf('?');
  const path = (q < 0 ? urlkey : urlkey.slice(0, q)).replace(/;jsessionid=[^/]*/, '');
  const args = q < 0 ? [] : urlkey.slice(q + 1).split('&').filter((a) => a && !ignored(a));
  return { path, args: args.sort() };
}

/** The best fuzzy match for `askedKey` among `candidates` (captures of the same path), or null (rule 2). */
export function fuzzyMatch(askedKey: string, candidates: ReplayCapture[], nearness: (c: ReplayCapture) => number): ReplayCapture | null {
  const asked = fuzzyParts(askedKey);
  let best: ReplayCapture | null = null;
  let bestExtra = Infinity;
  let bestNear = Infinity;
  for (const c of candidates) {
    if (!c.urlkey || c.method) continue; // POST/PUT captures answer their own request bodies only
    const got = fuzzyParts(c.urlkey);
    if (got.path !== asked.path) continue;
    const have = new Set(got.args);
    if (!asked.args.every((a) => have.has(a))) continue;
    const extra = got.args.length - asked.args.length;
    const near = nearness(c);
    if (extra < bestExtra || (extra === bestExtra && near < bestNear)) {
      best = c;
      bestExtra = extra;
      bestNear = near;
    }
  }
  return best;
}
