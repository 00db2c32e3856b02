// Issue 4: the GPU text extractor reachable from the ingest pipeline through the contract. Browser mode, real engine,
// Debian Chromium with software WebGL2 (SwiftShader): the page's Web Worker offers its GPU, an ingest with backend
// 'gpu' stores page texts byte-identical to a CPU ingest of the same file, and 'auto' measures both, keeps the CPU
// (software WebGL is far slower here) and shows both figures in the ingest panel.
// Needs IAH-urls-wget.warc and pywb's iana.warc.gz from ../shared/corpus (about 30 HTML records, a few hundred KB of
// HTML: quick even at SwiftShader's 1-3 MB/s).
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiError, ArgsOf, Method, ResultOf, SpanSummary } from '../../src/shared/api.js';
import { CORPUS, chromiumLaunchOptions, startEngine, type RunningEngine } from './support.js';

const WARCS = [
  join(CORPUS, 'warc/iipc+webarchive-commons/src/test/resources/org/archive/format/warc/IAH-urls-wget.warc'),
  join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz'),
];
const HOSTS = ['archive.org', 'iana.org'];

test.describe.configure({ mode: 'serial' });
test.skip(!WARCS.every((f) => existsSync(f)), 'needs ../shared/corpus (IAH-urls-wget.warc, iana.warc.gz)');
// WebGL2 in a headless Chromium comes from SwiftShader (as chromiumArgs in src/core/extract-gpu/chromium.ts asks for).
const base = chromiumLaunchOptions();
test.use({ launchOptions: { ...base, args: [...(base.args ?? []), '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] } });

let engine: RunningEngine;
let page: Page;

test.beforeAll(async ({ browser }) => {
  engine = await startEngine({ allowDirs: [CORPUS] });
  page = await browser.newPage();
  await page.goto(engine.url);
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** A call through the page's cookie, as the app makes it. */
async function invoke<M extends Method>(method: M, args: ArgsOf<M>): Promise<Reply<ResultOf<M>>> {
  const res = await page.request.post(`${engine.origin}/api/${method}`, { data: args });
  return (await res.json()) as Reply<ResultOf<M>>;
}

async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
  const r = await invoke(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function ingested(collection: string) {
  await expect.poll(async () => (await call('collections.get', { collection })).ingest.running, { timeout: 60_000 }).toBe(false);
  return call('collections.get', { collection });
}

/** Title and text of every HTML page the collection stored, by its capture's file and offset. */
async function pageTexts(collection: string): Promise<Map<string, { title: string; text: string }>> {
  const texts = new Map<string, { title: string; text: string }>();
  for (const url of HOSTS) {
    for (const c of await call('captures.byHost', { collection, url })) {
      if (c.status !== 200 || c.mime !== 'text/html') continue;
      const { title, text } = await call('record.text', { collection, captureId: c.id });
      texts.set(`${c.file}@${c.offset}`, { title, text });
    }
  }
  return texts;
}

async function ingest(collection: string, backend?: 'cpu' | 'gpu' | 'auto') {
  await call('collections.create', { name: collection });
  await call('files.add', { collection, paths: WARCS });
  await call('ingest.start', { collection, ...(backend ? { backend } : {}) });
  return ingested(collection);
}

test('the page offers its worker GPU, and a gpu ingest stores the same texts as a cpu ingest', async () => {
  test.setTimeout(120_000);
  const cpu = await ingest('cpu');
  expect(cpu.ingest.text).toMatchObject({ requested: 'cpu', choice: 'cpu' });
  const cpuTexts = await pageTexts('cpu');
  expect(cpuTexts.size).toBeGreaterThan(10);
  expect([...cpuTexts.values()].some((t) => t.title.startsWith('Internet Archive'))).toBe(true);

  // The worker offers itself once it has probed WebGL2; until then 'gpu' is refused at once, not left hanging.
  await call('collections.create', { name: 'gpu' });
  await call('files.add', { collection: 'gpu', paths: WARCS });
  await expect
    .poll(async () => {
      const r = await invoke('ingest.start', { collection: 'gpu', backend: 'gpu' });
      return r.ok ? 'started' : r.error.code;
    }, { timeout: 20_000 })
    .toBe('started');
  const gpu = await ingested('gpu');
  expect(gpu.ingest.stopped).toBeNull();
  expect(gpu.ingest.text).toMatchObject({ requested: 'gpu', choice: 'gpu' });
  expect(gpu.pages).toBe(cpu.pages);
  expect(await pageTexts('gpu')).toEqual(cpuTexts);

  // The texts came from the page's worker through 'extract.reply', not from the engine's CPU fallback.
  const { spans } = await call('telemetry.recent', { limit: 5000 });
  const replies = spans.filter((s: SpanSummary) => s.name === 'api.extract.reply');
  expect(replies.length).toBeGreaterThan(0);
  expect(replies.every((s) => s.error === null)).toBe(true);
  // Issue 17: one trace across the GPU boundary. The page's 'gpu.batch' spans (sent to the engine within a second) sit
  // under the writer thread's span of this ingest that asked for the batch, in the ingest's trace.
  await expect.poll(async () => (await call('telemetry.recent', { limit: 20_000 })).spans.some((s) => s.name === 'gpu.batch'), { timeout: 10_000 }).toBe(true);
  const all = (await call('telemetry.recent', { limit: 20_000 })).spans;
  const byId = new Map(all.map((s) => [s.spanId, s]));
  const run = all.filter((s) => s.name === 'ingest.collection' && s.attributes.collection === 'gpu').at(-1)!;
  const gpuBatches = all.filter((s) => s.name === 'gpu.batch' && s.traceId === run.traceId);
  expect(gpuBatches.length).toBeGreaterThan(0);
  for (const b of gpuBatches) {
    expect(b.process).toBe('renderer');
    expect(byId.get(b.parentSpanId!)?.process).toBe('ingest-writer');
    // The worker's gpu.js work inside it: one span per stage and batch, recorded by the renderer's web tracer.
    const stages = all.filter((s) => s.parentSpanId === b.spanId);
    expect(stages.map((s) => s.name)).toEqual(['gpu.upload', 'gpu.kernels', 'gpu.readback', 'gpu.finish']);
    for (const s of stages) expect(s).toMatchObject({ traceId: run.traceId, process: 'renderer' });
    expect(stages.reduce((n, s) => n + Number(s.attributes.chars), 0)).toBeGreaterThan(0);
  }
  const { logsDir } = await call('app.paths', {});
  const log = readFileSync(join(logsDir, 'engine.log'), 'utf8');
  expect(log).toMatch(/Ingest of “gpu”: text backend gpu \(asked gpu; cpu [\d.]+ MB\/s\) on .*SwiftShader/);
  expect(log).not.toMatch(/extracted on the CPU until/);
});

test("'auto' measures both, keeps the CPU here, and the ingest panel shows both figures", async () => {
  test.setTimeout(120_000);
  await ingest('auto', 'auto');
  // Measured beside the run (which extracts on the CPU meanwhile), so the figures may come after its end.
  await expect.poll(async () => (await call('collections.get', { collection: 'auto' })).ingest.text?.measuring, { timeout: 60_000 }).toBe(false);
  const auto = await call('collections.get', { collection: 'auto' });
  expect(auto.ingest.text).toMatchObject({ requested: 'auto', choice: 'cpu', note: null });
  expect(auto.ingest.text!.gpuMBps).toBeGreaterThan(0);
  // Software WebGL2 is tens of times slower than the CPU loop.
  expect(auto.ingest.text!.cpuMBps!).toBeGreaterThan(auto.ingest.text!.gpuMBps!);
  expect(await pageTexts('auto')).toEqual(await pageTexts('cpu'));

  await page.reload();
  await page.getByRole('navigation', { name: 'Collections' }).getByRole('button', { name: /^auto/ }).click();
  const panel = page.getByRole('region', { name: 'Ingest progress' });
  await expect(panel).toContainText('Ingest done');
  await expect(panel).toContainText(/text: cpu \(cpu [\d.]+ MB\/s, gpu [\d.]+ MB\/s, measured \d{4}-\d{2}-\d{2}\)/);

  const { spans } = await call('telemetry.recent', { limit: 5000 });
  const choice = spans.filter((s) => s.name === 'extract.choose-backend').at(-1);
  expect(choice?.attributes).toMatchObject({ kind: 'auto', choice: 'cpu' });
  expect(choice?.attributes.gpuMBps).toBeGreaterThan(0);
});
