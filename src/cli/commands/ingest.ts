// `archivestream index <db> <file-or-folder...>`: builds or updates a collection. (This file is not index.ts: that
// name is the command registry.) A progress bar on a terminal, a summary at the end; Ctrl-C stops cleanly and the
// next run resumes. `--backend gpu|auto` extracts page text through the headless-Chromium GPU backend (as `text`
// does); the default, cpu, extracts it in the ingest workers and starts no Chromium. `--reextract` extracts the
// collection's pages again (all of its files, or those given), e.g. to give main content to pages stored before it.
import { existsSync } from 'node:fs';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { createGpuBackend, GpuBackendError, type GpuBackend } from '../../core/extract-gpu/index.js';
import { ingestCollection, MAX_WORKERS, type IngestTextOptions } from '../../core/ingest/index.js';
import { Collection, collectionError } from '../../core/store/index.js';
import type { IngestTextStatus, TextBackendKind } from '../../shared/api-collections.js';
import type { IngestProgress } from '../../shared/records.js';
import { rateFigures } from '../../shared/text-rate.js';
import { withSpan } from '../../core/telemetry/index.js';
import { BACKENDS, maxTextOption } from './text.js';

function bar(p: IngestProgress): string {
  const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const width = 24;
  const full = Math.round(frac * width);
  const eta = p.etaSeconds === null ? '' : ` eta ${Math.ceil(p.etaSeconds)}s`;
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
    `${p.filesDone}/${p.filesTotal} files  ${p.records} records  ${p.pages} pages  ${p.errors} errors  ` +
    `${(p.rate / 1e6).toFixed(1)} MB/s${eta}`;
}

/** "text backend: cpu (cpu 240 MB/s, gpu 3.1 MB/s)", the line `text --backend auto` prints, plus why the GPU was not
 *  measured and what it ran on. */
function choiceLine(t: IngestTextStatus, gpu: GpuBackend | undefined): string {
  const figures = rateFigures(t);
  const on = t.choice === 'gpu' && gpu ? ` on ${gpu.renderer}` : '';
  return `text backend: ${t.choice}${figures.length ? ` (${figures.join(', ')})` : ''}${on}`;
}

export const index: Command = {
  name: 'index',
  usage: 'index <db> <file-or-folder...> [--backend cpu|gpu|auto] [--json] [--workers N] [--fts-shards N] [--max-text-mb N] | index <db> --reextract [file...]',
  summary: 'index WARC/ARC/WACZ files into a searchable collection',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['workers', 'fts-shards', 'backend', 'max-text-mb'], ['json', 'reextract']);
    const maxTextBytes = maxTextOption(flags);
    const reextract = flags.has('reextract');
    if (positional.length < (reextract ? 1 : 2)) throw new UsageError('give <db> and at least one file or folder');
    const w = flags.get('workers');
    if (w !== undefined && (w === true || !/^[1-9]\d*$/.test(w) || Number(w) > MAX_WORKERS)) {
      throw new UsageError(`--workers needs a number from 1 to ${MAX_WORKERS} (default: the machine's cores)`);
    }
    // The shards of the full-text index (ingest/shards.ts): 0 has the writer index every page itself.
    const shards = flags.get('fts-shards');
    if (shards !== undefined && (shards === true || !/^\d+$/.test(shards) || Number(shards) > MAX_WORKERS)) {
      throw new UsageError(`--fts-shards needs a number from 0 to ${MAX_WORKERS} (default: none up to 4 workers, then one for every 3)`);
    }
    const asked = flags.get('backend');
    if (asked !== undefined && (asked === true || !(BACKENDS as readonly string[]).includes(asked)))
      throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}`);
    const kind = (asked ?? 'cpu') as TextBackendKind;
    const [db, ...given] = positional;
    const json = flags.has('json');
    const paths = reextract && given.length === 0 ? filesOf(db) : given;

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const showBar = io.isTTY && !json && process.stderr.isTTY;
    let lastDraw = 0;
    // Reported only when --backend was given, so that the default run prints and returns what it always did.
    const text: IngestTextStatus | null = asked === undefined ? null
      : { requested: kind, choice: kind === 'auto' ? null : kind, cpuMBps: null, gpuMBps: null, note: null };
    const say = (line: string) => {
      if (showBar) process.stderr.write('\r\x1b[K'); // over the progress bar, which the next progress redraws
      io.err(line);
    };
    let gpu: GpuBackend | undefined;
    // Chromium starts only when the first pages reach the backend; the ingest closes it (the losing one under 'auto').
    const textOption: IngestTextOptions | undefined = kind === 'cpu' ? undefined : {
      kind,
      gpu: async () => (gpu = await createGpuBackend()),
      onChoice: (c) => {
        Object.assign(text!, c);
        say(choiceLine(text!, gpu));
      },
    };
    if (text?.choice === 'cpu') say(choiceLine(text, undefined));
    try {
      const s = await ingestCollection(db, paths, {
        workers: w === undefined ? undefined : Number(w),
        ftsShards: shards === undefined ? undefined : Number(shards),
        maxTextBytes,
        signal: controller.signal,
        trace: withSpan,
        text: textOption,
        reextract,
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
      // No pages reached the backend (none new, or none HTML): nothing was chosen, and no Chromium started.
      if (text?.choice === null && !s.cancelled) say('text backend: none needed (no new HTML pages)');
      if (json) {
        io.out(JSON.stringify({ files: s.files, records: s.records, pages: s.pages, errors: s.errors,
          seconds: Math.round(s.seconds * 1000) / 1000, windows: s.windows, ftsShards: s.ftsShards, pagesRecovered: s.pagesRecovered,
          skipped: s.filesSkipped, failed: s.filesFailed, cancelled: s.cancelled,
          changed: s.changed, ...(text ? { text } : {}) }));
      } else {
        const skipped = reextract ? 'missing, index kept' : 'unchanged';
        io.out(`${s.files} files (${s.filesIndexed} ${reextract ? 're-extracted' : 'indexed'}, ${s.filesSkipped} ${skipped}, ` +
          `${s.filesFailed} failed), ${s.records} records, ${s.pages} new pages, ${s.errors} errors in ${s.seconds.toFixed(1)} s`);
        if (s.pagesRecovered > 0) io.out(`first indexed ${s.pagesRecovered} pages an interrupted run had stored but not yet indexed for search`);
        if (s.errors > 0) io.out(`see: archivestream errors ${db}`);
        if (s.cancelled) io.out('cancelled: run the same command again to finish');
      }
      // Said on stderr in JSON mode too: the run is incomplete until the command is run again.
      for (const c of s.changed) say(`file-changed: ${c.message} (at offset ${c.offset}); run the same command again to index it as it is now`);
      return s.cancelled ? 130 : s.errors > 0 ? 1 : 0;
    } catch (e) {
      // --backend gpu where no Chromium with WebGL2 can start: said in one line, as `text` says it. Files cut off are
      // redone by the next run.
      if (showBar) process.stderr.write('\n');
      if (!(e instanceof GpuBackendError)) throw collectionError(e, db) ?? e; // a full disk, a damaged database
      io.err(`archivestream index: ${e.code}: ${e.message}`);
      return 2;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

/** The archive files a collection holds, for --reextract without files. Opened to write: an older collection is
 *  brought to this build's schema first. */
function filesOf(db: string): string[] {
  if (!existsSync(db)) throw new UsageError(`${db}: no such collection to re-extract`);
  const coll = Collection.open(db);
  try {
    return coll.files().map((f) => f.path);
  } finally {
    coll.close();
  }
}
