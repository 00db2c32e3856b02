// Issue 17, must-show 3: after an ingest started with the UI's button and a search typed in the UI, the Profiler shows
// both operations as waterfalls across processes (screenshots in test-results/screens: profiler-ingest.png,
// profiler-search.png), and a trace exported from it re-imports as OTLP/JSON: posted to an OTLP/HTTP receiver, it
// decodes to the same spans, in one trace.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError, ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import { gzipRecords, httpResponse, responseRecord } from '../core/warc/fixtures.js';
import { startReceiver, unusedPort } from '../core/telemetry/otlp-receiver.js';
import { chromiumLaunchOptions, ROOT, startEngine, type RunningEngine } from './support.js';

const SCREENS = join(ROOT, 'test-results/screens');
const PAGES = 30;
const dir = mkdtempSync(join(tmpdir(), 'as-profiler-'));
const warc = join(dir, 'birds.warc.gz');
writeFileSync(warc, gzipRecords(Array.from({ length: PAGES }, (_, i) =>
  responseRecord(`http://birds.example/${i}`, httpResponse(200, [['Content-Type', 'text/html']], `<title>Bird ${i}</title><p>osprey nest ${i}</p>`)))));

test.use({ launchOptions: chromiumLaunchOptions() });
test.describe.configure({ mode: 'serial' });

let engine: RunningEngine;
let page: Page;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  engine = await startEngine({ allowDirs: [dir] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(engine.url);
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
  const res = await page.request.post(`${engine.origin}/api/${method}`, { data: args });
  const r = (await res.json()) as { ok: true; value: ResultOf<M> } | { ok: false; error: ApiError };
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

test('an ingest and a search from the UI show in the Profiler as waterfalls; an exported trace re-imports', async () => {
  test.setTimeout(120_000);
  await call('collections.create', { name: 'birds' });
  await call('files.add', { collection: 'birds', paths: [warc] });
  await page.reload();
  await page.getByRole('navigation', { name: 'Collections' }).getByRole('button', { name: /^birds/ }).click();
  await page.getByRole('button', { name: 'Start ingest' }).click();
  await expect.poll(async () => (await call('collections.get', { collection: 'birds' })).ingest.running, { timeout: 60_000 }).toBe(false);

  await page.getByRole('searchbox').fill('osprey');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByRole('listbox', { name: 'Results' }).getByRole('option').first()).toBeVisible();
  // The UI sends its spans to the engine within a second; the Profiler reads them from there.
  await expect.poll(async () => (await call('telemetry.recent', { limit: 20_000 })).spans.some((s) => s.name === 'ui.search'), { timeout: 10_000 }).toBe(true);

  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Profiler' }).click();
  const ops = page.getByRole('table', { name: 'Recent operations' });
  const row = (root: string) => ops.getByRole('row').filter({ has: page.getByRole('cell', { name: root, exact: true }) });
  await expect(row('ui.ingest.start')).toHaveCount(1);
  await expect(row('ui.search')).toHaveCount(1);

  await row('ui.ingest.start').getByRole('button', { name: /^Open/ }).click();
  const ingest = page.getByRole('region', { name: 'Waterfall of the ingest' });
  // Every process the ingest crossed is in its waterfall, the worker's batches under the writer's file.
  for (const name of ['ui.ingest.start', 'api.ingest.start', 'ingest.collection', 'ingest.file', 'ingest.batch', 'ingest.extract', 'store.writeBatch']) {
    await expect(ingest.getByRole('listitem').filter({ hasText: name }).first()).toBeVisible();
  }
  for (const p of ['renderer', 'engine', 'ingest-writer', 'ingest-worker']) await expect(ingest.locator(`li.process-${p}`).first()).toBeVisible();
  await expect(ingest.getByLabel('Time by stage')).toContainText(/\d+% /);
  await page.screenshot({ path: join(SCREENS, 'profiler-ingest.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await row('ui.search').getByRole('button', { name: /^Open/ }).click();
  const search = page.getByRole('region', { name: 'Waterfall of the search' });
  for (const name of ['ui.search', 'api.search.query', 'search.search', 'search.plan', 'search.snippets', 'api.search.facets']) {
    await expect(search.getByRole('listitem').filter({ hasText: name }).first()).toBeVisible();
  }
  await expect(search.locator('li.process-search-reader').first()).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'profiler-search.png'), fullPage: true });

  // Export the search's trace; the file posted to an OTLP/HTTP receiver decodes to the same spans, one trace.
  const [download] = await Promise.all([page.waitForEvent('download'), search.getByRole('button', { name: 'Export OTLP JSON' }).click()]);
  const file = join(dir, 'exported.json');
  await download.saveAs(file);
  const body = readFileSync(file);
  const receiver = await startReceiver();
  try {
    const res = await fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const shown = await search.getByRole('listitem').count();
    expect(receiver.spans).toHaveLength(shown);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    expect(receiver.spans.map((s) => s.name)).toEqual(expect.arrayContaining(['ui.search', 'api.search.query', 'search.search']));
    expect(new Set(receiver.spans.map((s) => s.service))).toEqual(new Set(['archivestream-renderer', 'archivestream-engine', 'archivestream-search-reader']));
  } finally {
    await receiver.close();
  }
});

test('Settings, Telemetry: test connection says what happened, and export turns on', async () => {
  const receiver = await startReceiver();
  try {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Telemetry' });
    const endpoint = section.getByRole('textbox', { name: 'Endpoint' });
    // A port nothing listens on: the failure is said in words, at once.
    const closed = await unusedPort();
    await endpoint.fill(`http://127.0.0.1:${closed}`);
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect(section.getByRole('status')).toContainText(`Failed: could not post to http://127.0.0.1:${closed}/v1/traces: ECONNREFUSED`);
    await endpoint.fill(receiver.endpoint);
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect(section.getByRole('status')).toContainText('Connected: the collector accepted an empty trace (HTTP 200)');
    // The box shows the engine's answer, so it turns checked once the engine has taken the setting.
    const exportBox = section.getByRole('checkbox', { name: /Export traces/ });
    await exportBox.click();
    await expect(exportBox).toBeChecked();
    await expect(section).toContainText('spans sent');
    await page.screenshot({ path: join(SCREENS, 'settings-telemetry.png'), fullPage: true });
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    // The next UI action's spans reach the receiver through the engine (the UI posts nothing to it itself).
    await page.getByRole('searchbox').fill('nest');
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => receiver.spans.some((s) => s.name === 'ui.search' && s.service === 'archivestream-renderer'), { timeout: 15_000 }).toBe(true);
    const trace = receiver.spans.find((s) => s.name === 'ui.search')!.traceId;
    await expect.poll(() => receiver.spans.some((s) => s.traceId === trace && s.name === 'search.search'), { timeout: 15_000 }).toBe(true);
  } finally {
    await call('telemetry.configure', { exportOn: false });
    await receiver.close();
  }
});

