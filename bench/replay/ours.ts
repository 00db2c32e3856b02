// ArchiveStream's side of the replay benchmark: the replay server the engine runs (src/core/replay/server.ts) over
// one collection opened read-only, in a process of its own like the peer's.
//   npx tsx bench/replay/ours.ts <collection.sqlite> <name>
// Prints its origin on stdout when it listens.
import { Collection } from '../../src/core/store/index.js';
import { startReplayServer } from '../../src/core/replay/server.js';
import { onlyCollection } from '../../src/cli/commands/replay-ledger.js';

const [db, name] = process.argv.slice(2);
if (!db || !name) {
  process.stderr.write('usage: ours.ts <collection.sqlite> <name>\n');
  process.exit(2);
}
const server = await startReplayServer({ openCollection: onlyCollection(name, Collection.open(db, { readonly: true })) });
process.stdout.write(`${server.origin}\n`);
