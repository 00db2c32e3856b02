// A worker that stops mid-file (IngestPool.onExit): here it reaches the heap cap IngestOptions.workerHeapMb gives it,
// on a page too big for that heap. That record is left out with a 'record-stopped-worker' problem at its offset; a new
// worker reads the rest of the file, storing what one pass would store but that record, and reads the files after it.
// A worker stopped between records (on a record's head, before the record is in hand) ends its read instead.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { search } from '../../../src/core/search/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { html, warcFile, warcRecord, type RecordSpec } from './warc-builder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ~17 MB of text: its string alone outgrows a 16 MB heap. */
const huge = (uri: string, date: string): RecordSpec => ({
  uri, date, body: html('Huge', Array.from({ length: 2_000_000 }, (_, i) => `w${i}`).join(' ')),
});

it('a worker that runs out of heap on a record costs that record; the rest of its file and the files after it are read', async () => {
  const first: RecordSpec = { uri: 'http://big.example/first', date: '2020-01-01T00:00:00Z', body: html('First', 'an aardvark before the big one') };
  const second: RecordSpec = { uri: 'http://big.example/second', date: '2020-01-01T00:00:01Z', body: html('Second', 'a bandicoot just before it') };
  const after: RecordSpec = { uri: 'http://big.example/after', date: '2020-01-01T00:00:03Z', body: html('After', 'a capybara after it') };
  // The second page's POST request before it: the response's key takes the request's method and body.
  const request: RecordSpec = { type: 'request', uri: second.uri, date: second.date, method: 'POST', body: 'q=bandicoot' };
  // Bytes that belong to no record before them: a problem the worker that stopped stored, and the next one meets again.
  const garbage = Buffer.from('these bytes belong to no record\r\n');
  writeFileSync(join(dir, 'big.warc'), Buffer.concat([warcRecord(first), garbage, warcFile([request, second, huge('http://big.example/huge', '2020-01-01T00:00:02Z'), after])]));
  writeFileSync(join(dir, 'ok.warc'), warcFile([{ uri: 'http://ok.example/', date: '2020-01-01T00:00:00Z', body: html('Fine', 'a zebra crossing') }]));
  const db = join(dir, 'c.sqlite');

  // One worker, so the rest of the file and the file after it are read by the workers started in its place; a batch a
  // record, so the first records are committed before the worker meets the big one. The second page is held back for
  // the record after it (a request after it would add to its key): never stored by the worker that stopped, it is by
  // the next, which reads the records before it again for their part in it (the request before it).
  const summary = await ingestCollection(db, [join(dir, 'big.warc'), join(dir, 'ok.warc')], {
    workers: 1, workerHeapMb: 16, maxTextBytes: 64 << 20, batchRecords: 1,
  });
  expect(summary).toMatchObject({ filesIndexed: 2, filesFailed: 0, errors: 2 });

  const c = Collection.open(db, { readonly: true });
  try {
    const files = new Map(c.files().map((f) => [f.path.split('/').pop(), f]));
    expect(files.get('big.warc')).toMatchObject({ status: 'done', records: 4 }); // its records stored: captures
    expect(files.get('ok.warc')?.status).toBe('done');
    const problems = c.errors();
    expect(problems.map((p) => [p.file, p.code, p.offset])).toEqual([
      [join(dir, 'big.warc'), 'warc-garbage', warcRecord(first).length],
      [join(dir, 'big.warc'), 'record-stopped-worker', warcRecord(first).length + garbage.length + warcRecord(request).length + warcRecord(second).length],
    ]);
    expect(problems[1].message).toMatch(/memory limit.*left out/);
    // Before the big record and after it, each once; no page stored without its capture.
    for (const [word, url] of [['aardvark', 'http://big.example/first'], ['bandicoot', 'http://big.example/second'],
      ['capybara', 'http://big.example/after'], ['zebra', 'http://ok.example/']]) {
      expect(search(c, word).hits.map((h) => h.url), word).toEqual([url]);
    }
    expect(c.counts()).toMatchObject({ captures: 5, pages: 4 });
    const keys = c.all<{ type: string; method: string | null; urlkey: string }>({ sql: `SELECT type, method, urlkey FROM captures WHERE uri = '${second.uri}' ORDER BY type`, params: {} });
    expect(keys).toEqual([{ type: 'request', method: 'POST', urlkey: expect.any(String) }, { type: 'response', method: 'POST', urlkey: expect.stringContaining('__wb_method=post') }]);
  } finally {
    c.close();
  }
}, 60_000);

/** Everything ingest stored that one pass decides (not ids, not the error count). */
function stored(db: string) {
  const coll = Collection.open(db, { readonly: true });
  try {
    const q = <T>(sql: string) => coll.all<T>({ sql, params: {} });
    return {
      files: q<{ records: number }>('SELECT path, size, status, records, format FROM warc_files'),
      captures: q<{ uri: string; offset: number }>(`SELECT offset, length, type, uri, urlkey, timestamp, status, mime, digest, method FROM captures ORDER BY offset`),
      pages: q<{ url: string }>('SELECT digest, url, title, text, main_lines FROM pages ORDER BY digest'),
      errors: q<{ code: string; offset: number }>('SELECT offset, code FROM errors ORDER BY offset, code'),
    };
  } finally {
    coll.close();
  }
}

it('a window whose worker stopped on a record is read on after it, as one pass reads it: keys, pages, edges', async () => {
  // Responses, with a POST request after some and before others (the pair shows in the response's key), a payload
  // repeated on both sides of the big record, and the big record between a response and its request.
  const specs: RecordSpec[] = [];
  for (let i = 0; i < 240; i++) {
    const uri = `http://site${i % 5}.example/p${i}`;
    const date = `2021-03-1${i % 10}T10:00:00Z`;
    const n = i % 30 === 7 ? 7 : i;
    const request: RecordSpec = { type: 'request', uri, date, method: 'POST', body: `q=${i}` };
    if (i % 3 === 1) specs.push(request);
    specs.push({ uri, date, body: html(`Page ${n}`, `word${n} ${'filler '.repeat(200 + n)}`) });
    if (i === 150) specs.push(huge('http://big.example/huge', date));
    if (i % 3 === 0) specs.push(request);
  }
  const path = join(dir, 'windows.warc');
  writeFileSync(path, warcFile(specs));
  const windowBytes = Math.floor(statSync(path).size / 6);

  const whole = join(dir, 'whole.sqlite');
  await ingestCollection(whole, [path], { workers: 1, batchRecords: 7, maxTextBytes: 64 << 20 });
  const capped = join(dir, 'capped.sqlite');
  const summary = await ingestCollection(capped, [path], { workers: 2, windowBytes, workerHeapMb: 16, batchRecords: 7, maxTextBytes: 64 << 20 });
  expect(summary.windows).toBeGreaterThanOrEqual(4);
  expect(summary).toMatchObject({ filesIndexed: 1, filesFailed: 0, filesReadAgain: 0, errors: 1 });

  const want = stored(whole);
  const got = stored(capped);
  const big = want.captures.findIndex((c) => c.uri === 'http://big.example/huge');
  expect(big).toBeGreaterThan(100);
  expect(got.errors).toEqual([...want.errors, { offset: want.captures[big].offset, code: 'record-stopped-worker' }]);
  expect(got.files).toEqual(want.files.map((f) => ({ ...f, records: f.records - 1 })));
  expect(got.captures).toEqual(want.captures.filter((_, k) => k !== big));
  expect(got.pages).toEqual(want.pages.filter((p) => p.url !== 'http://big.example/huge'));
  expect(got.pages.length).toBe(want.pages.length - 1);
}, 120_000);

it('a worker stopped between records costs the rest of its read, from the first record not stored', async () => {
  // A record head of 300,000 field lines (3.6 MB, under the reader's 4 MB bound for a head): parsing it while looking
  // for the next record outgrows a 16 MB heap before the record is in hand, so no record is known to have stopped the
  // worker, and there is no way to read past it.
  const fields = 'X-Field: v\r\n'.repeat(300_000);
  const head = Buffer.from(`WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: http://heads.example/big\r\nWARC-Date: 2020-01-01T00:00:02Z\r\n` +
    `WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789012>\r\nContent-Type: text/plain\r\n${fields}Content-Length: 2\r\n\r\nhi\r\n\r\n`, 'latin1');
  const first: RecordSpec = { uri: 'http://heads.example/first', date: '2020-01-01T00:00:00Z', body: html('First', 'an aardvark') };
  const second: RecordSpec = { uri: 'http://heads.example/second', date: '2020-01-01T00:00:01Z', body: html('Second', 'a bandicoot') };
  const third: RecordSpec = { uri: 'http://heads.example/third', date: '2020-01-01T00:00:01Z', body: html('Third', 'a chinchilla') };
  const fourth: RecordSpec = { uri: 'http://heads.example/fourth', date: '2020-01-01T00:00:01Z', body: html('Fourth', 'a dormouse') };
  const after: RecordSpec = { uri: 'http://heads.example/after', date: '2020-01-01T00:00:03Z', body: html('After', 'a capybara') };
  const path = join(dir, 'heads.warc');
  writeFileSync(path, Buffer.concat([warcFile([first, second, third, fourth]), head, warcFile([after])]));
  writeFileSync(join(dir, 'fine.warc'), warcFile([{ uri: 'http://fine.example/', date: '2020-01-01T00:00:00Z', body: html('Fine', 'a zebra') }]));
  const db = join(dir, 'heads.sqlite');

  // Three records a batch: the first two are stored (the third held back for the record after it), the fourth is in
  // hand, unsent, when the worker stops, and the worker said it was between records.
  const summary = await ingestCollection(db, [path, join(dir, 'fine.warc')], { workers: 1, workerHeapMb: 16, batchRecords: 3 });
  expect(summary).toMatchObject({ filesIndexed: 1, filesFailed: 1, errors: 1 });
  const c = Collection.open(db, { readonly: true });
  try {
    expect(c.errors().map((p) => [p.file, p.code, p.offset])).toEqual([[path, 'worker-crashed', warcFile([first, second]).length]]);
    expect(c.errors()[0].message).toMatch(/memory limit.*not indexed/);
    expect(c.files().map((f) => [f.path.split('/').pop(), f.status, f.records]).sort()).toEqual([['fine.warc', 'done', 1], ['heads.warc', 'error', 2]]);
    for (const [word, hits] of [['aardvark', 1], ['bandicoot', 1], ['chinchilla', 0], ['dormouse', 0], ['capybara', 0], ['zebra', 1]] as const) {
      expect(search(c, word).hits, word).toHaveLength(hits);
    }
    expect(c.counts()).toMatchObject({ captures: 3, pages: 3 });
  } finally {
    c.close();
  }
}, 60_000);
