// A collection: one SQLite database. This is the only module that imports better-sqlite3 for a collection
// (CONTRIBUTING.md, 'SQL'; portable-index.ts beside it writes a WACZ's full-text file); the rest of the engine sees
// `Collection` and plain row types.
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { accessSync, constants, existsSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pick } from '../../shared/pick.js';
import { CodedError, type IngestProblemCode } from '../../shared/errors.js';
import type { CaptureRow, FileState, IngestErrorRow, PageRow } from '../../shared/records.js';
import {
  normalizeTag, NOTE_MAX, type Annotations, type AnnotationsExport, type CaptureLabels, type NoteScope, type SavedSearch, type TagCount,
} from '../../shared/notes.js';
import { segmentWords } from '../search/segment.js';
import { loadFtsRank } from './fts-rank.js';
import { adoptFtsShard, ftsRowSql, type FtsRow } from './fts-shard.js';
import { reverseHost } from './hostkey.js';
import { mainLinesOf, mainOf, restOf } from './main-lines.js';
import {
  CAPTURE_INDEX_NAMES,
  CAPTURE_INDEXES,
  LINK_CAPTURES_SQL,
  MAIN_FUNCTION,
  META_FTS_SHARDS,
  META_INDEXES_DEFERRED,
  META_WORDS_THROUGH,
  BUILD_WORD_LIST_SQL,
  FTS_AUTOMERGE,
  FTS_HASH_SIZE,
  FTS_TOKENIZER,
  RETIRED_CAPTURE_INDEXES,
  MIGRATIONS,
  PAGE_SIZE,
  REST_FUNCTION,
  SCHEMA_VERSION,
  SEGMENT_FUNCTION,
} from './schema.js';

export { SCHEMA_VERSION } from './schema.js';
export { reverseHost, hostRange, hostOfKey } from './hostkey.js';

/** The seam for telemetry: wraps each unit of work (a batch, a query) in a span. */
export type TraceHook = <T>(name: string, attrs: Record<string, string | number | boolean>, fn: () => T) => T;

/** A statement as data: SQL text with named (`@name`) parameters, built by pure functions and run by the store. */
export interface SqlQuery {
  sql: string;
  params: Record<string, string | number | null>;
}

export interface WarcFileRow {
  id: number;
  path: string;
  size: number;
  mtime: number;
  fingerprint: string;
  status: FileState;
  errorCount: number;
  records: number;
  format: string | null;
  indexedAt: string | null;
}

export interface StoredCapture extends CaptureRow {
  id: number;
  file: string;
}

export interface StoredError extends IngestErrorRow {
  file: string;
}

/** A page as the writer takes it: the text, main content and rest may come as their UTF-8 bytes. Ingest workers
 *  encode them, since binding a string costs the single writer a conversion for the row and another for the index
 *  (measured: 15% of its time a page on pages with any non-Latin-1 character, which V8 holds as two bytes a
 *  character). */
export interface PageInput extends Omit<PageRow, 'text' | 'main' | 'rest'> {
  text: string | Uint8Array;
  main: string | Uint8Array;
  rest: string | Uint8Array;
}

/** A page as export writes it, with its first capture's time. */
export type ExportedPage = Pick<PageRow, 'digest' | 'url' | 'title' | 'description' | 'text' | 'lang'> & {
  id: number;
  timestamp: string | null;
};

/** A stored page as the record viewer shows it. */
export interface StoredPage {
  title: string;
  text: string;
  /** The main content (all of the text when no article was found). */
  main: string;
  /** Whether an article was found; null when the page was stored before main content was extracted. */
  mainFound: boolean | null;
  /** A document's number of pages (PDF), else null. */
  pageCount: number | null;
}

/** The pages' index rows a batch written for shards (writeBatch's `shards`) leaves to them: the new pages' rows, and
 *  the pages a shard holds, not yet adopted, whose text the batch replaced (the row as indexed, and the new one). */
export interface ShardRows {
  added: FtsRow[];
  replaced: { old: FtsRow; row: FtsRow }[];
}

/** What one worker batch adds; written in one transaction. */
export interface IngestBatch {
  fileId: number;
  captures: CaptureRow[];
  pages: PageInput[];
  errors: IngestErrorRow[];
}

export interface CollectionCounts {
  files: number;
  captures: number;
  pages: number;
  errors: number;
}

export interface OpenCollectionOptions {
  readonly?: boolean;
  trace?: TraceHook;
  /** Load the ranking function (store/fts-rank.ts) when it was built (default true); false ranks with FTS5's bm25. */
  ftsRank?: boolean;
}

/** Where each field of a StoredCapture comes from in a `captures c JOIN warc_files f` row. */
const CAPTURE_SOURCES: Record<keyof StoredCapture, string> = {
  id: 'c.id', fileId: 'c.file_id', file: 'f.path', offset: 'c.offset', length: 'c.length', type: 'c.type', uri: 'c.uri',
  urlkey: 'c.urlkey', timestamp: 'c.timestamp', status: 'c.status', mime: 'c.mime', digest: 'c.digest',
  recordId: 'c.record_id', refersToUri: 'c.refers_to_uri', refersToDate: 'c.refers_to_date', method: 'c.method',
};
const CAPTURE_FIELDS = Object.keys(CAPTURE_SOURCES) as Array<keyof StoredCapture>;

/** Column list that maps a `captures c JOIN warc_files f` row onto StoredCapture. */
export const CAPTURE_COLUMNS = CAPTURE_FIELDS.map((f) => `${CAPTURE_SOURCES[f]} AS ${f}`).join(', ');

/** The capture in a row that holds more (a search hit's page columns besides CAPTURE_COLUMNS). */
export function captureOf(row: StoredCapture): StoredCapture {
  return pick(row, CAPTURE_FIELDS);
}

const FILE_COLUMNS = `id, path, size, mtime, fingerprint, status, error_count AS errorCount, records, format,
  indexed_at AS indexedAt`;

/** SQLite's default: a connection checkpoints after a commit that leaves the WAL above this many pages. */
const WAL_AUTOCHECKPOINT = 1000;
/** Each connection's page cache, in KiB (PRAGMA cache_size takes it negative). */
const CACHE_KIB = 65_536;
/** The cache a count runs in, in KiB (SQLite's default). A count reads each page of the tables' smallest indexes
 *  once, ~50 MB at a million real pages: in a cache of CACHE_KIB each page took fresh memory, and its page faults
 *  made a connection's first count 245-260 ms where this cache, reusing its pages, took 33-36 (later counts 25
 *  either way). Shrinking the cache drops what the connection held; the engine counts once a commit it has not seen. */
const COUNT_CACHE_KIB = 2_000;
/** What pages_fts_docsize holds a page, at most about: a row of four column sizes (measured 14.6 bytes at 1M). */
const DOCSIZE_BYTES_A_PAGE = 16;
/** What captures_page holds a capture, at most about (measured 61.3 bytes at 1M real pages). */
const CAPTURE_INDEX_BYTES = 64;
/** warmSearchData keeps at most this much resident a connection: the column sizes of up to ~16M pages, and the
 *  captures' index too while both fit (up to ~3M pages at ~1.35 captures a page). */
const SEARCH_DATA_MAX_BYTES = 256 << 20;
/** What a connection's cache holds besides the data warmSearchData put there, when that is more than CACHE_KIB
 *  would hold: at a million pages with 64 MB besides, the ~16,000 pages of fresh memory that the first searches
 *  filled cost more in page faults than the reads the room saved (two-term first hits p95 12.6 ms against 8.9, rare
 *  3.9 against 3.6; no class faster with the larger room). */
const WARM_HEADROOM_KIB = 16_384;
/** Page ids warmSearchData reads a step: at a million real pages, ~0.8 MB of column sizes and ~4 MB of the captures'
 *  index, 10-20 ms here, so a call that arrives meanwhile waits no longer than that. */
const WARM_STEP_PAGES = 50_000;

/** The steps until one throws, and then no more: warming is only a speed-up, and what stopped it (the captures' index
 *  dropped meanwhile for a bulk load, the connection closed) is the next search's to meet and report. */
function* untilFailure<T>(steps: Generator<T>): Generator<T> {
  try {
    yield* steps;
  } catch {
    // ends the warm-up
  }
}

/** One step of warmSearchData: what it read, and how many rows. */
export interface WarmStep {
  /** 'ranking': FTS5's column sizes (pages_fts_docsize); 'captures': the captures' index by page (captures_page). */
  part: 'ranking' | 'captures';
  rows: number;
}
/** pages_fts's merge settings: FTS5 writes a segment per commit (a batch's rows) and merges them as it goes. */
interface FtsMerges {
  /** Segments of a level merged a little after each commit, as soon as there are this many (0: never). */
  automerge: number;
  /** Segments of a level merged at once, whatever automerge says. */
  crisismerge: number;
}
/** The store's own: automerge as the schema sets it, crisismerge FTS5's default. */
const FTS_MERGES: FtsMerges = { automerge: FTS_AUTOMERGE, crisismerge: 16 };
/** During a bulk load, which ends in 'optimize' (one segment, merged from all): merging along the way only to merge
 *  again at the end is spared, up to 128 segments a level (queries during the load read at most that many a level).
 *  Measured on 10,000 real pages, FTS5 rows in batches and the optimize: 0.159 against 0.181 ms of CPU a page with
 *  automerge 8. With a commit per batch (~256 real pages), level 1 fills after 128 commits and level 2 only after
 *  128 x 128 (~4M pages); at 32 a level-2 merge of ~256k pages' index came every 1,024 commits, work the optimize
 *  does again, stalling the writer ~20 s each: on 300,000 real pages 0.304-0.391 against 0.388-0.424 ms of FTS5 CPU
 *  a page (three runs each, 0.78-0.92x in each pair), the slowest commit 2.8-6.1 against 19.8-26.1 s. */
const BULK_FTS_MERGES: FtsMerges = { automerge: 0, crisismerge: 128 };
/** With a checkpoint thread, the writer lets the WAL be copied in full every this many commits (committed()). */
const CHECKPOINT_SYNC = 8;
/** The Int32 slots of the buffer shared with the checkpoint thread. The thread gets them in its workerData, with
 *  CHECKPOINTER_STOPPED, so both sides use the same names. */
const CHECKPOINT_SLOTS = {
  /** Commits so far: the writer adds one and notifies. */
  COMMITS: 0,
  /** Non-zero once the load is over (or the collection closed): the thread stops. */
  LAST: 1,
  /** The commit count the thread has checkpointed up to; the writer waits on it now and then (committed()). */
  CHECKPOINTED: 2,
} as const;
const { COMMITS, LAST, CHECKPOINTED } = CHECKPOINT_SLOTS;
/** What CHECKPOINTED holds once the thread has stopped, also by an error: the largest Int32, more than any commit
 *  count, so a writer waiting for a checkpoint stops waiting. */
const CHECKPOINTER_STOPPED = 0x7fffffff;

/** The longest the checkpoint thread sleeps between looks when no commit wakes it. */
const CHECKPOINT_LOOK_MS = 1000;

/** Tells the checkpoint thread to copy what is left and stop. COMMITS moves too: the thread sleeps while COMMITS holds
 *  the count it last copied, so a LAST set while it was copying, and a notify it was not waiting for, left it asleep
 *  until its 1 s timeout (the end of every bulk load waited ~1 s for that). */
function stopCheckpoints(signal: Int32Array): void {
  Atomics.store(signal, LAST, 1);
  Atomics.add(signal, COMMITS, 1);
  Atomics.notify(signal, COMMITS);
}

const noTrace: TraceHook = (_name, _attrs, fn) => fn();

// File names given as `file:` URIs are read as URIs, so that a collection on read-only media can be opened with
// immutable=1 (better-sqlite3 reads this once, at its first open; this module is the only one that opens databases).
process.env.SQLITE_USE_URI ??= '1';

/** The oldest schema a read-only open reads as it is (it cannot migrate): version 5 split the full-text index into main
 *  content and the rest, which search reads, so an older collection needs one writable open first. */
const OLDEST_READABLE = 5;

/** Whether the capture indexes are all there ('none' owed), dropped by an ingest that is still running ('running':
 *  it builds them when it ends), or missing with nobody to build them ('abandoned': a killed ingest left them out). */
export type IndexDebt = 'none' | 'running' | 'abandoned';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK); // EROFS on a read-only mount, also for root
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** What went wrong with a collection's database file as a whole, in words that name it and say what to do, or null
 *  for anything else (a bug). SQLite's codes come from better-sqlite3, which only this module imports. */
export function collectionError(e: unknown, path: string): CodedError | null {
  if (e instanceof CodedError) return e;
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new CodedError('disk-full', `${path}: the disk is full. What was indexed so far is kept: free some space and run the same command again to go on.`, path);
  }
  if (code === 'SQLITE_NOTADB') {
    return new CodedError('collection-unreadable', `${path} is not an ArchiveStream collection (not a SQLite database): check the path.`, path);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new CodedError('collection-unreadable', `${path} is damaged (truncated or overwritten): restore it from a backup, or delete it and index the archives again.`, path);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return new CodedError('read-only', `${path} is read-only (its file or its disk): copy it somewhere writable to add to it.`, path);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'EACCES') {
    return new CodedError('collection-unreadable', `${path} cannot be opened (${(e as Error).message}): check that it is a collection file you may read.`, path);
  }
  return null;
}

/** The key of a page's notes and tags (schema.ts NOTE_TARGET spells the same in SQL). */
function pageTarget(digest: string): string {
  return `page:${digest}`;
}

/** better-sqlite3 binds a Buffer as bytes; a Uint8Array that crossed a thread arrives without Buffer's prototype. */
function bytesOf(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function textOf(t: string | Uint8Array): string {
  return typeof t === 'string' ? t : bytesOf(t).toString('utf8');
}

function bindable(t: string | Uint8Array): string | Buffer {
  return typeof t === 'string' ? t : bytesOf(t);
}

/** The SQL functions the schema's view and triggers call (FTS5 reads page text back through them: snippet(), the
 *  triggers' 'delete', 'rebuild', 'integrity-check'). Every connection that touches pages needs them; the store
 *  registers them on its own, and a tool with a connection of its own (the kill -9 trial) calls this. */
export function registerSqlFunctions(db: Database.Database): void {
  db.function(SEGMENT_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? segmentWords(text) : text);
  db.function(MAIN_FUNCTION, { deterministic: true }, (text: unknown, lines: unknown) =>
    typeof text === 'string' ? mainOf(text, typeof lines === 'string' ? lines : null) : text);
  db.function(REST_FUNCTION, { deterministic: true }, (text: unknown, lines: unknown) =>
    typeof text === 'string' ? restOf(text, typeof lines === 'string' ? lines : null) : '');
}

export class Collection {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly trace: TraceHook;
  private readonly statements = new Map<string, Database.Statement>();
  /** Set while a checkpoint thread runs (checkpointInBackground): its shared slots (CHECKPOINT_SLOTS). */
  private commits: Int32Array | null = null;
  /** warmSearchData has been called on this connection. */
  private searchDataWarmed = false;
  /** Whether this connection made its temp.window_pages table (writeBatch's `window`). */
  private windowTable = false;

  /** as_bm25 (store/fts-rank.ts) is on this connection: search ranks a match of one positive phrase with it. */
  readonly ftsRank: boolean;

  private constructor(path: string, db: Database.Database, trace: TraceHook, readonly onReadOnlyMedia: boolean, ftsRank: boolean) {
    this.path = path;
    this.ftsRank = ftsRank;
    this.db = db;
    this.trace = trace;
  }

  /** True when the file or its disk is read-only: nothing can be written, whatever the open asked for. */
  get readOnlyMedia(): boolean {
    return this.onReadOnlyMedia;
  }

  /** Opens (creating when needed) and migrates a collection. A collection whose file or folder is not writable (a
   *  read-only mount, a locked file) is opened read-only whatever was asked: `readOnlyMedia` then says so, and a
   *  write fails with 'read-only'. Whatever makes the file unusable is thrown as a CodedError naming it. */
  static open(path: string, opts: OpenCollectionOptions = {}): Collection {
    try {
      return Collection.openFile(path, opts);
    } catch (e) {
      throw collectionError(e, path) ?? e;
    }
  }

  private static openFile(path: string, opts: OpenCollectionOptions): Collection {
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) {
      throw new CodedError('collection-unreadable', `${path}: the folder ${dir} does not exist: check the path, or create the folder first.`, path);
    }
    const st = statOrNull(path);
    if (st?.isDirectory()) throw new CodedError('collection-unreadable', `${path} is a folder, not a collection file: give the path of the database file.`, path);
    if (opts.readonly && !st) throw new CodedError('collection-unreadable', `${path}: no such collection file: check the path.`, path);
    const onReadOnlyMedia = !canWrite(dir) || (st !== null && !canWrite(path));
    if (onReadOnlyMedia && !st) throw new CodedError('read-only', `${path} cannot be created: its folder ${dir} is read-only.`, path);
    const readonly = (opts.readonly ?? false) || onReadOnlyMedia;
    // Read-only media has no room for the -shm file a WAL database is read with; immutable=1 reads without one. A WAL
    // left beside the file holds commits the file lacks, and with it SQLite reads the pair read-only as they are.
    const walLeft = (statOrNull(`${path}-wal`)?.size ?? 0) > 0;
    const file = onReadOnlyMedia && !walLeft ? `${pathToFileURL(resolve(path)).href}?immutable=1` : path;
    const db = new Database(file, { readonly, fileMustExist: readonly });
    try {
      // A new collection's page size (an existing one keeps its own: SQLite fixes it at creation). A page's text
      // (about 10 KB) fits one 16 KB page instead of a chain of four, and FTS5's leaves go four to a page (measured:
      // writer -15% CPU a page, database +8%).
      if (!readonly) db.pragma(`page_size = ${PAGE_SIZE}`);
      // WAL lets the search side read while ingest writes; NORMAL sync is durable across app crashes (not power loss)
      // and several times faster per transaction than FULL.
      if (!readonly) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('mmap_size = 268435456');
      db.pragma(`cache_size = ${-CACHE_KIB}`);
      db.pragma('temp_store = MEMORY');
      db.pragma('busy_timeout = 5000');
      registerSqlFunctions(db);
      const c = new Collection(path, db, opts.trace ?? noTrace, onReadOnlyMedia, opts.ftsRank !== false && loadFtsRank(db));
      const version = c.schemaVersion();
      if (version > SCHEMA_VERSION) {
        throw new CodedError('collection-too-new', `${path} was made by a later version of ArchiveStream (schema ${version}; this one reads up to ${SCHEMA_VERSION}): open it with that version.`, path);
      }
      if (!readonly) c.migrate();
      else if (version < OLDEST_READABLE) {
        throw new CodedError('read-only', `${path} needs an upgrade (schema ${version} to ${SCHEMA_VERSION}) that a read-only open cannot make: open it once where it is writable.`, path);
      }
      return c;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const from = this.schemaVersion();
    for (let v = from; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  close(): void {
    if (!this.db.open) return;
    if (this.commits) {
      // A checkpoint thread nobody ended: let it go, so it cannot keep the process alive.
      stopCheckpoints(this.commits);
      this.commits = null;
    }
    if (!this.db.readonly) this.db.pragma('optimize');
    this.db.close();
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs a read query built elsewhere (search/, lookups). */
  all<T>(q: SqlQuery): T[] {
    return this.trace('sql.all', { sql: q.sql.slice(0, 200) }, () => this.stmt(q.sql).all(q.params) as T[]);
  }

  /** Rows as arrays of their column values, in select order: no object per row, for result sets counted in JS. */
  rows(q: SqlQuery): unknown[][] {
    return this.trace('sql.rows', { sql: q.sql.slice(0, 200) }, () => this.stmtAs('raw', q.sql).all(q.params) as unknown[][]);
  }

  /** The first column of every row: no object or array per row (a match set of 190,000 pages as a Set: 110 ms
   *  against 160-310 as objects). */
  column(q: SqlQuery): unknown[] {
    return this.trace('sql.column', { sql: q.sql.slice(0, 200) }, () => this.stmtAs('pluck', q.sql).all(q.params));
  }

  /** A statement kept as stmt keeps one, returning each row as an array (`raw`) or as its first column (`pluck`). */
  private stmtAs(mode: 'raw' | 'pluck', sql: string): Database.Statement {
    const key = `${mode}:${sql}`;
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(key, mode === 'raw' ? s.raw(true) : s.pluck(true));
    }
    return s;
  }

  /** Rows one at a time, so a caller can stop early (breaking out of the loop releases the statement). */
  *iterate<T>(q: SqlQuery): IterableIterator<T> {
    yield* this.db.prepare(q.sql).iterate(q.params) as IterableIterator<T>;
  }

  get<T>(q: SqlQuery): T | undefined {
    return this.trace('sql.get', { sql: q.sql.slice(0, 200) }, () => this.stmt(q.sql).get(q.params) as T | undefined);
  }

  // ---- files -------------------------------------------------------------------------------------------------

  fileByPath(path: string): WarcFileRow | undefined {
    return this.stmt(`SELECT ${FILE_COLUMNS} FROM warc_files WHERE path = ?`).get(path) as WarcFileRow | undefined;
  }

  files(): WarcFileRow[] {
    return this.stmt(`SELECT ${FILE_COLUMNS} FROM warc_files ORDER BY path`).all() as WarcFileRow[];
  }

  /** Marks a file as being indexed and drops whatever an earlier, interrupted or outdated run stored for it, so
   *  a resumed ingest redoes the file instead of duplicating its rows. Returns the file id. */
  beginFile(f: { path: string; size: number; mtime: number; fingerprint: string; format?: string | null }): number {
    return this.db.transaction(() => {
      const old = this.fileByPath(f.path);
      if (old) {
        // A file left half read, in windows by several workers, may hold the page of a payload from a later window
        // where its first is in one not read yet: the pages only it held go too, and are stored again in file order.
        if (old.status === 'indexing') this.dropPagesOnlyOf(old.id);
        this.dropRowsOf(old.id);
        this.stmt(
          `UPDATE warc_files SET size = @size, mtime = @mtime, fingerprint = @fingerprint, status = 'indexing',
           error_count = 0, records = 0, format = @format, indexed_at = NULL WHERE id = @id`,
        ).run({ ...f, format: f.format ?? null, id: old.id });
        return old.id;
      }
      const r = this.stmt(
        `INSERT INTO warc_files (path, size, mtime, fingerprint, status, format)
         VALUES (@path, @size, @mtime, @fingerprint, 'indexing', @format)`,
      ).run({ ...f, format: f.format ?? null });
      return Number(r.lastInsertRowid);
    }).immediate();
  }

  finishFile(fileId: number, status: FileState, format?: string | null): void {
    this.stmt(
      `UPDATE warc_files SET status = @status, format = coalesce(@format, format), indexed_at = @now,
       records = (SELECT count(*) FROM captures WHERE file_id = @id),
       error_count = (SELECT count(*) FROM errors WHERE file_id = @id) WHERE id = @id`,
    ).run({ id: fileId, status, format: format ?? null, now: new Date().toISOString() });
  }

  /** Drops a file's row and everything indexed from it, and the pages only it held (nothing when it has no row). */
  forgetFile(path: string): void {
    this.edit(() => {
      const row = this.fileByPath(path);
      if (!row) return;
      this.dropRowsOf(row.id);
      this.stmt('DELETE FROM warc_files WHERE id = ?').run(row.id);
      this.prunePages();
    });
  }

  /** Points a file's row at the place its (unchanged) content moved to, keeping its index. */
  /** Points a file's index at the same content in another place; `mtime` is the new copy's, so the file list does not
   *  take the moved file for a changed one. */
  moveFile(from: string, to: string, mtime: number): void {
    this.stmt('UPDATE warc_files SET path = ?, mtime = ? WHERE path = ?').run(to, mtime, from);
  }

  /** One scan of the captures (a list, not a probe per page: the digest index may be deferred for a bulk load). */
  private dropPagesOnlyOf(fileId: number): void {
    this.stmt(
      `DELETE FROM pages WHERE digest IN (SELECT digest FROM captures WHERE file_id = @id)
       AND digest NOT IN (SELECT digest FROM captures WHERE file_id != @id AND digest IS NOT NULL)`,
    ).run({ id: fileId });
  }

  private dropRowsOf(fileId: number): void {
    this.stmt('DELETE FROM captures WHERE file_id = ?').run(fileId);
    this.stmt('DELETE FROM errors WHERE file_id = ?').run(fileId);
  }

  /** Records a problem with the file as a whole (not found, unreadable), keeping any row it already has. */
  fileError(f: { path: string; size: number; mtime: number; fingerprint: string }, code: IngestProblemCode, message: string): void {
    this.db.transaction(() => {
      const id = this.beginFile(f);
      this.stmt('INSERT INTO errors (file_id, offset, code, message) VALUES (?, 0, ?, ?)').run(id, code, message);
      this.finishFile(id, 'error');
    })();
  }

  // ---- ingest ------------------------------------------------------------------------------------------------

  /** Writes one batch in one transaction. Pages are keyed by payload digest: the first text stored wins, unless
   *  `replacePages` (a re-extraction): then a page already stored takes the new text and main content.
   *  `window`: the batch is of that window of a file read in windows by several workers (ingest's planReads), whose
   *  batches are committed in no file order; a page stays the one of the file's first window to hold its payload, as
   *  one pass over the file keeps its first: a page a later window of the file stored is replaced whole (its URL too),
   *  one an earlier window stored is left. endWindows forgets what a file's windows stored.
   *  `shards`: the pages' index is written in shards (store/fts-shard.ts): the batch's index rows are added to
   *  `shards` for them instead of to pages_fts. */
  writeBatch(b: IngestBatch, opts: { replacePages?: boolean; window?: number; shards?: ShardRows } = {}): void {
    const attrs = { captures: b.captures.length, pages: b.pages.length, errors: b.errors.length };
    this.trace('store.writeBatch', attrs, () => {
      // Positional parameters: binding by name costs a lookup per column and an object per row. A capture takes the
      // id of its payload's page, stored before it (pages go first) or by an earlier batch.
      const cap = this.stmt(
        `INSERT OR REPLACE INTO captures (file_id, offset, length, type, uri, urlkey, rhost, timestamp, status, mime,
         digest, record_id, refers_to_uri, refers_to_date, method, page_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM pages WHERE digest = ?))`,
      );
      // CAST: bytes bound for the text are stored as TEXT (for a string it changes nothing).
      const page = this.stmt(
        `INSERT INTO pages (digest, url, title, description, text, lang, main_lines, main_found, page_count)
         VALUES (?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING`,
      );
      const fts = this.stmt(ftsRowSql('pages_fts').insert);
      // The pages_au trigger replaces the page's index entry, from the row as fts_source reads it. The URL is kept
      // (null) by a re-extraction, replaced by an earlier window's page (`window`).
      const replace = this.stmt(
        `UPDATE pages SET url = COALESCE(?, url), title = ?, description = ?, text = CAST(? AS TEXT), lang = ?,
         main_lines = ?, main_found = ?, page_count = ? WHERE digest = ?`,
      );
      const err = this.stmt('INSERT INTO errors (file_id, offset, code, message) VALUES (?, ?, ?, ?)');
      const fileId = b.fileId;
      const owner = opts.window === undefined ? null : this.windowPages();
      // A page a shard holds, not yet adopted, is not in pages_fts, and the pages_au trigger leaves it (migration 10):
      // its shard takes the row out as it was indexed (fts_source reads it) and the new one in.
      const shards = opts.shards;
      const inShard = shards ? this.stmt('SELECT id FROM pages p WHERE digest = ? AND NOT EXISTS (SELECT 1 FROM pages_fts_docsize d WHERE d.id = p.id)') : null;
      const indexed = shards ? this.stmt('SELECT id, title, description, main, rest FROM fts_source WHERE id = ?').raw() : null;
      const replaceText = (url: string | null, p: PageInput, text: string | Uint8Array, mainLines: string | null, found: number | null, pageCount: number | null) => {
        const held = inShard?.get(p.digest) as { id: number } | undefined;
        const old = held ? (indexed!.get(held.id) as FtsRow) : null;
        replace.run(url, p.title, p.description, text, p.lang, mainLines, found, pageCount, p.digest);
        if (old) shards!.replaced.push({ old, row: indexed!.get(held!.id) as FtsRow });
      };
      // Immediate: the write lock is taken before anything is read, so that no other connection's commit (another
      // ingest's, its capture indexes dropped or built) lands between this transaction's reads and its writes. Under
      // a connection changing the schema over and over, 1 batch in ~3,000 failed with 'database schema has changed',
      // reading sqlite_master outside the transaction.
      this.db.transaction(() => {
        // A capture an earlier batch stored before its page: found by the digest index, when a bulk load has not
        // dropped it (then the index build links them, LINK_CAPTURES_SQL).
        const link = this.hasIndex('captures_digest')
          ? this.stmt('UPDATE captures SET page_id = ? WHERE digest = ? AND page_id IS NULL')
          : null;
        for (const p of b.pages) {
          const text = bindable(p.text);
          const mainLines = p.mainLines === undefined ? mainLinesOf(textOf(p.text), textOf(p.main)) : p.mainLines;
          const found = p.mainFound === null ? null : Number(p.mainFound);
          const pageCount = p.pageCount ?? null;
          const r = page.run(p.digest, p.url, p.title, p.description, text, p.lang, mainLines, found, pageCount);
          if (r.changes === 0) {
            const stored = owner?.of.get(fileId, p.digest) as { part: number } | undefined;
            if (owner && stored) {
              if (stored.part <= opts.window!) continue;
              replaceText(p.url, p, text, mainLines, found, pageCount);
            } else if (opts.replacePages) {
              replaceText(null, p, text, mainLines, found, pageCount);
            } else {
              continue;
            }
            owner?.set.run(fileId, p.digest, opts.window);
            continue;
          }
          owner?.set.run(fileId, p.digest, opts.window);
          link?.run(r.lastInsertRowid, p.digest);
          // The same copies fts_source derives when FTS5 reads the row back; workers compute them off this thread.
          const title = p.ftsTitle === undefined ? segmentWords(p.title) : (p.ftsTitle ?? p.title);
          // Main and rest as the runs give them back, as fts_source does (textRow says why not the extractor's).
          const main = p.ftsMain === undefined ? segmentWords(mainOf(textOf(p.text), mainLines)) : (p.ftsMain ?? bindable(p.main));
          const rest = p.ftsRest === undefined ? segmentWords(restOf(textOf(p.text), mainLines)) : (p.ftsRest ?? bindable(p.rest));
          if (shards) shards.added.push([r.lastInsertRowid, title, p.description, main, rest]);
          else fts.run(r.lastInsertRowid, title, p.description, main, rest);
        }
        for (const c of b.captures) {
          cap.run(fileId, c.offset, c.length, c.type, c.uri, c.urlkey, c.uri ? reverseHost(c.uri) : null, c.timestamp,
            c.status, c.mime, c.digest, c.recordId, c.refersToUri, c.refersToDate, c.method, c.digest);
        }
        for (const e of b.errors) err.run(fileId, e.offset, e.code, e.message);
      }).immediate();
      if (this.commits) this.committed(this.commits);
    });
  }

  /** The statements of writeBatch's `window`: which window of a file stored a page (a table of this connection's
   *  own, gone with it). */
  private windowPages() {
    if (!this.windowTable) {
      this.db.exec('CREATE TEMP TABLE IF NOT EXISTS window_pages (file_id INTEGER, digest TEXT, part INTEGER, PRIMARY KEY (file_id, digest)) WITHOUT ROWID');
      this.windowTable = true;
    }
    return {
      of: this.stmt('SELECT part FROM temp.window_pages WHERE file_id = ? AND digest = ?'),
      set: this.stmt('INSERT OR REPLACE INTO temp.window_pages (file_id, digest, part) VALUES (?, ?, ?)'),
    };
  }

  /** Forgets which windows of a file stored which pages (writeBatch's `window`): all of them once the file is done
   *  with, or those of windows up to `throughPart` once every window before it has been written (no earlier window
   *  is left to replace their pages), so that the table holds about the windows being read, not the whole file. */
  endWindows(fileId: number, throughPart = Number.MAX_SAFE_INTEGER): void {
    if (this.windowTable) this.stmt('DELETE FROM temp.window_pages WHERE file_id = ? AND part <= ?').run(fileId, throughPart);
  }

  /** Tells the checkpoint thread of a commit. Every CHECKPOINT_SYNC commits it also waits for the thread to have
   *  copied everything up to this one: a writer that never finds the WAL fully copied when it starts a transaction
   *  never starts the WAL over, and an ever longer WAL makes every page read slower (it grew to 5 GB in a 200k-page
   *  ingest). The thread keeps up between waits, so a wait is about one batch's copying. */
  private committed(signal: Int32Array): void {
    const n = Atomics.add(signal, COMMITS, 1) + 1;
    Atomics.notify(signal, COMMITS);
    if (n % CHECKPOINT_SYNC !== 0) return;
    const deadline = performance.now() + 10_000;
    // The thread's 'error' event cannot run while this waits: a stopped thread says so through the counter itself.
    for (let done = Atomics.load(signal, CHECKPOINTED); done < n; done = Atomics.load(signal, CHECKPOINTED)) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      Atomics.wait(signal, CHECKPOINTED, done, left);
    }
  }

  /** For a bulk load: WAL checkpoints run on a thread of their own (checkpoint-worker.mjs) instead of after a commit
   *  on this connection's thread, the single writer's (measured: 13% of its time late in a 200k-page ingest). Returns
   *  the function that ends it; this connection checkpoints for itself again from then on, and also when the thread
   *  fails. A crash in between loses nothing: the WAL is the database's until a checkpoint copies it. `lookMs`: the
   *  longest the thread sleeps between looks when no commit wakes it (a test sets it long, to show that ending the
   *  thread wakes it rather than waiting for its next look). */
  checkpointInBackground(lookMs = CHECKPOINT_LOOK_MS): () => Promise<void> {
    const slots = Object.keys(CHECKPOINT_SLOTS).length;
    const signal = new Int32Array(new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { path: this.path, shared: signal.buffer, slots: CHECKPOINT_SLOTS, stopped: CHECKPOINTER_STOPPED, lookMs },
    });
    const exited = once(worker, 'exit').catch(() => {});
    this.db.pragma('wal_autocheckpoint = 0');
    this.commits = signal;
    const ownCheckpoints = (): void => {
      if (this.commits !== signal) return;
      this.commits = null;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
    };
    worker.on('error', ownCheckpoints);
    return async () => {
      stopCheckpoints(signal);
      await exited;
      ownCheckpoints();
    };
  }

  /**
   * Reads what search looks up for each match, spread over the whole collection, into this connection's page cache,
   * grown by as much, so that a search reads none of it from the file. Two parts, each at most one read of its pages:
   * - FTS5's column sizes of every page (pages_fts_docsize), which bm25 looks up for each match it ranks: a word on a
   *   few thousand of a million pages read most of the table's ~900 pages one at a time (`captain`: 2,060 page reads
   *   in a fresh process, more than its own ranking costs);
   * - the captures' index by page (captures_page), which totals and facets look up for each of up to 2,000 matches,
   *   and hits for their best capture: a word on 1,000-2,300 pages spread over a million read ~1,700 of its ~5,000
   *   pages (`captain`'s facets: 70-86 ms in a fresh process with the file in the OS's cache, 7.5 from this cache).
   * A cache shared with everything else a search reads had dropped them again by the next such word. For a connection
   * kept open for many searches (a reader thread after its first answer, `search --queries`): at a million pages
   * ~100 MB, and the cache is then that and WARM_HEADROOM_KIB (no less than CACHE_KIB). A part is left out when it
   * would take the warmed data past SEARCH_DATA_MAX_BYTES, the index also when it is not there (dropped for a bulk
   * load). The work comes in steps of WARM_STEP_PAGES page ids, which the caller runs when it likes: a reader thread
   * one at a time between calls. A step that fails ends the steps. Once a connection: later calls have no steps.
   */
  warmSearchData(): IterableIterator<WarmStep> {
    if (this.searchDataWarmed) return [][Symbol.iterator]();
    this.searchDataWarmed = true;
    return untilFailure(this.warmSteps());
  }

  private *warmSteps(): Generator<WarmStep> {
    // Ids, from the ends of each b-tree (two subqueries: min and max in one SELECT scan the table, 263 ms at 1M):
    // about as many as the pages and the captures.
    const span = this.stmt('SELECT (SELECT min(id) FROM pages) AS lo, (SELECT max(id) FROM pages) AS hi').get() as { lo: number | null; hi: number | null };
    if (span.lo === null || span.hi === null) return;
    const pageIds = span.hi - span.lo + 1;
    const captureIds = (this.stmt('SELECT max(id) AS hi FROM captures').get() as { hi: number | null }).hi ?? 0;
    let bytes = pageIds * DOCSIZE_BYTES_A_PAGE;
    if (bytes > SEARCH_DATA_MAX_BYTES) return;
    const parts: Array<{ part: WarmStep['part']; sql: string }> = [
      // length(sz) reads each row: count(*) alone warmed less (medium first hits p95 at 1M 9.3-13.3 ms against 7.5-8.2).
      { part: 'ranking', sql: 'SELECT count(*) AS n, sum(length(sz)) AS b FROM pages_fts_docsize WHERE id >= @lo AND id < @hi' },
    ];
    if (bytes + captureIds * CAPTURE_INDEX_BYTES <= SEARCH_DATA_MAX_BYTES && this.hasIndex('captures_page')) {
      bytes += captureIds * CAPTURE_INDEX_BYTES;
      parts.push({
        part: 'captures',
        sql: 'SELECT count(*) AS n, sum(length(rhost)) AS b FROM captures INDEXED BY captures_page WHERE page_id >= @lo AND page_id < @hi',
      });
    }
    this.db.pragma(`cache_size = ${-Math.max(CACHE_KIB, WARM_HEADROOM_KIB + Math.ceil(bytes / 1024))}`);
    for (const { part, sql } of parts) {
      for (let lo = span.lo; lo <= span.hi; lo += WARM_STEP_PAGES) {
        yield { part, rows: (this.stmt(sql).get({ lo, hi: lo + WARM_STEP_PAGES }) as { n: number }).n };
      }
    }
  }

  /** Runs a write statement built elsewhere; returns the rows changed. */
  run(q: SqlQuery): number {
    return this.trace('sql.run', { sql: q.sql.slice(0, 200) }, () => this.stmt(q.sql).run(q.params).changes);
  }

  /** Drops the capture lookup indexes for a bulk load: building them once at the end costs a fraction of keeping
   *  them up to date row by row (measured ~30 us a capture with them, ~8 without). Lookups by URL, host or digest
   *  are slow until ensureCaptureIndexes() runs; (file, offset) stays indexed, so resume and redo do not suffer.
   *  The same transaction writes down that they are owed, by this process (META_INDEXES_DEFERRED): a run killed
   *  before it builds them leaves the debt where the next open sees it (indexDebt). The full-text index merges its
   *  segments the bulk load's way until then too (BULK_FTS_MERGES). */
  deferCaptureIndexes(): void {
    this.db.transaction(() => {
      for (const name of [...CAPTURE_INDEX_NAMES, ...RETIRED_CAPTURE_INDEXES]) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
      this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_INDEXES_DEFERRED, String(process.pid));
      this.setFtsMerges(BULK_FTS_MERGES);
    })();
  }

  /** Builds whichever capture indexes are missing, one transaction each, and clears the debt with the last;
   *  cheap when none is missing. `onBuilt` hears of each one built. Puts back the full-text index's own merge
   *  settings, which a bulk load (deferCaptureIndexes), also one killed before it ended, left changed. */
  ensureCaptureIndexes(onBuilt?: (built: number, total: number) => void): void {
    const work = this.captureIndexWork();
    work.forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        if (i === work.length - 1) this.clearIndexDebt();
      })();
      onBuilt?.(i + 1, work.length);
    });
    if (work.length === 0 && !this.db.readonly) this.clearIndexDebt();
    if (!this.db.readonly) this.setFtsMerges(FTS_MERGES);
  }

  /** Sets pages_fts's merge settings where they differ (FTS5 keeps them in pages_fts_config). */
  private setFtsMerges(merges: FtsMerges): void {
    for (const [key, value] of Object.entries(merges)) {
      const now = this.stmt('SELECT v FROM pages_fts_config WHERE k = ?').pluck().get(key);
      if (now !== value) this.db.exec(`INSERT INTO pages_fts (pages_fts, rank) VALUES ('${key}', ${value})`);
    }
  }

  /** The statements that bring the capture indexes to CAPTURE_INDEXES: the missing ones built, then the retired ones
   *  they replace dropped (so a query always has one or the other). */
  private captureIndexWork(): string[] {
    const present = this.captureIndexNames();
    const missing = this.missingCaptureIndexes();
    return [
      // The first also gives the page ids writeBatch could not while the digest index was away (it links a capture
      // stored before its page by that index), so the indexes on them are built with them.
      ...missing.map((ix, i) => `${i === 0 ? `${LINK_CAPTURES_SQL};\n` : ''}CREATE INDEX IF NOT EXISTS ${ix}`),
      ...RETIRED_CAPTURE_INDEXES.filter((name) => present.has(name)).map((name) => `DROP INDEX IF EXISTS ${name}`),
    ];
  }

  /** Whether the collection has the index `name` now: a collection of an older schema opened read-only may lack a
   *  later one, and a bulk load drops the capture indexes until it ends (deferCaptureIndexes). */
  hasIndex(name: string): boolean {
    return this.stmt(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`).get(name) !== undefined;
  }

  private captureIndexNames(): Set<string> {
    return new Set(
      (this.stmt(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures'`).all() as Array<{ name: string }>).map((r) => r.name),
    );
  }

  private clearIndexDebt(): void {
    if (this.schemaVersion() >= 4) this.stmt('DELETE FROM meta WHERE key = ?').run(META_INDEXES_DEFERRED);
  }

  private missingCaptureIndexes(): string[] {
    const present = this.captureIndexNames();
    return CAPTURE_INDEXES.filter((_, i) => !present.has(CAPTURE_INDEX_NAMES[i]));
  }

  /** Whether capture indexes are missing, and whether a live ingest will build them (IndexDebt). */
  indexDebt(): IndexDebt {
    if (this.missingCaptureIndexes().length === 0) return 'none';
    return this.markHolder(META_INDEXES_DEFERRED) === 'running' ? 'running' : 'abandoned';
  }

  /** Whether the meta row `key` (a mark an ingest holds while it runs, its value the pid of the process) is there,
   *  held by a live ingest ('running': another process that is alive) or left by one that died ('abandoned'). A mark
   *  of this process is taken as left: its own ingest has ended or knows of it. */
  private markHolder(key: string): IndexDebt {
    const row = this.schemaVersion() >= 4
      ? (this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      : undefined;
    if (!row) return 'none';
    const pid = Number(row.value);
    return pid !== process.pid && processAlive(pid) ? 'running' : 'abandoned';
  }

  /** Builds the missing capture indexes on a thread of its own (index-worker.mjs), so that an open that finds them
   *  owed answers while they are built; resolves when they are. `onBuilt` hears of each one. */
  async buildCaptureIndexesInBackground(onBuilt: (built: number, total: number) => void): Promise<void> {
    const work = this.captureIndexWork();
    if (work.length === 0) return;
    const worker = new Worker(new URL('./index-worker.mjs', import.meta.url), {
      workerData: {
        path: this.path,
        create: work,
        clear: { sql: 'DELETE FROM meta WHERE key = ?', key: META_INDEXES_DEFERRED },
      },
    });
    worker.on('message', (m: { built: number; total: number }) => onBuilt(m.built, m.total));
    const [code] = (await once(worker, 'exit')) as [number];
    if (code !== 0) throw new Error(`${this.path}: building the capture indexes stopped (thread exit ${code})`);
    this.setFtsMerges(FTS_MERGES); // as ensureCaptureIndexes: the bulk load that left them owed changed these too
  }

  /** Moves a sealed shard of the pages' index into pages_fts (store/fts-shard.ts adoptFtsShard); the rows adopted. */
  adoptFtsShard(shardPath: string): number {
    return this.trace('store.adoptFtsShard', {}, () => adoptFtsShard(this.path, shardPath));
  }

  /** Replaces pages' rows in pages_fts (the row as indexed, then the new one): for pages whose text changed while
   *  their shard was being sealed, once it is adopted (ingest/shards.ts). */
  replaceFtsRows(replaced: readonly { old: FtsRow; row: FtsRow }[]): void {
    const sql = ftsRowSql('pages_fts');
    const remove = this.stmt(sql.remove);
    const insert = this.stmt(sql.insert);
    this.db.transaction(() => {
      for (const { old, row } of replaced) {
        remove.run(...old);
        insert.run(...row);
      }
    })();
  }

  /** Marks the start of an ingest that writes the pages' index in shards (META_FTS_SHARDS), after recoverFtsShards. */
  beginFtsShards(): void {
    this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_FTS_SHARDS, String(process.pid));
  }

  /** Marks every shard adopted: the pages' index holds every page again. */
  endFtsShards(): void {
    this.stmt('DELETE FROM meta WHERE key = ?').run(META_FTS_SHARDS);
  }

  /** Whether an ingest that wrote the pages' index in shards left pages out of it: one still running, or one that died
   *  before adopting its shards ('abandoned': the next ingest indexes them first, recoverFtsShards). */
  ftsShardDebt(): IndexDebt {
    return this.markHolder(META_FTS_SHARDS);
  }

  /** After an ingest that wrote the index in shards and died before adopting them all: indexes the pages stored since
   *  that pages_fts lacks, in one transaction, and clears the mark. Run by the next ingest before it writes; the
   *  number of pages indexed. */
  recoverFtsShards(): number {
    if (!this.stmt('SELECT 1 FROM meta WHERE key = ?').get(META_FTS_SHARDS)) return 0;
    return this.db.transaction(() => {
      const n = this.stmt(
        `INSERT INTO pages_fts (rowid, title, description, main, rest)
         SELECT id, title, description, main, rest FROM fts_source WHERE id NOT IN (SELECT id FROM pages_fts_docsize)`,
      ).run().changes;
      this.endFtsShards();
      return n;
    })();
  }

  /** Merges the full-text index into one segment (FTS5 'optimize'), after a bulk load: a query then
   *  reads each term's doclist from one b-tree instead of merging it from every segment automerge left (measured at
   *  20k pages: common words' first hits p95 64 -> 12 ms, two common words with totals 257 -> 112 ms). It rewrites
   *  the index once (1 s of CPU for 20k pages, ~0.05 ms a page), so it runs after a run that added at least as much
   *  as the collection held, never after a small one. */
  optimizeSearchIndex(): void {
    this.db.exec(`INSERT INTO pages_fts(pages_fts) VALUES ('optimize')`);
  }

  /** Refreshes the planner's statistics after a bulk load. 'PRAGMA optimize' at close skips a table whose stats
   *  are stale when it was not queried: a collection first indexed from a tiny file kept "pages: 1 row" and a
   *  one-word search took 4 s instead of 20 ms. analysis_limit keeps ANALYZE cheap on large tables. */
  analyze(): void {
    this.db.pragma('analysis_limit = 1000');
    this.db.exec('ANALYZE');
  }

  /** Brings the word list (page_words, migration 9) up to the pages' index, after a run that wrote pages: the words
   *  of the pages added since it was true, read from an index of only those pages (no positions), or the whole list
   *  again when it is not true any more (a page's text changed) or more than a tenth of the pages are new. Search
   *  reads a prefix's words from it while it holds every page's (search/index.ts PrefixWords `completions`). */
  refreshWordList(): void {
    const through = this.stmt('SELECT CAST(value AS INTEGER) AS through FROM meta WHERE key = ?').get(META_WORDS_THROUGH) as
      { through: number } | undefined;
    const { hi } = this.stmt('SELECT coalesce(max(id), 0) AS hi FROM pages').get() as { hi: number };
    if (through && through.through >= hi) return;
    // Indexing the new pages' words again costs ~0.27 ms of CPU a page, reading every doclist ~0.02 ms a page of the
    // collection (at 200k pages, generated text of 8.6 KB a page): past a tenth of all pages, the whole list is cheaper.
    const whole = !through || (hi - through.through) * 10 > hi;
    this.db.transaction(() => {
      if (whole) {
        this.db.exec(BUILD_WORD_LIST_SQL);
        return;
      }
      this.db.exec(`
        CREATE VIRTUAL TABLE temp.as_new_pages USING fts5(words, tokenize = "${FTS_TOKENIZER}", detail = none, columnsize = 0);
        INSERT INTO temp.as_new_pages (as_new_pages, rank) VALUES ('hashsize', ${FTS_HASH_SIZE});
        INSERT INTO temp.as_new_pages (as_new_pages, rank) VALUES ('automerge', 0);
        CREATE VIRTUAL TABLE temp.as_new_words USING fts5vocab(temp, as_new_pages, row);`);
      try {
        // The words of title, description and text: main content and rest are the text's lines split in two, and
        // segmenting breaks at every line's end, so the text segmented whole has their words (without the cost of
        // splitting it). Prepared here, not cached: the temporary tables it names are dropped below.
        this.db.prepare(`INSERT INTO temp.as_new_pages (words)
          SELECT ${SEGMENT_FUNCTION}(title) || ' ' || description || ' ' || ${SEGMENT_FUNCTION}(text) FROM pages WHERE id > ?`).run(through.through);
        this.db.exec(`INSERT INTO page_words (term, pages) SELECT term, doc FROM temp.as_new_words WHERE true
          ON CONFLICT (term) DO UPDATE SET pages = pages + excluded.pages`);
      } finally {
        this.db.exec('DROP TABLE temp.as_new_words; DROP TABLE temp.as_new_pages;');
      }
      this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_WORDS_THROUGH, String(hi));
    }).immediate();
  }

  /** Digests that already have a page, so a worker can skip extracting them again. */
  hasPage(digest: string): boolean {
    return this.stmt('SELECT 1 FROM pages WHERE digest = ?').get(digest) !== undefined;
  }

  /** Drops pages no capture points at any more (after a changed file was re-indexed). */
  prunePages(): number {
    return this.stmt(
      `DELETE FROM pages WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.digest = pages.digest)`,
    ).run().changes;
  }

  // ---- reading -----------------------------------------------------------------------------------------------

  /** Runs `read` on one snapshot of the database: a read transaction taken before it prepares anything, so it never
   *  meets a schema half changed. Without one, each statement reads the newest commit, and a schema change committed
   *  between its loading the schema and FTS5's connecting to pages_fts (a bulk load drops the capture indexes and
   *  builds them again) failed that statement with 'vtable constructor failed: pages_fts' (SQLITE_SCHEMA): ~1% of
   *  searches against a writer changing the schema in a loop. Its statements also agree with each other (a search's
   *  hits and its total are of one state of the collection; its facets, another call, may be of a later one).
   *  Inside a snapshot already taken, it runs in that (a savepoint of it). */
  snapshot<T>(read: () => T): T {
    return this.db.transaction(() => {
      // The first read takes the snapshot; a schema changed since the connection loaded it is loaded again here, on
      // sqlite_schema alone, before any statement of `read` is prepared.
      this.stmt('SELECT 1 FROM sqlite_schema LIMIT 1').get();
      return read();
    })();
  }

  /** A number that changes when another connection commits to the database (PRAGMA data_version): what was read
   *  here holds while it does not, unless this connection wrote. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** The rows of each table, counted in a cache of COUNT_CACHE_KIB (see there). */
  counts(): CollectionCounts {
    const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = ${-COUNT_CACHE_KIB}`);
    try {
      return this.stmt(
        `SELECT (SELECT count(*) FROM warc_files) AS files, (SELECT count(*) FROM captures) AS captures,
         (SELECT count(*) FROM pages) AS pages, (SELECT count(*) FROM errors) AS errors`,
      ).get() as CollectionCounts;
    } finally {
      this.db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  /** The capture with this id (search hits and lookups name captures by it). */
  capture(id: number): StoredCapture | undefined {
    return this.stmt(`SELECT ${CAPTURE_COLUMNS} FROM captures c JOIN warc_files f ON f.id = c.file_id WHERE c.id = ?`).get(id) as
      | StoredCapture
      | undefined;
  }

  /** The title, text and main content of the page with this payload digest, if one was extracted. */
  page(digest: string): StoredPage | undefined {
    const row = this.stmt(
      'SELECT title, text, main_lines AS mainLines, main_found AS mainFound, page_count AS pageCount FROM pages WHERE digest = ?',
    ).get(digest) as { title: string; text: string; mainLines: string | null; mainFound: number | null; pageCount: number | null } | undefined;
    if (!row) return undefined;
    const mainFound = row.mainFound === null ? null : row.mainFound === 1;
    return { title: row.title, text: row.text, main: mainOf(row.text, row.mainLines), mainFound, pageCount: row.pageCount };
  }

  /** One problem a file with any: the first (by offset) whose code is in `telling` (what decides how the file is
   *  shown: not an archive, cut short, ...), else its first. One row a file, from the errors_file index. */
  fileProblems(telling: readonly string[]): StoredError[] {
    return this.stmt(
      `SELECT e.file_id AS fileId, f.path AS file, e.offset AS offset, e.code AS code, e.message AS message
       FROM warc_files f JOIN errors e ON e.id = (
         SELECT x.id FROM errors x WHERE x.file_id = f.id
         ORDER BY x.code IN (SELECT value FROM json_each(@telling)) DESC, x.offset, x.id LIMIT 1)
       WHERE f.error_count > 0`,
    ).all({ telling: JSON.stringify(telling) }) as StoredError[];
  }

  errors(opts: { file?: string; limit?: number; offset?: number } = {}): StoredError[] {
    return this.stmt(
      `SELECT e.file_id AS fileId, f.path AS file, e.offset AS offset, e.code AS code, e.message AS message
       FROM errors e JOIN warc_files f ON f.id = e.file_id
       WHERE @file IS NULL OR f.path = @file ORDER BY f.path, e.offset, e.id LIMIT @limit OFFSET @offset`,
    ).all({ file: opts.file ?? null, limit: opts.limit ?? -1, offset: opts.offset ?? 0 }) as StoredError[];
  }

  /** Every capture in (urlkey, timestamp) order, as a CDXJ index lists them, for export. Iterates without loading the table. */
  *iterateCaptures(): IterableIterator<StoredCapture> {
    yield* this.db
      .prepare(`SELECT ${CAPTURE_COLUMNS} FROM captures c JOIN warc_files f ON f.id = c.file_id ORDER BY c.urlkey, c.timestamp`)
      .iterate() as IterableIterator<StoredCapture>;
  }

  /** Every page with its first capture's URL and time, for export. */
  *iteratePages(): IterableIterator<ExportedPage> {
    yield* this.db
      .prepare(
        `SELECT p.id, p.digest, p.url, p.title, p.description, p.text, p.lang,
         (SELECT min(c.timestamp) FROM captures c WHERE c.digest = p.digest) AS timestamp
         FROM pages p ORDER BY p.id`,
      )
      .iterate() as IterableIterator<ExportedPage>;
  }

  // ---- notes, tags, saved searches (migration 6) ----------------------------------------------------------------

  /** The target key a note or tag of this capture is stored under (schema.ts NOTE_TARGET): its page's, or its own. */
  static noteTarget(capture: Pick<CaptureRow, 'fileId' | 'offset' | 'digest'>, scope: NoteScope): string {
    if (scope === 'capture') return `capture:${capture.fileId}:${capture.offset}`;
    if (!capture.digest) throw new CodedError('bad-request', 'This capture has no payload digest, so it has no page to note: note the capture itself.');
    return pageTarget(capture.digest);
  }

  annotations(target: string): Annotations {
    const note = this.stmt('SELECT body FROM notes WHERE target = ?').get(target) as { body: string } | undefined;
    const tags = (this.stmt('SELECT tag FROM tags WHERE target = ? ORDER BY tag').all(target) as Array<{ tag: string }>).map((r) => r.tag);
    return { note: note?.body ?? null, tags };
  }

  /** Runs a person's edit (a note, a tag, a saved search, a file forgotten) and the read of its result in a
   *  transaction that takes the write lock first, so no schema change another connection commits (an ingest's bulk
   *  load drops and builds indexes) lands between its statements' preparing and running. Outside one, a note's save,
   *  whose triggers write notes_fts, failed with 'vtable constructor failed: notes_fts' (60 of 35,626 saves against a
   *  writer changing the schema in a loop), as searches did (snapshot()), and a tag's with 'database schema has
   *  changed' (2 of 26,800). A forget, which reads the file's row before it writes, failed with 'database is locked'
   *  (SQLITE_BUSY_SNAPSHOT) when another connection committed in between: 24 of 3,000. */
  private edit<T>(change: () => T): T {
    return this.db.transaction(change).immediate();
  }

  /** Sets the note on a target; an empty (or all white space) note removes it. */
  setNote(target: string, body: string): Annotations {
    if (body.length > NOTE_MAX) throw new CodedError('bad-request', `A note holds at most ${NOTE_MAX} characters, not ${body.length}.`);
    return this.edit(() => {
      if (body.trim() === '') this.stmt('DELETE FROM notes WHERE target = ?').run(target);
      else {
        this.stmt(`INSERT INTO notes (target, body, updated_at) VALUES (@target, @body, @now)
          ON CONFLICT (target) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`)
          .run({ target, body, now: new Date().toISOString() });
      }
      return this.annotations(target);
    });
  }

  addTag(target: string, tag: string): Annotations {
    const t = normalizeTag(tag);
    if (!t) throw new CodedError('bad-request', `“${tag}” is not a tag: use letters, digits and _ - . / (no spaces), at most 64.`);
    return this.edit(() => {
      this.stmt('INSERT OR IGNORE INTO tags (tag, target, created_at) VALUES (?, ?, ?)').run(t, target, new Date().toISOString());
      return this.annotations(target);
    });
  }

  removeTag(target: string, tag: string): Annotations {
    return this.edit(() => {
      this.stmt('DELETE FROM tags WHERE tag = ? AND target = ?').run(normalizeTag(tag) ?? tag, target);
      return this.annotations(target);
    });
  }

  /** Every tag with how many pages and captures carry it, most used first. */
  tagCounts(): TagCount[] {
    return this.stmt('SELECT tag, count(*) AS count FROM tags GROUP BY tag ORDER BY count DESC, tag').all() as TagCount[];
  }

  savedSearches(): SavedSearch[] {
    return this.stmt('SELECT id, name, query, sort, created_at AS createdAt FROM saved_searches ORDER BY name COLLATE NOCASE, id')
      .all() as SavedSearch[];
  }

  /** Saves a search under a name; saving again under the same name replaces it. */
  saveSearch(s: { name: string; query: string; sort: SavedSearch['sort'] }): SavedSearch[] {
    const name = s.name.trim();
    if (!name || name.length > 200) throw new CodedError('bad-request', 'A saved search needs a name of 1 to 200 characters.');
    return this.edit(() => {
      this.stmt(`INSERT INTO saved_searches (name, query, sort, created_at) VALUES (@name, @query, @sort, @now)
        ON CONFLICT (name) DO UPDATE SET query = excluded.query, sort = excluded.sort`)
        .run({ name, query: s.query, sort: s.sort, now: new Date().toISOString() });
      return this.savedSearches();
    });
  }

  deleteSavedSearch(id: number): SavedSearch[] {
    return this.edit(() => {
      this.stmt('DELETE FROM saved_searches WHERE id = ?').run(id);
      return this.savedSearches();
    });
  }

  /** Every note and tag read once, for an export that labels each of its rows (they are few: a person writes them):
   *  a capture's labels (its page's and its own) and a page's, from memory. A collection opened read-only before
   *  migration 6 has none. */
  /** Whether the collection has the notes and tags tables (migration 6): a read-only open of an older one has not. */
  hasNotes(): boolean {
    return this.stmt(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notes'`).get() !== undefined;
  }

  labelIndex(): { capture(c: Pick<CaptureRow, 'fileId' | 'offset' | 'digest'>): CaptureLabels; page(digest: string): Annotations } {
    const notes = new Map<string, string>();
    const tags = new Map<string, string[]>();
    if (this.hasNotes()) {
      for (const r of this.stmt('SELECT target, body FROM notes').all() as Array<{ target: string; body: string }>) notes.set(r.target, r.body);
      for (const r of this.stmt('SELECT target, tag FROM tags ORDER BY tag').all() as Array<{ target: string; tag: string }>) {
        const list = tags.get(r.target);
        if (list) list.push(r.tag);
        else tags.set(r.target, [r.tag]);
      }
    }
    const page = (digest: string): Annotations => {
      const target = pageTarget(digest);
      return { note: notes.get(target) ?? null, tags: tags.get(target) ?? [] };
    };
    return {
      page,
      capture: (c) => {
        const own = Collection.noteTarget(c, 'capture');
        const ofPage = c.digest ? page(c.digest) : { note: null, tags: [] };
        return { tags: [...new Set([...ofPage.tags, ...(tags.get(own) ?? [])])].sort(), pageNote: ofPage.note, captureNote: notes.get(own) ?? null };
      },
    };
  }

  /**
   * The notes and tags of a set of captures and of their pages, as a JSON value an export carries (the WACZ's
   * annotations file; AnnotationsExport): every capture-level note or tag of the given captures, and every page-level
   * one of a page that one of them shows. Without `captureIds`, all of the collection's. Annotated targets are few (a
   * person writes them), so each is looked up by its key (UNIQUE (file_id, offset), the digest indexes) and tested
   * against the subset, instead of the subset being joined to them.
   */
  annotationsFor(captureIds?: Iterable<number>): AnnotationsExport {
    const subset = captureIds ? new Set(captureIds) : null;
    const out: AnnotationsExport = { format: 'archivestream-annotations', version: 1, pages: [], captures: [] };
    const targets = this.stmt('SELECT target FROM notes UNION SELECT target FROM tags ORDER BY target').all() as Array<{ target: string }>;
    for (const { target } of targets) {
      const capture = /^capture:(\d+):(\d+)$/.exec(target);
      if (capture) {
        const row = this.stmt(
          `SELECT c.id, c.uri AS url, c.timestamp, c.digest, c.record_id AS recordId, f.path AS file, c.offset
           FROM captures c JOIN warc_files f ON f.id = c.file_id WHERE c.file_id = ? AND c.offset = ?`,
        ).get(Number(capture[1]), Number(capture[2])) as (AnnotationsExport['captures'][number] & { id: number }) | undefined;
        if (!row || (subset && !subset.has(row.id))) continue;
        const { id: _id, ...view } = row;
        out.captures.push({ ...view, ...this.annotations(target) });
      } else if (target.startsWith('page:')) {
        const digest = target.slice('page:'.length);
        const page = this.stmt('SELECT digest, url, title FROM pages WHERE digest = ?').get(digest) as
          | { digest: string; url: string; title: string }
          | undefined;
        if (!page) continue;
        if (subset) {
          const ids = this.db.prepare('SELECT id FROM captures WHERE digest = ?').pluck().iterate(digest) as IterableIterator<number>;
          let shown = false;
          for (const id of ids) if ((shown = subset.has(id))) break;
          if (!shown) continue;
        }
        out.pages.push({ ...page, ...this.annotations(target) });
      }
    }
    return out;
  }

}
