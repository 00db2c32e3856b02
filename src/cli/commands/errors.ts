// `archivestream errors <db>`: every problem ingest stored, one line each: file, offset, code, message.
import { readCollection } from '../collection.js';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';

export const errors: Command = {
  name: 'errors',
  usage: 'errors <db> [--file <path>] [--json]',
  summary: 'problems found while indexing a collection',
  run(args: string[], io: CliIo): number {
    const { positional, flags } = parseArgs(args, ['file'], ['json']);
    if (positional.length !== 1) throw new UsageError('give one <db>');
    const file = flags.get('file');
    return readCollection(positional[0], io, (coll) => {
      const rows = coll.errors({ file: typeof file === 'string' ? file : undefined });
      for (const e of rows) {
        io.out(flags.has('json') ? JSON.stringify({ file: e.file, offset: e.offset, code: e.code, message: e.message })
          : `${e.file}\t${e.offset}\t${e.code}\t${e.message.replace(/\s+/g, ' ')}`);
      }
      return 0;
    });
  },
};
