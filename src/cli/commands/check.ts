// `archivestream check <file...>`: every problem in the files, one line each; exit 0 clean, 1 problems, 2 unreadable.
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { checkArchive } from '../../core/warc/check.js';
import { formatProblem } from './records.js';

export const check: Command = {
  name: 'check',
  usage: 'check <file...>',
  summary: 'validate WARC/ARC files: fields, lengths, digests, gzip members',
  run(args: string[], io: CliIo): number {
    const { positional } = parseArgs(args);
    if (positional.length === 0) throw new UsageError('no files given');
    let status = 0;
    for (const path of positional) {
      const report = checkArchive(path);
      if (report.unreadable) {
        for (const p of report.problems) io.err(formatProblem(p));
        status = 2;
        continue;
      }
      for (const p of report.problems) io.out(formatProblem(p));
      if (report.problems.length > 0) status = Math.max(status, 1);
    }
    return status;
  },
};
