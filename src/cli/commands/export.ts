// `archivestream export <db> --format cdxj|csv|jsonl`: the collection's captures as CDXJ or CSV, or its pages as JSON
// lines ({url, timestamp, title, text, tags, note}); CSV rows carry each capture's tags (its page's and its own) and
// notes; `--format wacz` a subset as a WACZ package (src/core/export/wacz.ts).
import { resolve } from 'node:path';
import { openCollection, readCollection } from '../collection.js';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { cdxjOfCapture, exportWacz, type WaczExportProgress } from '../../core/export/wacz.js';
import { selectionOf, type WaczSelection } from '../../core/export/select.js';
import { CodedError } from '../../shared/errors.js';
import { formatCdxj } from '../../core/warc/cdxj.js';

const CSV_COLUMNS = ['urlkey', 'timestamp', 'url', 'type', 'mime', 'status', 'digest', 'length', 'offset', 'file'] as const;
const LABEL_COLUMNS = ['tags', 'page_note', 'capture_note'] as const;

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const exportCommand: Command = {
  name: 'export',
  usage: 'export <db> --format cdxj|csv|jsonl | --format wacz (--query <q> [--limit n] | --url <u> [--at <ts>] | --host <h> [--from <ts>] [--to <ts>]) -o <out.wacz> [--title <t>] [--no-resources]',
  summary: 'captures as CDXJ/CSV, pages as JSON lines, or a subset as a WACZ package',
  run(args: string[], io: CliIo): number | Promise<number> {
    // -o is the one short option, as in the issue's usage and other archive tools.
    const { positional, flags } = parseArgs(args.map((a) => (a === '-o' ? '--o' : a)), ['format', 'query', 'limit', 'url', 'at', 'host', 'from', 'to', 'o', 'title'], ['no-resources']);
    const format = flags.get('format');
    if (positional.length !== 1) throw new UsageError('give one <db>');
    if (format === 'wacz') return exportWaczCommand(positional[0], flags, io);
    if (format !== 'cdxj' && format !== 'csv' && format !== 'jsonl') throw new UsageError('--format is cdxj, csv, jsonl or wacz');
    return readCollection(positional[0], io, (coll) => {
      const labels = coll.labelIndex();
      if (format === 'jsonl') {
        for (const p of coll.iteratePages()) {
          const { note, tags } = labels.page(p.digest);
          io.out(JSON.stringify({ url: p.url, timestamp: p.timestamp, title: p.title, text: p.text, tags, note }));
        }
      } else if (format === 'cdxj') {
        for (const c of coll.iterateCaptures()) {
          const entry = cdxjOfCapture(c);
          if (entry) io.out(formatCdxj(entry));
        }
      } else {
        io.out([...CSV_COLUMNS, ...LABEL_COLUMNS].join(','));
        for (const c of coll.iterateCaptures()) {
          const l = labels.capture(c);
          const cells = [...CSV_COLUMNS.map((k) => (k === 'url' ? c.uri : c[k])), l.tags.join(' '), l.pageNote, l.captureNote];
          io.out(cells.map(csvField).join(','));
        }
      }
      return 0;
    });
  },
};

/** The selection the flags name (selectionOf says what is wrong, as a usage error). */
function selectionOfFlags(flags: Map<string, string | true>): WaczSelection {
  const str = (name: string) => {
    const v = flags.get(name);
    if (v === true) throw new UsageError(`--${name} needs a value`);
    return v;
  };
  const limit = str('limit');
  try {
    return selectionOf({
      query: str('query'), limit: limit === undefined ? undefined : Number(limit), url: str('url'), at: str('at'), host: str('host'), from: str('from'), to: str('to'),
    });
  } catch (e) {
    if (e instanceof CodedError) throw new UsageError(e.message);
    throw e;
  }
}

async function exportWaczCommand(db: string, flags: Map<string, string | true>, io: CliIo): Promise<number> {
  const sel = selectionOfFlags(flags);
  const out = flags.get('o');
  if (typeof out !== 'string') throw new UsageError('--format wacz needs -o <out.wacz>');
  const title = flags.get('title');
  const coll = openCollection(db);
  // Ctrl-C stops the export and leaves no partial file under the output's name.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let last = 0;
  const onProgress = (p: WaczExportProgress) => {
    if (!io.isTTY && p.phase !== 'done') return;
    const now = Date.now();
    if (now - last < 500 && p.phase !== 'done') return;
    last = now;
    io.err(`${p.phase} ${p.done}${p.total ? `/${p.total}` : ''}, ${(p.bytes / 1e6).toFixed(1)} MB`);
  };
  try {
    const r = await exportWacz(coll, sel, resolve(out), {
      title: typeof title === 'string' ? title : undefined,
      resources: !flags.has('no-resources'),
      signal: abort.signal,
      onProgress,
    });
    io.out(`${r.path}\t${r.records} records\t${r.pages} pages\t${r.bytes} bytes\t${r.missing} resources not in the collection`);
    for (const p of r.problems) io.err(`${p.file}\t${p.offset}\trecord-unreadable\t${p.message}`);
    return r.problems.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    coll.close();
  }
}
