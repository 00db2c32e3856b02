// Export WACZ of what a person picks, in Debian Chromium against the real engine in browser mode: captures picked with
// the Captures screen's checkboxes (count, select all / none), a host over a range of days, and search results picked
// with the pointer and with Space. Each package is read back with Debian's
// unzip, and its pages and index hold exactly what was picked. The collection is pywb's example.com captures, from four
// crawls (2014-01-03, 2014-02-16, 2015-03-30, 2016-02-25; ../shared/corpus, skipped without it). The browser's zone is
// New York, so the date fields are local days (UTC-5). Axe on each screen.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, expectAccessible, ingestViaApi, ROOT, startEngine, type RunningEngine } from './support.js';

const WARCS = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs');
const FILES = ['example.warc.gz', 'example-wget-1-14.warc.gz', 'example-wpull.warc.gz', 'example2.warc.gz'].map((f) => join(WARCS, f));
const SCREENS = join(ROOT, 'test-results/screens');
const COLLECTION = 'example crawls';

test.describe.configure({ mode: 'serial' });
test.skip(!FILES.every((f) => existsSync(f)), 'needs ../shared/corpus (pywb sample example*.warc.gz)');

let engine: RunningEngine;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

/** One entry of a zip, as Debian's unzip reads it. */
function entry(path: string, name: string): string {
  const r = spawnSync('unzip', ['-p', path, name]);
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString();
}

/** The package's pages as [url, ts] and its index as "urlkey timestamp", read back from the saved file. */
function packaged(path: string): { pages: string[][]; index: string[] } {
  const t = spawnSync('unzip', ['-t', path]);
  expect(t.status, t.stdout.toString()).toBe(0);
  const pages = entry(path, 'pages/pages.jsonl')
    .trim()
    .split('\n')
    .slice(1) // the header line
    .map((l) => JSON.parse(l) as { url: string; ts: string })
    .map((p) => [p.url, p.ts]);
  const index = entry(path, 'indexes/index.cdxj')
    .trim()
    .split('\n')
    .map((l) => l.split(' ').slice(0, 2).join(' '));
  return { pages, index };
}

async function savedPath(scope: ReturnType<Page['getByRole']>): Promise<string> {
  const status = scope.getByTestId('export-wacz-status');
  await expect(status).toHaveText(/^Saved .*\.wacz: \d+ pages?, \d+ records?, [\d.]+ [KM]?B/, { timeout: 60_000 });
  return /^Saved (.*\.wacz):/.exec((await status.textContent())!)![1];
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  engine = await startEngine({ allowDirs: [WARCS] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 }, timezoneId: 'America/New_York' });
  page = await context.newPage();
  await page.goto(engine.url);
  await ingestViaApi(page, engine, COLLECTION, FILES);
  await page.reload();
  await page.getByRole('button', { name: 'Captures', exact: true }).click();
  const form = page.getByRole('form', { name: 'Look up captures' });
  await form.getByRole('radio', { name: 'Host' }).check();
  await form.getByRole('textbox', { name: 'Host' }).fill('example.com');
  await form.getByRole('button', { name: 'Look up' }).click();
  await expect(page.getByRole('table', { name: 'Captures found' })).toBeVisible();
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

test('two picked captures export as a package holding those two and nothing else', async () => {
  const picked = page.getByRole('group', { name: 'Selected captures' });
  const count = picked.getByTestId('picked-count');
  await expect(count).toHaveText('0 captures selected');
  await expect(picked.getByRole('button', { name: 'Export selected as WACZ' })).toBeDisabled();

  const rows = page.getByRole('table', { name: 'Captures found' }).getByRole('row');
  const total = (await rows.count()) - 1; // the header row
  await picked.getByRole('button', { name: 'Select all' }).click();
  await expect(count).toHaveText(`${total} captures selected`);
  await picked.getByRole('button', { name: 'Select none' }).click();
  await expect(count).toHaveText('0 captures selected');

  // The first crawl's page (3 January 2014, 03:03:21 UTC) and the last one's (25 February 2016, 04:23:29 UTC), shown
  // in New York time.
  await rows.filter({ hasText: '2014-01-02 22:03:21' }).filter({ hasText: 'response' }).getByRole('checkbox').check();
  await rows.filter({ hasText: '2016-02-24 23:23:29' }).filter({ hasText: 'response' }).getByRole('checkbox').check();
  await expect(count).toHaveText('2 captures selected');
  await picked.getByRole('button', { name: 'Export selected as WACZ' }).click();
  const path = await savedPath(picked);
  await expect(picked.getByTestId('export-wacz-status')).toContainText(': 2 pages, 2 records,');
  await shot('export-selection-01-picked');
  await expectAccessible(page, 'captures picked and exported');

  const { pages, index } = packaged(path);
  expect(pages.map(([, ts]) => ts).sort()).toEqual(['2014-01-03T03:03:21Z', '2016-02-25T04:23:29Z']);
  expect(pages.map(([url]) => new URL(url).host)).toEqual(['example.com', 'example.com']);
  expect(index).toEqual(['com,example)/ 20160225042329', 'com,example)/?example=1 20140103030321']);
});

test('a host over a range of local days exports the captures of those days only', async () => {
  const host = page.getByRole('group', { name: 'Export this host' });
  // 1 February 2014 to 31 December 2015 in New York: the wget crawl (16 February 2014) and the wpull one (30 March
  // 2015), not the first (January 2014) nor the last (2016).
  await host.getByLabel('From').fill('2014-02-01');
  await host.getByLabel('To').fill('2015-12-31');
  await host.getByRole('button', { name: 'Export WACZ' }).click();
  const path = await savedPath(host);
  await shot('export-selection-02-host-range');
  await expectAccessible(page, 'host exported over a range');

  const { pages, index } = packaged(path);
  expect(pages.map(([, ts]) => ts).sort()).toEqual(['2014-02-16T01:29:08Z', '2015-03-30T23:50:46Z']);
  expect(index).toEqual(['com,example)/ 20140216012908', 'com,example)/ 20150330235046']);
});

test('search results picked with the pointer and with Space export as those pages only', async () => {
  await page.getByRole('searchbox').fill('example');
  await page.getByRole('searchbox').press('Enter');
  const results = page.getByRole('listbox', { name: 'Results' });
  const hits = results.getByRole('option');
  await expect(hits.nth(1)).toBeVisible();
  const picked = page.getByRole('group', { name: 'Selected results' });
  await expect(picked.getByTestId('picked-count')).toHaveText('0 results selected');

  // The first hit by its pick box (the row itself opens the record), the second by Space on the keyboard.
  await hits.nth(0).locator('.pick').click();
  await results.focus();
  await results.press('ArrowDown');
  await results.press(' ');
  await expect(picked.getByTestId('picked-count')).toHaveText('2 results selected');
  await expect(hits.nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(hits.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(results.locator('[role=option][aria-selected=true]')).toHaveCount(2);
  const urls = await Promise.all([0, 1].map((i) => hits.nth(i).locator('.uri').first().textContent()));

  await picked.getByRole('button', { name: 'Export selected as WACZ' }).click();
  const path = await savedPath(picked);
  await shot('export-selection-03-search-picked');
  await expectAccessible(page, 'search results picked and exported');
  const { pages } = packaged(path);
  expect(pages.map(([url]) => url).sort()).toEqual([...urls].sort());
});
