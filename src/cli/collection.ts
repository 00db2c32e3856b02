// Opening the collection a command names. Apart from command.ts, so that commands reading only archive files (cdxj,
// records, check) never load the store.
import { existsSync } from 'node:fs';
import { Collection, collectionError } from '../core/store/index.js';
import { CodedError } from '../shared/errors.js';
import type { CliIo } from './command.js';

/** A collection named on the command line, opened read-only for a command that keeps it open (serve, replay-ledger);
 *  a path that is missing or no collection is a CodedError, which the CLI prints in one line and exits 3 for. */
export function openCollection(db: string): Collection {
  if (!existsSync(db)) throw new CodedError('collection-not-found', `${db}: no such collection`, db);
  try {
    return Collection.open(db, { readonly: true });
  } catch (e) {
    throw collectionError(e, db) ?? e;
  }
}

/** Runs `use` over a collection opened for reading, on one snapshot of it (Collection.snapshot: an ingest in another
 *  process may be writing it), and closes it. Says on stderr what limits it (read-only media, lookup indexes an
 *  interrupted ingest left out); a failure of the database itself comes out as a CodedError naming the file. */
export function readCollection<T>(db: string, io: CliIo, use: (c: Collection) => T): T {
  const c = Collection.open(db, { readonly: true });
  try {
    if (c.readOnlyMedia) io.err(`archivestream: ${db} is on read-only media or not writable: reading only, nothing can be added to it.`);
    if (c.indexDebt() === 'abandoned') {
      io.err(`archivestream: ${db} lacks its lookup indexes (an ingest stopped before building them): URL and host lookups are slow until \`archivestream index\` runs on it where it is writable.`);
    }
    if (c.ftsShardDebt() === 'abandoned') {
      io.err(`archivestream: an interrupted ingest left some pages of ${db} out of its full-text index: they are not found by their words until \`archivestream index\` runs on it again.`);
    }
    return c.snapshot(() => use(c));
  } catch (e) {
    throw collectionError(e, db) ?? e;
  } finally {
    c.close();
  }
}
