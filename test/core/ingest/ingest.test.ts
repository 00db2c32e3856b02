// Ingest (issue "Collections and offline full-text search": workers post batches to one writer; idempotent; resume
// after cancel equals one uninterrupted run; errors stored with file/offset/code and ingest goes on; dedupe by payload
// digest; revisits resolve; progress per batch). WARC files are built here (warc-builder.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection, expandPaths, MAX_WORKERS, workerCount } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { capturesOfPage, capturesOfUrl, search } from '../../../src/core/search/index.js';
import type { IngestProgress } from '../../../src/shared/records.js';
import { html, warcFile, payloadDigest, type RecordSpec } from './warc-builder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-ingest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const homeBody = html('Home of the zebra', 'A page about zebras and a café in Paris.');
function fixtureFolder(): string {
  const root = join(dir, 'archives');
  mkdirSync(join(root, 'nested'), { recursive: true });
  const a: RecordSpec[] = [
    { type: 'warcinfo', uri: 'urn:x', date: '2020-01-01T00:00:00Z', body: 'software: test\r\n', contentType: 'application/warc-fields' },
    { uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: homeBody },
    // same payload at another URL: one page, two captures
    { uri: 'http://mirror.example.org/', date: '2020-01-02T00:00:00Z', body: homeBody },
    { uri: 'http://example.com/zh', date: '2020-01-03T00:00:00Z', body: html('中文', '我们在东京大学学习中文。') },
    {
      uri: 'http://example.com/ru', date: '2020-01-04T00:00:00Z', contentType: 'text/html; charset=windows-1251',
      body: Buffer.from([...Buffer.from('<html><head><title>Ru</title></head><body>'), 0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0, ...Buffer.from('</body></html>')]),
    },
    { uri: 'http://example.com/logo.png', date: '2020-01-05T00:00:00Z', contentType: 'image/png', body: Buffer.from([1, 2, 3]) },
    { uri: 'http://example.com/missing', date: '2020-01-05T00:00:00Z', status: 404, body: html('Not found', 'nothing here zebra') },
    { type: 'request', uri: 'http://example.com/form', date: '2020-01-06T00:00:00Z', method: 'POST', body: 'q=zebra' },
    { uri: 'http://example.com/form', date: '2020-01-06T00:00:00Z', body: html('Results', 'form results page') },
    {
      type: 'revisit', uri: 'http://example.com/', date: '2021-01-01T00:00:00Z', digest: payloadDigest(homeBody),
      refersToUri: 'http://example.com/', refersToDate: '2020-01-01T00:00:00Z',
    },
  ];
  writeFileSync(join(root, 'a.warc'), warcFile(a));
  writeFileSync(
    join(root, 'nested', 'b.warc.gz'),
    warcFile([
      { uri: 'http://news.example.net/1', date: '2019-05-05T10:00:00Z', body: html('Election news', 'The vote was counted.') },
      { type: 'revisit', uri: 'http://news.example.net/1b', date: '2019-06-05T10:00:00Z', digest: payloadDigest(html('Election news', 'The vote was counted.')) },
    ], true),
  );
  // damage: junk between two good records
  const good1 = warcFile([{ uri: 'http://damaged.example/1', date: '2020-02-02T00:00:00Z', body: html('Before junk', 'first survivor') }]);
  const good2 = warcFile([{ uri: 'http://damaged.example/2', date: '2020-02-02T00:00:00Z', body: html('After junk', 'second survivor') }]);
  writeFileSync(join(root, 'c.warc'), Buffer.concat([good1, Buffer.from('this is not a record\r\n\r\n'), good2]));
  writeFileSync(join(root, 'notes.txt'), 'not an archive, skipped by the folder walk');
  return root;
}

const rowsOf = (db: string) => {
  const c = Collection.open(db, { readonly: true });
  try {
    return {
      counts: c.counts(),
      captures: [...c.iterateCaptures()].map(({ id: _id, fileId: _f, ...rest }) => rest)
        .sort((x, y) => (x.file + x.offset).localeCompare(y.file + y.offset)),
      pages: [...c.iteratePages()].map(({ id: _id, ...rest }) => rest).sort((x, y) => x.digest.localeCompare(y.digest)),
      errors: c.errors().map(({ fileId: _f, ...rest }) => rest),
      files: c.files().map(({ id: _id, indexedAt: _t, ...rest }) => rest),
    };
  } finally {
    c.close();
  }
};

describe('ingestCollection', () => {
  let root: string;
  let db: string;
  beforeAll(() => {
    root = fixtureFolder();
    db = join(dir, 'main.sqlite');
  });

  it('expands folders recursively to archive files only', () => {
    expect(expandPaths([root]).map((p) => p.slice(root.length))).toEqual(['/a.warc', '/c.warc', '/nested/b.warc.gz']);
  });

  it('indexes captures, dedupes pages by payload digest, stores errors and goes on', async () => {
    const s = await ingestCollection(db, [root, join(dir, 'does-not-exist.warc')], { workers: 2 });
    expect(s).toMatchObject({ files: 4, filesIndexed: 3, filesFailed: 1, cancelled: false });
    const coll = Collection.open(db, { readonly: true });
    try {
      const counts = coll.counts();
      expect(counts.captures).toBe(10 + 2 + 2);
      // home (deduped), zh, ru, form results, news, before, after; not the png, not the 404
      expect(counts.pages).toBe(7);
      const codes = coll.errors().map((e) => `${e.file.slice(dir.length)} ${e.code}`);
      expect(codes).toContain('/does-not-exist.warc file-not-found');
      expect(codes.some((c) => c.startsWith('/archives/c.warc '))).toBe(true);
      const damaged = coll.errors({ file: join(root, 'c.warc') });
      expect(damaged[0].offset).toBeGreaterThan(0);
      expect(search(coll, 'survivor').hits).toHaveLength(2);

      const zebra = search(coll, 'zebra').hits;
      expect(zebra).toHaveLength(1); // the 404 page is not a page
      expect(zebra[0].captureCount).toBe(3); // two responses and a revisit
      expect(search(coll, 'cafe').hits).toHaveLength(1);
      expect(search(coll, '东京').hits).toHaveLength(1);
      expect(search(coll, 'москва').hits.map((h) => h.url)).toEqual(['http://example.com/ru']); // windows-1251 decoded
      expect(search(coll, 'vote site:example.net').hits[0].timestamp).toBe('20190605100000');

      const caps = capturesOfPage(coll, zebra[0].pageId);
      const revisit = caps.find((c) => c.type === 'revisit')!;
      expect(revisit.original!.uri).toBe('http://example.com/');
      expect(revisit.original!.timestamp).toBe('20200101000000');
      const news = capturesOfUrl(coll, 'http://news.example.net/1b')[0];
      expect(news.type).toBe('revisit');
      // POST response keyed as CDXJ keys it (method and body join the urlkey)
      const post = capturesOfUrl(coll, 'http://example.com/form', { match: 'prefix' }).find((c) => c.type === 'response')!;
      expect(post.method).toBe('POST');
      expect(post.urlkey).toMatch(/__wb_method=post/);
    } finally {
      coll.close();
    }
  });

  it('is idempotent: a second run skips unchanged files and the rows stay the same', async () => {
    const before = rowsOf(db);
    const s = await ingestCollection(db, [root], { workers: 2 });
    expect(s).toMatchObject({ files: 3, filesSkipped: 3, filesIndexed: 0, records: 0 });
    expect(rowsOf(db)).toEqual(before);
  });

  it('re-indexes a changed file without duplicates and drops pages no longer captured', async () => {
    const other = join(dir, 'changing.sqlite');
    const f = join(dir, 'changing.warc');
    writeFileSync(f, warcFile([{ uri: 'http://x.example/', date: '2020-01-01T00:00:00Z', body: html('Old', 'obsolete words') }]));
    await ingestCollection(other, [f]);
    writeFileSync(f, warcFile([{ uri: 'http://x.example/', date: '2020-01-01T00:00:00Z', body: html('New', 'fresh words here') }]));
    await ingestCollection(other, [f]);
    const c = Collection.open(other, { readonly: true });
    expect(c.counts()).toMatchObject({ files: 1, captures: 1, pages: 1 });
    expect(search(c, 'obsolete').hits).toHaveLength(0);
    expect(search(c, 'fresh').hits).toHaveLength(1);
    c.close();
  });
});

describe('cancel and resume', () => {
  let files: string[];
  beforeAll(() => {
    const big = join(dir, 'big');
    mkdirSync(big, { recursive: true });
    files = [];
    for (let f = 0; f < 4; f++) {
      const recs: RecordSpec[] = [];
      for (let i = 0; i < 150; i++) {
        recs.push({ uri: `http://site${f}.example/p${i}`, date: '2020-03-03T00:00:00Z', body: html(`Page ${f}-${i}`, `word${i % 7} text of page ${f} ${i}`) });
      }
      const p = join(big, `f${f}.warc.gz`);
      writeFileSync(p, warcFile(recs, true));
      files.push(p);
    }
  });

  it('reads as many files at once as workers were asked for, beyond two, and no more than there are files', async () => {
    // Each worker holds one file; progress lists the files being read. Small batches and one credit's worth of
    // commits keep every worker on its file long enough for all of them to be seen at once.
    // Files of their own, larger than the others: on a loaded machine a worker must still be on its file when the
    // third and fourth threads have started.
    const wide = files.map((_, f) => {
      const p = join(dir, 'big', `wide${f}.warc.gz`);
      writeFileSync(p, warcFile(Array.from({ length: 600 }, (_, i) => ({ uri: `http://wide${f}.example/p${i}`, date: '2020-03-03T00:00:00Z', body: html(`Page ${f}-${i}`, `text of page ${f} ${i}`) })), true));
      return p;
    });
    let most = 0;
    const s = await ingestCollection(join(dir, 'workers4.sqlite'), wide, {
      workers: 4, batchRecords: 5, onProgress: (p) => { most = Math.max(most, p.files.length); },
    });
    expect(s.records).toBe(2400);
    expect(most).toBeGreaterThan(2);
    expect(workerCount(16, files.length)).toBe(files.length);
    expect(workerCount(undefined, 1000)).toBe(availableParallelism());
    expect(() => workerCount(0, 4)).toThrow(RangeError);
    expect(() => workerCount(MAX_WORKERS + 1, 4)).toThrow(/workers must be/);
  });

  it('leaves the full-text index of a bulk run merged into one segment, searchable as before', async () => {
    const db = join(dir, 'merged.sqlite');
    // 120 commits of 5 records: many segments, which automerge alone leaves on several levels.
    await ingestCollection(db, files, { workers: 2, batchRecords: 5 });
    const c = Collection.open(db, { readonly: true });
    try {
      const segments = c.get<{ n: number }>({ sql: 'SELECT count(DISTINCT segid) AS n FROM pages_fts_idx', params: {} })!.n;
      expect(segments).toBe(1);
      // word3 is on pages 3, 10, ..., 143 of each file: 21 of site2's.
      expect(search(c, 'word3 site:site2.example', { limit: 100 }).hits).toHaveLength(21);
    } finally {
      c.close();
    }
  });

  it('progress is reported per batch, not per record', async () => {
    const events: IngestProgress[] = [];
    await ingestCollection(join(dir, 'progress.sqlite'), files, { workers: 2, batchRecords: 50, onProgress: (p) => events.push(p) });
    const last = events[events.length - 1];
    expect(last.records).toBe(600);
    expect(last.filesDone).toBe(4);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(events.length).toBeLessThanOrEqual(1 + 4 * 4 + 4); // <= the start + batches + file ends
    // The first, before any byte is read: the files queued (issue 15: feedback from the first second).
    expect(events[0]).toMatchObject({ filesDone: 0, filesTotal: 4, bytesDone: 0, records: 0, etaSeconds: null });
    expect(events[0].bytesTotal).toBe(last.bytesTotal);
    expect(events.length).toBeGreaterThanOrEqual(4);
  });

  it('a run cancelled mid-file and resumed stores what one uninterrupted run stores', async () => {
    const whole = join(dir, 'whole.sqlite');
    await ingestCollection(whole, files, { workers: 2, batchRecords: 20 });

    const resumed = join(dir, 'resumed.sqlite');
    const controller = new AbortController();
    let batches = 0;
    const first = await ingestCollection(resumed, files, {
      workers: 2, batchRecords: 20, signal: controller.signal,
      onProgress: () => {
        if (++batches === 3) controller.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    const cut = Collection.open(resumed, { readonly: true });
    const midway = cut.counts().captures;
    expect(cut.files().some((f) => f.status === 'indexing')).toBe(true);
    cut.close();
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(600);

    const second = await ingestCollection(resumed, files, { workers: 2, batchRecords: 20 });
    expect(second.cancelled).toBe(false);
    const a = rowsOf(whole);
    const b = rowsOf(resumed);
    expect(b.counts).toEqual(a.counts);
    expect(b.captures).toEqual(a.captures);
    expect(b.pages).toEqual(a.pages);
    expect(b.files).toEqual(a.files);
  });

  it('leaves no worker thread running after it ends or is cancelled', async () => {
    const workers = () => process.getActiveResourcesInfo().filter((r) => /Worker|MessagePort/.test(r)).length;
    const before = workers();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    await ingestCollection(join(dir, 'leak.sqlite'), files, { workers: 2, signal: controller.signal });
    await ingestCollection(join(dir, 'leak2.sqlite'), files.slice(0, 1), { workers: 2 });
    expect(workers()).toBe(before);
  });
});
