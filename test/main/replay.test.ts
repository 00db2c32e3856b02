// Replay in the desktop shell (issue 12, "Electron"), checked without Electron, whose binary cannot run here: every
// decision is a plain function, and the Session and WebContents they configure are stood in for by recording fakes
// (FakeSession below stands in for Electron's Session, FakeWebContents for its WebContents) that keep each handler
// the code registers, so the test can call it as Chromium would. The protocol handler runs against real loopback
// servers: one playing the engine's replay server, one a trap that must never be reached.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer } from '../../src/core/replay/server.js';
import { SHELL_REPORT_PATH } from '../../src/shared/replay.js';
import {
  blockReport,
  cancelReason,
  freeLoopbackPort,
  listenDeadPort,
  partitionHardening,
  REPLAY_PARTITION,
  replayProtocolHandler,
  replayRequestDecision,
  replayViewOptions,
  replayViewRequest,
  viewHardening,
  type ReplaySession,
} from '../../src/main/replay.js';
import { denyAllPermissions } from '../../src/main/shell.js';

async function listen(handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let replay: Awaited<ReturnType<typeof listen>>;
let trap: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  // Plays the engine's replay server: a page with its CSP, a gzip-encoded stylesheet, an archived redirect, a Range.
  replay = await listen((req, _body, res) => {
    if (req.url!.endsWith('/http://www.iana.org/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'", 'set-cookie': 'archived=1' });
      res.end('<title>IANA</title>');
    } else if (req.url!.endsWith('/_css/screen.css')) {
      const gz = gzipSync('body { color: red }');
      res.writeHead(200, { 'content-type': 'text/css', 'content-encoding': 'gzip', 'content-length': String(gz.length) });
      res.end(gz);
    } else if (req.url!.endsWith('/http://iana.org/')) {
      res.writeHead(301, { location: '/coll/20140126200624/http://www.iana.org/' });
      res.end();
    } else if (req.headers.range) {
      res.writeHead(206, { 'content-range': 'bytes 0-3/10', 'content-type': 'image/png' });
      res.end('\x89PNG');
    } else {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('not in this archive');
    }
  });
  trap = await listen((_req, _body, res) => res.end('trap'));
});

afterAll(async () => {
  await replay.close();
  await trap.close();
});

describe('replayRequestDecision', () => {
  const ORIGIN = 'http://127.0.0.1:40001';

  it('serves what is on the replay origin, from the replay server', () => {
    expect(replayRequestDecision(`${ORIGIN}/coll/2014js_/http://www.iana.org/?a=1`, ORIGIN)).toEqual({
      kind: 'serve',
      target: `${ORIGIN}/coll/2014js_/http://www.iana.org/?a=1`,
    });
    expect(replayRequestDecision(`${ORIGIN}/__as/csp-report`, ORIGIN).kind).toBe('serve');
  });

  it('refuses every other origin, the engine API on the next port and the same host over https included', () => {
    for (const url of ['http://www.iana.org/', 'https://www.iana.org/_css/x.css', 'http://127.0.0.1:40000/api/engine.info', 'https://127.0.0.1:40001/coll/2014/http://a/', 'http://localhost:40001/coll/2014/http://a/']) {
      const d = replayRequestDecision(url, ORIGIN);
      expect(d, url).toMatchObject({ kind: 'block', reason: expect.stringContaining('outside the archive') });
    }
  });

  it('refuses WebSockets, other schemes, garbage and service worker scripts', () => {
    expect(replayRequestDecision('ws://127.0.0.1:40001/socket', ORIGIN)).toMatchObject({ kind: 'block', reason: expect.stringContaining('WebSocket') });
    expect(replayRequestDecision('wss://echo.example/', ORIGIN)).toMatchObject({ kind: 'block', reason: expect.stringContaining('WebSocket') });
    expect(replayRequestDecision('file:///etc/passwd', ORIGIN)).toMatchObject({ kind: 'block', reason: 'file: URL' });
    expect(replayRequestDecision('not a url', ORIGIN).kind).toBe('block');
    const sw = { url: `${ORIGIN}/coll/2014js_/http://a/sw.js`, headers: new Headers({ 'service-worker': 'script' }) };
    expect(replayRequestDecision(sw, ORIGIN)).toEqual({ kind: 'block', reason: 'service worker' });
    expect(replayRequestDecision({ ...sw, headers: new Headers() }, ORIGIN).kind).toBe('serve');
  });

  it('lets the webRequest layer pass data:, blob: and about: URLs, which never touch the network', () => {
    expect(cancelReason({ url: 'data:image/png;base64,AAAA' }, ORIGIN)).toBeNull();
    expect(cancelReason({ url: `blob:${ORIGIN}/5b1c` }, ORIGIN)).toBeNull();
    expect(cancelReason({ url: 'about:blank' }, ORIGIN)).toBeNull();
    expect(cancelReason({ url: 'wss://x.example/' }, ORIGIN)).toMatch(/WebSocket/);
  });
});

describe('the protocol handler', () => {
  it('answers from the replay server: status, body and the server CSP; cookies stay behind both ways', async () => {
    const handler = replayProtocolHandler({ replayOrigin: replay.origin });
    const res = await handler(new Request(`${replay.origin}/coll/20140126200624/http://www.iana.org/`, { headers: { cookie: 'secret=1', referer: `${replay.origin}/coll/2014/http://a/` } }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<title>IANA</title>');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(res.headers.get('set-cookie')).toBeNull();
    const asked = replay.seen.at(-1)!;
    expect(asked.headers.cookie).toBeUndefined();
    expect(asked.headers.referer).toBe(`${replay.origin}/coll/2014/http://a/`);
  });

  it('hands a gzip-encoded body over decoded once, without the encoding header that would make Chromium decode it again', async () => {
    const res = await replayProtocolHandler({ replayOrigin: replay.origin })(new Request(`${replay.origin}/coll/2014/http://www.iana.org/_css/screen.css`));
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe('body { color: red }');
  });

  it('returns an archived redirect as it is, for Chromium to follow back through the handler', async () => {
    const res = await replayProtocolHandler({ replayOrigin: replay.origin })(new Request(`${replay.origin}/coll/2014/http://iana.org/`));
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/coll/20140126200624/http://www.iana.org/');
  });

  it('passes Range on, and a miss is the server 404 page', async () => {
    const handler = replayProtocolHandler({ replayOrigin: replay.origin });
    const part = await handler(new Request(`${replay.origin}/coll/2014id_/http://a/logo.png`, { headers: { range: 'bytes=0-3' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 0-3/10');
    const miss = await handler(new Request(`${replay.origin}/coll/2014/http://nowhere.example/`));
    expect(miss.status).toBe(404);
    expect(await miss.text()).toBe('not in this archive');
  });

  it('never fetches a refused URL: the trap server sees nothing, the page gets a 403 saying why', async () => {
    const blocked: string[] = [];
    const handler = replayProtocolHandler({ replayOrigin: replay.origin, onBlocked: (url, reason) => blocked.push(`${url} ${reason}`) });
    const before = trap.seen.length;
    for (const url of [`${trap.origin}/steal?c=1`, `${trap.origin.replace('http:', 'https:')}/`]) {
      const res = await handler(new Request(url, { method: 'POST', body: 'x' }));
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/^Blocked by ArchiveStream replay \(desktop shell\): outside the archive/);
    }
    expect(trap.seen.length).toBe(before);
    expect(blocked).toHaveLength(2);
  });

  it('answers 502 when the replay server is gone, and fetches nothing else instead', async () => {
    const dead = await listenDeadPort();
    const origin = `http://127.0.0.1:${dead.port}`;
    const res = await replayProtocolHandler({ replayOrigin: origin })(new Request(`${origin}/coll/2014/http://a/`));
    await dead.close();
    expect(res.status).toBe(502);
  });
});

/** Stands in for Electron's Session (which cannot run here): records each setting and keeps each handler. */
function fakeSession() {
  const calls: string[] = [];
  const handlers: Record<string, (...args: never[]) => unknown> = {};
  const keep = (name: string) => (...args: unknown[]) => {
    handlers[name] = args.at(-1) as never;
    calls.push(name);
  };
  const ses = {
    protocol: { handle: (scheme: string, h: never) => void ((handlers[`protocol:${scheme}`] = h), calls.push(`protocol:${scheme}`)) },
    setProxy: async (config: unknown) => void calls.push(`setProxy ${JSON.stringify(config)}`),
    setSpellCheckerEnabled: (on: boolean) => void calls.push(`spellchecker ${on}`),
    setSpellCheckerDictionaryDownloadURL: (url: string) => void calls.push(`dictionaries ${url}`),
    setPreloads: (p: string[]) => void calls.push(`preloads ${p.length}`),
    setPermissionRequestHandler: keep('permissionRequest'),
    setPermissionCheckHandler: keep('permissionCheck'),
    setDevicePermissionHandler: keep('devicePermission'),
    webRequest: { onBeforeRequest: keep('beforeRequest'), onBeforeSendHeaders: keep('beforeSendHeaders') },
    serviceWorkers: { on: keep('serviceWorkerRegistered') },
    clearStorageData: async (o: unknown) => void calls.push(`clear ${JSON.stringify(o)}`),
    on: keep('willDownload'),
  } satisfies ReplaySession;
  return { ses, calls, handlers };
}

describe('partitionHardening', () => {
  it('proxies the partition, loopback included, to the dead port, and sends dictionary downloads there too', async () => {
    const { ses, calls } = fakeSession();
    await partitionHardening(ses, { replayOrigin: replay.origin, deadPort: 9 });
    expect(calls).toContain('setProxy {"mode":"fixed_servers","proxyRules":"127.0.0.1:9","proxyBypassRules":"<-loopback>"}');
    expect(calls).toContain('spellchecker false');
    expect(calls).toContain('dictionaries http://127.0.0.1:9/');
    expect(calls).toContain('preloads 0');
  });

  it('answers http and https from the replay server through the protocol handler', async () => {
    const { ses, handlers } = fakeSession();
    await partitionHardening(ses, { replayOrigin: replay.origin, deadPort: 9 });
    for (const scheme of ['http', 'https']) {
      const handle = handlers[`protocol:${scheme}`] as unknown as (r: Request) => Promise<Response>;
      expect(await (await handle(new Request(`${replay.origin}/coll/2014/http://www.iana.org/`))).text()).toBe('<title>IANA</title>');
      expect((await handle(new Request('https://www.iana.org/'))).status).toBe(403);
    }
  });

  it('cancels WebSockets, other origins and service worker scripts before they start, and reports them', async () => {
    const blocked: string[] = [];
    const { ses, handlers } = fakeSession();
    await partitionHardening(ses, { replayOrigin: replay.origin, deadPort: 9, onBlocked: (url) => blocked.push(url) });
    const beforeRequest = handlers.beforeRequest as unknown as (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void;
    const cancelled = (url: string) => {
      let answer: boolean | undefined;
      beforeRequest({ url }, (r) => (answer = r.cancel));
      return answer;
    };
    expect(cancelled('ws://127.0.0.1:1234/live')).toBe(true);
    expect(cancelled('wss://push.example/')).toBe(true);
    expect(cancelled('https://fonts.example/a.woff')).toBe(true);
    expect(cancelled(`${replay.origin}/coll/2014/http://www.iana.org/`)).toBe(false);
    expect(cancelled('data:text/plain,hi')).toBe(false);
    const sendHeaders = handlers.beforeSendHeaders as unknown as (d: { url: string; requestHeaders: Record<string, string> }, cb: (r: { cancel?: boolean }) => void) => void;
    let sw: boolean | undefined;
    sendHeaders({ url: `${replay.origin}/coll/2014js_/http://a/sw.js`, requestHeaders: { 'Service-Worker': 'script' } }, (r) => (sw = r.cancel));
    expect(sw).toBe(true);
    expect(blocked).toEqual(['ws://127.0.0.1:1234/live', 'wss://push.example/', 'https://fonts.example/a.woff', `${replay.origin}/coll/2014js_/http://a/sw.js`]);
  });

  it('wipes a service worker that got registered anyway, and stops downloads', async () => {
    const { ses, calls, handlers } = fakeSession();
    await partitionHardening(ses, { replayOrigin: replay.origin, deadPort: 9 });
    (handlers.serviceWorkerRegistered as unknown as (e: unknown, d: { scope: string }) => void)({}, { scope: `${replay.origin}/` });
    expect(calls).toContain('clear {"storages":["serviceworkers","cachestorage"]}');
    let prevented = false;
    (handlers.willDownload as unknown as (e: { preventDefault(): void }, i: { getURL(): string }) => void)({ preventDefault: () => (prevented = true) }, { getURL: () => 'x' });
    expect(prevented).toBe(true);
  });

  it('denies every permission request and check, with the shell one deny-all function', async () => {
    for (const harden of [(s: ReplaySession) => partitionHardening(s, { replayOrigin: replay.origin, deadPort: 9 }), async (s: ReplaySession) => denyAllPermissions(s)]) {
      const { ses, handlers } = fakeSession();
      await harden(ses);
      const answers: boolean[] = [];
      const request = handlers.permissionRequest as unknown as (wc: unknown, p: string, cb: (g: boolean) => void) => void;
      for (const p of ['media', 'geolocation', 'notifications', 'display-capture', 'openExternal']) request(null, p, (g) => answers.push(g));
      const check = handlers.permissionCheck as unknown as (wc: unknown, p: string) => boolean;
      answers.push(check(null, 'media'), check(null, 'clipboard-read'));
      answers.push((handlers.devicePermission as unknown as (d: unknown) => boolean)({ deviceType: 'usb' }));
      expect(answers).toEqual([false, false, false, false, false, false, false, false]);
    }
  });
});

describe('the dead port', () => {
  it('drops each connection at once and counts it', async () => {
    let attempts = 0;
    const dead = await listenDeadPort(() => attempts++);
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(dead.port, '127.0.0.1', () => socket.write('GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n'));
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => {});
    });
    await dead.close();
    expect(closed).toBe('');
    expect(attempts).toBe(1);
  });
});

describe('the replay port', () => {
  it('is free to listen on once picked', async () => {
    const port = await freeLoopbackPort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    expect((server.address() as AddressInfo).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('the replay view', () => {
  it('has no preload, no Node, a sandbox and the replay partition', () => {
    const { webPreferences: p } = replayViewOptions();
    expect(p).not.toHaveProperty('preload');
    expect(p).toMatchObject({ partition: REPLAY_PARTITION, sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false });
    expect(REPLAY_PARTITION.startsWith('persist:')).toBe(false);
  });

  it('opens no windows, keeps WebRTC off UDP and its navigations in the archive', () => {
    const blocked: string[] = [];
    const listeners: Record<string, (d: { url: string; preventDefault(): void }) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    let policy = '';
    // Stands in for Electron's WebContents.
    const wc = {
      setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' }) => void (openHandler = h),
      setWebRTCIPHandlingPolicy: (p: string) => void (policy = p),
      on: (event: string, l: (d: { url: string; preventDefault(): void }) => void) => void (listeners[event] = l),
    };
    viewHardening(wc, replay.origin, (url, reason) => blocked.push(`${url} | ${reason}`));
    expect(openHandler!({ url: `${replay.origin}/coll/2014/http://a/` })).toEqual({ action: 'deny' });
    expect(policy).toBe('disable_non_proxied_udp');
    const navigate = (event: string, url: string) => {
      let prevented = false;
      listeners[event]!({ url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('will-frame-navigate', `${replay.origin}/coll/2014/http://www.iana.org/domains`)).toBe(false);
    expect(navigate('will-frame-navigate', 'https://www.iana.org/domains')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(navigate('will-frame-navigate', 'javascript:alert(1)')).toBe(true);
    expect(blocked).toHaveLength(4);
    expect(blocked[1]).toBe('https://www.iana.org/domains | outside the archive (https://www.iana.org), navigation');
  });

  it('shows only replay-origin URLs, in whole pixels inside the window, in one of two views', () => {
    const win = { width: 1200, height: 800 };
    const url = `${replay.origin}/coll/2014/http://www.iana.org/`;
    expect(replayViewRequest(url, { x: 240.4, y: 60, width: 2000, height: 700 }, replay.origin, win)).toEqual({ url, bounds: { x: 240, y: 60, width: 960, height: 700 }, slot: 'primary' });
    expect(replayViewRequest(url, { x: 600, y: 60, width: 600, height: 700 }, replay.origin, win, 'secondary')?.slot).toBe('secondary');
    expect(replayViewRequest(url, { x: 600, y: 60, width: 600, height: 700 }, replay.origin, win, 'third')).toBeNull();
    expect(replayViewRequest('https://www.iana.org/', { x: 0, y: 0, width: 100, height: 100 }, replay.origin, win)).toBeNull();
    expect(replayViewRequest(url, { x: 0, y: 0, width: 'wide', height: 100 }, replay.origin, win)).toBeNull();
    expect(replayViewRequest(url, { x: 1300, y: 0, width: 100, height: 100 }, replay.origin, win)).toBeNull();
    expect(replayViewRequest(url, null, replay.origin, win)).toBeNull();
  });
});

describe('what the shell blocked, in the ledger', () => {
  it('reaches the replay server as a shell report, listed in the page view as electron:<reason>, not as a CSP violation', async () => {
    // The real replay server; no collection is needed for a page view to start (a miss has a ledger too).
    const server = await startReplayServer({ openCollection: () => { throw Object.assign(new Error('no such collection'), { code: 'collection-not-found' }); } });
    try {
      const address = '/coll/20140126200624/http://www.iana.org/';
      await fetch(`${server.origin}${address}`, { headers: { 'sec-fetch-dest': 'document' } });
      for (const [blockedUrl, reason] of [['wss://live.example/', 'WebSocket (replay opens no live connections)'], ['http://www.iana.org/x.zip', 'download']]) {
        const res = await fetch(`${server.origin}${SHELL_REPORT_PATH}`, { method: 'POST', body: blockReport(`${server.origin}${address}`, blockedUrl, reason) });
        expect(res.status).toBe(204);
      }
      expect(server.ledgerFor('coll', '20140126200624', 'http://www.iana.org/').filter((e) => e.how === 'blocked').map((e) => [e.url, e.blockedBy])).toEqual([
        ['http://www.iana.org/', 'no collection: no such collection'],
        ['wss://live.example/', 'electron:WebSocket (replay opens no live connections)'],
        ['http://www.iana.org/x.zip', 'electron:download'],
      ]);
    } finally {
      await server.close();
    }
  });
});
