// Which records a WACZ subset holds: the selected captures (a search's results, one URL at a time, a host over a
// date range, or captures by id), and for each HTML page the records a replay of it needs: every resource its HTML
// and stylesheets load, at the capture the replay resolver would serve (nearest in time, canonical and fuzzy
// variants), the originals of revisits, and the targets of redirects. The URLs come from the replay rewriters
// themselves (ArchiveTarget.seen), so the export packs exactly what a replay of the page would ask for.
import { declaredCharset } from '../decode/charset.js';
import { resolve } from '../replay/resolve.js';
import { rewriteCss } from '../replay/css.js';
import { rewriteHtml } from '../replay/html.js';
import { capturesOfUrl, resolveRevisit, search } from '../search/index.js';
import type { Collection, StoredCapture } from '../store/index.js';
import type { ArchiveFile } from '../warc/types.js';
import { CodedError } from '../../shared/errors.js';
import type { WaczExportRequest } from '../../shared/api-export.js';

export type WaczSelection =
  | { query: string; limit?: number }
  | { url: string; at?: string }
  | { host: string; from?: string; to?: string }
  | { captureIds: number[] };

/** A selection as a person names it (CLI flags, API arguments): exactly one of query, url, host or captureIds; the
 *  API's request with its query spelled out. */
export type SelectionArgs = Omit<WaczExportRequest, 'collection' | 'title' | 'q'> & { query?: string };

/** The selection the arguments name; CodedError('bad-request') saying what is wrong with them. */
export function selectionOf(a: SelectionArgs): WaczSelection {
  const given = [a.query, a.url, a.host].filter((v) => v !== undefined);
  // Picked captures come from the UI only (the CLI names no ids), so the usual message keeps to what the CLI offers.
  if (a.captureIds !== undefined) {
    if (given.length) throw new CodedError('bad-request', 'Picked captures are exported alone: give no query, URL or host with them.');
    if (a.captureIds.length === 0) throw new CodedError('bad-request', 'Select at least one capture to export.');
    return { captureIds: a.captureIds };
  }
  if (given.length !== 1) throw new CodedError('bad-request', 'Give exactly one of a query, a URL or a host to export.');
  for (const t of [a.at, a.from, a.to])
    if (t !== undefined && !/^\d{1,14}$/.test(t)) throw new CodedError('bad-request', `“${t}” is not a time: 1 to 14 digits (yyyyMMddhhmmss).`);
  if (a.limit !== undefined && !(Number.isInteger(a.limit) && a.limit > 0)) throw new CodedError('bad-request', 'The limit is a positive whole number.');
  if (a.query !== undefined) return { query: a.query, limit: a.limit };
  if (a.url !== undefined) return { url: a.url, at: a.at };
  return { host: a.host!, from: a.from, to: a.to };
}

export interface SelectOptions {
  /** Reads a capture's record (the export's open archives). */
  record(c: StoredCapture): ReturnType<ArchiveFile['readRecord']>;
  /** Add each page's resources (default true). */
  resources?: boolean;
  /** Called after each page with the counts so far; may throw to stop (cancellation). */
  onPage?(pagesDone: number, pagesTotal: number): void | Promise<void>;
}

export interface Selected {
  /** Capture ids to copy, each once, in the order found. */
  captures: number[];
  /** The page captures (the selection's HTML documents), for pages.jsonl and the citations. */
  pages: StoredCapture[];
  /** Resource URLs a page referenced that the collection cannot answer (reported, not fatal). */
  missing: number;
}

/** Resources followed per page at most: a page with more (a gallery of thousands) keeps its first ones. */
export const RESOURCES_PER_PAGE = 1000;
/** Redirect hops followed from one URL. */
const REDIRECT_HOPS = 5;
/** A stylesheet or page larger than this is not parsed for URLs (it is still exported). */
const PARSE_MAX = 8 * 1024 * 1024;
/** Search results a query export takes by default. */
export const QUERY_LIMIT_DEFAULT = 1000;
/** Search results a query export asks for at a time. */
const QUERY_PAGE = 100;

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const isHtml = (c: StoredCapture) => c.mime !== null && HTML_TYPES.has(c.mime);
const isCss = (c: StoredCapture) => c.mime === 'text/css';
/** A target that never serves, so the rewriters' output is thrown away: only their discovery is wanted. */
const DISCOVER = { prefix: 'http://discover.invalid/x', ts: '0', flag: '' as const };

/** The captures a selection names, before any resource is added, read from one snapshot of the collection
 *  (Collection.snapshot): a query's pages of hits agree with each other while an ingest commits, and its searches
 *  never meet a bulk load's schema change half made. */
export function selectionCaptures(coll: Collection, sel: WaczSelection): StoredCapture[] {
  return coll.snapshot(() => capturesNamed(coll, sel));
}

function capturesNamed(coll: Collection, sel: WaczSelection): StoredCapture[] {
  if ('query' in sel) {
    const out: StoredCapture[] = [];
    const want = sel.limit ?? QUERY_LIMIT_DEFAULT;
    while (out.length < want) {
      // Relevance pages hold every hit once, in the order of one big page (search/index.ts, consistent paging): over
      // `limit` matches the export keeps the best-ranked, as the search shows them.
      const asked = Math.min(QUERY_PAGE, want - out.length);
      const hits = search(coll, sel.query, { limit: asked, offset: out.length }).hits;
      out.push(...hits.map((h) => h.capture));
      if (hits.length < asked) break;
    }
    return out;
  }
  if ('url' in sel) {
    const r = resolve(coll, sel.url, sel.at ?? '99991231235959');
    return r.capture ? [r.capture] : [];
  }
  if ('host' in sel) {
    const from = (sel.from ?? '').padEnd(14, '0');
    const to = (sel.to ?? '99991231235959').padEnd(14, '9');
    // A host as typed (example.com) or a URL of it, as the captures view's host lookup takes either.
    const url = sel.host.includes('://') ? sel.host : `http://${sel.host}/`;
    return capturesOfUrl(coll, url, { match: 'host' }).filter(
      (c) => c.type !== 'request' && c.timestamp !== null && c.timestamp >= from && c.timestamp <= to,
    );
  }
  const ids = [...new Set(sel.captureIds)];
  const picked = ids.map((id) => coll.capture(id));
  // A picked id the collection lacks comes from a stale list (the collection was rebuilt since): say so rather than
  // export less than was picked.
  const lacking = ids.filter((_, i) => picked[i] === undefined);
  if (lacking.length) throw new CodedError('record-not-found', `No capture ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''} in this collection.`);
  return picked as StoredCapture[];
}

/** Every URL a replay of this HTML or CSS record would fetch, as the rewriters resolve them. */
export function referencedUrls(c: StoredCapture, record: ReturnType<ArchiveFile['readRecord']>): string[] {
  const found = new Set<string>();
  const target = { ...DISCOVER, seen: (u: string, kind: 'load' | 'link') => void (kind === 'load' && found.add(u)) };
  const { bytes } = record.payloadUpTo(PARSE_MAX);
  const contentType = record.http()?.headers.get('content-type') ?? undefined;
  if (isCss(c)) rewriteCss(bytes.toString('utf8'), target, c.uri ?? '');
  else {
    const charset = declaredCharset(bytes, contentType)?.charset ?? 'utf-8';
    // Scripts on: their src is what a replay with scripts (js_) loads, and the rewriter drops it with scripts off.
    rewriteHtml(bytes, { target, url: c.uri ?? '', charset, scripts: true, nonce: null });
  }
  found.delete(c.uri ?? '');
  return [...found].filter((u) => /^https?:/i.test(u));
}

/** The selection with what its pages need; ids only, so a large subset costs a few bytes a record. */
export async function selectForExport(coll: Collection, sel: WaczSelection, o: SelectOptions): Promise<Selected> {
  const ids = new Set<number>();
  const order: number[] = [];
  let missing = 0;
  const add = (c: StoredCapture | null): boolean => {
    if (!c || ids.has(c.id)) return false;
    ids.add(c.id);
    order.push(c.id);
    return true;
  };
  /** A capture, the original of a revisit, and a redirect's target (at the same time), hop by hop. */
  const addServed = (c: StoredCapture, at: string): StoredCapture | null => {
    let cur: StoredCapture | null = c;
    let payload: StoredCapture | null = null;
    for (let hop = 0; cur && hop <= REDIRECT_HOPS; hop++) {
      add(cur);
      payload = resolveRevisit(coll, cur);
      add(payload);
      if (!payload || payload.status === null || payload.status < 300 || payload.status >= 400) break;
      const location = safeLocation(o.record(payload), cur.uri ?? '');
      if (!location) break;
      const next = resolve(coll, location, at, { exclude: ids });
      cur = next.capture;
      if (!cur) missing++;
    }
    return payload;
  };

  const chosen = selectionCaptures(coll, sel);
  const pages = chosen.filter(isHtml);
  let done = 0;
  for (const c of chosen) {
    const at = c.timestamp ?? '99991231235959';
    const payload = addServed(c, at);
    if (o.resources !== false && payload && isHtml(payload)) {
      let budget = RESOURCES_PER_PAGE;
      const queue = [...tryUrls(payload, o)];
      for (let i = 0; i < queue.length && budget > 0; i++, budget--) {
        const r = resolve(coll, queue[i], at);
        if (!r.capture) {
          missing++;
          continue;
        }
        const fresh = !ids.has(r.capture.id);
        const served = addServed(r.capture, at);
        // A stylesheet's own URLs (fonts, images, @import) are the page's too; an iframe's document is a page.
        if (fresh && served && (isCss(served) || isHtml(served))) queue.push(...tryUrls(served, o).filter((u) => !queue.includes(u)));
      }
    }
    if (isHtml(c)) await o.onPage?.(++done, pages.length);
  }
  return { captures: order, pages, missing };
}

function tryUrls(c: StoredCapture, o: SelectOptions): string[] {
  try {
    return referencedUrls(c, o.record(c));
  } catch {
    return []; // an unreadable record is still exported; the copy reports it
  }
}

function safeLocation(record: ReturnType<ArchiveFile['readRecord']>, base: string): string | null {
  try {
    const loc = record.http()?.headers.get('location');
    return loc ? new URL(loc, base).href : null;
  } catch {
    return null;
  }
}
