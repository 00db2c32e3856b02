// A second connection that changes a collection's schema over and over, as an ingest's bulk load does twice (it drops
// the capture indexes and builds them again): for tests of what another connection does meanwhile. On a thread of
// its own, so its commits land between the statements of the test's own thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHURN = `
  const { workerData: { sqlite, db, signal } } = require('node:worker_threads');
  const flags = new Int32Array(signal);
  const conn = new (require(sqlite))(db);
  conn.pragma('busy_timeout = 5000');
  while (Atomics.load(flags, 0) === 0) {
    conn.exec('CREATE INDEX schema_churn ON captures(status)');
    conn.exec('DROP INDEX schema_churn');
    Atomics.add(flags, 1, 2);
  }
  conn.close();
`;

export interface SchemaChurn {
  /** Schema changes committed so far. */
  changes(): number;
  /** Stops the thread, and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts the thread, and returns once it has committed its first change. */
export async function startSchemaChurn(db: string): Promise<SchemaChurn> {
  const flags = new Int32Array(new SharedArrayBuffer(8)); // [0]: stop; [1]: schema changes committed
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(CHURN, { eval: true, workerData: { sqlite, db, signal: flags.buffer } });
  let exited = false;
  const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  void ended.then(() => (exited = true));
  while (Atomics.load(flags, 1) === 0 && !exited) await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    changes: () => Atomics.load(flags, 1),
    stop: async () => {
      Atomics.store(flags, 0, 1);
      await ended;
    },
  };
}
