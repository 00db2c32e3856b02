// Issue 4: a client's GPU text extractor reached from ingest through the contract ('extract.offer', the
// 'extract.request' event, 'extract.reply'), against the real engine: dispatch (so validation at the edge runs), the
// collections handlers, ingest with its worker threads, and both transports. The protocol's edge cases: no extractor,
// a silent one (timeout), one whose page closes, error replies and malformed ones. In every case no page is lost: the
// stored texts equal a CPU ingest's.
//
// The "renderer" here is a stand-in (StandIn below): the real one (src/renderer/gpu/offer.ts and its Web Worker running
// gpu.js on WebGL2) needs a browser, a boundary vitest cannot cross; test/e2e/gpu-ingest.spec.ts drives the real one in
// Chromium. The stand-in answers with the CPU extractor, whose output the GPU's equals byte for byte (test/gpu).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText } from '../../src/core/extract/index.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { serveHttp } from '../../src/engine/http.js';
import { serveIpc } from '../../src/engine/ipc.js';
import type { RemoteExtractOptions } from '../../src/engine/remote-extract.js';
import type { ApiError, ApiEvents, ArgsOf, FromEngine, Method, ResultOf } from '../../src/shared/api.js';
import { html, warcFile, type RecordSpec } from '../core/ingest/warc-builder.js';

type Request = ApiEvents['extract.request'];
type Notice = ApiEvents['engine.notice'];

let dir: string;
let files: string[];

/** Pages with what the extractor distinguishes: entities, scripts, comments, attributes with '>', non-ASCII. */
function pages(prefix: string, n: number): RecordSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    uri: `http://example.com/${prefix}/${i}`,
    date: `2020-01-0${1 + (i % 9)}T00:00:00Z`,
    body: html(
      `${prefix} page ${i} &amp; more`,
      `Text ${i} of ${prefix}<script>if (a < b) x = "</p>";</script><!-- gone --> caf&eacute; <a title="x>y">link</a> ünï ${'word '.repeat(i * 50)}`,
      `<meta name="description" content="about ${prefix} ${i}">`,
    ),
  }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-remote-'));
  files = [join(dir, 'a.warc'), join(dir, 'b.warc.gz')];
  writeFileSync(files[0], warcFile(pages('a', 6)));
  writeFileSync(files[1], warcFile(pages('b', 5), true));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function engine(remoteExtract: RemoteExtractOptions = {}) {
  const events = new EventBus();
  const notices: Notice[] = [];
  events.subscribe((name, payload) => {
    if (name === 'engine.notice') notices.push(payload as Notice);
  });
  const handlers = createHandlers({ mode: 'http', events, dataDir: mkdtempSync(join(dir, 'data-')), remoteExtract, allowDirs: [dir] });
  async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code}: ${r.error.message}`), { apiError: r.error });
    return r.value as ResultOf<M>;
  }
  async function fail(method: Method, args: unknown): Promise<ApiError> {
    const r = await dispatch(handlers, method, args);
    if (r.ok) throw new Error(`${method} should have failed`);
    return r.error;
  }
  /** Creates a collection of the fixture files, ingests it with `backend` and waits for the run to end. */
  async function ingest(name: string, backend?: 'cpu' | 'gpu' | 'auto') {
    await call('collections.create', { name });
    await call('files.add', { collection: name, paths: files });
    await call('ingest.start', { collection: name, workers: 1, ...(backend ? { backend } : {}) });
    for (let i = 0; i < 600; i++) {
      const d = await call('collections.get', { collection: name });
      if (!d.ingest.running) return d;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('ingest did not finish');
  }
  /** Title and text of every stored page, by URL. */
  async function texts(collection: string) {
    const out = new Map<string, { title: string; text: string }>();
    for (const c of await call('captures.byHost', { collection, url: 'example.com' })) {
      const { title, text } = await call('record.text', { collection, captureId: c.id });
      out.set(c.uri!, { title, text });
    }
    return out;
  }
  return { events, notices, handlers, call, fail, ingest, texts, close: () => handlers.close() };
}

type Engine = ReturnType<typeof engine>;

/** Stands in for the renderer's GPU extractor (see the top of this file): hears 'extract.request' as a transport
 *  delivers it and, unless told otherwise, replies through dispatch with the CPU extractor's results. */
class StandIn {
  readonly extractor = randomUUID();
  readonly requests: Request[] = [];
  behave: (req: Request) => unknown = (req) => this.answer(req);

  constructor(
    private readonly e: Engine,
    readonly client?: string,
  ) {
    e.events.subscribe((name, payload) => {
      const req = payload as Request;
      if (name !== 'extract.request' || req.extractor !== this.extractor) return;
      this.requests.push(req);
      // A transport delivers the event after the engine has moved on; so does the stand-in. On a loaded machine the
      // engine may have given up on a request (its timeout) before the answer comes: the late reply is refused,
      // as a real window's would be, and is no failure of the test.
      setImmediate(() => {
        void Promise.resolve(this.behave(req)).catch((e: { apiError?: { message?: string } }) => {
          if (!/is waiting for a reply/.test(e.apiError?.message ?? '')) throw e;
        });
      });
    });
  }

  offer() {
    return this.e.call('extract.offer', { extractor: this.extractor, renderer: 'stand-in (CPU extractor)', ...(this.client ? { client: this.client } : {}) });
  }

  answer(req: Request) {
    return this.e.call('extract.reply', { extractor: this.extractor, id: req.id, results: req.pages.map(extractText) });
  }
}

let expected: Map<string, { title: string; text: string }>;

describe('a GPU extractor offered through the contract', () => {
  beforeAll(async () => {
    const e = engine();
    await e.ingest('cpu');
    expected = await e.texts('cpu');
    e.close();
    expect(expected.size).toBe(11);
    expect(expected.get('http://example.com/a/1')).toEqual({ title: 'a page 1 & more', text: `Text 1 of a café link ünï${' word'.repeat(50)}` });
  });

  it("'gpu' sends every page to the offering client and stores what it replies", async () => {
    const e = engine();
    const client = new StandIn(e);
    expect(await client.offer()).toEqual({ leaseMs: 30_000 });
    const d = await e.ingest('gpu', 'gpu');
    expect(d.ingest).toMatchObject({ stopped: null, text: { requested: 'gpu', choice: 'gpu', gpuMBps: null } });
    expect(d.pages).toBe(11);
    expect(client.requests.flatMap((r) => r.pages)).toHaveLength(11);
    expect(await e.texts('gpu')).toEqual(expected);
    expect(e.notices).toEqual([
      { level: 'info', message: expect.stringMatching(/^Ingest of “gpu”: text backend gpu \(asked gpu; cpu [\d.]+ MB\/s\) on stand-in \(CPU extractor\)$/) },
    ]);
    e.close();
  });

  it("'gpu' without an extractor is refused at once: none offered, withdrawn, or a lapsed lease", async () => {
    const e = engine({ leaseMs: 150 });
    await e.call('collections.create', { name: 'c' });
    await e.call('files.add', { collection: 'c', paths: files });
    const refused = async () => e.fail('ingest.start', { collection: 'c', backend: 'gpu' });
    expect(await refused()).toMatchObject({ code: 'no-gpu-extractor', message: expect.stringContaining('WebGL2') });
    const client = new StandIn(e);
    await client.offer();
    await e.call('extract.withdraw', { extractor: client.extractor });
    expect((await refused()).code).toBe('no-gpu-extractor');
    await client.offer();
    await new Promise((r) => setTimeout(r, 250)); // not renewed
    expect((await refused()).code).toBe('no-gpu-extractor');
    expect((await e.call('collections.get', { collection: 'c' })).ingest.running).toBe(false);
    // withdrawing twice, or what was never offered, is no error
    await e.call('extract.withdraw', { extractor: 'never-offered' });
    e.close();
  });

  it('a client that does not reply in time: its batches go to the CPU, it is withdrawn, and nothing is lost', async () => {
    const e = engine({ timeoutMs: 200 });
    const client = new StandIn(e);
    client.behave = () => {}; // silent
    await client.offer();
    const d = await e.ingest('silent', 'gpu');
    expect(d.ingest.stopped).toBeNull();
    expect(await e.texts('silent')).toEqual(expected);
    expect(client.requests).toHaveLength(1); // taken for gone after the first timeout
    const warnings = e.notices.filter((n) => n.level === 'warn');
    expect(warnings).toEqual([{ level: 'warn', message: expect.stringMatching(/^Ingest of “silent”: the GPU text extractor \(stand-in \(CPU extractor\)\) did not deliver: no reply within [\d.]+ s; pages are extracted on the CPU/) }]);
    // a late reply finds nothing waiting
    expect((await e.fail('extract.reply', { extractor: client.extractor, id: client.requests[0].id, results: [] })).code).toBe('bad-request');
    expect((await e.fail('ingest.start', { collection: 'silent', backend: 'gpu' })).code).toBe('no-gpu-extractor');
    e.close();
  });

  it('a client whose event stream closes mid-batch: the batch goes to the CPU at once, not after the timeout', async () => {
    const e = engine({ timeoutMs: 20_000 });
    const client = new StandIn(e, 'stream-1');
    client.behave = () => e.events.clientGone('stream-1'); // the page closed with the batch in flight
    await client.offer();
    const t0 = performance.now();
    const d = await e.ingest('gone', 'gpu');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(d.ingest.stopped).toBeNull();
    expect(await e.texts('gone')).toEqual(expected);
    expect(e.notices.filter((n) => n.level === 'warn').map((n) => n.message)).toEqual([
      expect.stringContaining('did not deliver: its page was closed; pages are extracted on the CPU'),
    ]);
    expect((await e.fail('ingest.start', { collection: 'gone', backend: 'gpu' })).code).toBe('no-gpu-extractor');
    e.close();
  });

  it('an error reply sends that batch to the CPU and keeps the extractor for the next', async () => {
    const e = engine();
    const client = new StandIn(e);
    client.behave = (req) => {
      if (client.requests.length === 1) return e.call('extract.reply', { extractor: client.extractor, id: req.id, error: 'WebGL context lost' });
      return client.answer(req);
    };
    await client.offer();
    const d = await e.ingest('flaky', 'gpu');
    expect(d.ingest.stopped).toBeNull();
    expect(await e.texts('flaky')).toEqual(expected);
    expect(client.requests.length).toBeGreaterThan(1); // the second file's batch went to the client again
    expect(e.notices.filter((n) => n.level === 'warn').map((n) => n.message)).toEqual([
      expect.stringContaining('did not deliver: it failed: WebGL context lost'),
    ]);
    e.close();
  });

  it('malformed replies are rejected at the edge; a wrong count fails the batch over to the CPU', async () => {
    const e = engine();
    const client = new StandIn(e);
    const errors: ApiError[] = [];
    client.behave = async (req) => {
      if (client.requests.length > 1) return client.answer(req);
      const reply = (args: unknown) => e.fail('extract.reply', args).then((err) => errors.push(err));
      const good = req.pages.map(extractText);
      await reply({ extractor: client.extractor, id: req.id + 1000, results: good }); // no such request
      await reply({ extractor: 'someone-else', id: req.id, results: good }); // not its request
      await reply({ extractor: client.extractor, id: req.id, results: [{ ...good[0], title: 1 }, ...good.slice(1)] });
      await reply({ extractor: client.extractor, id: req.id, results: [{ ...good[0], html: '<p>' }, ...good.slice(1)] });
      await reply({ extractor: client.extractor, id: req.id, results: [{ ...good[0], mainFound: 'yes' }, ...good.slice(1)] });
      await reply({ extractor: client.extractor, id: req.id, results: 'text' });
      await reply({ extractor: client.extractor, id: req.id }); // neither results nor error
    };
    await client.offer();
    const d = await e.ingest('bad', 'gpu');
    expect(d.ingest.stopped).toBeNull();
    expect(await e.texts('bad')).toEqual(expected);
    expect(errors.map((x) => x.code)).toEqual(Array(7).fill('bad-request'));
    expect(errors.map((x) => x.message)).toEqual([
      expect.stringMatching(/^no request \d+ to extractor .* is waiting/),
      expect.stringMatching(/^no request \d+ to extractor someone-else is waiting/),
      "'results[0].title' must be a string",
      "unknown argument 'results[0].html'",
      "'results[0].mainFound' must be true or false",
      "'results' must be a list of at most 100000 objects",
      expect.stringMatching(/^it replied with no results for 6 pages$/),
    ]);
    // the last one failed the batch: it went to the CPU, and the next batch to the client again
    expect(e.notices.filter((n) => n.level === 'warn').map((n) => n.message)).toEqual([
      expect.stringContaining('did not deliver: it replied with no results for 6 pages'),
    ]);
    expect(client.requests.length).toBeGreaterThan(1);
    e.close();
  });

  it("'auto' never waits for a measurement: the first run extracts on the CPU while both are measured beside it, and the result is remembered per renderer", async () => {
    const e = engine();
    const client = new StandIn(e);
    // A client slower than the CPU in the engine: the reply waits 300 ms (the CPU takes 10-150 ms on the sample, even
    // on a loaded machine).
    client.behave = (req) => new Promise((r) => setTimeout(r, 300)).then(() => client.answer(req));
    await client.offer();
    const started = await e.call('collections.create', { name: 'auto' }).then(() => e.call('files.add', { collection: 'auto', paths: files }))
      .then(() => e.call('ingest.start', { collection: 'auto', workers: 1, backend: 'auto' }));
    expect(started.text).toMatchObject({ requested: 'auto', choice: 'cpu', measuring: true });
    await expect.poll(async () => (await e.call('collections.get', { collection: 'auto' })).ingest.text?.measuring, { timeout: 30_000 }).toBe(false);
    await expect.poll(async () => (await e.call('collections.get', { collection: 'auto' })).ingest.running, { timeout: 30_000 }).toBe(false);
    const d = await e.call('collections.get', { collection: 'auto' });
    expect(d.ingest.text).toMatchObject({ requested: 'auto', choice: 'cpu', note: null, measuring: false });
    expect(d.ingest.text!.gpuMBps).toBeGreaterThan(0);
    expect(d.ingest.text!.cpuMBps).toBeGreaterThan(d.ingest.text!.gpuMBps!);
    expect(await e.texts('auto')).toEqual(expected);
    // Only the fixed measurement sample went to the client, never the archive's pages.
    expect(client.requests.length).toBeGreaterThan(0);
    expect(client.requests.flatMap((r) => r.pages).filter((p) => p.includes('example.com') || p.includes(' of a') || p.includes(' of b'))).toEqual([]);
    const remembered = (await e.call('settings.get', {})).textMeasurement;
    expect(remembered).toMatchObject({ renderer: 'stand-in (CPU extractor)', choice: 'cpu', cpuMBps: d.ingest.text!.cpuMBps, gpuMBps: d.ingest.text!.gpuMBps });

    // The next run on the same machine and renderer measures nothing and says when its figures were measured.
    const sent = client.requests.length;
    const again = await e.ingest('auto-again', 'auto');
    expect(again.ingest.text).toMatchObject({ requested: 'auto', choice: 'cpu', cpuMBps: remembered!.cpuMBps, measuredAt: remembered!.measuredAt });
    expect(again.ingest.text!.measuring).toBeUndefined();
    expect(client.requests).toHaveLength(sent);

    // Asked to measure again, it does.
    expect((await e.call('settings.update', { remeasureText: true })).textMeasurement).toBeNull();
    const started3 = await e.call('collections.create', { name: 'auto-3' }).then(() => e.call('files.add', { collection: 'auto-3', paths: files }))
      .then(() => e.call('ingest.start', { collection: 'auto-3', workers: 1, backend: 'auto' }));
    expect(started3.text).toMatchObject({ measuring: true });
    await expect.poll(async () => (await e.call('settings.get', {})).textMeasurement?.measuredAt, { timeout: 30_000 }).not.toBe(remembered!.measuredAt);
    await expect.poll(async () => (await e.call('collections.get', { collection: 'auto-3' })).ingest.running, { timeout: 30_000 }).toBe(false);

    // No extractor: 'auto' is the CPU path from the start (the Settings default where no window offers a GPU), no
    // error, and says why the GPU was not measured; nothing is sent to the withdrawn client.
    await e.call('extract.withdraw', { extractor: client.extractor });
    const sentBefore = client.requests.length;
    const none = await e.ingest('auto-none', 'auto');
    expect(none.ingest).toMatchObject({ stopped: null, text: { requested: 'auto', choice: 'cpu', cpuMBps: null, gpuMBps: null, note: expect.stringContaining('no open window offers a GPU') } });
    expect(client.requests).toHaveLength(sentBefore);
    expect(await e.texts('auto-none')).toEqual(expected);
    // Its own notice (the measurement of the run before may end after this run, with a notice of its own).
    expect(e.notices.filter((n) => n.message.includes('“auto-none”'))).toEqual([
      { level: 'info', message: 'Ingest of “auto-none”: text backend cpu (asked auto; gpu unavailable: no open window offers a GPU text extractor (WebGL2), so the CPU extracts the text)' },
    ]);
    await e.close();
  });

  it("'auto' uses a GPU remembered as faster on this machine and renderer, and measures again for another renderer", async () => {
    const e = engine();
    const client = new StandIn(e);
    // Faster than the CPU: the fixed sample's results are known after the first request, and replayed at once.
    const known = new Map<string, ReturnType<typeof extractText>>();
    client.behave = (req) => e.call('extract.reply', {
      extractor: client.extractor, id: req.id,
      results: req.pages.map((p) => known.get(p) ?? (known.set(p, extractText(p)), known.get(p)!)),
    });
    await client.offer();
    await e.ingest('first', 'auto');
    await expect.poll(async () => (await e.call('settings.get', {})).textMeasurement?.choice, { timeout: 30_000 }).toBe('gpu');
    const sent = client.requests.length;
    const second = await e.ingest('second', 'auto');
    expect(second.ingest.text).toMatchObject({ requested: 'auto', choice: 'gpu' });
    // this run's pages went through the client
    expect(client.requests.slice(sent).flatMap((r) => r.pages).some((p) => p.includes('Text 1 of a'))).toBe(true);
    expect(await e.texts('second')).toEqual(expected);

    // Another renderer (a driver update, or a software fallback): not used until measured.
    await e.call('extract.offer', { extractor: client.extractor, renderer: 'SwiftShader (software)' });
    const third = await e.call('collections.create', { name: 'third' }).then(() => e.call('files.add', { collection: 'third', paths: files }))
      .then(() => e.call('ingest.start', { collection: 'third', workers: 1, backend: 'auto' }));
    expect(third.text).toMatchObject({ choice: 'cpu', measuring: true });
    await expect.poll(async () => (await e.call('settings.get', {})).textMeasurement?.renderer, { timeout: 30_000 }).toBe('SwiftShader (software)');
    await expect.poll(async () => (await e.call('collections.get', { collection: 'third' })).ingest.running, { timeout: 30_000 }).toBe(false);
    await e.close();
  });
});

describe('over the transports', () => {
  it('browser mode: requests arrive on the page\'s event stream, replies are POSTed, and closing the stream withdraws the offer', async () => {
    const e = engine();
    const server = await serveHttp({ handlers: e.handlers, events: e.events, staticDir: null });
    const headers = { authorization: `Bearer ${server.token}` };
    const post = async (method: string, args: unknown) => {
      const res = await fetch(`${server.origin}/api/${method}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args) });
      return (await res.json()) as { ok: boolean; value?: unknown; error?: ApiError };
    };
    const extractor = randomUUID();
    const stream = new AbortController();
    const res = await fetch(`${server.origin}/events?client=page-1`, { headers, signal: stream.signal });
    // Read the stream: answer each request as the page does.
    let requests = 0;
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of res.body!) {
          buffered += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const name = /^event: (.*)$/m.exec(message)?.[1];
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (name !== 'extract.request' || !data) continue;
            const req = JSON.parse(data) as Request;
            requests++;
            await post('extract.reply', { extractor, id: req.id, results: req.pages.map(extractText) });
          }
        }
      } catch {
        // the stream was aborted
      }
    })();
    expect(await post('extract.offer', { extractor, renderer: 'page-1', client: 'page-1' })).toEqual({ ok: true, value: { leaseMs: 30_000 } });
    const d = await e.ingest('http', 'gpu');
    expect(d.ingest.stopped).toBeNull();
    expect(requests).toBeGreaterThan(0);
    expect(await e.texts('http')).toEqual(expected);
    expect(e.notices.filter((n) => n.level !== 'info')).toEqual([]);

    stream.abort();
    await reading;
    // A start that still saw the offer runs (on its writer thread, which takes a moment to start) before the next try.
    await expect.poll(async () => (await post('ingest.start', { collection: 'http', backend: 'gpu' })).error?.code, { timeout: 10_000 }).toBe('no-gpu-extractor');
    await server.close();
    e.close();
  });

  it('Electron: requests go out as IPC events and replies come back as calls on the same channel', async () => {
    const e = engine();
    // The shell's end of the channel (src/main/engine-process.ts), reduced to the messages.
    const channel = Object.assign(new EventEmitter(), {
      send(m: FromEngine) {
        channel.emit('sent', m);
        return true;
      },
    });
    const stop = serveIpc(channel as unknown as NodeJS.Process, e.handlers, e.events, () => {});
    let nextCall = 1;
    const replies = new Map<number, (r: unknown) => void>();
    const call = (method: string, args: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = nextCall++;
        replies.set(id, resolve);
        channel.emit('message', { kind: 'call', id, method, args });
      });
    const extractor = randomUUID();
    let requests = 0;
    channel.on('sent', (m: FromEngine) => {
      if (m.kind === 'reply') replies.get(m.id)?.(m.reply);
      if (m.kind === 'event' && m.event === 'extract.request') {
        const req = m.payload as Request;
        requests++;
        void call('extract.reply', { extractor, id: req.id, results: req.pages.map(extractText) });
      }
    });
    expect(await call('extract.offer', { extractor, renderer: 'window' })).toEqual({ ok: true, value: { leaseMs: 30_000 } });
    const d = await e.ingest('ipc', 'gpu');
    expect(d.ingest.stopped).toBeNull();
    expect(requests).toBeGreaterThan(0);
    expect(await e.texts('ipc')).toEqual(expected);
    expect(e.notices.filter((n) => n.level !== 'info')).toEqual([]);
    stop();
    e.close();
  });
});
