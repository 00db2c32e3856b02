// ArchiveStream's ranking function for FTS5 (native/fts-rank.c), loaded on a connection when the install could build
// it (native/fts-rank.mjs, into out/native). Its as_bm25 ranks a match of one positive phrase in bm25's order without
// counting the phrase over the whole table, which FTS5's bm25 does once per statement (ARCHITECTURE.md, "Search", "A
// ranking function of our own"). Its as_words lists a row's words beginning with a prefix, so date order tests a page
// for a prefix without FTS5 merging the prefix's doclists (search/index.ts matchTest). Without it search ranks with
// FTS5's bm25 and tests a prefix in its words: the same hits in the same order, slower at scale.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { FTS_RANK_LIBRARY } from '../../../native/fts-rank.mjs';
import { projectRoot } from '../project-root.js';

let library: string | null | undefined;

/** The library, when it was built. */
export function ftsRankLibrary(): string | null {
  if (library === undefined) {
    const path = join(projectRoot(), FTS_RANK_LIBRARY);
    library = existsSync(path) ? path : null;
  }
  return library;
}

/** Loads the ranking function on `db`: true when as_bm25 is there to call, false when the library was not built or
 *  would not load (one built for another machine: the connection then ranks with FTS5's bm25; a test holds the
 *  library built here to loading). */
export function loadFtsRank(db: Database.Database): boolean {
  const lib = ftsRankLibrary();
  if (lib === null) return false;
  try {
    db.loadExtension(lib); // its entry point, sqlite3_ftsrank_init, SQLite derives from the name
    return true;
  } catch {
    return false;
  }
}
