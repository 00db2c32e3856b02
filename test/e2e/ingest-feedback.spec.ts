// Issue 15, "Ingest and files", in Debian Chromium against the real engine in browser mode: a file that is not an
// archive is refused when added, saying what it is (typed path and folder browser); an ingest of several files shows
// its progress within a second of Start; a gzip cut short is shown as damaged with what was read before the break
// (file table and Inspect); long problem messages are cut with the whole a click away; Delete says why it waits; the
// text backend's status line ends with its measurement, also after a reload; counts take their plural forms.
// The archives are built here (no corpus needed): several gzipped WARCs, one clipped single-stream gzip, a PNG.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { html, warcFile, warcRecord } from '../core/ingest/warc-builder.js';
import { expectAccessible, ROOT, type RunningEngine, startEngine } from './support.js';

const SCREENS = join(ROOT, 'test-results/screens');
const dir = mkdtempSync(join(tmpdir(), 'as-e2e-files-'));
const REPLACED = join(dir, 'crawl', 'zz-an-archive-with-a-long-name-overwritten-by-an-image-before-it-was-ingested.warc');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000300000003008060000005702f987', 'hex');

test.describe.configure({ mode: 'serial' });

let engine: RunningEngine;
let page: Page;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  const crawl = join(dir, 'crawl');
  mkdirSync(crawl);
  for (let f = 0; f < 6; f++) {
    const records = Array.from({ length: 300 }, (_, i) => ({
      uri: `https://example.org/site${f}/page${i}`,
      date: '2024-03-01T12:00:00Z',
      body: html(`Site ${f} page ${i}`, `${'An ordinary paragraph of archived text. '.repeat(60)} number ${i}`),
    }));
    writeFileSync(join(crawl, `part-${f}.warc.gz`), warcFile(records, true));
  }
  // One gzip stream for the whole file, cut at 60 %: a download that stopped.
  const whole = gzipSync(Buffer.concat(Array.from({ length: 40 }, (_, i) =>
    warcRecord({ uri: `https://clipped.example/${i}`, date: '2024-03-02T00:00:00Z', body: html(`c${i}`, `clipped text ${i} `.repeat(150)) }))));
  writeFileSync(join(crawl, 'clipped.warc.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  writeFileSync(join(crawl, 'logo.warc'), PNG); // a PNG named like an archive
  // An archive when added, an image by the time it is ingested (a download that overwrote it): not an archive after all.
  writeFileSync(REPLACED, warcFile([{ uri: 'https://replaced.example/', date: '2024-03-03T00:00:00Z', body: html('r', 'r') }]));
  writeFileSync(join(dir, 'photo.png'), PNG);
  writeFileSync(join(dir, 'one.warc'), warcFile([{ uri: 'https://one.example/', date: '2024-03-03T00:00:00Z', body: html('one', 'one page') }]));
  engine = await startEngine({ allowDirs: [dir] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  await page.goto(engine.url);
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

const axe = (name: string) => expectAccessible(page, name);
const shot = (name: string) => page.screenshot({ path: join(SCREENS, `ux-files-${name}.png`), fullPage: true });

test('the welcome screen has one way to create a collection', async () => {
  await expect(page.getByRole('heading', { name: 'Open a WARC to begin' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'New collection' })).toHaveCount(1);
  await shot('01-welcome');
  await axe('welcome');
});

test('a PNG typed into the path box is refused at once, saying what it is', async () => {
  const form = page.getByRole('navigation', { name: 'Collections' }).getByRole('form', { name: 'New collection' });
  await form.getByRole('textbox').fill('crawl');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'crawl' })).toBeVisible();
  await page.getByRole('textbox', { name: 'File or folder path' }).fill(join(dir, 'photo.png'));
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('“photo.png”: PNG image, not an archive.');
  await expect(page.getByRole('table', { name: 'Archive files' })).toHaveCount(0);
  await shot('02-png-refused');
  await axe('png refused');
});

test('the folder browser offers only archives: a PNG named .warc is shown greyed, with what it is', async () => {
  await page.getByRole('button', { name: 'Browse…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose archives or a folder' });
  await dialog.getByRole('button', { name: dir }).click();
  await dialog.getByRole('button', { name: /crawl$/ }).click();
  await expect(dialog.getByText('PNG image, not an archive')).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: /^logo\.warc/ })).toBeDisabled();
  await expect(dialog.getByRole('checkbox', { name: /^clipped\.warc\.gz/ })).toBeEnabled();
  await shot('03-folder-browser');
  await axe('folder browser');
  await dialog.getByRole('button', { name: 'Add this whole folder' }).click();
  // The folder's archives are added; the PNG is named in a warning instead.
  await expect(page.getByRole('table', { name: 'Archive files' }).getByRole('row')).toHaveCount(1 + 8);
  await expect(page.getByRole('alert')).toContainText('not added: “logo.warc”: PNG image, not an archive');
  writeFileSync(REPLACED, PNG);
});

test('an ingest of several files shows its progress within a second of Start, and Delete says why it waits', async () => {
  const start = page.getByRole('button', { name: 'Start ingest' });
  const panel = page.getByRole('region', { name: 'Ingest progress' });
  await start.click();
  // Within 1 s: the panel, with the files queued or their figures (issue 15: nothing for the first 5-7 s before).
  await expect(panel).toBeVisible({ timeout: 1000 });
  await expect(panel).toContainText(/8 files queued|of 8 files/, { timeout: 1000 });
  const del = page.getByRole('button', { name: 'Delete' });
  if (await page.getByRole('heading', { name: 'Ingesting…' }).isVisible()) {
    await shot('04-ingest-started');
    await expect(del).toBeDisabled();
    await expect(del).toHaveAttribute('title', /cannot be deleted while it is being ingested/);
    await expect(page.getByText('Delete waits for the ingest to end')).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Ingest done' })).toBeVisible({ timeout: 120_000 });
  await expect(del).toBeEnabled();
  // The status line ends with the work it describes (it was "measuring cpu and gpu…" for good), also after a reload.
  await expect(panel.getByText(/^text: /)).not.toContainText('measuring', { timeout: 60_000 });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Ingest done' })).toBeVisible();
  await expect(panel.getByText(/^text: /)).not.toContainText('measuring');
});

test('the clipped gzip is shown as damaged with what was read, the overwritten file as not an archive, the others as indexed', async () => {
  const files = page.getByRole('table', { name: 'Archive files' });
  const clipped = files.getByRole('row', { name: /clipped\.warc\.gz/ });
  await expect(clipped).toContainText('damaged: cut short');
  await expect(clipped).toContainText(/\d+ complete records read before the break: file ends inside a gzip member \(\d+ bytes inflated before the end\)/);
  const replaced = files.getByRole('row', { name: /zz-an-archive/ });
  await expect(replaced).toContainText('not an archive');
  await expect(replaced).not.toContainText('indexed');
  await expect(files.getByText('indexed', { exact: true })).toHaveCount(6);
  // The sidebar's count of this collection, in its plural form.
  await expect(page.getByRole('navigation', { name: 'Collections' })).toContainText(/\d[\d,]* captures/);
  const errors = page.getByRole('table', { name: 'Ingest errors' });
  await expect(page.getByText('3 problems found while reading')).toBeVisible();
  // The file column keeps a readable width beside long messages, which are cut with the whole a click away, and
  // say what the bytes are instead of escaping them.
  const fileCell = errors.getByRole('row').nth(1).getByRole('cell').first();
  expect((await fileCell.boundingBox())!.width).toBeGreaterThan(200);
  const long = errors.getByRole('row', { name: /zz-an-archive/ }).locator('details.long-text');
  await expect(long).toBeVisible();
  await expect(long.locator('p')).toBeHidden();
  await long.locator('summary').click();
  await expect(long.locator('p')).toContainText(/: PNG image, not an archive \(WARC, ARC or WACZ\)$/);
  await expect(errors).not.toContainText('\\x89');
  await shot('05-ingest-done');
  await axe('ingest done');
});

test('Settings show what Automatic measured on this machine, and measure again when asked', async () => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  const line = page.getByText(/^Measured \d{4}-\d{2}-\d{2}: CPU [\d.]+ MB\/s, GPU [\d.]+ MB\/s, so (CPU|GPU) is used\.$/);
  await expect(line).toBeVisible();
  await shot('08-settings-measured');
  await axe('settings measured');
  await page.getByRole('button', { name: 'Measure again' }).click();
  await expect(page.getByText('Not measured yet on this machine: the next ingest measures.')).toBeVisible();
});

test('Inspect a clipped gzip: damaged, with the complete records read before the break; one record is "1 record"', async () => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /Inspect/ }).click();
  await page.getByRole('textbox', { name: 'Archive path' }).fill(join(dir, 'crawl', 'clipped.warc.gz'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const note = page.getByRole('note').filter({ hasText: 'Damaged' });
  await expect(note).toContainText(/Damaged: this file ends early\. [\d.]+ KB inflated before the break; \d+ complete records were read before it; what follows cannot be read\./);
  await shot('06-inspect-clipped');
  await axe('inspect clipped');
  await page.getByRole('textbox', { name: 'Archive path' }).fill(join(dir, 'one.warc'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Records' }).locator('p.meta').first()).toHaveText(/— 1 record$/);
  await page.getByRole('textbox', { name: 'Archive path' }).fill(join(dir, 'photo.png'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('PNG image, not an archive');
  await shot('07-inspect-png');
});
