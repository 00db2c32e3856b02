// The replay view in Debian Chromium against the real engine in browser mode: View page from a search hit, the
// record viewer and a URL's timeline; the styled page in a frame on the replay origin; previous/next capture, the
// scripts switch, side by side with scroll in step and the text diff, the provenance ledger and its exports; the
// address surviving reload, Back/Forward and pasting; the states a wrong address lands on; axe on every screen.
// Needs the corpus's pywb sample iana.warc.gz (../shared/corpus); skipped without it.
import { expect, test, type Download, type Frame, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callApi, CORPUS, expectAccessible, ROOT, type RunningEngine, startEngine } from './support.js';

const IANA = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
const SCREENS = join(ROOT, 'test-results/screens');
const COLLECTION = 'iana 2014';
const HOME = 'http://www.iana.org/';
/** http://www.iana.org/dnssec at 20:13:07 and https://www.iana.org/dnssec at 20:13:07: one URL, two captures. */
const DNSSEC = 'http://www.iana.org/dnssec';

test.describe.configure({ mode: 'serial' });
test.skip(!existsSync(IANA), 'needs ../shared/corpus (pywb sample iana.warc.gz)');

let engine: RunningEngine;
let page: Page;
let replayOrigin = '';
/** Every request the browser made, by origin: the UI's and the replay origin's, nothing else. */
const requestOrigins = new Set<string>();

const api = <T>(method: string, args: object): Promise<T> => callApi<T>(page, engine, method, args);

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  engine = await startEngine({ allowDirs: [CORPUS] });
  // New York, so that the capture times on screen are local (20:06:24 UTC is 15:06:24 there in January).
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 }, acceptDownloads: true, timezoneId: 'America/New_York' });
  page = await context.newPage();
  page.on('request', (r) => requestOrigins.add(new URL(r.url()).origin));
  await page.goto(engine.url);
  // The collection is made through the API: the UI's own ingest flow has its test (ui-workstation.spec.ts).
  await api('collections.create', { name: COLLECTION });
  await api('files.add', { collection: COLLECTION, paths: [IANA] });
  await api('ingest.start', { collection: COLLECTION });
  await expect.poll(async () => (await api<{ ingest: { running: boolean }; captures: number }>('collections.get', { collection: COLLECTION })).captures, { timeout: 60_000 }).toBeGreaterThan(100);
  await expect.poll(async () => (await api<{ ingest: { running: boolean } }>('collections.get', { collection: COLLECTION })).ingest.running, { timeout: 60_000 }).toBe(false);
  replayOrigin = (await api<{ origin: string }>('replay.origin', {})).origin;
  await page.reload();
});
test.afterAll(async () => {
  await page?.context().close();
  await engine?.stop();
});

/** No serious or critical WCAG 2.1 A/AA violations in the UI; the archived pages in the frames are the archive's,
 *  not ours, and are left out. */
const axe = (name: string) => expectAccessible(page, name);

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
const replay = () => page.getByRole('region', { name: 'Replay' });
const hashOf = (ts: string, url: string) => `#/replay/${encodeURIComponent(COLLECTION)}/${ts}/${url}`;

/** The archived page's frame (the n-th on screen), once its document has loaded from the replay origin. */
async function replayedFrame(n = 0): Promise<Frame> {
  const handle = await page.locator('iframe.replay-frame').nth(n).elementHandle();
  const frame = (await handle!.contentFrame())!;
  await frame.waitForLoadState('load');
  return frame;
}

async function text(download: Download): Promise<string> {
  return readFileSync((await download.path())!, 'utf8');
}

test('View page from a search hit shows the styled page from the replay origin, with its capture time', async () => {
  await page.getByRole('searchbox').fill('Internet Assigned Numbers Authority');
  await page.getByRole('searchbox').press('Enter');
  const hit = page.getByRole('listbox', { name: 'Results' }).getByRole('option').filter({ has: page.locator('.uri', { hasText: /^http:\/\/www\.iana\.org\/$/ }) });
  await expect(hit).toHaveCount(1);
  await shot('replay-01-search-hit');
  await hit.getByText('View page').click();

  await expect(replay().getByRole('heading', { name: HOME })).toBeVisible();
  await expect(page).toHaveURL(`${engine.origin}/${hashOf('20140126200624', HOME)}`);
  await expect(replay().getByTestId('replay-capture')).toHaveText(`Captured 2014-01-26 15:06:24 · capture 1 of 1 · ${COLLECTION}`);
  const iframe = page.locator('iframe.replay-frame');
  await expect(iframe).toHaveAttribute('src', `${replayOrigin}/${encodeURIComponent(COLLECTION)}/20140126200624/${HOME}`);
  // Scripts may run only as the replay CSP allows; no popups, no top navigation, whatever the page tries.
  const sandbox = (await iframe.getAttribute('sandbox'))!.split(/\s+/);
  expect(sandbox).toContain('allow-same-origin');
  expect(sandbox.filter((s) => /top-navigation|popups|modals/.test(s))).toEqual([]);

  const frame = await replayedFrame();
  expect(new URL(frame.url()).origin).toBe(replayOrigin);
  // Styled: the archived screen.css applied (its body font), and the logo image decoded.
  const look = await frame.evaluate(() => {
    const d = (globalThis as unknown as { document: { styleSheets: { length: number }; images: ArrayLike<{ naturalWidth: number; complete: boolean }>; body: object } }).document;
    const g = globalThis as unknown as { getComputedStyle(e: object): { fontFamily: string } };
    return { sheets: d.styleSheets.length, font: g.getComputedStyle(d.body).fontFamily, images: Array.from(d.images).map((i) => i.naturalWidth) };
  });
  expect(look.sheets).toBeGreaterThan(0);
  expect(look.font).toMatch(/Open Sans/i);
  expect(look.images.length).toBeGreaterThan(0);
  expect(look.images.filter((w) => w > 0).length).toBeGreaterThan(0);
  await shot('replay-02-view');
  await axe('replay view');
});

test('the address comes back after reload, and Back/Forward move between search and replay', async () => {
  await page.reload();
  await expect(replay().getByRole('heading', { name: HOME })).toBeVisible();
  await expect(replay().getByTestId('replay-capture')).toContainText('Captured 2014-01-26 15:06:24');
  await replayedFrame();

  // Back leaves the replay view for the address before it: the search with its query (the reload made that entry
  // another document's, so the app shows it afresh from its address), Forward comes back to the page.
  await page.goBack();
  await expect(replay()).toBeHidden();
  await expect(page).toHaveURL(`${engine.origin}/#/search/${encodeURIComponent(COLLECTION)}?q=Internet%20Assigned%20Numbers%20Authority`);
  await expect(page.getByRole('searchbox')).toHaveValue('Internet Assigned Numbers Authority');
  await expect(page.getByRole('listbox', { name: 'Results' }).getByRole('option').first()).toBeVisible();
  await page.goForward();
  await expect(replay().getByRole('heading', { name: HOME })).toBeVisible();
  await expect(page).toHaveURL(`${engine.origin}/${hashOf('20140126200624', HOME)}`);
});

test('archived scripts are off until switched on, per frame address', async () => {
  const iframe = page.locator('iframe.replay-frame');
  const scripts = replay().getByRole('checkbox', { name: 'Run archived scripts' });
  await expect(scripts).not.toBeChecked();
  await scripts.check();
  await expect(iframe).toHaveAttribute('src', `${replayOrigin}/${encodeURIComponent(COLLECTION)}/20140126200624js_/${HOME}`);
  const frame = await replayedFrame();
  expect(new URL(frame.url()).pathname).toContain('js_/');
  await scripts.uncheck();
  await expect(iframe).toHaveAttribute('src', `${replayOrigin}/${encodeURIComponent(COLLECTION)}/20140126200624/${HOME}`);
});

test('the provenance ledger lists each request with its record, and exports as JSON and CSV', async () => {
  await replayedFrame();
  await replay().getByRole('button', { name: 'Provenance ledger' }).click();
  const table = page.getByRole('table', { name: 'Requests of the page' });
  const css = table.getByRole('row').filter({ hasText: 'http://www.iana.org/_css/2013.1/screen.css' });
  await expect(css).toHaveCount(1);
  await expect(css).toContainText(/iana\.warc\.gz @ \d+/);
  await expect(css).toContainText(/urn:uuid:/);
  const summary = page.getByTestId('ledger-summary');
  await expect(summary).toHaveText(/^\d+ requests: /);
  const rows = await table.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(3);
  await expect(summary).toContainText(`${rows} requests`);
  await shot('replay-03-ledger');
  await page.locator('#ledger').screenshot({ path: join(SCREENS, 'replay-03b-ledger-table.png') });
  // The dark scheme too: blocked rows and the drift badge keep their contrast.
  await page.emulateMedia({ colorScheme: 'dark' });
  await axe('ledger, dark');
  await shot('replay-03d-ledger-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await axe('ledger');

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  expect(json.suggestedFilename()).toBe('ledger-www.iana.org-20140126200624.json');
  const entries = JSON.parse(await text(json)) as Array<{ url: string; record: { file: string; offset: number } | null }>;
  expect(entries.length).toBe(rows);
  const cssEntry = entries.find((e) => e.url === 'http://www.iana.org/_css/2013.1/screen.css')!;
  expect(cssEntry.record!.file).toBe(IANA);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(csv.suggestedFilename()).toBe('ledger-www.iana.org-20140126200624.csv');
  const lines = (await text(csv)).trimEnd().split('\r\n');
  expect(lines[0].split(',')).toContain('recordId');
  expect(lines.length).toBe(rows + 1);
  expect(lines.find((l) => l.startsWith('http://www.iana.org/_css/2013.1/screen.css,'))).toContain(`,${cssEntry.record!.offset},`);
});

test('a link followed inside the page is named, and opens in the replay view on request', async () => {
  const frame = await replayedFrame();
  await frame.getByRole('link', { name: 'Domain Names' }).first().click();
  const note = replay().getByRole('status').filter({ hasText: 'A link was followed in the page' });
  await expect(note).toContainText('the frame now shows http://www.iana.org/domains');
  await expect(replay().getByRole('heading', { name: HOME })).toBeVisible(); // the header still names the page opened
  await note.scrollIntoViewIfNeeded();
  await shot('replay-03c-link-followed');
  await axe('link followed');
  await note.getByRole('button', { name: 'Open it in the replay view' }).click();
  await expect(replay().getByRole('heading', { name: 'http://www.iana.org/domains' })).toBeVisible();
  await expect(replay().getByTestId('replay-capture')).toContainText('Captured 2014-01-26 15:08:25');
  await expect(page).toHaveURL(`${engine.origin}/${hashOf('20140126200825', 'http://www.iana.org/domains')}`);
  await expect(note).toBeHidden();
});

test('View page from the record viewer and from a URL timeline; previous/next capture; Back steps back', async () => {
  // The record viewer of a search hit has the button too.
  await page.getByRole('searchbox').fill('dnssec');
  await page.getByRole('searchbox').press('Enter');
  await expect(replay()).toBeHidden();
  // From the keyboard: V on the active hit views its page, Back returns to the results.
  const results = page.getByRole('listbox', { name: 'Results' });
  await results.focus();
  await page.keyboard.press('v');
  await expect(replay()).toBeVisible();
  await page.goBack();
  await expect(results).toBeVisible();
  await results.getByRole('option').first().click();
  const viewer = page.getByRole('region', { name: 'Record viewer' });
  await expect(viewer).toBeVisible();
  await shot('replay-04a-record-viewer');
  await axe('record viewer');
  await viewer.getByRole('button', { name: 'View page' }).click();
  await expect(replay()).toBeVisible();
  await replay().getByRole('button', { name: 'Close the replay view' }).click();
  await expect(viewer).toBeVisible(); // closing goes back to where the page was opened from

  await viewer.getByRole('button', { name: 'Close the record viewer' }).click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Captures' }).click();
  await page.getByRole('form', { name: 'Look up captures' }).getByRole('textbox', { name: 'URL' }).fill(DNSSEC);
  await page.getByRole('button', { name: 'Look up' }).click();
  const timeline = page.getByRole('region', { name: `Timeline of ${DNSSEC}` });
  const views = timeline.getByRole('button', { name: /^View page / });
  await expect(views).toHaveCount(2);
  await shot('replay-04-timeline');
  await axe('timeline');
  await views.first().click();

  const meta = replay().getByTestId('replay-capture');
  await expect(meta).toContainText('capture 1 of 2');
  await expect(meta).toContainText('a 302 redirect, followed in the frame'); // http:// redirected to https://
  const first = page.url();
  await expect(replay().getByRole('button', { name: '← Previous capture' })).toBeDisabled();
  await replay().getByRole('button', { name: 'Next capture →' }).click();
  await expect(meta).toContainText('capture 2 of 2');
  await expect(replay().getByRole('button', { name: 'Next capture →' })).toBeDisabled();
  expect(page.url()).not.toBe(first);
  await replayedFrame();
  // The https capture's stylesheet is a revisit: the ledger names the original it was served from and the revisit.
  await replay().getByRole('button', { name: 'Provenance ledger' }).click();
  const css = page.getByRole('table', { name: 'Requests of the page' }).getByRole('row').filter({ hasText: 'https://www.iana.org/_css/2013.1/screen.css' });
  await expect(css).toContainText('revisit → original');
  await expect(css).toContainText(/iana\.warc\.gz @ \d+.*through the revisit iana\.warc\.gz @ \d+/s);
  await css.scrollIntoViewIfNeeded();
  await shot('replay-04b-ledger-revisit');
  await replay().getByRole('button', { name: 'Provenance ledger' }).click();
  await page.goBack();
  await expect(meta).toContainText('capture 1 of 2');
  expect(page.url()).toBe(first);
});

test('side by side: two captures, scroll kept in step, the text diff below', async () => {
  await replay().getByRole('button', { name: 'Side by side' }).click();
  const pair = page.getByRole('region', { name: 'Side by side' });
  await expect(pair.locator('iframe.replay-frame')).toHaveCount(2);
  await expect(pair.getByTestId('diff-summary')).toBeVisible();
  const [left, right] = [await replayedFrame(0), await replayedFrame(1)];
  const scrollY = (f: Frame) => f.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
  const scrollTo = (f: Frame, y: number) => f.evaluate((to) => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, to), y);
  const scrollMax = (f: Frame) =>
    f.evaluate(() => {
      const g = globalThis as unknown as { innerHeight: number; document: { documentElement: { scrollHeight: number } } };
      return g.document.documentElement.scrollHeight - g.innerHeight;
    });
  // Both pages scroll (the frames are shorter than them); the positions asked are within both.
  const room = Math.min(await scrollMax(left), await scrollMax(right));
  expect(room).toBeGreaterThan(40);
  await scrollTo(left, room - 5);
  await expect.poll(() => scrollY(right)).toBe(room - 5);
  await scrollTo(right, 10);
  await expect.poll(() => scrollY(left)).toBe(10);
  await shot('replay-05-side-by-side');
  await axe('side by side');

  // Out of step: the other frame stays where it is.
  await pair.getByRole('checkbox', { name: 'Keep scrolling in step' }).uncheck();
  await scrollTo(left, room - 5);
  await page.waitForTimeout(500);
  expect(await scrollY(right)).toBe(10);
});

test('a pasted address with a partial timestamp opens the nearest capture and names it in full', async () => {
  await page.goto(`${engine.origin}/${hashOf('2014', HOME)}`);
  await expect(replay().getByRole('heading', { name: HOME })).toBeVisible();
  await expect(page).toHaveURL(`${engine.origin}/${hashOf('20140126200624', HOME)}`);
  await replayedFrame();
});

test('wrong addresses say what is wrong: a URL not in the archive, a collection that does not exist', async () => {
  await page.goto(`${engine.origin}/${hashOf('2014', 'http://www.iana.org/not-archived')}`);
  await expect(replay().getByTestId('replay-capture')).toHaveText(`No capture of this URL in ${COLLECTION}: the page below lists the nearest ones.`);
  await replayedFrame();
  // Its ledger says so too, in the singular when it is the one request.
  await replay().getByRole('button', { name: 'Provenance ledger' }).click();
  await expect(page.getByTestId('ledger-summary')).toHaveText('1 request: 1 not in this archive · archived scripts off');
  await shot('replay-06-miss');
  await axe('miss');

  await page.goto(`${engine.origin}/#/replay/nowhere/2014/${HOME}`);
  await expect(replay().getByRole('alert')).toHaveText('There is no collection named “nowhere” here, so this page cannot be shown. Open it from a collection listed on the left.');
  await shot('replay-07-no-collection');
  await axe('no collection');
});

test('every request went to the UI or the replay origin', async () => {
  expect([...requestOrigins].sort()).toEqual([engine.origin, replayOrigin].sort());
});
