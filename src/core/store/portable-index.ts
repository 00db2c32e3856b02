// The portable full-text index a WACZ export carries (README, "WACZ export"): one small SQLite file of the pages'
// extracted text with an FTS5 index over it, so that ArchiveStream opens the package and searches it without
// extracting a page again, and any SQLite with FTS5 (Python's sqlite3, Datasette, the sqlite3 shell) can query it.
// Other WACZ tools ignore it: it is a file they do not read, listed in datapackage.json like every other.
// The tokenizer is the collection's (FTS_TOKENIZER: plain unicode61 options), and the indexed copies are the
// collection's segmented ones (words of unspaced scripts cut apart), so results match ArchiveStream's own search.
import Database from 'better-sqlite3';
import { ftsCopy } from '../search/segment.js';
import { FTS_TOKENIZER } from './schema.js';

/** Where in the package the index lives: a folder of its own, outside `indexes/`, where replay tools look for CDX. */
export const PORTABLE_INDEX_PATH = 'fulltext/pages.sqlite';
/** meta.format: what a reader checks before trusting the tables. */
export const PORTABLE_INDEX_FORMAT = 'archivestream-fulltext-1';

export interface PortablePage {
  /** Payload digest ('sha1:...'), the key the collection stores pages by. */
  digest: string;
  url: string;
  /** 14 digits. */
  ts: string;
  title: string;
  description: string;
  text: string;
  /** Which lines of text are the main content (main-lines.ts runs); null: all of them. */
  mainLines: string | null;
  mainFound: boolean | null;
  lang: string | null;
}

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
  CREATE TABLE pages (id INTEGER PRIMARY KEY, digest TEXT UNIQUE, url TEXT NOT NULL, ts TEXT NOT NULL, title TEXT NOT NULL,
    description TEXT NOT NULL, text TEXT NOT NULL, main_lines TEXT, main_found INTEGER, lang TEXT);
  CREATE VIRTUAL TABLE pages_fts USING fts5(title, text, content='', tokenize="${FTS_TOKENIZER.replaceAll('"', '""')}");
`;

/** Builds the index file at `path` (a new file), one page at a time, in one transaction. */
export class PortableIndexWriter {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertFts: Database.Statement;
  count = 0;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('page_size = 4096');
    this.db.exec(SCHEMA);
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('format', PORTABLE_INDEX_FORMAT);
    this.insert = this.db.prepare(`INSERT OR IGNORE INTO pages (digest, url, ts, title, description, text, main_lines, main_found, lang)
      VALUES (@digest, @url, @ts, @title, @description, @text, @mainLines, @mainFound, @lang)`);
    this.insertFts = this.db.prepare('INSERT INTO pages_fts (rowid, title, text) VALUES (?, ?, ?)');
    this.db.exec('BEGIN');
  }

  add(p: PortablePage): void {
    const r = this.insert.run({ ...p, mainFound: p.mainFound === null ? null : p.mainFound ? 1 : 0 });
    if (r.changes === 0) return; // the same payload under another URL: one text, as in the collection
    this.insertFts.run(r.lastInsertRowid, ftsCopy(p.title) ?? p.title, ftsCopy(p.text) ?? p.text);
    this.count++;
  }

  /** Commits, merges the FTS segments into one and compacts the file. */
  finish(): void {
    this.db.exec('COMMIT');
    this.db.exec("INSERT INTO pages_fts (pages_fts) VALUES ('optimize')");
    this.db.exec('VACUUM');
    this.db.close();
  }

  abort(): void {
    if (this.db.open) this.db.close();
  }
}

export interface PortableIndex {
  readonly count: number;
  page(digest: string): PortablePage | undefined;
  /** Digests of the pages matching an FTS5 query, best first (for tests and for tools that read it alone). */
  match(ftsQuery: string, limit?: number): string[];
  close(): void;
}

/** Opens an index file's bytes (a WACZ entry, read into memory); null when they are not one this version reads. */
export function openPortableIndex(bytes: Buffer): PortableIndex | null {
  let db: Database.Database;
  try {
    db = new Database(bytes, { readonly: true });
    const format = (db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value?: string } | undefined)?.value;
    if (format !== PORTABLE_INDEX_FORMAT) {
      db.close();
      return null;
    }
  } catch {
    return null;
  }
  const byDigest = db.prepare(`SELECT digest, url, ts, title, description, text, main_lines AS mainLines, main_found AS mainFound, lang
    FROM pages WHERE digest = ?`);
  const match = db.prepare('SELECT p.digest FROM pages_fts f JOIN pages p ON p.id = f.rowid WHERE pages_fts MATCH ? ORDER BY rank LIMIT ?');
  return {
    count: (db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n,
    page(digest) {
      const row = byDigest.get(digest) as (Omit<PortablePage, 'mainFound'> & { mainFound: number | null }) | undefined;
      return row && { ...row, mainFound: row.mainFound === null ? null : row.mainFound === 1 };
    },
    match: (q, limit = 100) => (match.all(q, limit) as Array<{ digest: string }>).map((r) => r.digest),
    close: () => db.close(),
  };
}
