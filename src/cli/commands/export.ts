// `archivestream export <db> --format cdxj|csv|jsonl`: the collection's captures as CDXJ or CSV, or its pages as JSON
// lines ({url, timestamp, title, text, tags, note}). CSV rows carry each capture's tags (its page's and its own) and
// notes.
import { basename } from 'node:path';
import { parseArgs, readCollection, UsageError, type CliIo, type Command } from '../command.js';
import { type StoredCapture } from '../../core/store/index.js';
import { formatCdxj, type CdxjEntry } from '../../core/warc/cdxj.js';

/** The CDXJ entry of a stored capture, or null for records CDXJ does not index (cdxj.ts isIndexed). The one CDXJ
 *  writer (formatCdxj) prints it. */
export function cdxjOfCapture(c: StoredCapture): CdxjEntry | null {
  if (c.type === 'request' || c.type === 'warcinfo' || !c.uri || !c.urlkey) return null;
  if ((c.type === 'metadata' || c.type === 'resource') && c.mime === 'application/warc-fields') return null;
  return {
    urlkey: c.urlkey,
    timestamp: c.timestamp ?? '',
    url: c.uri,
    mime: c.type === 'revisit' ? 'warc/revisit' : (c.mime ?? undefined),
    status: c.status !== null && (c.type === 'response' || c.type === 'revisit') ? String(c.status) : undefined,
    digest: c.digest ? (c.digest.includes(':') ? c.digest.split(':', 2)[1] : c.digest) : undefined,
    length: c.length,
    offset: c.offset,
    filename: basename(c.file),
    method: c.method && c.method !== 'GET' ? c.method : undefined,
  };
}

const CSV_COLUMNS = ['urlkey', 'timestamp', 'url', 'type', 'mime', 'status', 'digest', 'length', 'offset', 'file'] as const;
const LABEL_COLUMNS = ['tags', 'page_note', 'capture_note'] as const;

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const exportCommand: Command = {
  name: 'export',
  usage: 'export <db> --format cdxj|csv|jsonl',
  summary: 'captures as CDXJ/CSV, or pages as JSON lines',
  run(args: string[], io: CliIo): number {
    const { positional, flags } = parseArgs(args, ['format']);
    const format = flags.get('format');
    if (format !== 'cdxj' && format !== 'csv' && format !== 'jsonl') throw new UsageError('--format is cdxj, csv or jsonl');
    if (positional.length !== 1) throw new UsageError('give one <db>');
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
