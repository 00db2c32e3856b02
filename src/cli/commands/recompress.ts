// `archivestream recompress <in> <out>`: rewrite an archive as one gzip member per record.
import { resolve } from 'node:path';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { ArchiveError } from '../../core/warc/index.js';
import { recompress as recompressArchive } from '../../core/warc/recompress.js';
import { formatProblem } from './records.js';

export const recompress: Command = {
  name: 'recompress',
  usage: 'recompress <in> <out>',
  summary: 'rewrite a WARC/ARC (plain or gzip) as per-record gzip',
  run(args: string[], io: CliIo): number {
    const { positional } = parseArgs(args);
    if (positional.length !== 2) throw new UsageError('give <in> and <out>');
    const [input, output] = positional;
    if (resolve(input) === resolve(output)) throw new UsageError('<out> must differ from <in>');
    try {
      const r = recompressArchive(input, output, { onProblem: (p) => io.err(formatProblem(p)) });
      io.err(`${output}: ${r.records} records, ${r.bytesIn} -> ${r.bytesOut} bytes`);
      return r.problems.length > 0 ? 1 : 0;
    } catch (e) {
      if (e instanceof ArchiveError) {
        io.err(formatProblem(e.toProblem()));
        return 2;
      }
      throw e;
    }
  },
};
