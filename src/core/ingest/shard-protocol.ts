// Messages between the ingest's writer (shards.ts) and a thread writing a shard of the pages' index
// (shard-thread.ts).
import type { FtsRow } from '../store/fts-shard.js';
import type { ThreadError } from '../threads.js';

export interface ShardInit {
  dir: string;
  index: number;
  nice: number | null;
}

export type ToShard =
  | { type: 'write'; rows: FtsRow[]; replaced: { old: FtsRow; row: FtsRow }[] }
  /** Seal the shard being written; the next write starts the next one. */
  | { type: 'seal' }
  | { type: 'exit' };

export type FromShard =
  | { type: 'written'; rows: number }
  /** `path`: the sealed shard's file, null when nothing was written since the last seal. */
  | { type: 'sealed'; path: string | null; rows: number }
  | { type: 'failed'; error: ThreadError };
