// `archivestream records <file> [--json]`: one line per record, the fields an index needs.
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { ArchiveError, openArchive, scanUntilChanged } from '../../core/warc/index.js';
import { summarizeRecord } from '../../core/record-view.js';
import type { ArchiveFile, WarcProblem } from '../../core/warc/types.js';

/** One problem, one line: file, offset, code, message (tabs and line breaks in the message flattened). */
export function formatProblem(p: WarcProblem): string {
  const message = p.message.startsWith(`${p.file}: `) ? p.message.slice(p.file.length + 2) : p.message;
  return `${p.file}\t${p.offset}\t${p.code}\t${message.replace(/[\t\r\n]+/g, ' ')}`;
}

/** A table cell: '-' for nothing, on one line. */
export const cell = (v: string | number | null): string => (v === null || v === '' ? '-' : String(v).replace(/[\t\r\n]+/g, ' '));

export const records: Command = {
  name: 'records',
  usage: 'records <file> [--json]',
  summary: 'one line per record: offset, length, type, URI, date, id, content type, status, digest',
  run(args: string[], io: CliIo): number {
    const { positional, flags } = parseArgs(args, [], ['json']);
    if (positional.length !== 1) throw new UsageError('give one <file>');
    const json = flags.has('json');
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
