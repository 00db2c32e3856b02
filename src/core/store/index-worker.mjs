// Builds the capture indexes an ingest left owed (Collection.buildCaptureIndexesInBackground in index.ts) on a
// connection of its own, so the thread that opened the collection goes on answering. The statements come from
// index.ts, which owns the schema; each index is one transaction, and the last also clears the debt. Plain
// JavaScript, so the same file runs from the sources and, bundled by scripts/build-node.mjs, from out/node.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, create, clear } = workerData;
const db = new Database(path, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  create.forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      if (i === create.length - 1) db.prepare(clear.sql).run(clear.key);
    })();
    parentPort.postMessage({ built: i + 1, total: create.length });
  });
} finally {
  db.close();
}
