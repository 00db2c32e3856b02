// The replay origin: a node:http server on 127.0.0.1, on a port of its own, that answers only the replay address
// scheme (urls.ts) from the collections, read-only. It is never the UI/API origin and never sees the API token, so an
// archived script that runs here can reach nothing of the engine: the API is another origin, and the page's
// Content-Security-Policy (set by the response builder) keeps its connections on this one.
//
// Every request is written to a provenance ledger of the page view it belongs to: what was served and from which
// record, and what was refused (anything outside the scheme, another Host, a method other than GET/HEAD, workers,
// WebSockets), with what the browser, the helper script or the desktop shell stopped and reported (CSP violations,
// navigations out, what the shell's partition refused).
import { annotate, withSpan, withTraceparent } from '../telemetry/index.js';
import { TRACEPARENT } from '../../shared/telemetry.js';
import { engineMetrics } from '../telemetry/metrics.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Collection } from '../store/index.js';
import { FRAME_SCRIPT, HELPER_REPORTS } from './frame.js';
import { replayResponse } from './index.js';
import { blockedEntry, dropEntry, servedEntry } from './ledger.js';
import type { LedgerEntry, ReplayFlag } from './types.js';
import { BLOCKED_REPORT_PATH, CSP_REPORT_PATH, FRAME_SCRIPT_PATH, parseReplayPath, replayPath, type ReplayAddress } from './urls.js';
import { readBody } from '../http-body.js';
import { SHELL_REPORT_PATH, type ShellBlockReport } from '../../shared/replay.js';

/** Page views whose ledger is kept: the ones a person is looking at, and a few before (the side-by-side view shows
 *  two; stepping through captures makes one a step). */
const VIEWS_MAX = 64;
/** Entries a view keeps; a page that asks for more (an endless scroll with scripts on) is cut here, and says so. */
const ENTRIES_MAX = 5000;
/** Replay addresses remembered as the Referer of later requests (documents, frames, stylesheets). */
const REFERERS_MAX = 4096;
const REPORT_MAX = 64 * 1024;
/** The headers the server sets on every replayed response (below), in place of any the builder gave. */
const TRANSPORT_HEADERS = new Set(['cache-control', 'referrer-policy']);

export interface ReplayServerOptions {
  /** Opens a collection by its name, read-only; throws an error with a `code` (e.g. 'collection-not-found') when it
   *  cannot. The server does not close what it returns: the opener owns the handles. */
  openCollection(name: string): Collection;
  port?: number;
}

/** One page as a browser showed it: the top-level document and everything asked for on its behalf. */
export interface PageView {
  /** Numbered in the order views start. */
  id: number;
  collection: string;
  /** The timestamp of the replay address, as asked (1-14 digits). */
  at: string;
  flag: ReplayFlag;
  url: string;
  /** The capture that answered the document (null for a miss). */
  captureTime: string | null;
  entries: LedgerEntry[];
  /** Entries not kept because the view reached ENTRIES_MAX. */
  dropped: number;
}

export interface ReplayServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  server: Server;
  /** The newest view of `url` in `collection` at `at` (a prefix of the time in its address, or of the served
   *  capture's time), or null when no browser has shown that page since the server started (or the view fell out). */
  pageView(collection: string, at: string, url: string): PageView | null;
  /** The ledger of that view: [] when there is none. */
  ledgerFor(collection: string, at: string, url: string): LedgerEntry[];
  close(): Promise<void>;
}

/** A refusal is plain text that may load nothing, shown where the refused page would have been. */
function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(`ArchiveStream replay: ${message}\n`);
}

interface CspViolation {
  documentUrl: string;
  blockedUrl: string;
  directive: string;
}

/** A report of the desktop shell (src/main/replay.ts), or null when the body is not one. */
export function shellBlock(body: string): ShellBlockReport | null {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return null;
  }
  const r = data as Partial<Record<keyof ShellBlockReport, unknown>> | null;
  if (!r || typeof r.blockedUrl !== 'string' || typeof r.reason !== 'string') return null;
  return { documentUrl: typeof r.documentUrl === 'string' ? r.documentUrl : '', blockedUrl: r.blockedUrl, reason: r.reason };
}

/** Both report formats Chromium sends: report-uri's {"csp-report": {...}} and the Reporting API's
 *  [{type: 'csp-violation', body: {...}}]. Anything else is ignored. */
export function cspViolations(body: string): CspViolation[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [];
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const out: CspViolation[] = [];
  const legacy = (data as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'];
  if (legacy && typeof legacy === 'object') {
    out.push({
      documentUrl: str(legacy['document-uri']),
      blockedUrl: str(legacy['blocked-uri']),
      directive: str(legacy['effective-directive']) || str(legacy['violated-directive']).split(' ')[0],
    });
  }
  if (Array.isArray(data)) {
    for (const r of data as Array<{ type?: unknown; body?: Record<string, unknown> }>) {
      if (r?.type !== 'csp-violation' || !r.body) continue;
      out.push({ documentUrl: str(r.body.documentURL), blockedUrl: str(r.body.blockedURL), directive: str(r.body.effectiveDirective) });
    }
  }
  return out;
}

export async function startReplayServer(opts: ReplayServerOptions): Promise<ReplayServer> {
  // Which page view a request belongs to. Chosen: the Referer chain, not a page-view id in every address. An id
  // would have to be written into every rewritten URL (so the same resource would have a different address in each
  // view, and a pasted or reloaded address would start no view or a wrong one); the Referer costs the pages nothing:
  // a document's subresources carry the document's address, a stylesheet's images and imports carry the
  // stylesheet's. A navigation (Sec-Fetch-Dest: document, or a frame the user opened) starts a view; anything else
  // joins the view of its Referer. A request with no Referer we know (a page that set no-referrer) joins the newest
  // view of its collection: the page being looked at.
  const views = new Map<number, PageView>(); // insertion order = LRU order
  const referers = new Map<string, PageView>(); // replay path (as replayPath writes it) -> the view that asked for it
  let nextView = 1;
  let origin = '';

  function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > max) map.delete(map.keys().next().value!);
  }

  function newestView(collection: string | null): PageView | null {
    for (const v of [...views.values()].reverse()) if (collection === null || v.collection === collection) return v;
    return null;
  }

  /** The replay address a Referer (or a CSP report's document) stands for, as a key of `referers`: an address of
   *  this origin, or (Electron, where the view loads archived URLs and the shell forwards them here) an archived URL,
   *  taken at the time and flag of the request it came with. */
  function refererKey(referer: string | undefined, request: ReplayAddress | null): string | null {
    if (!referer) return null;
    if (referer.startsWith(origin + '/')) {
      const p = parseReplayPath(referer.slice(origin.length));
      return p ? replayPath(p) : null;
    }
    return request && /^https?:\/\//i.test(referer) ? replayPath({ ...request, url: referer }) : null;
  }

  /** The live view a Referer stands for (one that fell out of `views` keeps no more entries). */
  function refererView(key: string | null): PageView | undefined {
    const view = key === null ? undefined : referers.get(key);
    return view && views.get(view.id) === view ? view : undefined;
  }

  function viewOf(req: IncomingMessage, address: ReplayAddress | null): PageView | null {
    return refererView(refererKey(req.headers.referer, address)) ?? newestView(address?.collection ?? null);
  }

  function startView(a: ReplayAddress): PageView {
    const view: PageView = { id: nextView++, collection: a.collection, at: a.ts, flag: a.flag, url: a.url, captureTime: null, entries: [], dropped: 0 };
    remember(views, view.id, view, VIEWS_MAX);
    return view;
  }

  function record(view: PageView | null, entry: LedgerEntry): void {
    if (!view) return; // a refusal before any page was shown: there is no ledger to write it to
    if (view.entries.length < ENTRIES_MAX) view.entries.push(entry);
    else view.dropped++;
  }

  /** A navigation starts a page view: a top-level document, or a frame that is not one of a known page's own (the
   *  UI's replay frame: its Referer is the UI, if any; or a link the user followed inside a frame). */
  function startsView(req: IncomingMessage, address: ReplayAddress): boolean {
    const dest = req.headers['sec-fetch-dest'];
    if (dest === 'document') return true;
    if (dest === 'iframe' || dest === 'frame') {
      return req.headers['sec-fetch-user'] === '?1' || !refererView(refererKey(req.headers.referer, address));
    }
    // No fetch metadata (an older client, or a shell that does not forward it): a request with no Referer at all is
    // taken as a page someone opened.
    return dest === undefined && !req.headers.referer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const asked = `${origin}${path}`;
    // Only this origin's own name: a page's request for any other host that reaches this port (a resolver that maps
    // it here, DNS rebinding) is refused, and shows as blocked.
    const port = (server.address() as AddressInfo).port;
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      record(viewOf(req, null), blockedEntry(`http://${host}${path}`, `outside archive: host ${host || '(none)'}`));
      return refuse(res, 421, `not a replay host: ${host}`);
    }

    if (path === FRAME_SCRIPT_PATH) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      return void res.end(req.method === 'HEAD' ? undefined : FRAME_SCRIPT);
    }

    if (path === CSP_REPORT_PATH) {
      if (req.method !== 'POST') return refuse(res, 405, 'POST only');
      for (const v of cspViolations(await readBody(req, REPORT_MAX))) {
        const view = refererView(refererKey(v.documentUrl, null)) ?? viewOf(req, null);
        record(view, blockedEntry(v.blockedUrl || '(unknown)', `csp:${v.directive || 'unknown'}`));
      }
      res.writeHead(204, { 'cache-control': 'no-store' });
      return void res.end();
    }

    if (path === SHELL_REPORT_PATH) {
      // What the shell refused before it reached this server (it never reaches it: that is the point).
      if (req.method !== 'POST') return refuse(res, 405, 'POST only');
      const r = shellBlock(await readBody(req, REPORT_MAX));
      if (!r) return refuse(res, 400, 'not a shell report: {"documentUrl", "blockedUrl", "reason"} expected');
      const view = refererView(refererKey(r.documentUrl, null)) ?? viewOf(req, null);
      record(view, blockedEntry(r.blockedUrl || '(unknown)', `electron:${r.reason}`));
      res.writeHead(204, { 'cache-control': 'no-store' });
      return void res.end();
    }

    if (path.startsWith(`${BLOCKED_REPORT_PATH}?`)) {
      // The helper script stopped a navigation out of the archive (frame.ts says why it is needed).
      const query = new URLSearchParams(path.slice(BLOCKED_REPORT_PATH.length + 1));
      const said = query.get('what') ?? '';
      const what = HELPER_REPORTS.has(said) ? said : 'unknown';
      record(viewOf(req, null), blockedEntry(query.get('url') ?? '(unknown)', `helper:${what}`));
      res.writeHead(204, { 'cache-control': 'no-store' });
      return void res.end();
    }

    const address = parseReplayPath(path);
    if (!address) {
      // A root-relative URL the rewriting missed, a script's fetch('/api/...'): not in the archive's address space.
      record(viewOf(req, null), blockedEntry(asked, 'outside archive: not a replay address'));
      return refuse(res, 404, `not a replay address: ${path}`);
    }

    // A request that belongs to no view we know (the first one after a restart, say) is a view of its own.
    const view = (startsView(req, address) ? null : viewOf(req, address)) ?? startView(address);
    remember(referers, replayPath(address), view, REFERERS_MAX);

    const dest = req.headers['sec-fetch-dest'];
    if (dest === 'serviceworker' || dest === 'sharedworker' || dest === 'worker') {
      // A worker takes its policy from its own script's response, not from the page, so a worker started from an
      // archived script would not be held by the page's connect-src; a service worker would also outlive the page
      // and answer later replays itself. None is started.
      record(view, blockedEntry(address.url, `${dest} not replayed`));
      return refuse(res, 403, `a ${dest} is not replayed`);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A form post or a script's POST: the archive holds responses to GETs; answering would invent one.
      record(view, blockedEntry(address.url, `method ${req.method ?? '?'} not replayed`));
      return refuse(res, 405, `${req.method} is not replayed: the archive answers GET and HEAD`);
    }

    let coll: Collection;
    try {
      coll = opts.openCollection(address.collection);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      record(view, blockedEntry(address.url, `no collection: ${message}`));
      return refuse(res, 404, message);
    }

    const started = performance.now();
    // A browser driven by a traced caller (the CLI's replay-ledger) sends its traceparent with every request, so the
    // page's requests join the caller's trace.
    const traceparent = req.headers[TRACEPARENT];
    const reply = await withTraceparent(typeof traceparent === 'string' ? traceparent : undefined, () => withSpan('replay.request', { collection: address.collection, flag: address.flag ?? '', 'url.host': hostOf(address.url) }, async () => {
      const r = await replayResponse(coll, {
        url: address.url,
        at: address.ts,
        flag: address.flag,
        range: req.headers.range,
        prefix: `${origin}/${encodeURIComponent(address.collection)}`,
      });
      annotate({ status: r.status });
      return r;
    }));
    engineMetrics().replayDuration.record((performance.now() - started) / 1000, { status: String(reply.status) });
    // Drift is measured from the page's own capture: the document's, which is the view's first answer.
    if (view.entries.length === 0 && view.url === address.url) view.captureTime = reply.resolution.capture?.timestamp ?? null;
    record(view, servedEntry(reply.resolution, reply.status, view.captureTime ?? view.at));
    for (const d of reply.drops) record(view, dropEntry(d));

    res.writeHead(reply.status, reply.statusText, [
      ...reply.headers.filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase())).flat(),
      // Transport only; the response builder owns what the page may do (CSP and the rest). Replayed bytes never
      // change, but a cached copy would be served without a request, and so without a ledger entry.
      'cache-control', 'no-store',
      'referrer-policy', 'same-origin',
    ]);
    const body = reply.body;
    if (body instanceof Uint8Array) return void res.end(req.method === 'HEAD' ? undefined : body);
    if (req.method === 'HEAD') {
      body.close();
      return void res.end();
    }
    // A payload sent as it is read: a client that goes away stops the reading, and a record that turns out
    // unreadable part way cuts the response short, which the client sees as an error.
    await pipeline(Readable.from(body), res).catch(() => body.close());
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, e instanceof Error ? e.message : 'internal error');
      else res.destroy();
    });
  });
  // A WebSocket (with scripts on, connect-src lets one reach this origin): the archive holds no conversation to
  // replay. The socket is closed unanswered.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    record(viewOf(req, null), blockedEntry(`ws://${req.headers.host ?? ''}${req.url ?? '/'}`, 'websocket not replayed'));
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function pageView(collection: string, at: string, url: string): PageView | null {
    for (const v of [...views.values()].reverse()) {
      if (v.collection !== collection || v.url !== url) continue;
      if (v.at.startsWith(at) || (v.captureTime !== null && v.captureTime.startsWith(at))) return v;
    }
    return null;
  }

  return {
    origin,
    server,
    pageView,
    ledgerFor: (collection, at, url) => [...(pageView(collection, at, url)?.entries ?? [])],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A URL's host for a span attribute (never the whole URL: paths and queries may say what the person read). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
