// The pages' full-text index written in shards (ARCHITECTURE.md, "The index in shards"). FTS5 indexing is most of
// what one writer does a page (tokenizing, building doclists, merging segments), and one thread does it: past ~4
// ingest workers that thread is the bound. A shard is a database of its own holding an FTS5 table of the same
// columns, tokenizer and format as pages_fts, written by a thread of its own with the rows (page id, title,
// description, main, rest) the writer would have inserted; once sealed (merged into one segment), its segments are
// moved into pages_fts whole (adoptFtsShard): the b-tree pages of each segment copied under a free segment id, its
// rows' sizes copied, the totals added, the segments listed in the index's structure record. What the collection
// then holds is one FTS5 index, as if one writer had inserted every row: the same doclists, so the same matches, bm25
// scores (which read the table's row count, total sizes and each phrase's match count) and snippets; its own
// 'integrity-check' passes, and an 'optimize' merges the moved segments like any others.
//
// FTS5's shadow tables are written here by layout, documented in SQLite's fts5_index.c: the structure record (rowid
// 10 of %_data: a 4-byte cookie, then varints: levels, segments, write counter, and per level the segments merging,
// the segment count, and per segment its id, first and last leaf page), the averages record (rowid 1: varints, the
// row count and each column's token total), and the rowids of a segment's pages (its id shifted left 37 bits).
// Shards are contentless and legacy-format (no contentless_delete): a V2 structure record is refused.
import Database from 'better-sqlite3';
import { CodedError } from '../../shared/errors.js';
import { FTS_AUTOMERGE, FTS_HASH_SIZE, FTS_TOKENIZER, PAGE_SIZE } from './schema.js';

/** The columns of pages_fts, in order (schema.ts migration 5). */
export const FTS_COLUMNS = ['title', 'description', 'main', 'rest'] as const;

/** The statements that insert an FtsRow into an index of FTS_COLUMNS (`table`: pages_fts, or a shard's) and take
 *  one out (FTS5's 'delete', given the row as it was indexed). Main and rest may come as UTF-8 bytes: stored as text. */
export function ftsRowSql(table: string): { insert: string; remove: string } {
  const cols = `rowid, ${FTS_COLUMNS.join(', ')}`;
  const values = '?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT)';
  return {
    insert: `INSERT INTO ${table} (${cols}) VALUES (${values})`,
    remove: `INSERT INTO ${table} (${table}, ${cols}) VALUES ('delete', ${values})`,
  };
}

/** A row for the pages' index: page id, then FTS_COLUMNS' values as the writer would insert them. */
export type FtsRow = [id: number | bigint, title: string | null, description: string | null, main: string | Uint8Array | null, rest: string | Uint8Array | null];

/** %_data rowids: a segment's pages are numbered from its id shifted left by this many bits (fts5_index.c fts5_dri:
 *  31 bits of page number, 5 of doclist-index height, 1 doclist-index flag). */
const SEGMENT_SHIFT = 37;
const AVERAGES_ROWID = 1;
const STRUCTURE_ROWID = 10;
/** FTS5_MAX_SEGMENT: segment ids run from 1 to this. */
const MAX_SEGMENT = 2000;

interface Segment {
  id: number;
  first: number;
  last: number;
}

interface Level {
  merging: number;
  segments: Segment[];
}

/** An FTS5 index's structure record, decoded. */
export interface FtsStructure {
  cookie: Uint8Array;
  writeCounter: bigint;
  levels: Level[];
}

/** SQLite's varint (big-endian groups of 7 bits, a 9th byte of 8): the one FTS5's records use. */
function readVarint(b: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  for (let k = 0; k < 8; k++) {
    const c = b[at + k];
    if (c === undefined) throw new RangeError('varint runs past the record');
    v = (v << 7n) | BigInt(c & 0x7f);
    if ((c & 0x80) === 0) return [v, at + k + 1];
  }
  return [(v << 8n) | BigInt(b[at + 8]), at + 9];
}

function writeVarint(out: number[], value: bigint | number): void {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('negative varint');
  if (v > 0x00ffffffffffffffn) {
    const tail = Number(v & 0xffn);
    v >>= 8n;
    const head: number[] = [];
    for (let k = 0; k < 8; k++, v >>= 7n) head.push(Number(v & 0x7fn) | 0x80);
    out.push(...head.reverse(), tail);
    return;
  }
  const bytes = [Number(v & 0x7fn)];
  for (v >>= 7n; v > 0n; v >>= 7n) bytes.push(Number(v & 0x7fn) | 0x80);
  out.push(...bytes.reverse());
}

export function decodeStructure(b: Uint8Array): FtsStructure {
  if (b.length < 5) throw new RangeError('structure record too short');
  if (b[4] === 0xff) throw new RangeError('a V2 structure record (contentless_delete), which shards do not write');
  let at = 4;
  let v: bigint;
  [v, at] = readVarint(b, at);
  const levelCount = Number(v);
  [v, at] = readVarint(b, at);
  const segmentCount = Number(v);
  let writeCounter: bigint;
  [writeCounter, at] = readVarint(b, at);
  const levels: Level[] = [];
  for (let l = 0; l < levelCount; l++) {
    [v, at] = readVarint(b, at);
    const merging = Number(v);
    [v, at] = readVarint(b, at);
    const segments: Segment[] = [];
    for (let s = Number(v); s > 0; s--) {
      const seg = [0, 0, 0];
      for (let k = 0; k < 3; k++) [v, at] = readVarint(b, at), (seg[k] = Number(v));
      segments.push({ id: seg[0], first: seg[1], last: seg[2] });
    }
    levels.push({ merging, segments });
  }
  if (at !== b.length || levels.reduce((n, l) => n + l.segments.length, 0) !== segmentCount) {
    throw new RangeError('structure record does not add up');
  }
  return { cookie: b.slice(0, 4), writeCounter, levels };
}

export function encodeStructure(s: FtsStructure): Uint8Array {
  const out = [...s.cookie];
  writeVarint(out, s.levels.length);
  writeVarint(out, s.levels.reduce((n, l) => n + l.segments.length, 0));
  writeVarint(out, s.writeCounter);
  for (const l of s.levels) {
    writeVarint(out, l.merging);
    writeVarint(out, l.segments.length);
    for (const g of l.segments) for (const n of [g.id, g.first, g.last]) writeVarint(out, n);
  }
  return Uint8Array.from(out);
}

/** The averages record: the row count, then each column's token total. */
function decodeTotals(b: Uint8Array | null): bigint[] {
  const totals: bigint[] = [];
  let v: bigint;
  for (let at = 0; b && at < b.length; ) [v, at] = readVarint(b, at), totals.push(v);
  return totals;
}

function encodeTotals(totals: bigint[]): Uint8Array {
  const out: number[] = [];
  for (const v of totals) writeVarint(out, v);
  return Uint8Array.from(out);
}

/** The shard table's definition: pages_fts's columns, tokenizer and index format, contentless. */
const SHARD_TABLE = `CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(${FTS_COLUMNS.join(', ')}, content = '', tokenize = "${FTS_TOKENIZER}")`;

/**
 * One shard of the pages' index being written (by a shard thread, src/core/ingest/shard-thread.ts): rows are added
 * and, while the shard is not yet adopted, replaced; seal() merges it into one segment and closes it, for
 * adoptFtsShard. Synchronous: it is the thread's only work.
 */
export class FtsShard {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  rows = 0;

  constructor(readonly path: string) {
    this.db = new Database(path);
    // Its own file, read once by the adopting connection: no journal to keep it consistent across a crash (a shard
    // a dead run leaves is discarded; its pages are indexed again from the collection, recoverFtsShards).
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma(`page_size = ${PAGE_SIZE}`);
    this.db.exec(SHARD_TABLE);
    this.db.exec(`INSERT INTO fts(fts, rank) VALUES ('hashsize', ${FTS_HASH_SIZE})`);
    this.db.exec(`INSERT INTO fts(fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`);
    const sql = ftsRowSql('fts');
    this.insert = this.db.prepare(sql.insert);
    this.remove = this.db.prepare(sql.remove);
  }

  /** Adds rows in one transaction, and replaces the rows of pages this shard holds whose text the writer replaced
   *  (`old` as indexed, then `row`): within one shard, so that its merges cancel the old row against its delete. */
  write(rows: readonly FtsRow[], replaced: readonly { old: FtsRow; row: FtsRow }[] = []): void {
    this.db.transaction(() => {
      for (const r of rows) this.insert.run(...r);
      for (const { old, row } of replaced) {
        this.remove.run(...old);
        this.insert.run(...row);
      }
    })();
    this.rows += rows.length;
  }

  /** Merges the shard's segments into one (on this thread, so the collection's writer does not) and closes it. */
  seal(): void {
    this.db.exec(`INSERT INTO fts(fts) VALUES ('optimize')`);
    this.db.close();
  }
}

/**
 * Moves a sealed shard's segments, row sizes and totals into pages_fts of the collection at `dbPath`, in one
 * transaction. Its own connection: FTS5 keeps a connection's copy of the structure record until another connection
 * commits (PRAGMA data_version), so the collection's writer, on its connection, reads the new structure at its next
 * statement. The shard's rows must be pages the index does not hold. Returns the number of rows adopted.
 */
export function adoptFtsShard(dbPath: string, shardPath: string): number {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 5000');
    // FTS5's shadow tables are read-only to SQL in defensive mode (better-sqlite3's default); this connection writes
    // them, and nothing else.
    db.unsafeMode(true);
    db.prepare('ATTACH ? AS shard').run(shardPath);
    const adopted = db.transaction(() => {
      const block = (table: string, rowid: number) =>
        (db.prepare(`SELECT block FROM ${table} WHERE id = ?`).get(rowid) as { block: Uint8Array } | undefined)?.block ?? null;
      const shardBlock = block('shard.fts_data', STRUCTURE_ROWID);
      const mainBlock = block('main.pages_fts_data', STRUCTURE_ROWID);
      if (!shardBlock || !mainBlock) throw new CodedError('collection-unreadable', `${shardPath}: a shard or the collection's index has no structure record`, shardPath);
      // The index's format: the same tokenizer and options (a prefix index, the detail kept) and FTS5's format version.
      const format = (schema: string, table: string) => {
        const sql = (db.prepare(`SELECT sql FROM ${schema}.sqlite_master WHERE name = ?`).pluck().get(table) as string | undefined) ?? '';
        const options = sql.match(/\b(tokenize|prefix|detail|columnsize)\s*=\s*('[^']*'|"[^"]*"|\w+)/gi) ?? [];
        const version = db.prepare(`SELECT v FROM ${schema}.${table}_config WHERE k = 'version'`).pluck().get();
        return JSON.stringify([options.map((o) => o.replace(/\s+/g, '')).sort(), version]);
      };
      if (format('shard', 'fts') !== format('main', 'pages_fts')) {
        throw new CodedError('collection-unreadable', `${shardPath}: the shard's index is not of the collection's format: ${format('shard', 'fts')} against ${format('main', 'pages_fts')}`, shardPath);
      }
      const into = decodeStructure(mainBlock);
      const from = decodeStructure(shardBlock);
      const shardTotals = decodeTotals(block('shard.fts_data', AVERAGES_ROWID));
      if (shardTotals.length !== 0 && shardTotals.length !== FTS_COLUMNS.length + 1) {
        throw new CodedError('collection-unreadable', `${shardPath}: the shard's index has ${shardTotals.length - 1} columns, not ${FTS_COLUMNS.length}`, shardPath);
      }
      const used = new Set(into.levels.flatMap((l) => l.segments.map((s) => s.id)));
      if (into.levels.length === 0) into.levels.push({ merging: 0, segments: [] });
      const copyPages = db.prepare(`INSERT INTO main.pages_fts_data (id, block)
        SELECT id - (@from << ${SEGMENT_SHIFT}) + (@to << ${SEGMENT_SHIFT}), block FROM shard.fts_data
        WHERE id >= (@from << ${SEGMENT_SHIFT}) AND id < ((@from + 1) << ${SEGMENT_SHIFT})`);
      const copyTerms = db.prepare('INSERT INTO main.pages_fts_idx (segid, term, pgno) SELECT @to, term, pgno FROM shard.fts_idx WHERE segid = @from');
      let next = 1;
      for (const level of from.levels) {
        for (const s of level.segments) {
          while (used.has(next)) next++;
          if (next > MAX_SEGMENT) throw new CodedError('collection-unreadable', `${dbPath}: the pages' index has ${MAX_SEGMENT} segments; no room for a shard's`, dbPath);
          used.add(next);
          copyPages.run({ from: s.id, to: next });
          copyTerms.run({ from: s.id, to: next });
          // Level 0, newest last: a level that feeds a merge in progress has it writing the last segment of the
          // level above, so a segment is only ever appended to the bottom level, which nothing merges into.
          into.levels[0].segments.push({ id: next, first: s.first, last: s.last });
        }
      }
      const rows = db.prepare('INSERT INTO main.pages_fts_docsize (id, sz) SELECT id, sz FROM shard.fts_docsize').run().changes;
      const totals = decodeTotals(block('main.pages_fts_data', AVERAGES_ROWID));
      const sum = Array.from({ length: FTS_COLUMNS.length + 1 }, (_, i) => (totals[i] ?? 0n) + (shardTotals[i] ?? 0n));
      db.prepare('INSERT OR REPLACE INTO main.pages_fts_data (id, block) VALUES (?, ?)').run(AVERAGES_ROWID, encodeTotals(sum));
      db.prepare('UPDATE main.pages_fts_data SET block = ? WHERE id = ?').run(encodeStructure(into), STRUCTURE_ROWID);
      return rows;
    })();
    db.exec('DETACH shard');
    return adopted;
  } finally {
    db.close();
  }
}
