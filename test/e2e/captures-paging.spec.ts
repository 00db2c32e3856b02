// A host with more captures than the Captures screen asks for at once (2,000): in Debian Chromium against the
// real engine in browser mode, the screen says the list is the first of more, in URL order, and shows the rest a page
// at a time; a small lookup says how many it found. The WARC is written by the test (no corpus needed). Screenshot:
// test-results/screens/captures-more.png.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { callApi, expectAccessible, ROOT, type RunningEngine, startEngine } from './support.js';

const SCREENS = join(ROOT, 'test-results/screens');
/** How many captures the screen asks for at a time (CapturesView.tsx); not imported, the module being the page's. */
const CAPTURES_PAGE = 2000;
/** Pages of the big host beyond the first page of captures. */
const EXTRA = 50;

test.describe.configure({ mode: 'serial' });

let engine: RunningEngine;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  mkdirSync(SCREENS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'as-captures-'));
  const n = CAPTURES_PAGE + EXTRA;
  const records = Array.from({ length: n }, (_, i) => ({
    // Zero-padded, so URL order is number order and the last page's first row is known.
    uri: `http://big.example.org/item/${String(i).padStart(5, '0')}`,
    date: '2021-06-01T12:00:00Z',
    body: html(`Item ${i}`, `Catalogue entry ${i}.`),
  }));
  records.push({ uri: 'http://small.example.net/', date: '2021-06-02T12:00:00Z', body: html('Small', 'One page.') });
  const warc = join(dir, 'big.warc.gz');
  writeFileSync(warc, warcFile(records, true));
  engine = await startEngine({ allowDirs: [dir] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
  page = await context.newPage();
  await page.goto(engine.url);
  const api = <T>(method: string, args: object): Promise<T> => callApi<T>(page, engine, method, args);
  await api('collections.create', { name: 'catalogue' });
  await api('files.add', { collection: 'catalogue', paths: [warc] });
  await api('ingest.start', { collection: 'catalogue' });
  await expect.poll(async () => (await api<{ ingest: { running: boolean } }>('collections.get', { collection: 'catalogue' })).ingest.running, { timeout: 120_000 }).toBe(false);
  // The first page traded the engine's token for its cookie and made the collection; the app is opened afresh on it.
  await page.close();
  page = await context.newPage();
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

const found = () => page.getByRole('table', { name: 'Captures found' }).getByRole('row');

test('a host of more captures than one page: the first ones, said to be the first, then the rest on asking', async () => {
  await page.goto(`${engine.origin}/#/captures/catalogue?by=host&url=big.example.org`);
  // The app's first load and 2,000 rows drawn: 2-6 s on this machine.
  await expect(page.getByTestId('captures-count')).toHaveText(`The first ${CAPTURES_PAGE.toLocaleString('en-US')} captures, in URL order; there are more.`, { timeout: 20_000 });
  await expect(found()).toHaveCount(CAPTURES_PAGE + 1); // with the header row
  await page.getByRole('button', { name: `Show ${CAPTURES_PAGE.toLocaleString('en-US')} more` }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENS, 'captures-more.png') });
  await page.getByRole('button', { name: `Show ${CAPTURES_PAGE.toLocaleString('en-US')} more` }).click();
  await expect(page.getByTestId('captures-count')).toHaveText(`${(CAPTURES_PAGE + EXTRA).toLocaleString('en-US')} captures.`);
  await expect(found()).toHaveCount(CAPTURES_PAGE + EXTRA + 1);
  // The second page follows the first in URL order, with nothing repeated or left out.
  await expect(found().nth(CAPTURES_PAGE + 1)).toContainText(`http://big.example.org/item/${String(CAPTURES_PAGE).padStart(5, '0')}`);
  await expect(found().last()).toContainText(`http://big.example.org/item/${String(CAPTURES_PAGE + EXTRA - 1).padStart(5, '0')}`);
  await expect(page.getByRole('button', { name: /^Show .* more$/ })).toHaveCount(0);
});

test('a lookup of one capture says so, in the singular', async () => {
  await page.goto(`${engine.origin}/#/captures/catalogue?by=host&url=small.example.net`);
  await expect(page.getByTestId('captures-count')).toHaveText('1 capture.');
  await expect(page.getByRole('button', { name: /^Show .* more$/ })).toHaveCount(0);
  // Here, not on the 2,000 rows above: axe takes minutes over a table that long.
  await expectAccessible(page, 'captures, one found');
});
