// An ingest that writes the pages' index in shards (IngestOptions.ftsShards, ingest/shards.ts) stores what one that
// does not stores, and its index is the one a single writer builds from the same pages: the same matches, bm25
// scores, order, snippets, totals and facets, under every search plan, at 2 workers; with one large file read in
// windows, whose repeated payloads replace pages while their shards are written or sealed.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCollection, type IngestOptions } from '../../../src/core/ingest/index.js';
import { ingestInThread } from '../../../src/core/ingest/thread.js';
import { defaultShardCount, FtsShardPool } from '../../../src/core/ingest/shards.js';
import { search, searchFacets, type SearchTuning } from '../../../src/core/search/index.js';
import { Collection, type IngestBatch, type ShardRows } from '../../../src/core/store/index.js';
import { rebuiltByOneWriter } from '../store/one-writer.js';
import { html, revisitOf, warcFile, type RecordSpec } from './warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 700;
const WORDS = ['archive', 'harbor', 'lighthouse', 'página', 'Straße', '東京', 'пример', 'record', 'crawl', 'keeper'];
const body = (i: number) =>
  html(`Page ${i} of site ${i % 7}`, `${WORDS[i % WORDS.length]} alpha${i} ${Array.from({ length: 5 + (i % 23) }, (_, j) => WORDS[(i + j * j) % WORDS.length]).join(' ')} omega${i % 17}`);

/** Pages on 7 sites, payloads repeated half a file later (a page the earlier window brings replaces one the later
 *  stored), and revisits. */
function records(): RecordSpec[] {
  const out: RecordSpec[] = [];
  for (let i = 0; i < N; i++) {
    const date = `20${10 + (i % 9)}-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`;
    out.push({ uri: `http://site${i % 7}.example/p${i}`, date, body: i >= N / 2 && i % 4 === 1 ? body(i - N / 2) : body(i) });
    if (i % 9 === 4 && i > 20) {
      const old = i - 20;
      out.push(revisitOf(`http://site${old % 7}.example/p${old}`, body(old), date, '2010-01-10T10:00:00Z'));
    }
  }
  return out;
}

let nth = 0;
async function ingest(paths: string[], opts: IngestOptions) {
  const db = join(dir, `c${nth++}.sqlite`);
  const summary = await ingestCollection(db, paths, { batchRecords: 40, ...opts });
  return { db, summary };
}

const QUERIES = ['archive', 'harbor keeper', '"harbor keeper"', 'light*', 'alpha12*', 'página', '東京', 'пример OR record',
  'archive NOT crawl', 'omega5', 'keeper site:site3.example', 'archive from:2012 to:2014', 'title:page'];
// The plans of test/core/search/search.test.ts a query can take, by tuning.
const TUNINGS: Array<Partial<SearchTuning>> = [{}, { rankWindow: 1 }, { selectivePages: 0 }, { rankWindow: 1, commonShare: 0 },
  { rankWindow: 1, commonShare: 0, firstWindowPages: 1 }, { rankWindow: 1, commonShare: 0, walkCandidates: 0 }, { candidateLookups: 0 }];

/** Everything search answers for QUERIES under every tuning: hits (ids, order, scores, snippets), totals, facets. */
function answers(path: string): unknown[] {
  const coll = Collection.open(path, { readonly: true });
  try {
    return TUNINGS.flatMap((tuning) => QUERIES.map((q) => {
      const { tookMs: _t, ...facets } = searchFacets(coll, q, tuning);
      const { tookMs: _u, ...result } = search(coll, q, { limit: 30, tuning });
      return { q, result, facets };
    }));
  } finally {
    coll.close();
  }
}

/** What ingest stored, without ids (which depend on the order batches were committed in) and hits sorted by score and
 *  URL: for two runs on 2 workers. Without URLs (`urls` false) for files read on 2 workers at once: which file's
 *  capture of a payload stored in both gives its page the URL depends on which committed first. */
function stored(path: string, urls = true) {
  const coll = Collection.open(path, { readonly: true });
  try {
    const q = <T>(sql: string) => coll.all<T>({ sql, params: {} });
    return {
      captures: q('SELECT offset, type, uri, timestamp, digest FROM captures ORDER BY offset, type, uri, timestamp, digest'),
      pages: q(`SELECT digest, ${urls ? 'url' : "''"} AS url, title, text, main_lines FROM pages ORDER BY digest`),
      hits: QUERIES.map((query) => search(coll, query, { limit: 1000 }).hits
        .map((h) => ({ url: urls ? h.url : '', digest: h.capture.digest ?? '', score: h.score, snippet: h.snippet }))
        .sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || a.url.localeCompare(b.url) || a.digest.localeCompare(b.digest))),
    };
  } finally {
    coll.close();
  }
}

describe('the pages\' index written in shards', () => {
  it('is off up to 4 workers, then one shard for every 3', () => {
    expect([1, 2, 4, 5, 8, 16].map(defaultShardCount)).toEqual([0, 0, 0, 2, 3, 6]);
  });

  for (const gzip of [false, true]) {
    it(`at 2 workers, in windows, is the index one writer builds (${gzip ? 'gzip per record' : 'plain'} WARC)`, async () => {
      const path = join(dir, `pages${nth}${gzip ? '.warc.gz' : '.warc'}`);
      writeFileSync(path, warcFile(records(), gzip));
      const windowBytes = Math.floor(statSync(path).size / 5);
      // Shards sealed every 25 rows: many adoptions during the run, and pages replaced while their shard is sealed.
      const sharded = await ingest([path], { workers: 2, windowBytes, ftsShards: 2, ftsShardRows: 25 });
      const single = await ingest([path], { workers: 2, windowBytes, ftsShards: 0 });
      expect(sharded.summary.ftsShards).toBe(2);
      expect(sharded.summary.windows).toBeGreaterThanOrEqual(4);
      expect(single.summary.ftsShards).toBe(0);
      expect(existsSync(`${sharded.db}.shards`)).toBe(false); // every shard adopted and removed
      const want = answers(rebuiltByOneWriter(sharded.db));
      expect((want[0] as { result: { hits: unknown[] } }).result.hits.length).toBeGreaterThan(20);
      expect(answers(sharded.db)).toEqual(want);
      expect(stored(sharded.db)).toEqual(stored(single.db));
    });
  }

  it('several files at 2 workers store what a run without shards stores', async () => {
    const paths = [0, 1, 2].map((k) => {
      const p = join(dir, `part${k}.warc.gz`);
      writeFileSync(p, warcFile(records().slice(k * 200, k * 200 + 260), true));
      return p;
    });
    const sharded = await ingest(paths, { workers: 2, ftsShards: 3, ftsShardRows: 40 });
    const single = await ingest(paths, { workers: 2, ftsShards: 0 });
    expect(answers(sharded.db)).toEqual(answers(rebuiltByOneWriter(sharded.db)));
    expect(stored(sharded.db, false)).toEqual(stored(single.db, false));
  });

  it('on the engine\'s writer thread (ingestInThread), whose shard threads it starts, the same', async () => {
    const path = join(dir, 'engine.warc.gz');
    writeFileSync(path, warcFile(records().slice(0, 300), true));
    const db = join(dir, 'engine.sqlite');
    const summary = await ingestInThread(db, [path], { workers: 2, ftsShards: 2, ftsShardRows: 50 });
    expect(summary.ftsShards).toBe(2);
    const single = await ingest([path], { workers: 1, ftsShards: 0 });
    expect(answers(db)).toEqual(answers(rebuiltByOneWriter(db)));
    expect(stored(db)).toEqual(stored(single.db));
  });

  it('a run stopped mid-way adopts what its shards hold, and the next run ends as one without shards', async () => {
    const path = join(dir, 'stopped.warc.gz');
    writeFileSync(path, warcFile(records(), true));
    const db = join(dir, 'stopped.sqlite');
    const stop = new AbortController();
    const first = await ingestCollection(db, [path], {
      workers: 2, batchRecords: 20, ftsShards: 2, ftsShardRows: 30, signal: stop.signal,
      onProgress: (p) => {
        if (p.records > 200) stop.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    const pagesSoFar = Collection.open(db, { readonly: true });
    const kept = pagesSoFar.counts().pages;
    pagesSoFar.close();
    expect(kept).toBeGreaterThan(0);
    // Every page stored so far is in the index: a page's own words find it.
    expect(answers(db)).toEqual(answers(rebuiltByOneWriter(db)));
    const second = await ingestCollection(db, [path], { workers: 2, ftsShards: 2, ftsShardRows: 30 });
    expect(second.pagesRecovered).toBe(0);
    const single = await ingest([path], { workers: 2, ftsShards: 0 });
    expect(stored(db)).toEqual(stored(single.db));
  });

  // A page of a file read in windows is replaced when an earlier window brings its payload after a later one stored
  // it (Collection.writeBatch's `window`); with shards, its row may be in the shard being written or in one being
  // sealed. Both are made to happen here, in that order, on real shard threads.
  it('a page replaced while its row is in a shard, written or being sealed, is indexed with its new text only', async () => {
    const db = join(dir, 'replaced.sqlite');
    const coll = Collection.open(db);
    const fileId = coll.beginFile({ path: '/fake/w.warc', size: 1, mtime: 1, fingerprint: 'w' });
    const page = (i: number, text: string): IngestBatch['pages'][number] => ({
      digest: `sha1:R${i}`, url: `http://r.example/${i}`, title: `r${i}`, description: '', text, lang: null, main: text, rest: '',
      mainFound: false, pageCount: null,
    });
    const write = (pages: IngestBatch['pages'], window: number) => {
      const rows: ShardRows = { added: [], replaced: [] };
      const captures = pages.map((p) => ({
        fileId, offset: Number(p.digest.slice(6)) * 10 + window, length: 10, type: 'response', uri: p.url!, urlkey: p.url!, status: 200,
        mime: 'text/html', digest: p.digest, recordId: `<urn:${p.digest}:${window}>`, timestamp: '20200101000000', refersToUri: null,
        refersToDate: null, method: null,
      }));
      coll.writeBatch({ fileId, captures, pages, errors: [] }, { window, shards: rows });
      return rows;
    };
    // One shard, sealed every 4 rows: pages 0-3 (window 3) fill it and it is sealed; page 4 starts the next.
    const pool = new FtsShardPool(coll, 1, null, 4);
    pool.send(write([0, 1, 2, 3].map((i) => page(i, `later window ${i} zebra`)), 3));
    pool.send(write([page(4, 'later window 4 zebra')], 3));
    // Window 1 brings the payloads of pages 2 (in the shard being sealed) and 4 (in the shard being written).
    const rows = write([page(2, 'earlier window giraffe'), page(4, 'earlier window giraffe')], 1);
    expect(rows.replaced.map((r) => Number(r.old[0]))).toHaveLength(2);
    pool.send(rows);
    await pool.close(true);
    const urls = (q: string) => search(coll, q, { limit: 50 }).hits.map((h) => h.url).sort();
    expect(urls('zebra')).toEqual(['http://r.example/0', 'http://r.example/1', 'http://r.example/3']);
    expect(urls('giraffe')).toEqual(['http://r.example/2', 'http://r.example/4']);
    coll.close();
    expect(answers(db)).toEqual(answers(rebuiltByOneWriter(db)));
  });

  it('a shard thread that dies fails the flush waiting on it, instead of leaving it waiting', async () => {
    const db = join(dir, 'died.sqlite');
    const coll = Collection.open(db);
    const pool = new FtsShardPool(coll, 1, null);
    // The crash stood in for by ending the thread from outside: nothing in a shard's own work is known to kill it.
    const thread = (pool as unknown as { shards: { thread: { terminate(): Promise<number> } }[] }).shards[0].thread;
    await thread.terminate();
    await expect(pool.flush()).rejects.toThrow(/shard thread of the pages' index stopped/);
    await pool.close(false);
    coll.close();
  });
});

