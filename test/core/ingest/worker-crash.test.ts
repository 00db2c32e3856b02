// A worker that stops mid-file (IngestPool.onExit): here it reaches the heap cap IngestOptions.workerHeapMb gives it,
// on a page too big for that heap. The file is marked failed with a 'worker-crashed' problem at the first record not
// stored, what was stored before it stays whole and searchable, and a new worker reads the files after it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

it('a worker that runs out of heap costs its file from the first record not stored; the rest goes on', async () => {
  const first: RecordSpec = { uri: 'http://big.example/first', date: '2020-01-01T00:00:00Z', body: html('First', 'an aardvark before the big one') };
  const second: RecordSpec = { uri: 'http://big.example/second', date: '2020-01-01T00:00:01Z', body: html('Second', 'a bandicoot just before it') };
  // ~17 MB of text: its string alone outgrows a 16 MB heap.
  const huge: RecordSpec = { uri: 'http://big.example/huge', date: '2020-01-01T00:00:02Z', body: html('Huge', Array.from({ length: 2_000_000 }, (_, i) => `w${i}`).join(' ')) };
  writeFileSync(join(dir, 'big.warc'), warcFile([first, second, huge]));
  writeFileSync(join(dir, 'ok.warc'), warcFile([{ uri: 'http://ok.example/', date: '2020-01-01T00:00:00Z', body: html('Fine', 'a zebra crossing') }]));
  const db = join(dir, 'c.sqlite');

  // One worker, so the file after the crash is read by the worker started in its place; a batch a record, so the
  // first record is committed before the worker meets the big one. The second is held back for the record after it
  // (a request would add to its key): it was never stored, so the problem is at its offset.
  const summary = await ingestCollection(db, [join(dir, 'big.warc'), join(dir, 'ok.warc')], {
    workers: 1, workerHeapMb: 16, maxTextBytes: 64 << 20, batchRecords: 1,
  });
  expect(summary).toMatchObject({ filesIndexed: 1, filesFailed: 1, errors: 1 });

  const c = Collection.open(db, { readonly: true });
  try {
    const files = new Map(c.files().map((f) => [f.path.split('/').pop(), f]));
    expect(files.get('big.warc')).toMatchObject({ status: 'error', records: 1 });
    expect(files.get('ok.warc')?.status).toBe('done');
    const problems = c.fileProblems([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: join(dir, 'big.warc'), code: 'worker-crashed', offset: warcRecord(first).length });
    expect(problems[0].message).toMatch(/memory limit.*not indexed/);
    // Stored before the crash, and read by the worker after it; no page stored without its capture.
    expect(search(c, 'aardvark').hits.map((h) => h.url)).toEqual(['http://big.example/first']);
    expect(search(c, 'zebra').hits.map((h) => h.url)).toEqual(['http://ok.example/']);
    expect(c.counts()).toMatchObject({ captures: 2, pages: 2 });
  } finally {
    c.close();
  }
}, 60_000);
