// The workstation UI in Debian Chromium against the real engine in browser mode (no mocked API): create a collection
// from corpus files, ingest with progress, search, facet, the record viewer's tabs (the hex view's bytes compared with
// the file's), a URL timeline, stats charts, export, and an axe check of every main screen. Archives are opened with
// Ctrl+O and dropped from screens other than the collection's; times show in local time (the browser is put in New
// York) or in UTC, as chosen in Settings; Settings' text extraction choice is what Start ingest asks for.
// Needs the corpus's pywb sample WARCs (iana.warc.gz, example.warc.gz: http://example.com?example=1 twice, once as a revisit).
import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { CORPUS, expectAccessible, ROOT, type RunningEngine, startEngine } from './support.js';

const WARCS = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs');
const DAMAGED = join(CORPUS, 'warc/cbeams+warc/src/test/resources/io/webgraph/warc/multi-with-malformed-record.warc');
const SCREENS = join(ROOT, 'test-results/screens');

test.describe.configure({ mode: 'serial' });
test.skip(!existsSync(WARCS), 'needs ../shared/corpus (pywb sample WARCs)');

let engine: RunningEngine;
let page: Page;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  // The damaged file's folder comes on the command line; the samples' folder is allowed in Settings by the first test.
  engine = await startEngine({ allowDirs: [dirname(DAMAGED)] });
  // axe needs a page of an explicit context.
  // New York, so that local time and UTC differ (by 5 hours in January, when the pywb samples were captured).
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, timezoneId: 'America/New_York' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engine.origin });
  page = await context.newPage();
  await page.goto(engine.url);
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

const axe = (name: string) => expectAccessible(page, name);

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

/** An oracle apart from the engine's reader: the record at `offset` decoded with zlib (all members from there on),
 *  its WARC headers, and its payload per RFC 9112 (chunked) and RFC 9110 (Content-Encoding), or the block. */
function recordAt(file: string, offset: number): { headers: Map<string, string>; payload: Buffer } {
  const raw = readFileSync(file).subarray(offset);
  const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
  const headerEnd = bytes.indexOf('\r\n\r\n');
  const headers = new Map(
    bytes.subarray(0, headerEnd).toString('latin1').split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]),
  );
  const block = bytes.subarray(headerEnd + 4, headerEnd + 4 + Number(headers.get('content-length')));
  if (!/^application\/http/.test(headers.get('content-type') ?? '')) return { headers, payload: block };
  const httpEnd = block.indexOf('\r\n\r\n');
  const http = block.subarray(0, httpEnd).toString('latin1').toLowerCase();
  let body = block.subarray(httpEnd + 4);
  // Some archivers stored the body de-chunked but kept the header (pywb's iana.warc.gz does): like warcio, de-chunk
  // only a body that starts with a chunk-size line.
  if (/\r\ntransfer-encoding:\s*chunked/.test(http) && /^[0-9a-f]+\r\n/i.test(body.subarray(0, 20).toString('latin1'))) {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  const coding = /\r\ncontent-encoding:\s*(\S+)/.exec(http)?.[1];
  if (coding === 'gzip' || coding === 'x-gzip') body = gunzipSync(body);
  else if (coding === 'deflate') body = inflateSync(body);
  else if (coding === 'br') body = brotliDecompressSync(body);
  return { headers, payload: body };
}

/** The page's clipboard (the test's tsconfig has no DOM types: the function runs in the page). */
const clipboardText = () => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`) });

/** A file dragged over the page, as a DataTransfer (the test's tsconfig has no DOM types: the function runs in the page). */
const draggedFile = () =>
  page.evaluateHandle(() => {
    const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string) => unknown };
    const dt = new g.DataTransfer();
    dt.items.add(new g.File(['WARC/1.0'], 'dropped.warc'));
    return dt;
  });

test('empty state, then Ctrl+O from Settings: files picked in the folder browser, and a new collection offered for them', async () => {
  await expect(page.getByRole('heading', { name: 'Open a WARC to begin' })).toBeVisible();
  await shot('01-empty');
  await axe('empty');

  // Browser mode: the folder browser only shows folders allowed in Settings (or with --allow-dir). Allowing one takes
  // the code the engine prints on its terminal, which the page alone cannot know.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Folder', { exact: true }).fill(WARCS);
  await page.getByRole('button', { name: 'Allow folder' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'type the code' })).toBeVisible();
  await expect.poll(() => engine.lastCode()).not.toBeNull();
  await page.getByLabel('Code from the terminal').fill(engine.lastCode()!);
  await page.getByRole('button', { name: 'Confirm folder' }).click();
  await expect(page.getByRole('list', { name: 'Allowed folders' })).toContainText(WARCS);
  // Logs for a bug report: browser mode shows where they are, with a copy button (part 2 of the issue).
  const paths = page.getByRole('region', { name: 'Data and logs' });
  await expect(paths.locator('code').nth(1)).toHaveText(/[\\/]logs$/);
  const logsDir = (await paths.locator('code').nth(1).textContent())!;
  await paths.getByRole('button', { name: 'Copy the logs folder path' }).click();
  await expect(paths.getByRole('status').nth(1)).toHaveText('Copied');
  expect(await clipboardText()).toBe(logsDir);
  expect(readFileSync(join(logsDir, 'engine.log'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}engine \d+ started/);
  await shot('02a-settings-paths');
  await axe('settings');

  // Ctrl+O works on every screen, here Settings with no collection yet: the folder browser stands in for the open dialog.
  await page.keyboard.press('Control+O');
  const dialog = page.getByRole('dialog', { name: 'Choose archives or a folder' });
  await dialog.getByRole('button', { name: /sample_archive\/warcs$/ }).click();
  await dialog.getByRole('checkbox', { name: /^iana\.warc\.gz / }).check();
  await dialog.getByRole('checkbox', { name: /^example\.warc\.gz / }).check();
  await shot('02-folder-browser');
  await axe('folder browser');
  await dialog.getByRole('button', { name: 'Add 2 chosen' }).click();

  // No collection is open: one is offered, named after the first archive.
  const offer = page.getByRole('dialog', { name: 'Create a collection for these 2 archives?' });
  await expect(offer.getByRole('textbox', { name: 'Collection name' })).toHaveValue('iana');
  await expect(offer).toContainText('iana.warc.gz, example.warc.gz');
  await shot('02b-new-collection-offer');
  await axe('new collection offer');
  await offer.getByRole('textbox', { name: 'Collection name' }).fill('pywb samples');
  await offer.getByRole('button', { name: 'Create and add' }).click();
  await expect(offer).toBeHidden();
  await expect(page.getByRole('heading', { name: 'pywb samples' })).toBeVisible();
  const files = page.getByRole('table', { name: 'Archive files' });
  await expect(files.getByRole('row')).toHaveCount(3);
  await expect(files).toContainText('not indexed yet');
});

test('files dragged over any screen show the drop overlay; dropped in a browser, they open the folder browser', async () => {
  // On the Search screen, not the collection's: the overlay covers the whole window.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Search' }).click();
  const target = page.getByRole('region', { name: 'Search' });
  const overlay = page.getByText('Drop WARC, ARC or WACZ files or folders to add them to “pywb samples”');
  const drag = await draggedFile();
  await target.dispatchEvent('dragenter', { dataTransfer: drag });
  await target.dispatchEvent('dragover', { dataTransfer: drag });
  await expect(overlay).toBeVisible();
  await shot('02c-drop-overlay');
  // Leaving the window hides it again.
  await target.dispatchEvent('dragleave', { dataTransfer: drag });
  await expect(overlay).toBeHidden();

  // Dropped: a browser does not tell the page where the file is (only the desktop shell can: webUtils.getPathForFile),
  // so the folder browser opens, saying why, and nothing is added.
  await target.dispatchEvent('dragenter', { dataTransfer: drag });
  await target.dispatchEvent('dragover', { dataTransfer: drag });
  await target.dispatchEvent('drop', { dataTransfer: drag });
  await expect(overlay).toBeHidden();
  const dialog = page.getByRole('dialog', { name: 'Choose archives or a folder' });
  await expect(dialog).toContainText('does not tell the page where a dropped file is');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Files & ingest' }).click();
  await expect(page.getByRole('table', { name: 'Archive files' }).getByRole('row')).toHaveCount(3);
  // The collection screen's Browse… opens the same flow.
  await page.getByRole('button', { name: 'Browse…' }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog).not.toContainText('does not tell the page');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('ingest runs to done with a progress bar, and the files are indexed', async () => {
  await page.getByRole('button', { name: 'Start ingest' }).click();
  await expect(page.getByRole('heading', { name: 'Ingest done' })).toBeVisible({ timeout: 60_000 });
  const bar = page.getByRole('progressbar', { name: 'Collection progress' });
  expect(await bar.getAttribute('value')).toBe(await bar.getAttribute('max'));
  const files = page.getByRole('table', { name: 'Archive files' });
  await expect(files.getByText('indexed', { exact: true })).toHaveCount(2);
  // MANIFEST.tsv: iana.warc.gz has 343 records, example.warc.gz 6.
  await expect(files.getByRole('row', { name: /iana\.warc\.gz/ })).toContainText('343');
  // Started with Settings' default, 'auto': the panel says what it chose (with or without a GPU offered by the page).
  // (A GPU offered is measured beside the first ingest: the line ends with its figures, maybe after the run.)
  await expect(page.getByRole('region', { name: 'Ingest progress' })).toContainText(/text: cpu \((cpu [\d.]+ MB\/s, )?gpu /, { timeout: 60_000 });
  await shot('03-collection-ingested');
  await axe('collection');
});

test('search with "/", facets filter on click, and results export', async () => {
  await page.locator('body').press('/');
  await expect(page.getByRole('searchbox')).toBeFocused();
  await page.keyboard.type('example');
  const results = page.getByRole('listbox', { name: 'Results' });
  await expect(results.getByRole('option').first()).toBeVisible();
  await expect(results.locator('mark').first()).toHaveText(/example/i);
  await expect(page.getByRole('complementary', { name: 'Facets' }).getByRole('region', { name: 'Host facet' })).toBeVisible();
  await shot('04-search');
  await axe('search');
  // The query help says what a very common word or phrase does to the order of hits.
  const help = page.getByText('Query help', { exact: true });
  await help.click();
  await expect(page.getByText(/a query made only of those lists the newest pages first/)).toBeVisible();
  await shot('04b-query-help');
  await axe('query help');
  await help.click();

  const hostFacet = page.getByRole('region', { name: 'Host facet' }).getByRole('button').first();
  const host = (await hostFacet.locator('.uri').textContent())!;
  await hostFacet.click();
  await expect(page.getByRole('searchbox')).toHaveValue(`example site:${host}`);
  await expect(page.getByRole('region', { name: 'Host facet' }).getByRole('button', { pressed: true })).toHaveCount(1);
  await expect(results.getByRole('option').first()).toBeVisible();

  // Date order: newest capture first.
  await page.getByRole('combobox', { name: 'Sort by' }).selectOption('date');
  await expect(results.getByRole('option').first()).toBeVisible();
  // Searches answer from a reader thread: the list shows the relevance order until the date-ordered hits arrive.
  const stampsShown = async () =>
    (await results.locator('.hit-meta').allTextContents()).map((t) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(t)![0]);
  await expect.poll(async () => { const s = await stampsShown(); return s.length > 1 && s.join() === [...s].sort().reverse().join(); }).toBe(true);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('pywb samples-results.csv');
  const csv = await new Promise<string>((resolve, reject) => {
    void download.createReadStream().then((s) => {
      let out = '';
      s.on('data', (d: Buffer) => (out += d.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  });
  const rows = parseCsv(csv);
  expect(rows[0]).toEqual(['title', 'url', 'timestamp', 'status', 'mime', 'captures', 'snippet', 'file', 'offset', 'length', 'tags', 'page_note', 'capture_note']);
  expect(rows.length).toBe((await results.getByRole('option').count()) + 1);
  expect(rows.slice(1).every((r) => new URL(r[1]).hostname.endsWith(host))).toBe(true);
});

test('a malformed query is explained where it was typed, with its column', async () => {
  await page.getByRole('searchbox').fill('"unclosed phrase');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByRole('region', { name: 'Search' }).getByRole('alert')).toContainText(/column \d+/);
  await page.getByRole('searchbox').fill('example site:www.iana.org');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByRole('listbox', { name: 'Results' }).getByRole('option').first()).toBeVisible();
});

test('the record viewer: text, WARC and HTTP headers, raw bytes at the real offset, compare', async () => {
  const hit = page.getByRole('listbox', { name: 'Results' }).getByRole('option').first();
  const title = (await hit.getAttribute('aria-label'))!;
  await hit.click();
  const viewer = page.getByRole('region', { name: 'Record viewer' });
  await expect(viewer.getByRole('tab', { name: 'Text' })).toHaveAttribute('aria-selected', 'true');
  await expect(viewer.getByRole('tabpanel').getByRole('heading')).toHaveText(title);
  await expect(viewer.getByRole('tabpanel').locator('pre')).toContainText(/\w+/);
  await shot('05-viewer-text');
  await axe('viewer');
  // Two views of the page's text: its main content first, and its full text, which holds the main content.
  const views = viewer.getByRole('group', { name: 'Text view' });
  await expect(views.getByRole('button', { name: 'Main content' })).toHaveAttribute('aria-pressed', 'true');
  const main = (await viewer.getByRole('tabpanel').locator('pre').textContent())!;
  await views.getByRole('button', { name: 'Full text' }).click();
  await expect(viewer.getByRole('tabpanel').locator('pre')).toHaveAttribute('aria-label', 'Full text');
  const full = (await viewer.getByRole('tabpanel').locator('pre').textContent())!;
  for (const line of main.split('\n')) expect(full).toContain(line);
  await shot('05b-viewer-full-text');
  await views.getByRole('button', { name: 'Main content' }).click();

  await viewer.getByRole('tab', { name: 'WARC headers' }).click();
  await expect(viewer.getByRole('tabpanel')).toContainText('WARC-Type:');
  await viewer.getByRole('tab', { name: 'HTTP headers' }).click();
  await expect(viewer.getByRole('tabpanel')).toContainText(/HTTP\/1\.[01] \d{3}/);

  // Keyboard: arrows move between tabs.
  await viewer.getByRole('tab', { name: 'HTTP headers' }).press('ArrowRight');
  await expect(viewer.getByRole('tab', { name: 'Raw bytes' })).toBeFocused();
  const dump = viewer.getByTestId('hex-dump');
  await expect(dump).not.toBeEmpty();
  await shot('06-viewer-hex');
  const meta = (await viewer.locator('header .meta').first().textContent())!;
  const [, file, offset] = /(\S+\.warc(?:\.gz)?) @ (\d+)/.exec(meta)!;
  const rows = (await dump.textContent())!.split('\n');
  const first = /^([0-9a-f]{10}) {2}(.{48}) {2}\|/.exec(rows[0])!;
  expect(parseInt(first[1], 16)).toBe(Number(offset));
  const shown = Buffer.from(first[2].replace(/\s+/g, ''), 'hex');
  const fd = openSync(join(WARCS, file), 'r');
  const real = Buffer.alloc(16);
  readSync(fd, real, 0, 16, Number(offset));
  closeSync(fd);
  expect(shown.equals(real)).toBe(true);
  // A gzip member starts with 1f 8b: the record's bytes on disk, not decoded ones.
  if (file.endsWith('.gz')) expect([...real.subarray(0, 2)]).toEqual([0x1f, 0x8b]);

  await viewer.getByRole('tab', { name: 'Compare' }).click();
  await expect(viewer.getByTestId('diff-summary').or(viewer.getByText('no other capture'))).toBeVisible();

  // "Save payload…" writes the decoded HTTP payload, byte for byte; "Copy citation" puts one line on the clipboard.
  const oracle = recordAt(join(WARCS, file), Number(offset));
  const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('button', { name: 'Save payload…' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^[^/\\]+\.[a-z0-9]+$/i);
  const saved = readFileSync((await download.path())!);
  expect(saved.length).toBe(oracle.payload.length);
  expect(saved.equals(oracle.payload)).toBe(true);
  await viewer.getByRole('button', { name: 'Copy citation' }).click();
  await expect(viewer.getByTestId('record-action-status')).toHaveText('Citation copied');
  await shot('06a-viewer-citation');
  const id = oracle.headers.get('warc-record-id')!.replace(/^<|>$/g, '');
  expect(await clipboardText()).toBe(
    `${oracle.headers.get('warc-target-uri')}, archived ${oracle.headers.get('warc-date')}, in ${file} (record ${id}, digest ${oracle.headers.get('warc-payload-digest')}, offset ${offset})`,
  );
  await viewer.getByRole('button', { name: 'Close the record viewer' }).click();
});

test('captures of a URL: timeline chart and versions, revisits pointing at their original', async () => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Captures' }).click();
  await page.getByRole('form', { name: 'Look up captures' }).getByRole('textbox', { name: 'URL' }).fill('http://example.com?example=1');
  await page.getByRole('button', { name: 'Look up' }).click();
  const timeline = page.getByRole('region', { name: 'Timeline of http://example.com?example=1' });
  await expect(timeline.getByRole('img', { name: /Captures per month/ })).toBeVisible();
  const versions = timeline.getByRole('list', { name: 'Versions' }).getByRole('listitem');
  expect(await versions.count()).toBeGreaterThanOrEqual(2);
  // Local time by default (New York, UTC-5); the UTC instant in the tooltip and the datetime attribute.
  await expect(timeline).toContainText(/revisit · (\d+ · )?same as 2014-01-02 22:03:21/);
  const original = timeline.locator('time', { hasText: '2014-01-02 22:03:21' }).last();
  await expect(original).toHaveAttribute('title', '2014-01-03 03:03:21 UTC');
  await expect(original).toHaveAttribute('datetime', '2014-01-03T03:03:21Z');
  await shot('07-timeline');
  await axe('captures');

  // The capture time opens the record (its View page button, the replay view: replay-ui.spec.ts).
  await versions.filter({ hasText: 'revisit' }).first().getByRole('button', { name: /^\d{4}-\d\d-\d\d / }).click();
  const viewer = page.getByRole('region', { name: 'Record viewer' });
  await expect(viewer).toContainText('Revisit: the payload is that of');
  await expect(viewer.getByRole('button', { name: /Next capture|Previous capture/ }).first()).toBeVisible();
  await viewer.getByRole('button', { name: 'Close the record viewer' }).click();
});

test('times in UTC when chosen in Settings, remembered when the app is opened again', async () => {
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('radio', { name: 'Local time (America/New_York)' })).toBeChecked();
  await page.getByRole('radio', { name: 'UTC' }).check();
  const lookUp = async () => {
    await views.getByRole('button', { name: 'Captures' }).click();
    await page.getByRole('form', { name: 'Look up captures' }).getByRole('textbox', { name: 'URL' }).fill('http://example.com?example=1');
    await page.getByRole('button', { name: 'Look up' }).click();
    return page.getByRole('region', { name: 'Timeline of http://example.com?example=1' });
  };
  let timeline = await lookUp();
  await expect(timeline).toContainText(/same as 2014-01-03 03:03:21/);
  await expect(timeline.locator('time', { hasText: '2014-01-03 03:03:21' }).last()).toHaveAttribute('title', /^2014-01-02 22:03:21 local time \(GMT-5\)$/);

  // Reloaded, the app comes back to the same lookup (its address), times in UTC as chosen.
  await page.reload();
  await expect(timeline).toContainText(/same as 2014-01-03 03:03:21/);

  await views.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: /^Local time/ }).check();
});

test('text extraction: Automatic by default, a choice the engine keeps across a reload', async () => {
  const views = page.getByRole('navigation', { name: 'Views' });
  const choice = page.getByRole('group', { name: 'Text extraction' });
  await views.getByRole('button', { name: 'Settings' }).click();
  await expect(choice.getByRole('radio', { name: 'Automatic (measure)' })).toBeChecked();
  // An engine setting: the radio turns checked when the engine has saved it, so click, not check().
  await choice.getByRole('radio', { name: 'CPU', exact: true }).click();
  await expect(choice.getByRole('radio', { name: 'CPU', exact: true })).toBeChecked();
  await shot('02e-settings-text-extraction');
  await page.reload();
  await expect(views.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  await expect(choice.getByRole('radio', { name: 'CPU', exact: true })).toBeChecked();
  await choice.getByRole('radio', { name: 'Automatic (measure)' }).click();
  await expect(choice.getByRole('radio', { name: 'Automatic (measure)' })).toBeChecked();
});

test('one palette for both schemes: the OS scheme, and a theme pinned in Settings against it', async () => {
  const views = page.getByRole('navigation', { name: 'Views' });
  const background = () =>
    page.locator('body').evaluate((body) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(body).backgroundColor);
  await views.getByRole('button', { name: 'Settings' }).click();
  await expect.poll(background).toBe('rgb(255, 255, 255)');
  // Pinned dark under a light OS...
  // The theme is an engine setting: the radio turns checked when the engine has saved it, so click, not check().
  await page.getByRole('radio', { name: 'Dark' }).click();
  await expect.poll(background).toBe('rgb(22, 24, 28)');
  await shot('02d-settings-dark');
  await axe('settings dark');
  // ...and pinned light under a dark OS.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('radio', { name: 'Light' }).click();
  await expect.poll(background).toBe('rgb(255, 255, 255)');
  await page.getByRole('radio', { name: 'Follow the system' }).click();
  await expect.poll(background).toBe('rgb(22, 24, 28)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(background).toBe('rgb(255, 255, 255)');
});

test('statistics charts, in light and dark', async () => {
  // The counts come late (as on a large collection: a second or two at a million pages): the screen says it counts.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/stats.get', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Statistics' }).click();
  const stats = page.getByRole('region', { name: 'Statistics' });
  try {
    await expect(stats.getByRole('status')).toHaveText('Counting the collection…');
  } finally {
    release();
  }
  await expect(stats.getByRole('status')).toHaveCount(0);
  await page.unroute('**/api/stats.get');
  for (const name of ['Media types', 'HTTP statuses', 'Top hosts', 'Captures per month', 'Captures per year']) {
    await expect(stats.getByRole('img', { name: new RegExp(`^${name}( \\(UTC\\))?\\.`) })).toBeVisible();
  }
  // With no search typed, counting a search's pages is offered but off, and the label says what it waits for.
  await expect(stats.getByRole('radio', { name: 'pages matching a search (type one in the search box first)' })).toBeDisabled();
  await shot('08-stats');
  await axe('stats');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('09-stats-dark');
  await axe('stats dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('re-opened, the app finds the collection as it was, the last one chosen', async () => {
  // Opened again from the address the engine printed (no screen in it): the last collection's files.
  await page.goto(engine.url);
  await expect(page.getByRole('heading', { name: 'pywb samples' })).toBeVisible();
  const files = page.getByRole('table', { name: 'Archive files' });
  await expect(files.getByText('indexed', { exact: true })).toHaveCount(2);
});

test('a damaged file: ingest goes on, and each problem is listed with file, offset and message', async () => {
  // cbeams/warc's multi-with-malformed-record.warc: MANIFEST.tsv says the strict reader finds one problem in it.
  const damaged = DAMAGED;
  const form = page.getByRole('navigation', { name: 'Collections' }).getByRole('form', { name: 'New collection' });
  await form.getByRole('textbox').fill('damaged');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'damaged' })).toBeVisible();
  await page.getByRole('textbox', { name: 'File or folder path' }).fill(damaged);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  // Ctrl+O on another screen (Statistics) adds to the current collection, and shows it.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Statistics' }).click();
  await page.keyboard.press('Control+O');
  const dialog = page.getByRole('dialog', { name: 'Choose archives or a folder' });
  await dialog.getByRole('button', { name: /sample_archive\/warcs$/ }).click();
  await dialog.getByRole('checkbox', { name: /^example\.warc\.gz / }).check();
  await dialog.getByRole('button', { name: 'Add 1 chosen' }).click();
  await expect(page.getByRole('region', { name: 'Collection damaged' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Archive files' }).getByRole('row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Start ingest' }).click();
  await expect(page.getByRole('heading', { name: 'Ingest done' })).toBeVisible({ timeout: 30_000 });
  const errors = page.getByRole('table', { name: 'Ingest errors' });
  await expect(errors.getByRole('row')).not.toHaveCount(0);
  const first = errors.getByRole('row', { name: /multi-with-malformed-record\.warc/ }).first();
  await expect(first).toBeVisible();
  await expect(first.getByRole('cell').nth(1)).toHaveText(/^\d+$/);
  await expect(first.getByRole('cell').nth(3)).not.toBeEmpty();
  await shot('10-ingest-errors');
  await axe('ingest errors');
});
