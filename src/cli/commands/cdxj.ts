// `archivestream cdxj <file...>`: the CDXJ index of archives on stdout, line for line what `warcio cdx-index` writes
// for the files it reads correctly (see src/core/warc/cdxj.ts for where and why we differ).
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { cdxjLines } from '../../core/warc/cdxj.js';
import { readOnThreads } from '../../core/warc/parallel.js';
import { formatProblem, workersOption } from './records.js';
import { ArchiveError, openArchive, scanUntilChanged } from '../../core/warc/index.js';
import type { ArchiveFile, WarcProblem } from '../../core/warc/types.js';

export const cdxj: Command = {
  name: 'cdxj',
  usage: 'cdxj <file...> [--workers N]',
  // Threads only where they pay (PARALLEL_MIN_BYTES): on a smaller plain WARC one pass here is the faster path.
  summary: 'CDXJ index lines of WARC/ARC/WACZ files (as warcio cdx-index); on threads from 64 MB gzip, 1 GB plain',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['workers']);
    const workers = workersOption(flags);
    if (positional.length === 0) throw new UsageError('no files given');
    let problems = 0;
    let unreadable = 0;
    const onProblem = (p: WarcProblem) => {
      problems++;
      io.err(formatProblem(p));
    };
    for (const path of positional) {
      let file: ArchiveFile;
      try {
        file = openArchive(path, { onProblem });
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        unreadable++;
        io.err(formatProblem(e.toProblem()));
        continue;
      }
      try {
        // A large WARC on every core; the same lines as one pass gives, else one pass.
        const blocks = await readOnThreads(file, 'cdxj', workers);
        if (blocks) for (const block of blocks) io.out(block);
        else
          scanUntilChanged(() => {
            for (const line of cdxjLines(file)) io.out(line);
          }, onProblem);
      } finally {
        file.close();
      }
    }
    return unreadable > 0 ? 2 : problems > 0 ? 1 : 0;
  },
};
