// Replay in the desktop shell. An archived page runs in its own in-memory session partition, inside a
// WebContentsView that has no preload and no Node, and every request it makes is answered by the engine's replay
// server (a loopback origin the engine runs in both modes) or refused: never by the live web.
//
// Why a WebContentsView and not a <webview>: the view is created and configured by this process alone, so the
// renderer can never choose its partition or its webPreferences; a <webview> would need webviewTag on the app's own
// window (any page there could then make guests) and is the tag Electron's documentation advises against.
//
// protocol.handle takes over http and https for the partition, but some traffic never reaches a protocol handler:
// WebSockets, preconnect and DNS prefetch, WebRTC's UDP, the spellchecker's dictionary download, service workers. Each
// is closed below on its own; and the partition is proxied to a loopback port that drops every connection, so
// whatever still slips past goes nowhere (and is counted).
//
// Every decision is a plain function, tested without Electron (which cannot run in CI): Session and WebContents are
// described by the few methods used, which Electron's classes satisfy.
import { createServer, type Socket } from 'node:net';
import type { ReplaySlot } from '../shared/api.js';
import type { ShellBlockReport } from '../shared/replay.js';
import { denyAllPermissions, type PermissionSession } from './shell.js';

/** No "persist:" prefix: the partition lives in memory, so nothing an archived page stores outlives the app. */
export const REPLAY_PARTITION = 'archivestream-replay';

export type ReplayRequestDecision = { kind: 'serve'; target: string } | { kind: 'block'; reason: string };

/** What a decision looks at: the URL, and the request's headers where there are any (a service worker's script
 *  fetch is told apart only by its `Service-Worker: script` header). */
export interface RequestFacts {
  url: string;
  headers?: { get(name: string): string | null };
}

/** Where a request of the replay view goes: to the engine's replay server when it is on the replay origin, else
 *  nowhere. Rewriting already points every archived URL at the replay origin, so anything else is a leak that the
 *  rewriting missed, and is refused rather than looked up: what cannot be rewritten shows as broken, as in browser
 *  mode, where the Content-Security-Policy refuses it. The engine's API origin is refused like any other. */
export function replayRequestDecision(request: RequestFacts | string, replayOrigin: string): ReplayRequestDecision {
  const { url, headers } = typeof request === 'string' ? { url: request, headers: undefined } : request;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'block', reason: 'not a URL' };
  }
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return { kind: 'block', reason: 'WebSocket (replay opens no live connections)' };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { kind: 'block', reason: `${parsed.protocol} URL` };
  if (parsed.origin !== replayOrigin) return { kind: 'block', reason: `outside the archive (${parsed.origin})` };
  // Registering a worker needs its script fetched with this header; refusing the fetch makes the registration fail.
  if (headers?.get('service-worker') === 'script') return { kind: 'block', reason: 'service worker' };
  return { kind: 'serve', target: parsed.href };
}

/** The webRequest filter's answer (cancel, and why, or null to let it on to the protocol handler): the same decision,
 *  except for URLs that never touch the network (data:, blob:, about:), which pages use for inline images and
 *  frames. webRequest is the layer that sees WebSockets, which protocol.handle never does. */
export function cancelReason(request: RequestFacts, replayOrigin: string): string | null {
  if (/^(data|blob|about):/i.test(request.url)) return null;
  const d = replayRequestDecision(request, replayOrigin);
  return d.kind === 'block' ? d.reason : null;
}

/** Request headers passed on to the replay server: what content negotiation, Range requests and the ledger (which
 *  page asked: Referer, Sec-Fetch-Dest) need. Cookies and anything else the partition would add stay behind. */
const FORWARDED_REQUEST_HEADERS = [
  'accept', 'accept-language', 'content-type', 'if-range', 'range', 'referer', 'sec-fetch-dest', 'sec-fetch-mode',
  'sec-fetch-site', 'user-agent',
];

export function forwardedRequestHeaders(headers: { get(name: string): string | null }): Headers {
  const out = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = headers.get(name);
    if (v !== null) out.set(name, v);
  }
  return out;
}

/** Response headers handed to the view: Node's fetch has already decoded any Content-Encoding, so that header and the
 *  length that went with it would make Chromium decode (and cut) a second time; hop-by-hop headers and cookies end
 *  here. Everything else (the server's Content-Security-Policy first of all) passes unchanged. */
const DROPPED_RESPONSE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie']);

export function servedResponseHeaders(headers: Headers): Headers {
  const out = new Headers();
  headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) out.append(name, value);
  });
  return out;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function plainResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': "default-src 'none'", 'cache-control': 'no-store' },
  });
}

export interface ReplayProtocolOptions {
  replayOrigin: string;
  /** How the replay server is reached: Node's fetch by default, which goes straight to the loopback port and knows
   *  nothing of the partition's proxy or protocol handlers. */
  fetch?: typeof fetch;
  onBlocked?: (url: string, reason: string) => void;
}

/** The handler protocol.handle runs for http and https in the replay partition. A refused request gets a 403 that
 *  says why; an unreachable replay server a 502; never a fetch of the request's own URL. Redirects come back as
 *  they are (archived 3xx are served as archived; their Location already points into the archive). */
export function replayProtocolHandler(opts: ReplayProtocolOptions): (request: Request) => Promise<Response> {
  const fetchUpstream = opts.fetch ?? fetch;
  return async (request) => {
    const decision = replayRequestDecision({ url: request.url, headers: request.headers }, opts.replayOrigin);
    if (decision.kind === 'block') {
      opts.onBlocked?.(request.url, decision.reason);
      return plainResponse(403, `Blocked by ArchiveStream replay (desktop shell): ${decision.reason}.`);
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
    let upstream: Response;
    try {
      upstream = await fetchUpstream(decision.target, {
        method: request.method,
        headers: forwardedRequestHeaders(request.headers),
        redirect: 'manual',
        ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      return plainResponse(502, `The engine's replay server did not answer: ${(e as Error).message}`);
    }
    return new Response(NULL_BODY_STATUS.has(upstream.status) ? null : upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: servedResponseHeaders(upstream.headers),
    });
  };
}

/** Chromium switches for the whole app, set before it is ready: no host name resolves, but localhost (where the
 *  development UI is served) and 127.0.0.1 (the replay server; the rule would catch IP literals too). The app's own
 *  pages load from disk and talk to the engine over IPC, and the replay partition answers from the replay server's
 *  IP literal, so nothing needs DNS; with no resolver, a DNS prefetch or a preconnect that some page slips past the
 *  rewriting, the CSP and the dead proxy still cannot tell the network which host it wanted. */
export function offlineSwitches(): Array<[string, string]> {
  return [['host-resolver-rules', 'MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1']];
}

/** The proxy that the partition's network stack is sent to: a loopback port that drops every connection, loopback
 *  itself included ('<-loopback>' undoes Chromium's implicit bypass of localhost). */
export function deadProxyConfig(port: number) {
  return { mode: 'fixed_servers' as const, proxyRules: `127.0.0.1:${port}`, proxyBypassRules: '<-loopback>' };
}

/** A loopback port that accepts and at once drops every connection, reporting each: the dead end for the partition's
 *  proxy and spellchecker downloads. Held by this process, so no other program can take the port and listen. */
export async function listenDeadPort(onAttempt: () => void = () => {}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket: Socket) => {
    onAttempt();
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('dead port: no TCP address');
  return {
    port: address.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port free at the moment, for the engine's replay origin (--replay-port). The shell picks it once, so
 *  that an engine restarted after a crash serves the same origin: the partition's handler and the views' addresses
 *  stay right. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = await listenDeadPort();
  await probe.close();
  return probe.port;
}

type Callback<T> = (response: T) => void;

/** The part of Electron's Session that hardening uses. */
export interface ReplaySession extends PermissionSession {
  protocol: { handle(scheme: string, handler: (request: Request) => Promise<Response>): void };
  setProxy(config: ReturnType<typeof deadProxyConfig>): Promise<void>;
  setSpellCheckerEnabled(enable: boolean): void;
  setSpellCheckerDictionaryDownloadURL(url: string): void;
  setPreloads(preloads: string[]): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: Callback<{ cancel?: boolean }>) => void): void;
    onBeforeSendHeaders(
      filter: { urls: string[] },
      listener: (details: { url: string; requestHeaders: Record<string, string> }, callback: Callback<{ cancel?: boolean }>) => void,
    ): void;
  };
  serviceWorkers: { on(event: 'registration-completed', listener: (event: unknown, details: { scope: string }) => void): unknown };
  clearStorageData(options: { storages: Array<'serviceworkers' | 'cachestorage'> }): Promise<void>;
  on(event: 'will-download', listener: (event: { preventDefault(): void }, item: { getURL(): string }) => void): unknown;
}

export interface HardeningOptions extends ReplayProtocolOptions {
  /** A port from listenDeadPort. */
  deadPort: number;
}

/** Closes the replay partition to everything but the replay server. */
export async function partitionHardening(ses: ReplaySession, opts: HardeningOptions): Promise<void> {
  const blocked = (url: string, reason: string) => opts.onBlocked?.(url, reason);
  await ses.setProxy(deadProxyConfig(opts.deadPort));
  const handler = replayProtocolHandler(opts);
  ses.protocol.handle('http', handler);
  ses.protocol.handle('https', handler);
  // Before the protocol handler, and the only layer that sees WebSockets: cancelled requests never start.
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const reason = cancelReason(details, opts.replayOrigin);
    if (reason) blocked(details.url, reason);
    callback({ cancel: reason !== null });
  });
  ses.webRequest.onBeforeSendHeaders({ urls: ['<all_urls>'] }, (details, callback) => {
    const headers = new Headers(details.requestHeaders);
    const reason = cancelReason({ url: details.url, headers }, opts.replayOrigin);
    if (reason) blocked(details.url, reason);
    callback({ cancel: reason !== null });
  });
  // Should a worker get registered all the same, it is wiped at once, with the caches it could answer from.
  ses.serviceWorkers.on('registration-completed', (_event, details) => {
    blocked(details.scope, 'service worker');
    void ses.clearStorageData({ storages: ['serviceworkers', 'cachestorage'] });
  });
  ses.setSpellCheckerEnabled(false);
  ses.setSpellCheckerDictionaryDownloadURL(`http://127.0.0.1:${opts.deadPort}/`);
  ses.setPreloads([]);
  denyAllPermissions(ses);
  // A download writes an archived file to the user's disk unasked; the record viewer's export is the way to save one.
  ses.on('will-download', (event, item) => {
    blocked(item.getURL(), 'download');
    event.preventDefault();
  });
}

/** Options for `new WebContentsView(...)`: no preload, no Node anywhere, sandboxed, the replay partition. JavaScript
 *  stays on: whether archived scripts run is the replay server's Content-Security-Policy's call (the helper script it
 *  injects always runs). */
export function replayViewOptions() {
  return {
    webPreferences: {
      partition: REPLAY_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  } as const;
}

type Guarded = { url: string; preventDefault(): void };

/** The part of Electron's WebContents that hardening uses. */
export interface ReplayWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  setWebRTCIPHandlingPolicy(policy: 'disable_non_proxied_udp'): void;
  on(event: 'will-frame-navigate' | 'will-redirect', listener: (details: Guarded) => void): unknown;
}

/** The view cannot open windows, its frames navigate only within the archive, and WebRTC sends no UDP except
 *  through the (dead) proxy, so it cannot reveal or reach a network address. */
export function viewHardening(wc: ReplayWebContents, replayOrigin: string, onBlocked?: (url: string, reason: string) => void): void {
  wc.setWindowOpenHandler(({ url }) => {
    onBlocked?.(url, 'new window');
    return { action: 'deny' };
  });
  wc.setWebRTCIPHandlingPolicy('disable_non_proxied_udp');
  const guard = (details: Guarded) => {
    const d = replayRequestDecision(details.url, replayOrigin);
    if (d.kind === 'serve') return;
    onBlocked?.(details.url, `${d.reason}, navigation`);
    details.preventDefault();
  };
  wc.on('will-frame-navigate', guard);
  wc.on('will-redirect', guard);
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The slot a request names ('primary' when none): anything else is refused (null). */
export function replaySlot(slot: unknown): ReplaySlot | null {
  if (slot === undefined) return 'primary';
  return slot === 'primary' || slot === 'secondary' ? slot : null;
}

/** What the renderer asks a replay view to show, checked: a slot, a URL on the replay origin and a rectangle of whole
 *  pixels inside the window. Anything else is refused (null), so the app's own page cannot point a view at the web. */
export function replayViewRequest(
  url: unknown,
  bounds: unknown,
  replayOrigin: string,
  windowSize: { width: number; height: number },
  slot?: unknown,
): { url: string; bounds: Bounds; slot: ReplaySlot } | null {
  const s = replaySlot(slot);
  if (typeof url !== 'string' || !s) return null;
  const d = replayRequestDecision(url, replayOrigin);
  if (d.kind !== 'serve' || !bounds || typeof bounds !== 'object') return null;
  const b = bounds as Record<string, unknown>;
  const px = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : NaN);
  const x = Math.max(0, px(b.x));
  const y = Math.max(0, px(b.y));
  const width = Math.min(px(b.width), windowSize.width - x);
  const height = Math.min(px(b.height), windowSize.height - y);
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return null;
  return { url: d.target, bounds: { x, y, width, height }, slot: s };
}

/** What the shell refused, as the report the replay server's ledger takes from the shell (SHELL_REPORT_PATH): the
 *  ledger then lists it as 'electron:<reason>', beside what the page's CSP stopped. */
export function blockReport(documentUrl: string, blockedUrl: string, reason: string): string {
  const report: ShellBlockReport = { documentUrl, blockedUrl, reason };
  return JSON.stringify(report);
}
