// The pages' index written in shards during an ingest (ARCHITECTURE.md, "The index in shards"): the writer stores
// pages and captures as before, and hands each new page's index row to one of K shard threads (shard-thread.ts),
// which do the FTS5 work in databases of their own. Every `sealEvery` rows a shard is sealed (merged into one
// segment, on its thread) and adopted: its segments moved into the collection's index (store/fts-shard.ts), on the
// writer's thread between batches. At the end of the run every shard is sealed and adopted, and the index is the one
// a single writer would have built.
//
// A page's text can change after its row went to a shard (a page an earlier window of the file brings replaces one a
// later window stored, Collection.writeBatch). While its shard is the one being written, the shard takes the old row
// out and the new one in; while the shard it went to is being sealed, the change waits for the adoption and is then
// made in the collection's index (Collection.replaceFtsRows): a shard sealed alone would drop a delete of a row it
// does not hold.
import { mkdirSync, rmSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Collection, ShardRows } from '../store/index.js';
import type { FtsRow } from '../store/fts-shard.js';
import { endThread, fromThreadError, startThread } from '../threads.js';
import type { FromShard, ShardInit, ToShard } from './shard-protocol.js';

/** Where an ingest of the collection at `dbPath` writes its shards: a folder beside it, removed when the run ends and
 *  by the next run when one died. */
export function shardDir(dbPath: string): string {
  return `${dbPath}.shards`;
}

/** Rows a shard takes before it is sealed and adopted: larger means fewer segments moved into the index (one a
 *  seal) and fewer adoptions; smaller, pages found by their words sooner during a long run. */
export const SEAL_EVERY = 50_000;

/** Rows sent to a shard and not yet written past which the writer holds the workers' credits back (room()). */
const MAX_QUEUED = 20_000;

/** How many shards an ingest of `workers` workers writes by default: none up to 4 (one writer keeps up with them:
 *  ARCHITECTURE.md, Ingest), then one for every 3 workers (a shard thread's FTS5 work a page is about a third of a
 *  worker's). */
export function defaultShardCount(workers: number): number {
  return workers > 4 ? Math.ceil(workers / 3) : 0;
}

/** A row whose byte values are views of a larger buffer (a page's text, main content and rest in one) holds copies
 *  of just their bytes: a message clones a view's whole buffer. */
function compact(row: FtsRow): FtsRow {
  const own = (v: FtsRow[3]) => (v instanceof Uint8Array && v.byteLength < v.buffer.byteLength ? v.slice() : v);
  return [row[0], row[1], row[2], own(row[3]), own(row[4])];
}

interface ShardThread {
  thread: Worker;
  /** Page ids whose rows went to the shard being written (the current generation). */
  current: Set<number>;
  /** Rows sent, not yet written. */
  queued: number;
  /** Seals sent and not yet adopted, oldest first: each with the changes to its pages that wait for the adoption. */
  sealing: { ids: Set<number>; waiting: { old: FtsRow; row: FtsRow }[] }[];
}

export class FtsShardPool {
  private readonly shards: ShardThread[] = [];
  private failure: Error | null = null;
  private waiters: { test: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly exits: Promise<void>[] = [];
  private readonly dir: string;

  constructor(
    private readonly coll: Collection,
    count: number,
    nice: number | null,
    private readonly sealEvery = SEAL_EVERY,
  ) {
    this.dir = shardDir(coll.path);
    mkdirSync(this.dir, { recursive: true });
    for (let index = 0; index < count; index++) {
      const workerData: ShardInit = { dir: this.dir, index, nice };
      const thread = startThread('ingest-shard', new URL('./shard-thread.ts', import.meta.url), { workerData });
      const s: ShardThread = { thread, current: new Set(), queued: 0, sealing: [] };
      thread.on('message', (m: FromShard) => this.onMessage(s, m));
      thread.on('error', (e) => this.fail(e));
      // Before close() lets go of it, a shard thread that ends has died: what waits on it fails instead of waiting on.
      thread.on('exit', () => {
        if (this.shards.includes(s)) this.fail(new Error('a shard thread of the pages\' index stopped'));
      });
      this.shards.push(s);
    }
  }

  /** Sends a batch's index rows (Collection.writeBatch's `shards`) to their shards: a page's by its id. */
  send(rows: ShardRows): void {
    this.check();
    const n = this.shards.length;
    const out = this.shards.map(() => ({ rows: [] as FtsRow[], replaced: [] as { old: FtsRow; row: FtsRow }[] }));
    for (const r of rows.added) {
      const id = Number(r[0]);
      out[id % n].rows.push(compact(r));
      this.shards[id % n].current.add(id);
    }
    for (const change of rows.replaced) {
      const id = Number(change.old[0]);
      const s = this.shards[id % n];
      if (s.current.has(id)) out[id % n].replaced.push({ old: compact(change.old), row: compact(change.row) });
      else {
        const sealing = s.sealing.find((g) => g.ids.has(id));
        if (!sealing) throw new Error(`page ${id}: its index row is in no shard, and not in the index`);
        sealing.waiting.push(change);
      }
    }
    out.forEach((o, i) => {
      if (o.rows.length === 0 && o.replaced.length === 0) return;
      const s = this.shards[i];
      s.queued += o.rows.length;
      s.thread.postMessage({ type: 'write', ...o } satisfies ToShard);
      if (s.current.size >= this.sealEvery) this.seal(s);
    });
  }

  /** Resolves once no shard has more than MAX_QUEUED rows waiting: the writer awaits it before giving a worker its
   *  credit back, so shards slower than the workers hold them back instead of queueing rows without bound. */
  room(): Promise<void> {
    return this.until(() => this.shards.every((s) => s.queued <= MAX_QUEUED));
  }

  /** Seals every shard and adopts it: then the collection's index holds every row sent. */
  async flush(): Promise<void> {
    for (const s of this.shards) this.seal(s);
    await this.until(() => this.shards.every((s) => s.sealing.length === 0));
  }

  /** Flushes (unless the run failed: its pages are left to recoverFtsShards) and ends the threads. */
  async close(flush: boolean): Promise<void> {
    try {
      if (flush) await this.flush();
    } finally {
      for (const s of this.shards) {
        s.thread.postMessage({ type: 'exit' } satisfies ToShard);
        this.exits.push(endThread(s.thread, 5000));
      }
      this.shards.length = 0;
      await Promise.allSettled(this.exits);
      if (!this.failure) rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private seal(s: ShardThread): void {
    s.sealing.push({ ids: s.current, waiting: [] });
    s.current = new Set();
    s.thread.postMessage({ type: 'seal' } satisfies ToShard);
  }

  private onMessage(s: ShardThread, m: FromShard): void {
    try {
      switch (m.type) {
        case 'written':
          s.queued -= m.rows;
          break;
        case 'sealed': {
          const g = s.sealing.shift()!;
          if (m.path !== null) {
            this.coll.adoptFtsShard(m.path);
            rmSync(m.path, { force: true });
          }
          if (g.waiting.length > 0) this.coll.replaceFtsRows(g.waiting);
          break;
        }
        case 'failed':
          throw fromThreadError(m.error);
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.wake();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private until(test: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ test, resolve, reject }));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (this.failure) w.reject(this.failure);
      else if (w.test()) w.resolve();
      else this.waiters.push(w);
    }
  }
}
