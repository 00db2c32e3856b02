// Archived response headers made safe to send from the replay origin, and the headers replay adds itself.
import type { ReplayFlag } from '../../shared/replay.js';
import { absoluteUrl, rewriteRefresh, rewriteUrl, type ArchiveTarget } from './archive-url.js';
import type { RewriteDrop } from './types.js';
import { CSP_REPORT_PATH } from './urls.js';

/** Archived headers never sent on, by why:
 *  - framing the served body, which replay decodes and measures itself;
 *  - state or policy that would act on the replay origin rather than on the archived site (cookies, HSTS, its CSP,
 *    reporting endpoints, service worker scope, Clear-Site-Data wiping the replay origin's storage);
 *  - framing and isolation policies that would stop the UI from showing the page in a frame;
 *  - cache validators and lifetimes of the live site, which say nothing about the archive's copy;
 *  - requests the browser would make on its own (speculation rules, source maps). */
const DROPPED = new Set([
  'transfer-encoding', 'content-encoding', 'content-length', 'connection', 'keep-alive', 'proxy-connection', 'te',
  'trailer', 'upgrade', 'accept-ranges', 'content-range',
  'set-cookie', 'set-cookie2', 'strict-transport-security', 'public-key-pins', 'public-key-pins-report-only',
  'expect-ct', 'content-security-policy', 'content-security-policy-report-only', 'x-content-security-policy',
  'x-webkit-csp', 'report-to', 'reporting-endpoints', 'nel', 'alt-svc', 'clear-site-data', 'service-worker-allowed',
  'origin-trial', 'x-dns-prefetch-control',
  'x-frame-options', 'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy',
  'origin-agent-cluster',
  'cache-control', 'expires', 'etag', 'age', 'pragma', 'vary',
  'speculation-rules', 'sourcemap', 'x-sourcemap',
]);

const HINT_RELS = /\brel\s*=\s*"?[^";,]*\b(preconnect|dns-prefetch|prefetch|prerender)\b/i;

/** A header value as node:http accepts it: Latin-1 without control characters. */
export function headerSafe(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/g, '');
}

/** `<url>; rel=x, <url2>; ...` with its URLs pointed into the archive; resource hints taken out (and recorded). */
function rewriteLinkHeader(value: string, t: ArchiveTarget, base: string, drops: RewriteDrop[]): string | null {
  const kept: string[] = [];
  for (const link of value.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(link);
    if (!m) continue;
    const hint = HINT_RELS.exec(m[2]);
    if (hint) {
      drops.push({ url: absoluteUrl(m[1], base) ?? m[1], what: `${hint[1].toLowerCase()} hint (Link header)`, request: true });
      continue;
    }
    kept.push(`<${rewriteUrl(t, m[1], base) ?? m[1]}>${m[2]}`);
  }
  return kept.length ? kept.join(', ') : null;
}

/**
 * The archived headers to send: DROPPED ones left out, Location, Content-Location, Link and Refresh pointed into the
 * archive (resolved against `base`, the capture's URL), values made Latin-1-safe. With 'id_' the headers are cleaned
 * the same way: only the body is left as archived.
 */
export function replayHeaders(archived: ReadonlyArray<readonly [string, string]>, t: ArchiveTarget, base: string, drops: RewriteDrop[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, raw] of archived) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    let value: string | null = raw.trim();
    if (lower === 'location' || lower === 'content-location') value = rewriteUrl(t, value, base) ?? value;
    else if (lower === 'refresh') value = rewriteRefresh(value, (u) => rewriteUrl(t, u, base));
    else if (lower === 'link') value = rewriteLinkHeader(value, t, base, drops);
    if (value !== null) out.push([name, headerSafe(value)]);
  }
  return out;
}

/**
 * The Content-Security-Policy of everything replay serves: only the replay origin ('self') for every kind of
 * resource, so anything rewriting missed shows as broken instead of reaching the network. Scripts off: only the
 * helper script, by nonce (no inline code, no handlers, no javascript: URLs), no connections. Scripts on ('js_'):
 * archived scripts from the replay origin and inline, connections to the replay origin only. Never: workers
 * (service workers would outlive the page and answer for the replay origin), plugins, manifests.
 */
export function replayCsp(flag: ReplayFlag, nonce: string): string {
  const scriptsOn = flag === 'js_';
  return [
    "default-src 'self' data: blob:",
    scriptsOn ? "script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:" : `script-src 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline' data: blob:",
    "img-src 'self' data: blob:",
    "font-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    scriptsOn ? "connect-src 'self'" : "connect-src 'none'",
    "frame-src 'self'",
    "worker-src 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `report-uri ${CSP_REPORT_PATH}`,
  ].join('; ');
}

/** The policy headers of every response replay builds. Caching and the Referrer-Policy are transport, set by the
 *  server that sends it (server.ts: it needs every request to reach it, and Referers to attribute them). */
export function policyHeaders(flag: ReplayFlag, nonce: string): Array<[string, string]> {
  return [
    ['Content-Security-Policy', replayCsp(flag, nonce)],
    ['X-DNS-Prefetch-Control', 'off'],
  ];
}
