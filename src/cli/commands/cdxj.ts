// `archivestream cdxj <file...>`: the CDXJ index of archives on stdout, line for line what `warcio cdx-index` writes
// for the files it reads correctly (see src/core/warc/cdxj.ts for where and why we differ).
import { openSync, readSync, closeSync } from 'node:fs';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { cdxjLines } from '../../core/warc/cdxj.js';
import { ArchiveError, openArchive } from '../../core/warc/index.js';
import type { ArchiveFile, OpenOptions, WarcProblem } from '../../core/warc/types.js';
import { openWacz } from '../../core/warc/wacz.js';

/** One problem, one line: file, offset, code, message. */
export function problemLine(p: WarcProblem): string {
  const message = p.message.startsWith(`${p.file}: `) ? p.message.slice(p.file.length + 2) : p.message;
  return `${p.file}\t${p.offset}\t${p.code}\t${message}`;
}

/** openArchive, with WACZ packages sent to the WACZ reader here, whether or not openArchive does it yet. */
function open(path: string, opts: OpenOptions): ArchiveFile {
  let magic = '';
  try {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    closeSync(fd);
    magic = buf.toString('latin1');
  } catch {
    // openArchive reports a missing or unreadable file with its own typed error.
  }
  return magic === 'PK\x03\x04' ? openWacz(path, opts) : openArchive(path, opts);
}

export const cdxj: Command = {
  name: 'cdxj',
  usage: 'cdxj <file...>',
  summary: 'CDXJ index lines of WARC/ARC/WACZ files (as warcio cdx-index)',
  run(args: string[], io: CliIo): number {
    const { positional, flags } = parseArgs(args);
    if (flags.size > 0) throw new UsageError(`unknown option --${[...flags.keys()][0]}`);
    if (positional.length === 0) throw new UsageError('no files given');
    let problems = 0;
    let unreadable = 0;
    const onProblem = (p: WarcProblem) => {
      problems++;
      io.err(problemLine(p));
    };
    for (const path of positional) {
      let file: ArchiveFile;
      try {
        file = open(path, { onProblem });
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        unreadable++;
        io.err(problemLine(e.toProblem()));
        continue;
      }
      try {
        for (const line of cdxjLines(file)) io.out(line);
      } finally {
        file.close();
      }
    }
    return unreadable > 0 ? 2 : problems > 0 ? 1 : 0;
  },
};
