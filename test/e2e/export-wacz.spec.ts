// Export WACZ from a search's results in Debian Chromium against the real engine in browser mode: the button beside
// the CSV/JSONL exports, the progress and the saved package's path, a package that unzip tests; then the Record
// viewer's citation formats. Axe on each screen. Needs the corpus's pywb sample iana.warc.gz; skipped without it.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, expectAccessible, ingestViaApi, ROOT, startEngine, type RunningEngine } from './support.js';

const IANA = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
const SCREENS = join(ROOT, 'test-results/screens');
const COLLECTION = 'iana export';

test.describe.configure({ mode: 'serial' });
test.skip(!existsSync(IANA), 'needs ../shared/corpus (pywb sample iana.warc.gz)');

let engine: RunningEngine;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  engine = await startEngine({ allowDirs: [CORPUS] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  await page.goto(engine.url);
  await ingestViaApi(page, engine, COLLECTION, [IANA]);
  await page.reload();
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

test("Export WACZ writes the search's results as a package and says where", async () => {
  await page.getByRole('searchbox').fill('domains');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByRole('listbox', { name: 'Results' }).getByRole('option').first()).toBeVisible();
  const group = page.getByRole('group', { name: 'Export results' });
  await group.getByRole('button', { name: 'Export WACZ' }).click();
  const status = group.getByTestId('export-wacz-status');
  await expect(status).toHaveText(/^Saved .*\.wacz: \d+ pages, \d+ records, [\d.]+ [KM]B/, { timeout: 60_000 });
  await shot('export-wacz-01-saved');
  await expectAccessible(page, 'export saved');
  const path = /^Saved (.*\.wacz):/.exec((await status.textContent())!)![1];
  const t = spawnSync('unzip', ['-t', path]);
  expect(t.status, t.stdout.toString()).toBe(0);
  expect(t.stdout.toString()).toMatch(/pages\/pages\.jsonl|fulltext\/pages\.sqlite/);
});

test('Copy citation offers BibTeX, CSL-JSON and Memento besides plain text', async () => {
  await page.getByRole('listbox', { name: 'Results' }).getByRole('option').first().click();
  const format = page.getByRole('combobox', { name: 'Citation format' });
  await expect(format).toBeVisible();
  await format.selectOption('bibtex');
  await page.getByRole('button', { name: 'Copy citation' }).click();
  await expect(page.getByTestId('record-action-status')).toContainText(/Citation copied|@misc\{/);
  const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()).catch(() => null);
  if (copied !== null) expect(copied).toMatch(/^@misc\{[\s\S]*url = \{http/);
  await shot('export-wacz-02-citation');
  await expectAccessible(page, 'citation formats');
});

test('Export WACZ from the replay view packs the page shown, with its resources', async () => {
  // The replay view's own address (tested in replay-ui.spec.ts), as a bookmark would open it.
  await page.goto(`${engine.origin}/#/replay/${encodeURIComponent(COLLECTION)}/2014/http://www.iana.org/`);
  const replay = page.getByRole('region', { name: 'Replay' });
  await expect(replay.getByRole('heading', { name: 'http://www.iana.org/' })).toBeVisible();
  await replay.getByRole('button', { name: 'Export WACZ' }).click();
  const status = replay.getByTestId('export-wacz-status');
  // One page: its stylesheets, scripts, images and fonts come with it.
  await expect(status).toHaveText(/^Saved .*\.wacz: 1 page, \d\d+ records/, { timeout: 60_000 });
  await shot('export-wacz-03-replayed-page');
  await expectAccessible(page, 'export from replay');
});
