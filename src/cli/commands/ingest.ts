// `archivestream index <db> <file-or-folder...>`: builds or updates a collection. (This file is not index.ts: that
// name is the command registry.) A progress bar on a terminal, a summary at the end; Ctrl-C stops cleanly and the
// next run resumes.
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { ingestCollection } from '../../core/ingest/index.js';
import type { IngestProgress } from '../../shared/records.js';
import { withSpan } from '../../core/telemetry/index.js';

function bar(p: IngestProgress): string {
  const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const width = 24;
  const full = Math.round(frac * width);
  const eta = p.etaSeconds === null ? '' : ` eta ${Math.ceil(p.etaSeconds)}s`;
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
    `${p.filesDone}/${p.filesTotal} files  ${p.records} records  ${p.pages} pages  ${p.errors} errors  ` +
    `${(p.rate / 1e6).toFixed(1)} MB/s${eta}`;
}

export const index: Command = {
  name: 'index',
  usage: 'index <db> <file-or-folder...> [--json] [--workers N]',
  summary: 'index WARC/ARC/WACZ files into a searchable collection',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['workers']);
    for (const f of flags.keys()) if (f !== 'json' && f !== 'workers') throw new UsageError(`unknown option --${f}`);
    if (positional.length < 2) throw new UsageError('give <db> and at least one file or folder');
    const w = flags.get('workers');
    if (w !== undefined && (w === true || !/^[1-9]\d*$/.test(w))) throw new UsageError('--workers needs a number >= 1');
    const [db, ...paths] = positional;
    const json = flags.has('json');

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const showBar = io.isTTY && !json && process.stderr.isTTY;
    let lastDraw = 0;
    try {
      const s = await ingestCollection(db, paths, {
        workers: w === undefined ? undefined : Number(w),
        signal: controller.signal,
        trace: withSpan,
        onProgress: showBar
          ? (p) => {
              const now = Date.now();
              if (now - lastDraw < 100 && p.filesDone < p.filesTotal) return;
              lastDraw = now;
              process.stderr.write(`\r${bar(p)}\x1b[K`);
            }
          : undefined,
      });
      if (showBar) process.stderr.write('\n');
      if (json) {
        io.out(JSON.stringify({ files: s.files, records: s.records, pages: s.pages, errors: s.errors,
          seconds: Math.round(s.seconds * 1000) / 1000, skipped: s.filesSkipped, failed: s.filesFailed, cancelled: s.cancelled }));
      } else {
        io.out(`${s.files} files (${s.filesIndexed} indexed, ${s.filesSkipped} unchanged, ${s.filesFailed} failed), ` +
          `${s.records} records, ${s.pages} new pages, ${s.errors} errors in ${s.seconds.toFixed(1)} s`);
        if (s.errors > 0) io.out(`see: archivestream errors ${db}`);
        if (s.cancelled) io.out('cancelled: run the same command again to finish');
      }
      return s.cancelled ? 130 : s.errors > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
