// Browser mode against the real engine: the token gate, then opening a real archive and reading a record.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { gzipMember, gzipRecords, httpResponse, responseRecord, tempDir, warcRecord } from '../core/warc/fixtures.js';
import { ROOT, startEngine, type RunningEngine } from './support.js';

let engine: RunningEngine;
const tmp = tempDir('archivestream-e2e-');
// Four records of the kinds a crawl writes, one gzip member each.
const file = tmp.write(
  'small.warc.gz',
  gzipRecords([
    warcRecord({ type: 'warcinfo', contentType: 'application/warc-fields', block: 'software: e2e fixture\r\n' }),
    warcRecord({ type: 'request', uri: 'http://example.com/', contentType: 'application/http; msgtype=request', block: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }),
    responseRecord('http://example.com/', httpResponse(200, [['Content-Type', 'text/html']], '<html><title>Fixture</title><p>Hello from a generated fixture</p></html>')),
    warcRecord({ type: 'metadata', uri: 'http://example.com/', contentType: 'application/warc-fields', block: 'outlinks: none\r\n' }),
  ]),
);
test.beforeAll(async () => {
  engine = await startEngine({ allowDirs: [tmp.dir] }); // the archives it opens are written there
});
test.afterAll(async () => {
  await engine.stop();
  tmp.cleanup();
});

test('nothing is reachable without the token, and the token leaves the URL', async ({ page, request }) => {
  expect((await request.get(`${engine.origin}/`)).status()).toBe(401);
  expect((await request.post(`${engine.origin}/api/engine.info`, { data: {} })).status()).toBe(401);
  await page.goto(engine.url);
  expect(page.url()).toBe(`${engine.origin}/`);
  await expect(page.getByRole('heading', { name: 'ArchiveStream' })).toBeVisible();
});

test('opens a WARC, lists its records and shows one record', async ({ page }) => {
  await page.goto(engine.url);
  await expect(page.getByText('Open a WARC, ARC or WACZ file to begin.')).toBeVisible();
  await page.getByLabel('Archive path').fill(file);
  await page.getByRole('button', { name: 'Open' }).click();
  const rows = page.getByRole('region', { name: 'Records' }).locator('tbody tr');
  await expect(rows).toHaveCount(4);
  await rows.filter({ hasText: 'response' }).first().click();
  const detail = page.getByRole('article', { name: 'Record detail' });
  await expect(detail).toContainText('WARC-Type: response');
  await expect(detail).toContainText('HTTP/1.1 200 OK');
  await expect(detail).toContainText('Hello from a generated fixture');
  await page.screenshot({ path: join(ROOT, 'test-results/screens/records.png'), fullPage: true });
});

test('a single-member gzip file says its records are read in order, and how to fix that', async ({ page }) => {
  // DESIGN: no record boundaries in one deflate stream, and Node's zlib cannot prime zran checkpoints.
  const single = tmp.write(
    'single.warc.gz',
    gzipMember(Buffer.concat([warcRecord({ type: 'warcinfo', block: 'a\r\n' }), responseRecord('http://example.com/', httpResponse(200, [], 'x'))])),
  );
  await page.goto(engine.url);
  await page.getByLabel('Archive path').fill(single);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('region', { name: 'Records' }).locator('tbody tr')).toHaveCount(2);
  await expect(page.getByRole('note')).toContainText('archivestream recompress');
});

test('a missing file gets a clear message naming it', async ({ page }) => {
  await page.goto(engine.url);
  await page.getByLabel('Archive path').fill('/nonexistent/file.warc');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('alert')).toContainText('/nonexistent/file.warc');
});
