// The replay origin over a real capture (webrecorder+pywb/sample_archive/warcs/iana.warc.gz: the iana.org home page
// with its stylesheets, images, fonts and revisits; skipped when ../shared/corpus is absent): what it answers, what it
// refuses, and which page view each request is written to.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { startReplayServer, cspViolations, type ReplayServer } from '../../../src/core/replay/server.js';
import { Collection } from '../../../src/core/store/index.js';

const IANA = resolve(__dirname, '../../..', '../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
const PAGE = 'http://www.iana.org/';
const CSS = 'http://www.iana.org/_css/2013.1/screen.css';
const FONT = 'http://www.iana.org/_css/2013.1/fonts/OpenSans-Regular.ttf';
const LOGO = 'http://www.iana.org/_img/2013.1/iana-logo-homepage.png';

let dir: string;
let coll: Collection;
let replay: ReplayServer;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request, so the test controls Host, Referer and the fetch metadata headers as a browser would send them. */
function ask(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Answer> {
  const { port } = new URL(replay.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const at = (ts: string, url: string, flag = '') => `/iana%20docs/${ts}${flag}/${url}`;
const document = { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };
const from = (referer: string, dest: string) => ({ referer: `${replay.origin}${referer}`, 'sec-fetch-dest': dest });

describe.skipIf(!existsSync(IANA))('the replay origin', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-replay-server-'));
    const db = join(dir, 'iana.sqlite');
    await ingestCollection(db, [IANA], { workers: 1 });
    coll = Collection.open(db, { readonly: true });
    replay = await startReplayServer({
      openCollection: (name) => {
        if (name !== 'iana docs') throw Object.assign(new Error(`There is no collection named “${name}”.`), { code: 'collection-not-found' });
        return coll;
      },
    });
  }, 60_000);

  afterAll(async () => {
    await replay?.close();
    coll?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a page and its resources from their records, and lists each in the page view that asked', async () => {
    const page = await ask(at('2014', PAGE), document);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body.toString()).toContain('Internet Assigned Numbers Authority');

    const css = await ask(at('2014', CSS), from(at('2014', PAGE), 'style'));
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    // The font is asked for by the stylesheet, so its Referer is the stylesheet, not the page.
    const font = await ask(at('2014', FONT), from(at('2014', CSS), 'font'));
    expect(font.status).toBe(200);
    const logo = await ask(at('2014', LOGO), from(at('2014', PAGE), 'image'));
    expect(logo.status).toBe(200);
    expect(logo.body.subarray(1, 4).toString()).toBe('PNG');

    const all = replay.ledgerFor('iana docs', '2014', PAGE);
    // With scripts off, the page's two scripts were taken out by the rewriter: listed as blocked, never asked for.
    expect(all.filter((e) => e.how === 'blocked').map((e) => e.url)).toEqual(['http://www.iana.org/_js/2013.1/jquery.js', 'http://www.iana.org/_js/2013.1/iana.js']);
    const ledger = all.filter((e) => e.how !== 'blocked');
    expect(ledger.map((e) => e.url)).toEqual([PAGE, CSS, FONT, LOGO]);
    const page0 = ledger[0];
    expect(page0).toMatchObject({ how: 'exact', status: 200, captureTime: '20140126200624', blockedBy: null });
    expect(page0.record).toEqual({ file: IANA, offset: 334, length: 2258, recordId: expect.stringMatching(/^<urn:uuid:/) });
    expect(ledger[3].record?.offset).toBe(55631);
    // The view is found by the capture's own time too, not only by the digits of the address.
    expect(replay.ledgerFor('iana docs', '20140126200624', PAGE)).toHaveLength(6);
  });

  it('keeps two page views apart by their Referer, even when they ask at the same time', async () => {
    await ask(at('20140126200624', PAGE), document);
    await ask(at('20140126200706', 'http://www.iana.org/about'), document);
    // The home page's stylesheet arrives after the second page started: it still belongs to the home page.
    await ask(at('20140126200624', CSS), from(at('20140126200624', PAGE), 'style'));
    await ask(at('20140126200706', CSS), from(at('20140126200706', 'http://www.iana.org/about'), 'style'));
    const served = (at: string, url: string) => replay.ledgerFor('iana docs', at, url).filter((e) => e.how !== 'blocked');
    const home = served('20140126200624', PAGE);
    const about = served('20140126200706', 'http://www.iana.org/about');
    expect(home.map((e) => [e.url, e.captureTime])).toEqual([[PAGE, '20140126200624'], [CSS, '20140126200625']]);
    // The about page's stylesheet is a revisit at 20:07:06, served from its original's payload.
    expect(about.map((e) => e.url)).toEqual(['http://www.iana.org/about', CSS]);
    expect(about[1]).toMatchObject({ viaRevisit: true, captureTime: '20140126200706', record: { offset: 41238 } });
  });

  it('refuses what is not a replay address, another host and other methods, and lists them as blocked', async () => {
    await ask(at('20140126200624', PAGE), document);
    const root = await ask('/_css/2013.1/screen.css', from(at('20140126200624', PAGE), 'style'));
    expect(root.status).toBe(404);
    const api = await ask('/api/engine.info', { ...from(at('20140126200624', PAGE), 'empty'), 'content-type': 'application/json' }, 'POST', '{}');
    expect(api.status).toBe(404);
    const host = await ask('/', { ...from(at('20140126200624', PAGE), 'image'), host: 'tracker.example:80' });
    expect(host.status).toBe(421);
    const post = await ask(at('20140126200624', 'http://www.iana.org/search'), from(at('20140126200624', PAGE), 'document'), 'POST', 'q=x');
    expect(post.status).toBe(405);

    const ledger = replay.ledgerFor('iana docs', '20140126200624', PAGE);
    expect(ledger.filter((e) => e.how === 'blocked' && !e.blockedBy?.startsWith('rewrite:')).map((e) => [e.url, e.blockedBy])).toEqual([
      [`${replay.origin}/_css/2013.1/screen.css`, 'outside archive: not a replay address'],
      [`${replay.origin}/api/engine.info`, 'outside archive: not a replay address'],
      ['http://tracker.example:80/', 'outside archive: host tracker.example:80'],
    ]);
    // A POST navigation is a page view of its own (Sec-Fetch-Dest: document), refused there.
    expect(replay.ledgerFor('iana docs', '20140126200624', 'http://www.iana.org/search')).toMatchObject([
      { how: 'blocked', blockedBy: 'method POST not replayed' },
    ]);
  });

  it('starts no worker and answers no WebSocket, and lists both as blocked', async () => {
    await ask(at('2014', PAGE, 'js_'), document);
    const sw = await ask(at('20140126200624', 'http://www.iana.org/sw.js', 'js_'), { ...from(at('2014', PAGE, 'js_'), 'serviceworker'), 'service-worker': 'script' });
    expect(sw.status).toBe(403);
    const worker = await ask(at('20140126200624', 'http://www.iana.org/_js/2013.1/iana.js', 'js_'), from(at('2014', PAGE, 'js_'), 'worker'));
    expect(worker.status).toBe(403);
    // The handshake gets no answer: the socket is closed.
    const { port } = new URL(replay.origin);
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/socket', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('upgrade', () => resolve('upgraded'));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (e) => resolve(`closed: ${e.message}`));
      req.end();
    });
    expect(outcome).toBe('closed: socket hang up');
    expect(replay.ledgerFor('iana docs', '2014', PAGE).filter((e) => !e.blockedBy?.startsWith('rewrite:') && e.how === 'blocked').map((e) => e.blockedBy)).toEqual([
      'serviceworker not replayed',
      'worker not replayed',
      'websocket not replayed',
    ]);
  });

  it('writes the CSP violations a page reports into its view, in both report formats', async () => {
    await ask(at('2014', PAGE, 'js_'), document);
    const documentUrl = `${replay.origin}${at('2014', PAGE, 'js_')}`;
    const legacy = await ask('/__as/csp-report', { 'content-type': 'application/csp-report' }, 'POST', JSON.stringify({
      'csp-report': { 'document-uri': documentUrl, 'blocked-uri': 'http://127.0.0.1:9/api/engine.info', 'violated-directive': 'connect-src', 'effective-directive': 'connect-src' },
    }));
    expect(legacy.status).toBe(204);
    await ask('/__as/csp-report', { 'content-type': 'application/reports+json' }, 'POST', JSON.stringify([
      { type: 'csp-violation', body: { documentURL: documentUrl, blockedURL: 'wss://outside.example/socket', effectiveDirective: 'connect-src' } },
      { type: 'deprecation', body: { id: 'x' } },
    ]));
    const view = replay.pageView('iana docs', '2014', PAGE);
    expect(view?.flag).toBe('js_');
    expect(view?.entries.filter((e) => e.blockedBy?.startsWith('csp:')).map((e) => [e.url, e.blockedBy])).toEqual([
      ['http://127.0.0.1:9/api/engine.info', 'csp:connect-src'],
      ['wss://outside.example/socket', 'csp:connect-src'],
    ]);
  });

  it('sends a payload read as it is sent with its length: the whole of it to GET, only the headers to HEAD', async () => {
    const font = at('20140126200625', 'http://www.iana.org/_css/2013.1/fonts/OpenSans-Semibold.ttf', 'id_');
    const get = await ask(font, from(at('20140126200624', PAGE), 'font'));
    expect([get.status, get.headers['content-length'], get.body.length]).toEqual([200, '221328', 221328]);
    expect(get.body.subarray(0, 4).toString('hex')).toBe('00010000'); // a TrueType font's version tag
    const head = await ask(font, from(at('20140126200624', PAGE), 'font'), 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '221328', 0]);
  });

  it('writes what the desktop shell refused into the view of its page, as electron:<reason>, and refuses other bodies', async () => {
    await ask(at('20140126200624', PAGE), document);
    const documentUrl = `${replay.origin}${at('20140126200624', PAGE)}`;
    const post = (body: string) => ask('/__as/shell-report', { 'content-type': 'application/json' }, 'POST', body);
    expect((await post(JSON.stringify({ documentUrl, blockedUrl: 'wss://live.example/', reason: 'WebSocket (replay opens no live connections)' }))).status).toBe(204);
    expect((await post('[{"type": "csp-violation", "body": {}}]')).status).toBe(400);
    expect((await ask('/__as/shell-report')).status).toBe(405);
    expect(replay.ledgerFor('iana docs', '20140126200624', PAGE).filter((e) => e.blockedBy?.startsWith('electron:')).map((e) => [e.url, e.blockedBy])).toEqual([
      ['wss://live.example/', 'electron:WebSocket (replay opens no live connections)'],
    ]);
  });

  it('writes the navigations and windows the helper script stopped into the view of the page that tried them', async () => {
    await ask(at('20140126200624', PAGE, 'js_'), document);
    const referer = from(at('20140126200624', PAGE, 'js_'), 'image');
    expect((await ask(`/__as/blocked?what=navigation&url=${encodeURIComponent('http://outside.example/a?b=c')}`, referer)).status).toBe(204);
    await ask(`/__as/blocked?what=window.open&url=${encodeURIComponent('http://outside.example/popup')}`, referer);
    await ask('/__as/blocked?what=anything-else&url=x', referer);
    expect(replay.ledgerFor('iana docs', '20140126200624', PAGE).filter((e) => e.blockedBy?.startsWith('helper:')).map((e) => [e.url, e.blockedBy])).toEqual([
      ['http://outside.example/a?b=c', 'helper:navigation'],
      ['http://outside.example/popup', 'helper:window.open'],
      ['x', 'helper:unknown'],
    ]);
  });

  it('reads only CSP violation reports', () => {
    expect(cspViolations('not json')).toEqual([]);
    expect(cspViolations('{"csp-report": {"document-uri": "d", "blocked-uri": "inline", "violated-directive": "script-src-elem \'nonce-x\'"}}'))
      .toEqual([{ documentUrl: 'd', blockedUrl: 'inline', directive: 'script-src-elem' }]);
  });

  it('names a collection it cannot open, and serves its helper script', async () => {
    const none = await ask('/no%20such/2014/http://www.iana.org/', document);
    expect(none.status).toBe(404);
    expect(none.body.toString()).toContain('There is no collection named “no such”');
    const frame = await ask('/__as/frame.js', { 'sec-fetch-dest': 'script' });
    expect(frame.status).toBe(200);
    expect(frame.headers['content-type']).toMatch(/^text\/javascript/);
    expect(frame.body.length).toBeGreaterThan(0);
  });

  it('answers a Range request from the record', async () => {
    const whole = await ask(at('2014', LOGO), document);
    const part = await ask(at('2014', LOGO), { ...from(at('2014', PAGE), 'image'), range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${whole.body.length}`);
    expect(part.body.equals(whole.body.subarray(100, 200))).toBe(true);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await ask(at('2014', LOGO), document, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('image/png');
    expect(head.body.length).toBe(0);
  });

  it('keeps the ledgers of the most recent page views only', async () => {
    await ask(at('2014', 'http://www.iana.org/numbers'), document);
    for (let i = 0; i < 64; i++) await ask(at('2014', 'http://www.iana.org/domains'), document);
    expect(replay.ledgerFor('iana docs', '2014', 'http://www.iana.org/domains')[0]).toMatchObject({ url: 'http://www.iana.org/domains', status: 200 });
    expect(replay.pageView('iana docs', '2014', 'http://www.iana.org/numbers')).toBeNull();
  });
});
