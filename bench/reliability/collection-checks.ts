// What the kill -9 trial checks of a collection, read independently of the store's own code (plain SQL on a separate
// connection): where a run stood, SQLite's and FTS5's integrity, the capture indexes, and a fingerprint of everything
// a user sees (captures, pages, file states, problems, search results) to compare with a clean run's.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { Collection, registerSqlFunctions } from '../../src/core/store/index.js';
import { CAPTURE_INDEXES, META_FTS_SHARDS } from '../../src/core/store/schema.js';

/** integrity()'s answer for a collection a sharded run left with pages awaiting their index rows, whole once the
 *  next run has indexed them. */
export const SHARD_PAGES_AWAITED = 'awaiting index';

export const INDEX_NAMES = CAPTURE_INDEXES.map((ix) => ix.split(' ')[0]).sort();

export function open(db: string): Database.Database {
  const c = new Database(db, { readonly: true, fileMustExist: true });
  c.pragma('busy_timeout = 5000');
  // FTS5 reads page text back through the store's SQL functions: needed for its integrity check.
  registerSqlFunctions(c);
  return c;
}

/** Files done (not 'indexing') and capture indexes present: what the end-of-run window looks like. */
export function state(db: string): { files: number; done: number; indexes: string[] } | null {
  let c: Database.Database | undefined;
  try {
    c = open(db);
    const f = c.prepare(`SELECT count(*) AS n, sum(status <> 'indexing') AS done FROM warc_files`).get() as { n: number; done: number | null };
    return { files: f.n, done: f.done ?? 0, indexes: indexesOf(c) };
  } catch {
    return null; // not created yet, or the schema not yet in place
  } finally {
    c?.close();
  }
}

/** The capture indexes present. */
export function indexNames(db: string): string[] {
  const c = open(db);
  try {
    return indexesOf(c);
  } finally {
    c.close();
  }
}

function indexesOf(c: Database.Database): string[] {
  return (c.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

const sha1 = (rows: unknown[]) => createHash('sha1').update(rows.map((r) => JSON.stringify(r)).join('\n')).digest('hex').slice(0, 16);

export interface Fingerprint {
  captures: number;
  pages: number;
  capturesHash: string;
  pagesHash: string;
  filesHash: string;
  errorsHash: string;
  search: Record<string, { hits: number; hash: string }>;
}

export function fingerprint(db: string, queries: string[]): Fingerprint {
  const c = open(db);
  try {
    const captures = c.prepare(`SELECT f.path, c.offset, c.length, c.type, c.uri, c.urlkey, c.rhost, c.timestamp, c.status, c.mime, c.digest,
      c.record_id, c.refers_to_uri, c.refers_to_date, c.method FROM captures c JOIN warc_files f ON f.id = c.file_id ORDER BY f.path, c.offset`).raw().all();
    // A page is its payload's: which of two URLs with the same payload names it depends on which worker commits first,
    // in a clean run as much as in a resumed one, so the URL is left out.
    const pages = c.prepare('SELECT digest, title, description, text, lang FROM pages ORDER BY digest').raw().all();
    const files = c.prepare('SELECT path, size, mtime, fingerprint, status, records, error_count, format FROM warc_files ORDER BY path').raw().all();
    const errors = c.prepare('SELECT f.path, e.offset, e.code, e.message FROM errors e JOIN warc_files f ON f.id = e.file_id ORDER BY f.path, e.offset, e.code, e.message').raw().all();
    const hits = c.prepare(`SELECT p.digest FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid WHERE pages_fts MATCH ? ORDER BY rank, p.digest`);
    const search: Fingerprint['search'] = {};
    for (const q of queries) {
      const rows = hits.raw().all(q);
      search[q] = { hits: rows.length, hash: sha1(rows) };
    }
    return {
      captures: captures.length, pages: pages.length, capturesHash: sha1(captures), pagesHash: sha1(pages),
      filesHash: sha1(files), errorsHash: sha1(errors), search,
    };
  } finally {
    c.close();
  }
}

/** What integrity() says of a database created but killed before its schema was in place (a sound state). */
export const NO_SCHEMA = 'no schema yet';

/** 'ok' from PRAGMA integrity_check and FTS5's own integrity-check (a write statement, hence a writable connection;
 *  it changes nothing), or what they said. Only called while no run is going. */
export function integrity(db: string): string {
  const c = new Database(db, { fileMustExist: true });
  registerSqlFunctions(c);
  try {
    // Killed before its first migration committed: a database with no schema at all, which the next run creates.
    if (c.pragma('user_version', { simple: true }) === 0) return NO_SCHEMA;
    const rows = (c.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (rows.join() !== 'ok') return `sqlite: ${rows.slice(0, 3).join('; ')}`;
    c.prepare(`INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)`).run();
    return 'ok';
  } catch (e) {
    return c.open && awaitingShards(c) ? shardsRecovered(db) : `fts5: ${(e as Error).message}`;
  } finally {
    c.close();
  }
}

/** A run writing the index in shards (--fts-shards), killed: the pages its shards held have no index rows yet. */
function awaitingShards(c: Database.Database): boolean {
  return c.prepare(`SELECT 1 FROM meta WHERE key = ?`).get(META_FTS_SHARDS) !== undefined;
}

/** What the next run does first (Collection.recoverFtsShards), on a copy: the index must then be whole. */
function shardsRecovered(db: string): string {
  const copy = `${db}.recovered`;
  for (const sfx of ['', '-wal']) if (existsSync(db + sfx)) copyFileSync(db + sfx, copy + sfx); // the WAL holds the last commits
  try {
    const coll = Collection.open(copy);
    const pages = coll.recoverFtsShards();
    coll.close();
    const after = integrity(copy);
    return after === 'ok' ? `${SHARD_PAGES_AWAITED}: ${pages} pages, whole once indexed` : `after indexing the pages its shards held, ${after}`;
  } finally {
    for (const sfx of ['', '-wal', '-shm']) rmSync(copy + sfx, { force: true });
  }
}

/** Words to search for: one from each of the first pages' titles (by digest), so results are neither empty nor all. */
export function pickQueries(db: string): string[] {
  const c = open(db);
  try {
    const titles = c.prepare('SELECT title FROM pages ORDER BY digest LIMIT 200').raw().all() as [string][];
    const words = new Set<string>();
    for (const [t] of titles) {
      const w = t.split(/[^\p{L}\p{N}]+/u).find((x) => x.length >= 5 && !words.has(x.toLowerCase()));
      if (w) words.add(w.toLowerCase());
      if (words.size >= 12) break;
    }
    return [...words].map((w) => `"${w}"`);
  } finally {
    c.close();
  }
}

export function diff(a: Fingerprint, b: Fingerprint): string[] {
  const out: string[] = [];
  for (const k of ['captures', 'pages', 'capturesHash', 'pagesHash', 'filesHash', 'errorsHash'] as const) {
    if (a[k] !== b[k]) out.push(`${k} ${b[k]} != clean ${a[k]}`);
  }
  for (const q of Object.keys(a.search)) {
    if (a.search[q].hash !== b.search[q]?.hash) out.push(`search ${q}: ${b.search[q]?.hits} hits != clean ${a.search[q].hits}`);
  }
  return out;
}
