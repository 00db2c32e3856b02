// Turning a URL found in an archived document into its address inside the archive, so that following it never
// leaves the replay origin. Browser-safe.
import type { ReplayFlag } from '../../shared/replay.js';
import { replayTail } from './urls.js';

/** Where rewritten URLs point: the collection's prefix on the replay origin, the page's time and mode. */
export interface ArchiveTarget {
  /** origin + '/' + encoded collection name, no trailing slash. */
  prefix: string;
  ts: string;
  flag: ReplayFlag;
  /** Told every absolute URL pointed into the archive, and whether the page loads it or a person would follow it (a
   *  link, a form): how the WACZ export learns which resources a page loads from the same discovery the rewriters
   *  do (src/core/export/select.ts). */
  seen?: (absolute: string, kind: 'load' | 'link') => void;
}

/** Schemes that fetch nothing from a network: left as written. (javascript: is the HTML rewriter's business.) */
const INERT = /^(?:data|blob|about|mailto|tel|sms|javascript):/i;

/** The archive address of an absolute http(s) URL. */
export function archiveUrl(t: ArchiveTarget, absolute: string): string {
  t.seen?.(absolute, 'load');
  return t.prefix + replayTail(t.ts, t.flag, absolute);
}

/**
 * The archive address of `raw` (as written in a document, entities already decoded) resolved against `base`; null
 * when it needs no change: empty, a fragment of the same document, or an inert scheme. Any other scheme (ws:, ftp:,
 * an unknown one) still goes into the archive, where it finds nothing, rather than out to the network; a URL that
 * does not parse goes there too, as written.
 */
export function rewriteUrl(t: ArchiveTarget, raw: string, base: string): string | null {
  const s = raw.trim();
  if (!s || s.startsWith('#') || INERT.test(s)) return null;
  let abs: string;
  try {
    abs = new URL(s, base).href;
  } catch {
    // Quotes, brackets, spaces and backslashes escaped, so the address can go back into any attribute or CSS string.
    return archiveUrl(t, s.replace(/["'<>\s\\]/g, (c) => encodeURIComponent(c)));
  }
  if (abs.startsWith('ws:')) abs = 'http:' + abs.slice(3);
  else if (abs.startsWith('wss:')) abs = 'https:' + abs.slice(4);
  return archiveUrl(t, abs);
}

/** `raw` resolved against `base` as an absolute URL, or null when it does not parse (for the ledger's records). */
export function absoluteUrl(raw: string, base: string): string | null {
  try {
    return new URL(raw.trim(), base).href;
  } catch {
    return null;
  }
}

/** `N; url=...` of a meta refresh (or a Refresh header) with its URL rewritten. */
export function rewriteRefresh(content: string, rewrite: (u: string) => string | null): string {
  const m = /^(\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?)(['"]?)(.*?)\2(\s*)$/is.exec(content);
  if (!m || !m[3]) return content;
  const to = rewrite(m[3]);
  return to === null ? content : `${m[1]}${m[2]}${to}${m[2]}${m[4]}`;
}
