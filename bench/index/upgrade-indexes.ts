// Brings a kept collection's capture indexes to this build's (store/schema.ts CAPTURE_INDEXES: the missing built, the
// retired dropped), as the engine does in the background when it opens one, so that bench/index/query-compare.ts can
// time this build on them. It writes to the database: run query-compare on the untouched one first.
//
//   npx tsx bench/index/upgrade-indexes.ts <db>
import { Collection } from '../../src/core/store/index.js';

const db = process.argv[2];
if (!db) throw new Error('usage: upgrade-indexes.ts <db>');
const c = Collection.open(db);
try {
  const t0 = performance.now();
  c.ensureCaptureIndexes((step, steps) => process.stderr.write(`index step ${step} of ${steps}, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`));
} finally {
  c.close();
}
