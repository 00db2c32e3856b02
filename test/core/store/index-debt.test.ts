// The capture indexes an ingest drops while it runs are never lost for good: the database says it owes them (the
// meta row written with the drop), an ingest killed before rebuilding them leaves that debt for the next open, and a
// collection of schema v3 (before the meta table) that lacks them is found owing them when it is migrated.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3'; // test-only: writes a v3 database as the v3 code did, and reads the raw schema
import { afterEach, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { CAPTURE_INDEX_NAMES, FTS_AUTOMERGE, META_INDEXES_DEFERRED, MIGRATIONS, RETIRED_CAPTURE_INDEXES, SEGMENT_FUNCTION } from '../../../src/core/store/schema.js';
import { search } from '../../../src/core/search/index.js';
import { segmentWords } from '../../../src/core/search/segment.js';
import { html, warcFile } from '../ingest/warc-builder.js';
import { tempDir } from '../search/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Every index of the captures table, whatever its name. */
function allIndexes(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures'").all() as Array<{ name: string }>).map((r) => r.name);
  } finally {
    db.close();
  }
}

function captureIndexes(path: string): string[] {
  const names = allIndexes(path);
  return CAPTURE_INDEX_NAMES.filter((n) => names.includes(n));
}

/** A pid no process has: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function archive(d: string): string {
  const path = join(d, 'a.warc');
  writeFileSync(path, warcFile([
    { uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('Home', 'welcome') },
    { uri: 'http://example.com/about', date: '2020-01-02T00:00:00Z', body: html('About', 'about us') },
  ]));
  return path;
}

/** The state a kill -9 leaves between the last file marked done and the rebuild: indexes dropped by a process that
 *  is gone. */
function killedAfterLastFile(db: string): void {
  const c = Collection.open(db);
  c.deferCaptureIndexes();
  c.close();
  const raw = new Database(db);
  raw.prepare('UPDATE meta SET value = ? WHERE key = ?').run(String(deadPid()), META_INDEXES_DEFERRED);
  raw.close();
}

describe('capture indexes owed', () => {
  it('an ingest killed before rebuilding them: the next open finds them owed, and a rerun that skips every file builds them', async () => {
    const d = dir();
    const db = join(d, 'c.sqlite');
    const warc = archive(d);
    await ingestCollection(db, [warc]);
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
    killedAfterLastFile(db);
    expect(captureIndexes(db)).toEqual([]);

    const ro = Collection.open(db, { readonly: true });
    expect(ro.indexDebt()).toBe('abandoned');
    ro.close();

    const again = await ingestCollection(db, [warc]);
    expect(again.filesSkipped).toBe(1);
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
    const c = Collection.open(db);
    expect(c.indexDebt()).toBe('none');
    c.close();
  });

  it('a writable open builds them on a thread of its own and reports each one', async () => {
    const d = dir();
    const db = join(d, 'c.sqlite');
    await ingestCollection(db, [archive(d)]);
    killedAfterLastFile(db);
    const c = Collection.open(db);
    const heard: string[] = [];
    const built = c.buildCaptureIndexesInBackground((n, total) => heard.push(`${n}/${total}`));
    // The opening thread answers meanwhile.
    expect(c.counts().captures).toBe(2);
    await built;
    expect(heard).toEqual(CAPTURE_INDEX_NAMES.map((_, i) => `${i + 1}/${CAPTURE_INDEX_NAMES.length}`));
    expect(c.indexDebt()).toBe('none');
    c.close();
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
    // The killed bulk load's full-text merge settings are the store's again.
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare("SELECT v FROM pages_fts_config WHERE k = 'automerge'").pluck().get()).toBe(FTS_AUTOMERGE);
    raw.close();
  });

  it('indexes dropped by an ingest that is still running are not owed to the next open', () => {
    const d = dir();
    const db = join(d, 'c.sqlite');
    const c = Collection.open(db);
    c.deferCaptureIndexes();
    c.close();
    const raw = new Database(db);
    raw.prepare('UPDATE meta SET value = ? WHERE key = ?').run(String(process.ppid), META_INDEXES_DEFERRED);
    raw.close();
    const other = Collection.open(db, { readonly: true });
    expect(other.indexDebt()).toBe('running');
    other.close();
  });

  it('migrates a real v3 collection forward, and finds it owing the indexes a v3 ingest that died left out', async () => {
    const d = dir();
    const db = join(d, 'v3.sqlite');
    // The v3 schema as the v3 code made it: its three migrations, on a connection with the segmenter registered.
    const raw = new Database(db);
    raw.pragma('journal_mode = WAL');
    raw.function(SEGMENT_FUNCTION, { deterministic: true }, (t: unknown) => (typeof t === 'string' ? segmentWords(t) : t));
    MIGRATIONS.slice(0, 3).forEach((sql, v) => {
      raw.exec(sql);
      raw.pragma(`user_version = ${v + 1}`);
    });
    raw.prepare("INSERT INTO warc_files (id, path, size, mtime, fingerprint, status) VALUES (1, '/x.warc', 1, 1, 'f', 'done')").run();
    raw.prepare("INSERT INTO captures (file_id, offset, length, type, uri, urlkey, timestamp) VALUES (1, 0, 10, 'response', 'http://a.com/', 'com,a)/', '20200101000000')").run();
    // Those of its indexes that exist before the page ids (schema.ts migration 8).
    for (const name of CAPTURE_INDEX_NAMES) raw.exec(`DROP INDEX IF EXISTS ${name}`);
    raw.close();

    // A read-only open cannot migrate, and v3's index lacks the main-content columns search reads: it says so.
    expect(() => Collection.open(db, { readonly: true })).toThrow(/needs an upgrade \(schema 3 to \d+\)/);

    const c = Collection.open(db);
    expect(c.schemaVersion()).toBe(MIGRATIONS.length);
    expect(c.indexDebt()).toBe('abandoned');
    c.ensureCaptureIndexes();
    expect(c.indexDebt()).toBe('none');
    expect(c.counts().captures).toBe(1);
    c.close();
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
  });

  it('a v3 collection with its indexes migrates owing nothing', () => {
    const d = dir();
    const db = join(d, 'v3.sqlite');
    const raw = new Database(db);
    raw.function(SEGMENT_FUNCTION, { deterministic: true }, (t: unknown) => (typeof t === 'string' ? segmentWords(t) : t));
    MIGRATIONS.slice(0, 3).forEach((sql, v) => {
      raw.exec(sql);
      raw.pragma(`user_version = ${v + 1}`);
    });
    raw.close();
    const c = Collection.open(db);
    expect(c.schemaVersion()).toBe(MIGRATIONS.length);
    expect(c.indexDebt()).toBe('none');
    c.close();
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT count(*) AS n FROM meta WHERE key = ?').get(META_INDEXES_DEFERRED)).toEqual({ n: 0 });
    check.close();
  });
});

describe('retired capture indexes', () => {
  /** A collection as the build before the covering host and time indexes left it: the narrow ones in their place. */
  function withNarrowIndexes(db: string): void {
    const raw = new Database(db);
    for (const name of CAPTURE_INDEX_NAMES.filter((n) => n.startsWith('captures_rhost') || n.startsWith('captures_timestamp'))) {
      raw.exec(`DROP INDEX ${name}`);
    }
    raw.exec('CREATE INDEX captures_rhost ON captures(rhost); CREATE INDEX captures_timestamp ON captures(timestamp);');
    raw.close();
  }

  it('a collection holding the narrow host and time indexes builds their replacements in the background, then drops them', async () => {
    const d = dir();
    const db = join(d, 'c.sqlite');
    await ingestCollection(db, [archive(d)]);
    withNarrowIndexes(db);
    const c = Collection.open(db);
    expect(c.indexDebt()).toBe('abandoned');
    // Still answered meanwhile, from the narrow indexes.
    expect(search(c, 'about site:example.com from:2020-01-02').hits.map((h) => h.url)).toEqual(['http://example.com/about']);
    await c.buildCaptureIndexesInBackground(() => {});
    expect(c.indexDebt()).toBe('none');
    expect(search(c, 'about site:example.com from:2020-01-02').hits.map((h) => h.url)).toEqual(['http://example.com/about']);
    c.close();
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
    expect(allIndexes(db).filter((n) => RETIRED_CAPTURE_INDEXES.includes(n))).toEqual([]);
  });

  it('an ingest that defers the indexes drops the retired ones too, so a bulk load never keeps them up to date', () => {
    const d = dir();
    const db = join(d, 'c.sqlite');
    Collection.open(db).close();
    withNarrowIndexes(db);
    const c = Collection.open(db);
    c.deferCaptureIndexes();
    expect(allIndexes(db).filter((n) => RETIRED_CAPTURE_INDEXES.includes(n) || CAPTURE_INDEX_NAMES.includes(n))).toEqual([]);
    c.ensureCaptureIndexes();
    c.close();
    expect(captureIndexes(db)).toEqual(CAPTURE_INDEX_NAMES);
    expect(allIndexes(db).filter((n) => RETIRED_CAPTURE_INDEXES.includes(n))).toEqual([]);
  });
});
