// `archivestream cdxj <file...>`: the CDXJ index of archives on stdout, line for line what `warcio cdx-index` writes
// for the files it reads correctly (see src/core/warc/cdxj.ts for where and why we differ).
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { cdxjLines } from '../../core/warc/cdxj.js';
import { formatProblem } from './records.js';
import { ArchiveError, openArchive, scanUntilChanged } from '../../core/warc/index.js';
import type { ArchiveFile, WarcProblem } from '../../core/warc/types.js';

export const cdxj: Command = {
  name: 'cdxj',
  usage: 'cdxj <file...>',
  summary: 'CDXJ index lines of WARC/ARC/WACZ files (as warcio cdx-index)',
  run(args: string[], io: CliIo): number {
    const { positional } = parseArgs(args);
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
