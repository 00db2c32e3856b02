// The checkpoint thread of a bulk load (Collection.checkpointInBackground in index.ts): on a connection of its own it
// copies the WAL into the database after the writer's commits, so the single writer's thread never does. Plain
// JavaScript, so the same file runs from the sources and, bundled by scripts/build-node.mjs, from out/node.
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

// The writer's side names the shared slots and the stopped mark (CHECKPOINT_SLOTS, CHECKPOINTER_STOPPED in index.ts)
// and passes them in.
const { path, shared, slots, stopped: STOPPED, lookMs } = workerData;
const { COMMITS, LAST, CHECKPOINTED } = slots;
const signal = new Int32Array(shared);
try {
  const db = new Database(path, { fileMustExist: true });
  try {
    let seen = 0;
    for (;;) {
      Atomics.wait(signal, COMMITS, seen, lookMs);
      const last = Atomics.load(signal, LAST) !== 0;
      const commits = Atomics.load(signal, COMMITS);
      if (commits !== seen) {
        seen = commits;
        // PASSIVE: copies what no reader still needs and never waits on the writer, which goes on appending.
        db.pragma('wal_checkpoint(PASSIVE)');
        Atomics.store(signal, CHECKPOINTED, commits);
        Atomics.notify(signal, CHECKPOINTED);
      }
      if (last) break;
    }
  } finally {
    db.close();
  }
} finally {
  // Stopped, also by an error: a writer waiting for a checkpoint must not wait for this thread.
  Atomics.store(signal, CHECKPOINTED, STOPPED);
  Atomics.notify(signal, CHECKPOINTED);
}
