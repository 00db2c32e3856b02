// `archivestream check <file...>`: every problem in the files, one line each; exit 0 clean, 1 problems, 2 unreadable.
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { checkArchiveOnThreads } from '../../core/warc/parallel.js';
import { formatProblem, workersOption } from './records.js';

export const check: Command = {
  name: 'check',
  usage: 'check <file...> [--workers N]',
  summary: 'validate WARC/ARC files: fields, lengths, digests, gzip members',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['workers']);
    const workers = workersOption(flags);
    if (positional.length === 0) throw new UsageError('no files given');
    let status = 0;
    for (const path of positional) {
      // A large WARC on every core; the same report as one pass gives, else one pass.
      const report = await checkArchiveOnThreads(path, workers);
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
