// The pages' index written in shards and adopted (store/fts-shard.ts) is the index one writer builds: FTS5's own
// integrity-check passes, and every match, bm25 score and snippet is the same, before and after an 'optimize'. Each
// test compares against an index one writer built from the same pages ('rebuild' reads them all back).
import Database from 'better-sqlite3'; // test-only: FTS5's integrity-check and raw rank, which the store does not run
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, type IngestBatch, type ShardRows } from '../../../src/core/store/index.js';
import { surt } from '../../../src/core/warc/surt.js';
import { decodeStructure, encodeStructure, FTS_COLUMNS, FtsShard } from '../../../src/core/store/fts-shard.js';
import { FTS_TOKENIZER } from '../../../src/core/store/schema.js';
import { search, searchFacets } from '../../../src/core/search/index.js';
import type { PageRow } from '../../../src/shared/records.js';
import { buildCollection, contentOf, tempDbs, type FakePage } from '../search/helpers.js';
import { integrityCheck, rawConnection, rebuiltByOneWriter } from './one-writer.js';
import { schemaBefore } from './old-schema.js';

const dbs = tempDbs();

// Words in several scripts, of many frequencies, on pages of many lengths (bm25 reads the lengths), some with an
// article (main and rest columns).
const WORDS = ['archive', 'web', 'crawl', 'página', 'Straße', '東京', 'كتاب', 'пример', 'κόσμος', 'lighthouse', 'harbor', 'record'];
function fakePages(n: number, from = 0): FakePage[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const words = Array.from({ length: 3 + ((i * 7) % 40) }, (_, j) => WORDS[(i * j + j * j + i) % WORDS.length]).join(' ');
    const text = `${words}\nnavigation home about ${WORDS[i % WORDS.length]}`;
    return {
      digest: `sha1:S${i}`, title: `page ${i} ${WORDS[(i * 5) % WORDS.length]}`, text, ...(i % 3 === 0 ? { main: words } : {}),
      captures: [{ uri: `http://shard${i % 4}.example/${i}`, timestamp: `20${10 + (i % 12)}0101000000` }],
    };
  });
}

const pageRow = (p: FakePage): PageRow =>
  ({ digest: p.digest, url: p.captures[0].uri, title: p.title, description: '', text: p.text, lang: null, ...contentOf(p) });

/** A batch of `ps` and their captures (search finds pages by their captures). */
function batch(fileId: number, ps: FakePage[]): IngestBatch {
  const captures = ps.map((p) => ({
    fileId, offset: Number(p.digest.slice(6)) * 100, length: 100, type: 'response', urlkey: surt(p.captures[0].uri), status: 200,
    mime: 'text/html', digest: p.digest, recordId: `<urn:uuid:${p.digest}>`, refersToUri: null, refersToDate: null, method: null,
    ...p.captures[0],
  }));
  return { fileId, captures, pages: ps.map(pageRow), errors: [] };
}

const QUERIES = ['archive', 'web crawl', '"web crawl"', 'harb*', 'página', '東京', 'كتاب', 'пример OR κόσμος', 'archive NOT record', 'title:lighthouse', 'home'];

/** FTS5's own answer for each query: every match's rowid, rank, and snippet, in rank order. */
function ftsAnswers(path: string): unknown[] {
  const db = rawConnection(path);
  try {
    const q = db.prepare(`SELECT rowid, rank, snippet(pages_fts, -1, '[', ']', '…', 8) AS s FROM pages_fts WHERE pages_fts MATCH ? ORDER BY rank, rowid`);
    return QUERIES.map((m) => q.all(m));
  } finally {
    db.close();
  }
}

/** What search gives for each query: hits (ids, order, scores, snippets), totals and facets. */
function searchAnswers(coll: Collection): unknown[] {
  return QUERIES.map((query) => {
    const { tookMs: _t, ...facets } = searchFacets(coll, query);
    return { hits: search(coll, query, { limit: 50 }).hits, facets };
  });
}

/** A new collection with a file begun, for the batches of a test. */
function collectionWithFile(): { path: string; coll: Collection; fileId: number } {
  const path = dbs.path();
  const coll = Collection.open(path);
  return { path, coll, fileId: coll.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'a' }) };
}

/** The collection's index passes FTS5's integrity-check and answers as the one a single writer builds. */
function expectOneWritersIndex(path: string): void {
  integrityCheck(path);
  expect(ftsAnswers(path)).toEqual(ftsAnswers(rebuiltByOneWriter(path)));
}

function segmentCount(path: string): number {
  const db = rawConnection(path);
  try {
    const s = decodeStructure(db.prepare('SELECT block FROM pages_fts_data WHERE id = 10').pluck().get() as Uint8Array);
    return s.levels.reduce((n, l) => n + l.segments.length, 0);
  } finally {
    db.close();
  }
}

describe('the pages\' index adopted from shards', () => {
  it('is the index one writer builds: matches, ranks, snippets, hits and facets', () => {
    const path = dbs.path();
    buildCollection(path, fakePages(300), { ftsShards: 3 }).close();
    integrityCheck(path);
    expect(segmentCount(path)).toBe(3); // one sealed segment a shard, none written by the writer
    const one = rebuiltByOneWriter(path);
    const answers = ftsAnswers(path);
    expect((answers[0] as unknown[]).length).toBeGreaterThan(30);
    expect(answers).toEqual(ftsAnswers(one));
    const [a, b] = [Collection.open(path), Collection.open(one)];
    expect(searchAnswers(a)).toEqual(searchAnswers(b));
    // Merged like any other segments.
    a.optimizeSearchIndex();
    a.close();
    b.close();
    expect(segmentCount(path)).toBe(1);
    integrityCheck(path);
    expect(ftsAnswers(path)).toEqual(ftsAnswers(one));
  });

  it('joins an index that holds pages already, and its changes after, run by the writer', () => {
    const { path, coll, fileId } = collectionWithFile();
    coll.writeBatch(batch(fileId, fakePages(100)));
    const rows: ShardRows = { added: [], replaced: [] };
    coll.writeBatch(batch(fileId, fakePages(100, 100)), { shards: rows });
    expect(rows.added).toHaveLength(100);
    expect(search(coll, 'page 150').hits).toHaveLength(0); // not in the index until its shard is adopted
    const shard = new FtsShard(join(dirname(path), 'shard.sqlite'));
    shard.write(rows.added);
    shard.seal();
    expect(coll.adoptFtsShard(shard.path)).toBe(100);
    expect(search(coll, '"page 150"').hits.map((h) => h.url)).toEqual(['http://shard2.example/150']);
    // A re-extraction of an adopted page goes through the index's triggers, as for any page it holds.
    const changed = { ...fakePages(1, 150)[0], text: 'zeppelin over the harbor' };
    coll.writeBatch(batch(fileId, [changed]), { replacePages: true, shards: { added: [], replaced: [] } });
    expect(search(coll, 'zeppelin').hits.map((h) => h.url)).toEqual(['http://shard2.example/150']);
    coll.close();
    expectOneWritersIndex(path);
  });

  it('takes a page\'s new text in the shard that holds it, before it is adopted', () => {
    const { path, coll, fileId } = collectionWithFile();
    const rows: ShardRows = { added: [], replaced: [] };
    coll.writeBatch(batch(fileId, fakePages(20)), { shards: rows });
    const changed = { ...fakePages(1, 7)[0], text: 'zeppelin over the harbor' };
    coll.writeBatch(batch(fileId, [changed]), { replacePages: true, shards: rows });
    expect(rows.replaced).toHaveLength(1);
    expect(rows.replaced[0].old[3]).toContain('navigation home');
    const shard = new FtsShard(join(dirname(path), 'shard.sqlite'));
    shard.write(rows.added, rows.replaced);
    shard.seal();
    coll.adoptFtsShard(shard.path);
    expect(search(coll, 'zeppelin').hits.map((h) => h.url)).toEqual(['http://shard3.example/7']);
    const navigation = search(coll, 'navigation', { limit: 100 }).hits.map((h) => h.url);
    expect(navigation).toHaveLength(19); // its old text's word, on every other page
    expect(navigation).not.toContain('http://shard3.example/7');
    coll.close();
    expectOneWritersIndex(path);
  });

  it('refuses a shard holding a page the index holds, and leaves the index as it was', () => {
    const path = dbs.path();
    const coll = buildCollection(path, fakePages(30));
    const before = ftsAnswers(path);
    const shard = new FtsShard(join(dirname(path), 'again.sqlite'));
    shard.write([[5, 'again', null, 'again', null]]);
    shard.seal();
    expect(() => coll.adoptFtsShard(shard.path)).toThrow(/UNIQUE|constraint/i);
    coll.close();
    integrityCheck(path);
    expect(ftsAnswers(path)).toEqual(before);
  });

  it('refuses a shard whose index is of another format (tokenizer, options)', () => {
    const path = dbs.path();
    const coll = buildCollection(path, fakePages(10));
    const before = ftsAnswers(path);
    for (const [name, options] of [['porter', `tokenize = 'porter'`], ['prefix', `prefix = '2', tokenize = "${FTS_TOKENIZER}"`]]) {
      const other = join(dirname(path), `${name}.sqlite`);
      const db = new Database(other);
      db.exec(`CREATE VIRTUAL TABLE fts USING fts5(${FTS_COLUMNS.join(', ')}, content = '', ${options})`);
      db.prepare(`INSERT INTO fts (rowid, title, description, main, rest) VALUES (500, 'x', '', 'other format', '')`).run();
      db.close();
      expect(() => coll.adoptFtsShard(other)).toThrow(/not of the collection's format/);
    }
    coll.close();
    expect(ftsAnswers(path)).toEqual(before);
  });

  it('an ingest that died before adopting its shards leaves its pages to the next, which indexes them first', () => {
    const { path, coll, fileId } = collectionWithFile();
    expect(coll.recoverFtsShards()).toBe(0); // nothing marked, nothing done
    coll.writeBatch(batch(fileId, fakePages(10)));
    coll.beginFtsShards();
    coll.writeBatch(batch(fileId, fakePages(40, 10)), { shards: { added: [], replaced: [] } });
    coll.close(); // the shards die with the run
    const again = Collection.open(path);
    expect(again.ftsShardDebt()).toBe('abandoned');
    expect(search(again, '"page 30"').hits).toHaveLength(0);
    expect(again.recoverFtsShards()).toBe(40);
    expect(search(again, '"page 30"').hits.map((h) => h.url)).toEqual(['http://shard2.example/30']);
    expect(again.recoverFtsShards()).toBe(0); // the mark is gone
    expect(again.ftsShardDebt()).toBe('none');
    again.close();
    expectOneWritersIndex(path);
  });

  it('the structure record decodes and encodes back to its bytes', () => {
    const { path, coll, fileId } = collectionWithFile();
    for (let b = 0; b < 40; b++) coll.writeBatch(batch(fileId, fakePages(5, b * 5)));
    coll.close();
    const db = rawConnection(path);
    const block = db.prepare('SELECT block FROM pages_fts_data WHERE id = 10').pluck().get() as Uint8Array;
    db.close();
    const s = decodeStructure(block);
    expect(s.levels.length).toBeGreaterThan(1); // automerge moved some up: levels, segments and ids to carry
    expect(Buffer.from(encodeStructure(s))).toEqual(Buffer.from(block));
    // A write counter past 2^56 takes SQLite's 9-byte varint.
    const big = { ...s, writeCounter: (1n << 60n) + 12345n };
    expect(decodeStructure(encodeStructure(big)).writeCounter).toBe(big.writeCounter);
    expect(() => decodeStructure(Uint8Array.from([0, 0, 0, 1, 0xff, 0, 0, 1]))).toThrow(/V2/);
  });

  it('a collection of the schema before keeps its index in step with its pages after the migration', () => {
    const path = dbs.path();
    const before = schemaBefore(path, 'WHEN EXISTS (SELECT 1 FROM pages_fts_docsize');
    before.close();
    const coll = Collection.open(path);
    const fileId = coll.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'a' });
    coll.writeBatch(batch(fileId, fakePages(10)));
    const changed = { ...fakePages(1, 4)[0], text: 'zeppelin' };
    coll.writeBatch(batch(fileId, [changed]), { replacePages: true });
    expect(search(coll, 'zeppelin').hits).toHaveLength(1);
    coll.close();
    integrityCheck(path);
    expect(existsSync(path)).toBe(true);
  });
});
