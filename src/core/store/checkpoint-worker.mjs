// The checkpoint thread of a bulk load (Collection.checkpointInBackground in index.ts): on a connection of its own it
// copies the WAL into the database after the writer's commits, so the single writer's thread never does. Plain
// JavaScript, so the same file runs from the sources and, bundled by scripts/build-node.mjs, from out/node.
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, shared } = workerData;
// [0]: commits so far (the writer adds one and notifies), [1]: non-zero when the load is over, [2]: the commits
// checkpointed so far (the writer waits on it now and then: see index.ts), the largest Int32 once this thread stops.
const signal = new Int32Array(shared);
try {
  const db = new Database(path, { fileMustExist: true });
  try {
    let seen = 0;
    for (;;) {
      Atomics.wait(signal, 0, seen, 1000);
      const last = Atomics.load(signal, 1) !== 0;
      const commits = Atomics.load(signal, 0);
      if (commits !== seen) {
        seen = commits;
        // PASSIVE: copies what no reader still needs and never waits on the writer, which goes on appending.
        db.pragma('wal_checkpoint(PASSIVE)');
        Atomics.store(signal, 2, commits);
        Atomics.notify(signal, 2);
      }
      if (last) break;
    }
  } finally {
    db.close();
  }
} finally {
  // Stopped, also by an error: a writer waiting for a checkpoint must not wait for this thread.
  Atomics.store(signal, 2, 0x7fffffff);
  Atomics.notify(signal, 2);
}
