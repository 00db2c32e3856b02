// Builds small collections from plain rows (no WARC files needed) for store and search tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Collection, type ShardRows, type SqlQuery } from '../../../src/core/store/index.js';
import { FtsShard } from '../../../src/core/store/fts-shard.js';
import type { CaptureRow, PageRow } from '../../../src/shared/records.js';
import { surt } from '../../../src/core/warc/surt.js';
import { mainLinesOf, restOf } from '../../../src/core/store/main-lines.js';

export interface FakePage {
  digest: string;
  title: string;
  text: string;
  description?: string;
  /** The lines of text that are the page's article (default: no article, all of text is main). */
  main?: string;
  captures: Array<Partial<CaptureRow> & { uri: string; timestamp: string }>;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'as-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fresh collection paths for a test file (call once at its top level): `path()` gives a new one, `defer(fn)` runs fn
 *  after the current test; each path's folder is removed after the test that asked for it. */
export function tempDbs(): { path: () => string; defer: (fn: () => void) => void } {
  let cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  const defer = (fn: () => void) => void cleanups.push(fn);
  return {
    path: () => {
      const t = tempDir();
      defer(t.cleanup);
      return join(t.dir, 'c.sqlite');
    },
    defer,
  };
}

/** Main content and rest of a fake page: its `main` lines, or all of its text when it has none. */
export function contentOf(p: { text: string; main?: string }): Pick<PageRow, 'main' | 'rest' | 'mainFound'> {
  if (p.main === undefined) return { main: p.text, rest: '', mainFound: false };
  return { main: p.main, rest: restOf(p.text, mainLinesOf(p.text, p.main)), mainFound: true };
}

/** How a test collection's full-text index is written: by the store's writer (0), or in `ftsShards` shards (store/
 *  fts-shard.ts), each sealed and adopted as an ingest's shard threads do (pages by id modulo the count); and how its
 *  connection ranks. */
export interface BuildOptions {
  ftsShards?: number;
  /** Open it with the ranking extension when built (the default), or ranking with FTS5's bm25 (false). */
  ftsRank?: boolean;
}

/** A collection with one fake file holding the given pages' captures at consecutive offsets. */
export function buildCollection(path: string, pages: FakePage[], opts: BuildOptions = {}): Collection {
  const coll = Collection.open(path, { ftsRank: opts.ftsRank });
  const fileId = coll.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'x' });
  const captures: CaptureRow[] = [];
  const rows: PageRow[] = [];
  let offset = 0;
  for (const p of pages) {
    rows.push({ digest: p.digest, url: p.captures[0].uri, title: p.title, description: p.description ?? '', text: p.text, lang: null,
      ...contentOf(p) });
    for (const c of p.captures) {
      captures.push({
        fileId, offset: offset, length: 100, type: 'response', urlkey: surt(c.uri), status: 200, mime: 'text/html',
        digest: p.digest, recordId: `<urn:uuid:${offset}>`, refersToUri: null, refersToDate: null, method: null, ...c,
      });
      offset += 100;
    }
  }
  const k = opts.ftsShards ?? 0;
  const shardRows: ShardRows | undefined = k > 0 ? { added: [], replaced: [] } : undefined;
  coll.writeBatch({ fileId, captures, pages: rows, errors: [] }, { shards: shardRows });
  if (shardRows) {
    for (let i = 0; i < k; i++) {
      const shard = new FtsShard(join(dirname(path), `shard-${i}.sqlite`));
      shard.write(shardRows.added.filter((r) => Number(r[0]) % k === i));
      shard.seal();
      coll.adoptFtsShard(shard.path);
    }
  }
  coll.finishFile(fileId, 'done', 'warc');
  // As an ingest run ends: search writes a prefix out as the words of this list.
  coll.refreshWordList();
  return coll;
}

/** One more page with one capture, written to `coll` as an ingest of a second file would (on its own connection). */
export function addPage(coll: Collection, p: { digest: string; title: string; text: string; uri: string; timestamp: string }): void {
  const fileId = coll.beginFile({ path: '/fake/b.warc', size: 1, mtime: 2, fingerprint: 'y' });
  coll.writeBatch({
    fileId, errors: [],
    pages: [{ digest: p.digest, url: p.uri, title: p.title, description: '', text: p.text, lang: null, main: p.text, rest: '', mainFound: false }],
    captures: [{
      fileId, offset: 0, length: 100, type: 'response', uri: p.uri, urlkey: surt(p.uri), timestamp: p.timestamp, status: 200,
      mime: 'text/html', digest: p.digest, recordId: `<urn:uuid:${p.digest}>`, refersToUri: null, refersToDate: null, method: null,
    }],
  });
  coll.finishFile(fileId, 'done', 'warc');
}

/** A collection of `pages` in a temporary folder for the tests of one file: built before them, closed and removed
 *  after. Returns its getter. */
export function collectionOf(pages: FakePage[], opts: BuildOptions = {}): () => Collection {
  let coll: Collection | undefined;
  let cleanup = () => {};
  beforeAll(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    coll = buildCollection(join(t.dir, 'c.sqlite'), pages, opts);
  });
  afterAll(() => {
    coll?.close();
    cleanup();
  });
  return () => coll!;
}

/** The collection, the SQL texts the store has run through it so far, and the FTS5 expressions they matched
 *  (their `match` parameters). */
export function spied(coll: Collection): { spy: Collection; seen: string[]; matched: string[] } {
  const seen: string[] = [];
  const matched: string[] = [];
  const spy = new Proxy(coll, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const q = args[0] as Partial<SqlQuery> | undefined;
        if (typeof q?.sql === 'string') seen.push(q.sql);
        const match = (q?.params as Record<string, unknown> | undefined)?.match;
        if (typeof match === 'string') matched.push(match);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { spy, seen, matched };
}
