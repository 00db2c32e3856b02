// The pages replay writes itself: "not in this archive" for a miss (with the nearest captures of the URL and of its
// host, linked into the archive) and the page for a record that cannot be read.
import { capturesOfUrl, hostPagesNear } from '../search/lookup.js';
import { timestampSeconds } from '../search/timestamp.js';
import type { Collection } from '../store/index.js';
import { timestampText } from '../../shared/timestamp.js';
import { archiveUrl, type ArchiveTarget } from './archive-url.js';
import type { ReplayCapture, Resolution } from './types.js';
import { FRAME_SCRIPT_PATH } from './urls.js';

/** How many captures each list of the miss page shows. */
export const MISS_LIST_LIMIT = 20;
/** How many captures of the URL's path the miss page ranks by time to pick those it shows. */
const MISS_CANDIDATES = 500;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `20140126200624` -> `2014-01-26 20:06:24 UTC`; a partial time keeps its precision (`2014`, `2014-01-26 20 UTC`):
 *  a time of day is in UTC, a date alone needs no zone to be read. */
export function formatTimestamp(ts: string): string {
  const text = timestampText(ts);
  return ts.length > 8 && text !== ts ? `${text} UTC` : text;
}

/** A complete small HTML document in the replay's style; `body` is already HTML. Its empty icon keeps the browser
 *  from asking the replay origin for /favicon.ico, which is no replay address. */
export function replayPage(title: string, body: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<script nonce="${nonce}" src="${FRAME_SCRIPT_PATH}"></script>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:52em;padding:0 1em;color:#222}
h1{font-size:1.4em}code{word-break:break-all}ul{padding-left:1.2em}li{margin:.2em 0}
.t{font-variant-numeric:tabular-nums;color:#555;margin-right:.6em}.s{color:#777;margin-left:.4em}
</style></head><body>
${body}
</body></html>
`;
}

function captureList(captures: ReplayCapture[], t: Omit<ArchiveTarget, 'ts'>): string {
  if (!captures.length) return '<p>None.</p>';
  const items = captures.map((c) => {
    const href = archiveUrl({ ...t, ts: c.timestamp ?? '' }, c.uri ?? '');
    const status = c.status ? `<span class="s">${c.status}${c.type === 'revisit' ? ', revisit' : ''}</span>` : '';
    return `<li><span class="t">${escapeHtml(formatTimestamp(c.timestamp ?? ''))}</span><a href="${escapeHtml(href)}"><code>${escapeHtml(c.uri ?? '')}</code></a>${status}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/** The 404 page of a miss: what was asked, why nothing is served, and the nearest captures of the URL (any query)
 *  and of its host, each a link into the archive at its own time. */
export function missPageHtml(coll: Collection, r: Resolution, t: Omit<ArchiveTarget, 'ts'>, nonce: string): string {
  const at = timestampSeconds(r.at);
  const byNearness = (a: ReplayCapture, b: ReplayCapture) =>
    Math.abs(timestampSeconds(a.timestamp ?? '0') - at) - Math.abs(timestampSeconds(b.timestamp ?? '0') - at);
  const similar = capturesOfUrl(coll, r.askedUrl, { match: 'query', limit: MISS_CANDIDATES }).sort(byNearness).slice(0, MISS_LIST_LIMIT);
  let host = '';
  try {
    host = new URL(r.askedUrl).hostname;
  } catch {
    // not a URL: no host list
  }
  const hostPages = host ? hostPagesNear(coll, r.askedUrl, r.at, MISS_LIST_LIMIT) : [];
  const why = r.capture
    ? `Its capture of ${escapeHtml(formatTimestamp(r.capture.timestamp ?? ''))} is a revisit record whose original (the record holding the content) is not in this collection.`
    : 'This collection holds no capture of this URL, of its canonical variants, or of a URL that fuzzy matching accepts for it.';
  const body = `<h1>Not in this archive</h1>
<p><code>${escapeHtml(r.askedUrl)}</code>, asked for at ${escapeHtml(formatTimestamp(r.at))}.</p>
<p>${why} Nothing was fetched from the live web.</p>
<h2>Captures of this URL, with any query</h2>
${captureList(similar, t)}
${host ? `<h2>Pages of ${escapeHtml(host)} nearest in time</h2>\n${captureList(hostPages, t)}` : ''}`;
  return replayPage('Not in this archive', body, nonce);
}

/** The page for a capture whose record cannot be read: which file and offset, and what went wrong. */
export function unreadablePageHtml(c: ReplayCapture, error: string, nonce: string): string {
  const body = `<h1>Record cannot be read</h1>
<p>The capture of <code>${escapeHtml(c.uri ?? '')}</code> at ${escapeHtml(formatTimestamp(c.timestamp ?? ''))} is in
<code>${escapeHtml(c.file)}</code> at offset ${c.offset}, which cannot be read: ${escapeHtml(error)}</p>`;
  return replayPage('Record cannot be read', body, nonce);
}
