// Bulk-load behaviour of ingest (issue "Collections and offline full-text search": ingest >= 1,500 pages/s; resumable,
// so a run that dies mid-way must leave a collection the next open repairs). The capture indexes are dropped for a
// bulk load and built again at its end; the page text is stored once and FTS5 derives its segmented copy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3'; // test-only: inspects the raw schema the store left
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { CAPTURE_INDEXES, FTS_AUTOMERGE } from '../../../src/core/store/schema.js';
import { capturesOfUrl, search } from '../../../src/core/search/index.js';
import { html, warcFile } from './warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-bulk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const indexNames = (db: string): string[] => {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures'").all() as Array<{ name: string }>)
      .map((r) => r.name);
  } finally {
    raw.close();
  }
};
const wanted = CAPTURE_INDEXES.map((ix) => ix.split(' ', 1)[0]);
/** pages_fts's automerge setting as FTS5 keeps it. */
const automerge = (db: string): number => {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare("SELECT v FROM pages_fts_config WHERE k = 'automerge'").get() as { v: number }).v;
  } finally {
    raw.close();
  }
};

describe('bulk ingest', () => {
  it('ends with every capture index in place and uses them (deferred during the load)', async () => {
    const warc = join(dir, 'a.warc');
    writeFileSync(warc, warcFile(Array.from({ length: 30 }, (_, i) => ({
      uri: `http://site${i % 3}.example/p${i}`, date: '2020-01-01T00:00:00Z',
      body: html(`Page ${i}`, `zebra number ${i} 东京大学 ${i}`),
    }))));
    const db = join(dir, 'a.sqlite');
    const s = await ingestCollection(db, [warc], { workers: 1, batchRecords: 7 });
    expect(s.pages).toBe(30);
    expect(indexNames(db)).toEqual(expect.arrayContaining(wanted));
    const coll = Collection.open(db, { readonly: true });
    expect(capturesOfUrl(coll, 'http://site1.example/p4')).toHaveLength(1);
    expect(search(coll, '大学', { limit: 50 }).hits).toHaveLength(30);
    const plan = coll.all<{ detail: string }>({
      sql: "EXPLAIN QUERY PLAN SELECT id FROM captures WHERE urlkey = 'x' ORDER BY timestamp", params: {},
    });
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/captures_urlkey/);
    coll.close();
  });

  it('a collection left without its capture indexes (a run that died) gets them back from the next ingest', async () => {
    const big = join(dir, 'big.warc');
    writeFileSync(big, warcFile(Array.from({ length: 40 }, (_, i) => ({
      uri: `http://big.example/p${i}`, date: '2020-01-01T00:00:00Z', body: html(`Big ${i}`, 'x'.repeat(200)),
    }))));
    const db = join(dir, 'b.sqlite');
    await ingestCollection(db, [big], { workers: 1 });
    expect(automerge(db)).toBe(FTS_AUTOMERGE); // the bulk load that made it gave the index its settings back
    const coll = Collection.open(db);
    coll.deferCaptureIndexes();
    coll.close();
    expect(indexNames(db).filter((n) => wanted.includes(n))).toEqual([]);
    expect(automerge(db)).toBe(0); // a bulk load leaves merging to its end
    // Small against the rows already there, so this run does not defer the indexes: it builds the missing ones.
    const small = join(dir, 'small.warc');
    writeFileSync(small, warcFile([{ uri: 'http://small.example/', date: '2020-01-01T00:00:00Z', body: html('S', 'y') }]));
    await ingestCollection(db, [small], { workers: 1 });
    expect(indexNames(db)).toEqual(expect.arrayContaining(wanted));
    expect(automerge(db)).toBe(FTS_AUTOMERGE);
  });

  it('refreshes planner statistics after each ingest, so a collection begun from a tiny file plans well later', async () => {
    const db = join(dir, 'c.sqlite');
    const tiny = join(dir, 'tiny.warc');
    writeFileSync(tiny, warcFile([{ uri: 'http://tiny.example/', date: '2020-01-01T00:00:00Z', body: html('T', 'zebra') }]));
    await ingestCollection(db, [tiny], { workers: 1 });
    const more = join(dir, 'more.warc');
    writeFileSync(more, warcFile(Array.from({ length: 50 }, (_, i) => ({
      uri: `http://more.example/p${i}`, date: '2020-01-01T00:00:00Z', body: html(`More ${i}`, `zebra ${i}`),
    }))));
    await ingestCollection(db, [more], { workers: 1 });
    const raw = new Database(db, { readonly: true });
    const stat = raw.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'pages' AND idx = 'sqlite_autoindex_pages_1'").get() as { stat: string };
    raw.close();
    expect(Number(stat.stat.split(' ')[0])).toBe(51);
  });
});
