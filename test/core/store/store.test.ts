// The collection store (issue "Collections and offline full-text search": schema versioned by PRAGMA user_version,
// idempotent setup, FTS5 external content synced by triggers, errors listable, a redone file is not duplicated).
import { join } from 'node:path';
import Database from 'better-sqlite3'; // test-only: reads the raw schema the store wrote
import { afterEach, describe, expect, it } from 'vitest';
import { Collection, SCHEMA_VERSION, hostRange, reverseHost } from '../../../src/core/store/index.js';
import { search } from '../../../src/core/search/index.js';
import { buildCollection, tempDir } from '../search/helpers.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function dbPath(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'c.sqlite');
}

describe('Collection', () => {
  it('creates the schema once, records its version, and reopens without change', () => {
    const p = dbPath();
    Collection.open(p).close();
    Collection.open(p).close();
    const db = new Database(p, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view','trigger')").all() as Array<{ name: string }>).map((r) => r.name);
    for (const n of ['warc_files', 'captures', 'pages', 'pages_fts', 'errors', 'pages_ai', 'pages_ad', 'pages_au']) expect(names).toContain(n);
    db.close();
  });

  it('refuses a collection written by a newer schema instead of corrupting it', () => {
    const p = dbPath();
    Collection.open(p).close();
    const db = new Database(p);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Collection.open(p)).toThrow(/newer/);
  });

  it('keeps pages_fts in step with pages through the triggers (insert, update, delete)', () => {
    const p = dbPath();
    const coll = buildCollection(p, [
      { digest: 'd1', title: 'Alpha', text: 'zebra crossing', captures: [{ uri: 'http://a.com/', timestamp: '20200101000000' }] },
    ]);
    expect(search(coll, 'zebra').hits).toHaveLength(1);
    coll.close();
    const db = new Database(p);
    db.prepare("UPDATE pages SET text = 'giraffe' WHERE digest = 'd1'").run();
    db.close();
    const c2 = Collection.open(p);
    expect(search(c2, 'zebra').hits).toHaveLength(0);
    expect(search(c2, 'giraffe').hits).toHaveLength(1);
    c2.close();
    const db2 = new Database(p);
    db2.prepare("DELETE FROM pages WHERE digest = 'd1'").run();
    expect((db2.prepare("SELECT count(*) n FROM pages_fts WHERE pages_fts MATCH 'giraffe'").get() as { n: number }).n).toBe(0);
    db2.close();
  });

  it('beginFile on a known path drops its old captures and errors (resume/redo without duplicates)', () => {
    const p = dbPath();
    const coll = buildCollection(p, [
      { digest: 'd1', title: 'A', text: 'x', captures: [{ uri: 'http://a.com/', timestamp: '20200101000000' }] },
    ]);
    const id = coll.fileByPath('/fake/a.warc')!.id;
    coll.writeBatch({ fileId: id, captures: [], pages: [], errors: [{ fileId: id, offset: 7, code: 'warc-garbage', message: 'junk' }] });
    expect(coll.errors()).toEqual([{ fileId: id, file: '/fake/a.warc', offset: 7, code: 'warc-garbage', message: 'junk' }]);
    expect(coll.beginFile({ path: '/fake/a.warc', size: 2, mtime: 2, fingerprint: 'y' })).toBe(id);
    expect(coll.counts()).toMatchObject({ files: 1, captures: 0, errors: 0, pages: 1 });
    expect(coll.fileByPath('/fake/a.warc')!.status).toBe('indexing');
    expect(coll.prunePages()).toBe(1);
    coll.close();
  });
});

describe('host keys', () => {
  it('reverse labels so a host and its subdomains share a prefix', () => {
    expect(reverseHost('https://www.Example.com:8080/a')).toBe('com.example.www.');
    expect(reverseHost('http://user@10.0.0.1/')).toBe('10.0.0.1.');
    expect(reverseHost('dns:example.com')).toBeNull();
    const r = hostRange('example.com');
    expect('com.example.www.' >= r.lo && 'com.example.www.' < r.hi).toBe(true);
    expect('com.example.' >= r.lo && 'com.example.' < r.hi).toBe(true);
    expect('com.exampleb.' >= r.lo && 'com.exampleb.' < r.hi).toBe(false);
  });
});
