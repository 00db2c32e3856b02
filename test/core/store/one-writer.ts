// The index one writer builds from a collection's pages, to compare an index written otherwise (in shards, store/
// fts-shard.ts) with: FTS5's 'rebuild' reads every page back through fts_source, and its integrity-check holds the
// index to them.
import Database from 'better-sqlite3'; // test-only: FTS5's integrity-check and 'rebuild', which the store does not run
import { copyFileSync } from 'node:fs';
import { registerSqlFunctions } from '../../../src/core/store/index.js';

/** A raw connection to the collection at `path`, with the store's SQL functions (fts_source needs them). */
export function rawConnection(path: string): Database.Database {
  const db = new Database(path);
  registerSqlFunctions(db);
  return db;
}

/** Throws unless the pages' index matches the pages, row for row (FTS5's integrity-check). */
export function integrityCheck(path: string): void {
  const db = rawConnection(path);
  try {
    db.exec(`INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)`);
  } finally {
    db.close();
  }
}

/** A copy of the collection at `path` whose index one writer built again from its pages. */
export function rebuiltByOneWriter(path: string): string {
  const copy = `${path}.one-writer.sqlite`;
  copyFileSync(path, copy);
  const db = rawConnection(copy);
  try {
    db.exec(`INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')`);
  } finally {
    db.close();
  }
  integrityCheck(copy);
  return copy;
}
