// A thread writing one shard of the pages' index (shards.ts, store/fts-shard.ts): the FTS5 work of the pages the
// ingest's writer sends it, so that this work, most of what the single writer did a page, runs beside the writer.
// Each shard it seals is a file of its own, named by the thread's index and a count.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { FtsShard } from '../store/fts-shard.js';
import { lowerThreadPriority, toThreadError } from '../threads.js';
import type { FromShard, ShardInit, ToShard } from './shard-protocol.js';

const init = workerData as ShardInit;
const port = parentPort!;
if (init.nice !== null) lowerThreadPriority(init.nice);
let sealed = 0;
let shard: FtsShard | null = null;
const current = (): FtsShard => (shard ??= new FtsShard(join(init.dir, `shard-${init.index}-${sealed}.sqlite`)));

port.on('message', (m: ToShard) => {
  try {
    switch (m.type) {
      case 'write':
        current().write(m.rows, m.replaced);
        port.postMessage({ type: 'written', rows: m.rows.length } satisfies FromShard);
        return;
      case 'seal': {
        // The next write opens the next shard: the writer counts its generations as this thread does.
        const s = shard;
        shard = null;
        s?.seal();
        if (s) sealed++;
        port.postMessage({ type: 'sealed', path: s?.path ?? null, rows: s?.rows ?? 0 } satisfies FromShard);
        return;
      }
      case 'exit':
        port.close();
        return;
    }
  } catch (e) {
    port.postMessage({ type: 'failed', error: toThreadError(e) } satisfies FromShard);
  }
});
