// `archivestream records <file> [--json]`: one line per record, the fields an index needs.
import { availableParallelism } from 'node:os';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { ArchiveError, openArchive, scanUntilChanged } from '../../core/warc/index.js';
import { summarizeRecord } from '../../core/record-view.js';
import { readOnThreads } from '../../core/warc/parallel.js';
import type { ArchiveFile, WarcProblem } from '../../core/warc/types.js';

/** One problem, one line: file, offset, code, message (tabs and line breaks in the message flattened). */
export function formatProblem(p: WarcProblem): string {
  const message = p.message.startsWith(`${p.file}: `) ? p.message.slice(p.file.length + 2) : p.message;
  return `${p.file}\t${p.offset}\t${p.code}\t${message.replace(/[\t\r\n]+/g, ' ')}`;
}

/** `--workers N`: threads reading one large WARC, plain or per-record gzip (default: the machine's cores; 1 reads on this thread). */
export function workersOption(flags: Map<string, string | true>): number {
  const w = flags.get('workers');
  if (w === undefined) return availableParallelism();
  if (w === true || !/^[1-9]\d{0,2}$/.test(w)) throw new UsageError('--workers needs a number from 1 to 999');
  return Number(w);
}

/** A table cell: '-' for nothing, on one line. */
export const cell = (v: string | number | null): string => (v === null || v === '' ? '-' : String(v).replace(/[\t\r\n]+/g, ' '));

export const records: Command = {
  name: 'records',
  usage: 'records <file> [--json] [--workers N]',
  summary: 'one line per record: offset, length, type, URI, date, id, content type, status, digest',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['workers'], ['json']);
    if (positional.length !== 1) throw new UsageError('give one <file>');
    const json = flags.has('json');
    const workers = workersOption(flags);
    let problems = 0;
    const onProblem = (p: WarcProblem) => {
      problems++;
      io.err(formatProblem(p));
    };
    let file: ArchiveFile;
    try {
      file = openArchive(positional[0], { onProblem });
    } catch (e) {
      if (!(e instanceof ArchiveError)) throw e;
      io.err(formatProblem(e.toProblem()));
      return 2;
    }
    try {
      const blocks = json ? await readOnThreads(file, 'records-json', workers) : null;
      if (blocks) {
        for (const block of blocks) io.out(block);
        return problems > 0 ? 1 : 0; // readOnThreads gives lines only for a file its threads read without a problem
      }
      scanUntilChanged(() => {
        for (const r of file.records()) {
          const l = summarizeRecord(r);
          io.out(json ? JSON.stringify(l) : [l.offset, l.length, l.type, l.uri, l.date, l.id, l.contentType, l.status, l.digest].map(cell).join('\t'));
        }
      }, onProblem);
    } finally {
      file.close();
    }
    return problems > 0 ? 1 : 0;
  },
};
