// Notes, tags and saved searches in the UI (issue 18) in Debian Chromium against the real engine in browser mode: a
// note and a tag added in the record viewer, the search filtered by that tag, a search saved and rerun from its list;
// a PDF's text and page count in the record viewer. The WARC is written here: three HTML pages and, when the corpus is
// there, a real PDF from ../shared/corpus/pdf (py-pdf/sample-files' 4-page pdflatex document).
import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { html, warcFile, type RecordSpec } from '../core/ingest/warc-builder.js';
import { callApi, CORPUS, expectAccessible, ROOT, type RunningEngine, startEngine } from './support.js';

const SCREENS = join(ROOT, 'test-results/screens');
const PDF = join(CORPUS, 'pdf/004-pdflatex-4-pages/pdflatex-4-pages.pdf');
const COLLECTION = 'field notes';

test.describe.configure({ mode: 'serial' });

let engine: RunningEngine;
let page: Page;
let dir: string;

const api = <T>(method: string, args: object): Promise<T> => callApi<T>(page, engine, method, args);

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'as-e2e-notes-'));
  const records: RecordSpec[] = [
    { uri: 'http://zoo.example/quagga', date: '2020-01-01T00:00:00Z', body: html('The quagga', 'The quagga was a plains zebra, hunted to extinction.') },
    { uri: 'http://zoo.example/okapi', date: '2020-02-01T00:00:00Z', body: html('The okapi', 'The okapi is a forest giraffe; unlike the quagga it lives.') },
    { uri: 'http://zoo.example/tarpan', date: '2020-03-01T00:00:00Z', body: html('The tarpan', 'The tarpan, a wild horse, is extinct like the quagga.') },
  ];
  if (existsSync(PDF)) records.push({ uri: 'http://zoo.example/paper.pdf', date: '2020-04-01T00:00:00Z', contentType: 'application/pdf', body: readFileSync(PDF) });
  const warc = join(dir, 'zoo.warc');
  writeFileSync(warc, warcFile(records));
  engine = await startEngine({ allowDirs: [dir] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  page = await context.newPage();
  await page.goto(engine.url);
  // The collection is made through the API: the UI's own ingest flow has its test (ui-workstation.spec.ts).
  await api('collections.create', { name: COLLECTION });
  await api('files.add', { collection: COLLECTION, paths: [warc] });
  await api('ingest.start', { collection: COLLECTION });
  await expect.poll(async () => (await api<{ pages: number }>('collections.get', { collection: COLLECTION })).pages, { timeout: 60_000 }).toBe(records.length);
  await expect.poll(async () => (await api<{ ingest: { running: boolean } }>('collections.get', { collection: COLLECTION })).ingest.running, { timeout: 60_000 }).toBe(false);
  await api('settings.update', { lastCollection: COLLECTION });
  await page.reload();
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const axe = (name: string) => expectAccessible(page, name);

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
const searchBox = () => page.getByRole('searchbox', { name: /Search the collection/ });
const results = () => page.getByRole('listbox', { name: 'Results' }).getByRole('option');

async function searchFor(q: string) {
  await searchBox().fill(q);
  await searchBox().press('Enter');
}

test('adds a tag and a note to a page in the record viewer', async () => {
  await searchFor('quagga');
  await expect(results()).toHaveCount(3);
  await results().and(page.getByRole('option', { name: 'The tarpan' })).click();
  const notes = page.getByRole('region', { name: 'Notes and tags' });
  await expect(notes).toBeVisible();
  await notes.getByRole('textbox', { name: 'New tag' }).fill('Extinct');
  await notes.getByRole('button', { name: 'Add tag' }).click();
  await expect(notes.getByRole('list', { name: 'Tags' })).toContainText('extinct');
  await notes.getByRole('textbox', { name: 'Note' }).fill('Last wild tarpan died in 1909: check the source.');
  await notes.getByRole('button', { name: 'Save note' }).click();
  await expect(notes.getByText('Note saved.')).toBeVisible();
  // A tag that cannot be typed as tag: is refused before it is sent.
  await notes.getByRole('textbox', { name: 'New tag' }).fill('two words');
  await expect(notes.getByRole('button', { name: 'Add tag' })).toBeDisabled();
  await notes.getByRole('textbox', { name: 'New tag' }).fill('');
  await shot('notes-01-record-viewer-note-and-tag');
  await axe('record viewer with notes');

  // The quagga page gets the same tag, on its one capture.
  await page.getByRole('button', { name: 'Close the record viewer' }).click();
  await results().and(page.getByRole('option', { name: 'The quagga' })).click();
  await notes.getByRole('radio', { name: 'This capture only' }).check();
  await notes.getByRole('textbox', { name: 'New tag' }).fill('extinct');
  await notes.getByRole('button', { name: 'Add tag' }).click();
  await expect(notes.getByRole('list', { name: 'Tags' })).toContainText('extinct');
  // Saved in the collection: read back through the API.
  const hits = await api<{ hits: Array<{ url: string }> }>('search.query', { collection: COLLECTION, q: 'note:tarpan' });
  expect(hits.hits.map((h) => h.url)).toEqual(['http://zoo.example/tarpan']);
});

test('filters the results by tag, saves the search, and reruns it from the saved list', async () => {
  await page.getByRole('button', { name: 'Close the record viewer' }).click();
  // The tag list is read with each search: search again to see the tags added in the viewer.
  await searchFor('quagga');
  await expect(results()).toHaveCount(3);
  const tagFilter = page.getByRole('list', { name: 'Filter by tag' });
  await expect(tagFilter.getByRole('button', { name: /extinct\s*2/ })).toBeVisible();
  await tagFilter.getByRole('button', { name: /extinct/ }).click();
  await expect(searchBox()).toHaveValue('quagga tag:extinct');
  await expect(results()).toHaveCount(2);
  await expect(results().and(page.getByRole('option', { name: 'The okapi' }))).toHaveCount(0);
  await shot('notes-02-filtered-by-tag');

  await page.getByRole('button', { name: 'Save search' }).click();
  await page.getByRole('textbox', { name: 'Name of the saved search' }).fill('Extinct animals');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = page.getByRole('list', { name: 'Saved searches' });
  await expect(saved.getByRole('button', { name: 'Extinct animals', exact: true })).toBeVisible();
  await axe('search with saved searches and tags');

  // Another search, then the saved one again: its query and results come back.
  await searchFor('okapi');
  await expect(results()).toHaveCount(1);
  await saved.getByRole('button', { name: 'Extinct animals', exact: true }).click();
  await expect(searchBox()).toHaveValue('quagga tag:extinct');
  await expect(results()).toHaveCount(2);
  await shot('notes-03-saved-search-rerun');
  // Saved in the collection, with its sort.
  expect(await api<Array<{ name: string; query: string; sort: string }>>('searches.list', { collection: COLLECTION }))
    .toEqual([expect.objectContaining({ name: 'Extinct animals', query: 'quagga tag:extinct', sort: 'relevance' })]);
});

test('shows a PDF\'s text and page count in the record viewer', async () => {
  test.skip(!existsSync(PDF), 'needs ../shared/corpus/pdf');
  await searchFor('"Huardest gefburn"');
  await expect(results()).toHaveCount(1);
  await results().first().click();
  await expect(page.getByTestId('page-count')).toHaveText('PDF document, 4 pages');
  await expect(page.getByRole('region', { name: 'Record viewer' }).locator('pre.payload')).toContainText('Huardest gefburn');
  await shot('notes-04-pdf-record-viewer');
});
