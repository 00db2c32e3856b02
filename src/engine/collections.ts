// The collections methods of the contract, over the store, ingest and search modules of the core.
// Each collection is one SQLite database in the data folder; the registry (registry.ts) names them and lists their
// archive files, so a file added but not yet ingested is remembered too.
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  type CollectionDetail,
  type CollectionFile,
  type CollectionsApi,
  type ExportResult,
  type IngestState,
  type IngestTextStatus,
  type SearchHitView,
  type Settings,
  type TextMeasurement,
} from '../shared/api-collections.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import { CodedError, type IngestProblemCode } from '../shared/errors.js';
import { rateFigures } from '../shared/text-rate.js';
import { expandPaths, fingerprint, MAX_WORKERS, type IngestTextOptions } from '../core/ingest/index.js';
import { ingestInThread } from '../core/ingest/thread.js';
import { notAnArchive } from '../core/warc/index.js';
import { MARK_END, MARK_START, type SearchHit, type UrlMatch } from '../core/search/index.js';
import { toCaptureView } from '../core/search/records.js';
import { SearchReaders } from '../core/search/readers.js';
import { Collection, type CollectionCounts } from '../core/store/index.js';
import { annotate, withSpan } from '../core/telemetry/index.js';
import { engineMetrics } from '../core/telemetry/metrics.js';
import { FileAccess } from './access.js';
import { browse } from './fs-browse.js';
import type { EngineContext } from './context.js';
import { isMaxTextMb, Registry, type RegistryCollection } from './registry.js';
import { MB } from '../core/extract/bound.js';
import type { RemoteExtractors } from './remote-extract.js';
import type { EngineTelemetry } from './telemetry.js';
import type { CollectionAccess } from './notes-handlers.js';
import { machineId, measurementFor, measureTextBackends } from './text-choice.js';

export type CollectionHandlers = { [M in keyof CollectionsApi]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

const LOOKUP_DEFAULT = 1000;
const LOOKUP_MAX = 10_000;
const SEARCH_PAGE_MAX = 1000;
const EXPORT_MAX = 100_000;
const TOP = 20;
/** The nice level of an ingest's threads, its writer and workers: the search reader threads and this thread (nice 0)
 *  go first when they want the cores, and the ingest takes what they leave. Chosen by bench/load/run.ts on 2 cores
 *  (ARCHITECTURE.md, Processes: Thread priorities). */
export const INGEST_NICE = 10;
/** While an ingest commits, a collection's counts are taken again at most this often. */
const RECOUNT_MS = 1000;

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

function toHitView(h: SearchHit): SearchHitView {
  return { ...h, capture: toCaptureView(h.capture) };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Shown when Start ingest asks for the GPU (Settings › Text extraction) and no window offers one. */
const NO_GPU_FOR_INGEST =
  'Text extraction is set to GPU, but no open ArchiveStream window can lend its GPU: that needs WebGL2, which this ' +
  'browser or machine does not offer. Choose “Automatic” or “CPU” under Settings › Text extraction.';
/** The note of an 'auto' run that had no GPU to measure. */
const NO_GPU_NOTE = 'no open window offers a GPU text extractor (WebGL2), so the CPU extracts the text';

/** Problems that say what became of a whole file, before any other it has (CollectionFile.problem). */
const TELLING_PROBLEMS: readonly IngestProblemCode[] = [
  'not-an-archive', 'empty-file', 'file-not-found', 'file-unreadable', 'wacz-bad-package', 'worker-crashed', 'file-changed',
  'gzip-truncated', 'warc-truncated', 'gzip-corrupt', 'decompression-bomb',
];

const plainSnippet = (s: string) => s.split(MARK_START).join('').split(MARK_END).join('');

/** "cpu (asked auto; cpu 240 MB/s, gpu 3.1 MB/s)": the engine log's line for a run's text backend. */
function textLine(t: IngestTextStatus): string {
  const figures = rateFigures(t);
  return `${t.choice ?? 'choosing'} (asked ${t.requested}${figures.length ? `; ${figures.join(', ')}` : ''})`;
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function createCollectionHandlers(
  ctx: EngineContext,
  extractors: RemoteExtractors,
  telemetry: EngineTelemetry,
): { handlers: CollectionHandlers; access: FileAccess; db: CollectionAccess; collection(name: string): Collection; openCount(): number; close(): Promise<void> } {
  const registry = new Registry(ctx.dataDir);
  if (registry.brokenCopy) {
    const message = `The list of collections could not be read; it was kept as ${registry.brokenCopy} and a new one started.`;
    setTimeout(() => ctx.events.emit('engine.notice', { level: 'error', message }), 0);
  }
  const commandLineRoots = (ctx.allowDirs ?? []).map((d) => resolve(d));
  const access = new FileAccess({
    roots: () => [...commandLineRoots, ...registry.settings.allowedRoots],
    isCollectionFile: (path) => registry.collections.some((c) => c.files.includes(path)),
    announce: (message) => {
      if (!ctx.announce) throw new CodedError('not-allowed', 'This engine has no terminal to show a code on: start it with --allow-dir FOLDER.');
      ctx.announce(message);
    },
  });
  const open = new Map<string, Collection>(); // by database file
  const running = new Map<string, Running>(); // by database file
  const lastRun = new Map<string, IngestState>(); // by database file
  // Searches run on reader threads: this thread only routes them, so it answers other calls meanwhile.
  const readers = new SearchReaders();

  const dbPath = (e: RegistryCollection) => join(ctx.dataDir, e.db);

  const machine = machineId();
  let measuring: Promise<TextMeasurement | null> | null = null;
  /** Measures the CPU and the offered GPU extractor once at a time, and remembers the result in the settings. */
  function measureText(renderer: string, warn: (message: string) => void): Promise<TextMeasurement | null> {
    measuring ??= measureTextBackends(async () => extractors.backend(warn), machine, renderer)
      .then((m) => {
        if (m) {
          registry.settings.textMeasurement = m;
          registry.save();
        }
        return m;
      })
      .catch((err: unknown) => {
        warn(`measuring the text extractors failed: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      })
      .finally(() => {
        measuring = null;
      });
    return measuring;
  }

  /** Capture indexes being built for a collection whose last ingest was killed before it built them: an ingest
   *  waits for them, so that the two do not contend for the write lock. By database file. */
  const rebuilding = new Map<string, Promise<void>>();

  function db(e: RegistryCollection): Collection {
    let c = open.get(e.db);
    if (!c) {
      c = Collection.open(dbPath(e));
      open.set(e.db, c);
      if (c.readOnlyMedia) notice(e, 'warn', 'its file or disk is read-only: it can be searched and read, but not added to or ingested.');
      if (c.indexDebt() === 'abandoned' && !running.has(e.db)) rebuildIndexes(e, c);
      if (c.ftsShardDebt() === 'abandoned' && !running.has(e.db)) {
        notice(e, 'warn', 'an interrupted ingest left some of its pages out of the full-text index: they are not found by their words until the next ingest, which indexes them first.');
      }
    }
    return c;
  }

  function notice(e: RegistryCollection, level: 'info' | 'warn' | 'error', message: string): void {
    ctx.events.emit('engine.notice', { level, message: `“${e.name}”: ${message}` });
  }

  function rebuildIndexes(e: RegistryCollection, c: Collection): void {
    if (c.readOnlyMedia) {
      notice(e, 'warn', 'its lookup indexes are missing (an ingest stopped before building them) and its disk is read-only: URL and host lookups stay slow.');
      return;
    }
    notice(e, 'info', 'building the lookup indexes an interrupted ingest left out; URL and host lookups are slow until they are done.');
    const done = c
      .buildCaptureIndexesInBackground((built, total) => notice(e, 'info', `lookup index ${built} of ${total} built.`))
      .catch((err: unknown) => notice(e, 'error', `the lookup indexes could not be built: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => rebuilding.delete(e.db));
    rebuilding.set(e.db, done);
  }

  function closeDb(e: RegistryCollection): void {
    open.get(e.db)?.close();
    open.delete(e.db);
    forgetReads(e);
  }

  const coll = (name: string) => db(registry.find(name));
  /** The collection's database file, opened (and migrated) here first, so the reader threads find it current. */
  const readable = (name: string) => db(registry.find(name)).path;

  function ingestState(e: RegistryCollection): IngestState {
    return lastRun.get(e.db) ?? { running: false, progress: null, stopped: null, text: null };
  }

  function notWhileIngesting(e: RegistryCollection): void {
    if (running.has(e.db)) throw new CodedError('busy', `“${e.name}” is being ingested: cancel or wait for it first.`);
  }

  /** The collection, for a method that writes to it: refused at once when its file or disk is read-only. */
  function writable(e: RegistryCollection): Collection {
    const c = db(e);
    if (c.readOnlyMedia) {
      throw new CodedError('read-only', `“${e.name}” is on read-only media (${dbPath(e)}): it can be searched and read, not changed.`, dbPath(e));
    }
    return c;
  }

  function diskBytes(e: RegistryCollection): number {
    const p = dbPath(e);
    return sizeOf(p) + sizeOf(`${p}-wal`) + sizeOf(`${p}-shm`);
  }

  /** Counts by database file and the data version they were read at. Counting scans the tables (captures has no
   *  index while an ingest runs), on the thread that answers requests: a UI that polls its collection list counts
   *  again only after another connection committed, and during an ingest at most every RECOUNT_MS. This thread's own
   *  writes (files.remove, files.relink) drop the entry (forgetReads). */
  const counted = new Map<string, { counts: CollectionCounts; version: number; at: number }>();

  function counts(e: RegistryCollection): CollectionCounts {
    const c = db(e);
    const version = c.dataVersion();
    const now = performance.now();
    const last = counted.get(e.db);
    if (last && (last.version === version || (running.has(e.db) && now - last.at < RECOUNT_MS))) return last.counts;
    const fresh = c.counts();
    counted.set(e.db, { counts: fresh, version, at: now });
    return fresh;
  }

  /** Whole-collection statistics by database file and the data version they were read at, as counts are: three
   *  GROUP BYs over every capture, about a second of a reader thread at a million pages, which the Statistics screen
   *  would otherwise pay again each time it is opened. A read that fails is not kept. */
  const statsRead = new Map<string, { version: number; stats: ReturnType<typeof readers.stats> }>();

  function collectionStats(e: RegistryCollection): ReturnType<typeof readers.stats> {
    const c = db(e);
    const version = c.dataVersion();
    const last = statsRead.get(e.db);
    if (last?.version === version) return last.stats;
    const stats = readers.stats(c.path, TOP);
    statsRead.set(e.db, { version, stats });
    stats.catch(() => {
      if (statsRead.get(e.db)?.stats === stats) statsRead.delete(e.db);
    });
    return stats;
  }

  /** Drops what was read of the collection's tables by data version: this thread's own writes leave that unchanged. */
  function forgetReads(e: RegistryCollection): void {
    counted.delete(e.db);
    statsRead.delete(e.db);
  }

  function summary(e: RegistryCollection) {
    const n = counts(e);
    return {
      name: e.name,
      createdAt: e.createdAt,
      files: e.files.length,
      captures: n.captures,
      pages: n.pages,
      errors: n.errors,
      diskBytes: diskBytes(e),
      ingesting: running.has(e.db),
    };
  }

  function fileList(e: RegistryCollection): CollectionFile[] {
    const rows = new Map(db(e).files().map((f) => [f.path, f]));
    const problems = new Map(db(e).fileProblems(TELLING_PROBLEMS).map((p) => [p.file, { code: p.code, offset: p.offset, message: p.message }]));
    const ingesting = running.has(e.db);
    return e.files.map((path): CollectionFile => {
      const row = rows.get(path);
      const st = statSync(path, { throwIfNoEntry: false });
      const onDisk = st !== undefined;
      // 'indexing' with no run going means an interrupted run: the file is redone by the next one.
      const stored = row?.status === 'indexing' && !ingesting ? 'pending' : row?.status;
      // An indexed file whose size or mtime moved since is no longer what the index describes.
      const changed = st && row && (row.status === 'done' || row.status === 'error') &&
        (st.size !== row.size || Math.floor(st.mtimeMs) !== row.mtime);
      return {
        path,
        state: !onDisk ? 'missing' : changed ? 'changed' : (stored ?? 'pending'),
        size: st ? st.size : (row?.size ?? null),
        records: row?.records ?? 0,
        errors: row?.errorCount ?? 0,
        format: row?.format ?? null,
        indexedAt: row?.indexedAt ?? null,
        problem: problems.get(path) ?? null,
      };
    });
  }

  function lookup(match: UrlMatch) {
    return ({ collection, url, limit, offset }: { collection: string; url: string; limit?: number; offset?: number }) =>
      readers.captures(readable(collection), url, { match, limit: Math.min(limit ?? LOOKUP_DEFAULT, LOOKUP_MAX), offset });
  }

  function settings(): Settings {
    const s = registry.settings;
    return {
      allowedRoots: access.roots(),
      commandLineRoots,
      theme: s.theme,
      lastCollection: s.lastCollection,
      textBackend: s.textBackend,
      timeZone: s.timeZone,
      maxTextMb: s.maxTextMb,
      textMeasurement: s.textMeasurement,
    };
  }

  const handlers: CollectionHandlers = {
    'collections.list': () => registry.collections.map(summary),

    'collections.create': ({ name }) => summary(registry.create(name)),

    'collections.get': ({ collection }): CollectionDetail => {
      const e = registry.find(collection);
      const detail: CollectionDetail = { ...summary(e), fileList: fileList(e), ingest: ingestState(e) };
      // The UI asks this as it opens the collection: the search threads get ready while the user types. Not awaited,
      // and a failure here is the first search's to report (it opens the same connection, by the same path).
      readers.open(db(e).path).catch(() => undefined);
      return detail;
    },

    'collections.rename': ({ collection, to }) => summary(registry.rename(collection, to)),

    'collections.delete': async ({ collection }) => {
      const e = registry.find(collection);
      notWhileIngesting(e);
      closeDb(e);
      await readers.forget(dbPath(e));
      registry.remove(collection);
      for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath(e) + suffix, { force: true });
      return { deleted: collection };
    },

    'collections.diskUsage': ({ collection }) => {
      const e = registry.find(collection);
      return { databaseBytes: diskBytes(e), archiveBytes: e.files.reduce((n, f) => n + sizeOf(f), 0) };
    },

    'files.add': ({ collection, paths }) => {
      const e = registry.find(collection);
      for (const p of paths) {
        if (!existsSync(p)) throw new CodedError('file-not-found', `“${p}” does not exist.`, p);
        access.check(p);
      }
      const found = expandPaths(paths);
      if (found.length === 0) {
        throw new CodedError('not-an-archive', `No WARC, ARC or WACZ files in ${paths.map((p) => `“${p}”`).join(', ')}.`, paths[0]);
      }
      // Said now, from the first bytes, rather than as a failure at ingest: what the file is instead.
      const refused = found.flatMap((f) => {
        const what = notAnArchive(f);
        return what ? [{ path: f, what }] : [];
      });
      const said = (r: { path: string; what: string }) => `“${basename(r.path)}”: ${r.what}, not an archive`;
      if (refused.length === found.length) {
        const more = refused.length > 1 ? ` (and ${refused.length - 1} more such file${refused.length > 2 ? 's' : ''})` : '';
        throw new CodedError('not-an-archive', `${said(refused[0])}${more}. Add WARC (.warc, .warc.gz), ARC or WACZ files.`, refused[0].path, 0);
      }
      if (refused.length > 0) notice(e, 'warn', `not added: ${refused.slice(0, 5).map(said).join('; ')}${refused.length > 5 ? `; ${refused.length - 5} more` : ''}.`);
      const skip = new Set(refused.map((r) => r.path));
      const have = new Set(e.files);
      for (const f of found) if (!have.has(f) && !skip.has(f)) e.files.push(f);
      registry.save();
      return fileList(e);
    },

    'files.remove': ({ collection, paths }) => {
      const e = registry.find(collection);
      notWhileIngesting(e);
      const drop = new Set(paths.map((p) => resolve(p)));
      const c = writable(e);
      e.files = e.files.filter((f) => !drop.has(f));
      registry.save();
      for (const p of drop) c.forgetFile(p);
      forgetReads(e);
      return fileList(e);
    },

    'files.relink': ({ collection, from, to }) => {
      const e = registry.find(collection);
      notWhileIngesting(e);
      const src = resolve(from);
      const dst = resolve(to);
      if (!e.files.includes(src)) throw new CodedError('file-not-found', `“${from}” is not in “${collection}”.`, from);
      if (!existsSync(dst)) throw new CodedError('file-not-found', `“${to}” does not exist.`, to);
      access.check(dst);
      const c = writable(e);
      const row = c.fileByPath(src);
      const size = sizeOf(dst);
      if (row) {
        // Same content (size and first/last MB): keep the index and point it at the new place; else redo the file.
        const same = row.size === size && row.fingerprint === fingerprint(dst, size);
        if (same) c.moveFile(src, dst, Math.floor(statSync(dst).mtimeMs));
        else c.forgetFile(src);
        forgetReads(e);
      }
      e.files = e.files.map((f) => (f === src ? dst : f));
      registry.save();
      return fileList(e);
    },

    'ingest.start': ({ collection, workers, backend = 'cpu', mode = 'new' }) => {
      const e = registry.find(collection);
      const existing = running.get(e.db);
      if (existing) return ingestState(e);
      writable(e);
      if (workers !== undefined && (workers < 1 || workers > MAX_WORKERS)) {
        throw new CodedError('bad-request', `workers must be from 1 to ${MAX_WORKERS}, not ${workers}`);
      }
      const renderer = extractors.renderer();
      // Said at once rather than after the first batch: the user asked for something this engine cannot do now.
      if (backend === 'gpu' && renderer === null) throw new CodedError('no-gpu-extractor', NO_GPU_FOR_INGEST);
      const controller = new AbortController();
      // 'auto' uses what was measured on this machine and renderer; with no such measurement the run extracts on
      // the CPU (no GPU is used unmeasured) while the two are measured beside it (text-choice.ts).
      const remembered = backend === 'auto' && renderer !== null ? measurementFor(registry.settings.textMeasurement, machine, renderer) : null;
      const measureNow = backend === 'auto' && renderer !== null && !remembered;
      const uses = backend === 'auto' ? (remembered?.choice ?? 'cpu') : backend;
      const text: IngestTextStatus = {
        requested: backend, choice: uses, cpuMBps: remembered?.cpuMBps ?? null, gpuMBps: remembered?.gpuMBps ?? null,
        note: backend === 'auto' && renderer === null ? NO_GPU_NOTE : null,
        ...(measureNow ? { measuring: true } : {}), ...(remembered ? { measuredAt: remembered.measuredAt } : {}),
      };
      const state: IngestState = { running: true, progress: null, stopped: null, text };
      lastRun.set(e.db, state);
      const notice = (level: 'info' | 'warn', message: string) =>
        ctx.events.emit('engine.notice', { level, message: `Ingest of “${e.name}”: ${message}` });
      if (backend === 'auto') notice('info', `text backend ${textLine(text)}`);
      if (measureNow) {
        void measureText(renderer, (m) => notice('warn', m)).then((m) => {
          Object.assign(text, { measuring: false, note: m ? null : 'the GPU could not be measured; the CPU extracts the text' });
          if (m) Object.assign(text, { cpuMBps: m.cpuMBps, gpuMBps: m.gpuMBps, measuredAt: m.measuredAt });
          notice('info', `text backend ${textLine(text)}${m?.choice === 'gpu' ? ': the GPU measured faster and is used from the next ingest on' : ''}`);
          // The clients re-read the collection on progress: the status line ends with the measurement, also after the run.
          if (state.progress) ctx.events.emit('ingest.progress', state.progress);
        });
      }
      // The CPU path is the default one: the CPU extractor inside the ingest workers.
      const textOption: IngestTextOptions | undefined = uses === 'cpu' ? undefined : {
        kind: 'gpu',
        gpu: async () => extractors.backend((m) => notice('warn', m)),
        onChoice: (c) => {
          if (backend === 'gpu') Object.assign(text, c);
          notice('info', `text backend ${textLine(text)} on ${extractors.renderer() ?? 'a GPU'}`);
        },
      };
      const meter = telemetry.ingestMeter(e.name);
      // On a thread of its own, writer and all: this thread keeps answering requests at once while it runs. Its span
      // is the root of the ingest's stages in every thread (the caller's trace, when the UI sent one).
      const ingestSpan = { collection: e.name, files: e.files.length, backend, mode };
      const done = (rebuilding.get(e.db) ?? Promise.resolve()).then(() => withSpan('ingest.collection', ingestSpan, () => ingestInThread(dbPath(e), [...e.files], {
        workers,
        ingestNice: INGEST_NICE,
        onErrors: meter.errors,
        maxTextBytes: registry.settings.maxTextMb * MB,
        signal: controller.signal,
        text: textOption,
        reextract: mode === 'reextract',
        onProgress: (p) => {
          const named = { ...p, collection: e.name };
          state.progress = named;
          meter.progress(p);
          ctx.events.emit('ingest.progress', named);
        },
      }).then((s) => {
        annotate({ records: s.records, pages: s.pages, bytes: s.bytes, errors: s.errors, filesIndexed: s.filesIndexed, cancelled: s.cancelled });
        return s;
      })))
        .then((s) => {
          if (s.cancelled) state.stopped = 'cancelled';
        })
        .catch((err: unknown) => {
          state.stopped = err instanceof Error ? err.message : String(err);
          ctx.events.emit('engine.notice', { level: 'error', message: `Ingest of “${e.name}” stopped: ${state.stopped}` });
        })
        .finally(() => {
          state.running = false;
          meter.end();
          running.delete(e.db);
          // A last event so every client sees the run end, also when it was cancelled before any progress.
          if (state.progress) ctx.events.emit('ingest.progress', state.progress);
        });
      running.set(e.db, { controller, done });
      return state;
    },

    'ingest.cancel': async ({ collection }) => {
      const e = registry.find(collection);
      const r = running.get(e.db);
      if (r) {
        r.controller.abort();
        await r.done;
      }
      return ingestState(e);
    },

    'ingest.errors': ({ collection, file, limit, offset }) =>
      coll(collection)
        .errors({ file, limit: Math.min(limit ?? 1000, 10_000), offset })
        .map(({ file: f, offset: o, code, message }) => ({ file: f, offset: o, code, message })),

    'search.query': async ({ collection, q, sort, limit, offset }) => {
      annotate({ collection, ...telemetry.queryAttribute(q) });
      const r = await readers.search(readable(collection), q, { sort, limit: Math.min(limit ?? 50, SEARCH_PAGE_MAX), offset });
      annotate({ plan: r.plan, hits: r.hits.length });
      engineMetrics().searchDuration.record(r.tookMs / 1000, { plan: r.plan });
      return { hits: r.hits.map(toHitView), tookMs: r.tookMs };
    },

    'search.facets': ({ collection, q }) => {
      annotate({ collection, ...telemetry.queryAttribute(q) });
      return readers.facets(readable(collection), q);
    },

    'captures.byUrl': lookup('exact'),
    'captures.byPrefix': lookup('prefix'),
    'captures.byHost': lookup('host'),

    'captures.timeline': ({ collection, url }) => readers.captures(readable(collection), url, { match: 'exact', limit: LOOKUP_MAX, byTime: true }),

    'record.text': ({ collection, captureId }) => readers.text(readable(collection), captureId),

    'record.diff': ({ collection, a, b }) => readers.diff(readable(collection), a, b),

    'stats.get': async ({ collection, q }) => {
      if (q === undefined) return { scope: 'collection', ...(await collectionStats(registry.find(collection))) };
      const f = (await readers.facets(readable(collection), q)).facets;
      return { scope: 'query', mime: f.mime, status: f.status, hosts: f.site, months: [], years: [...f.year].sort((x, y) => x.value.localeCompare(y.value)) };
    },

    'export.results': ({ collection, q, format, sort, limit }) => withSpan('export.results', { collection, format, ...telemetry.queryAttribute(q) }, async () => {
      const path = readable(collection);
      const want = Math.min(limit ?? EXPORT_MAX, EXPORT_MAX);
      const lines: string[] = format === 'csv' ? ['title,url,timestamp,status,mime,captures,snippet,file,offset,length,tags,page_note,capture_note'] : [];
      const labels = coll(collection).labelIndex();
      let rows = 0;
      while (rows < want) {
        const page = (await readers.search(path, q, { sort, limit: Math.min(SEARCH_PAGE_MAX, want - rows), offset: rows })).hits;
        for (const h of page) {
          const row = {
            title: h.title,
            url: h.url,
            timestamp: h.timestamp,
            status: h.capture.status,
            mime: h.capture.mime,
            captures: h.captureCount,
            snippet: plainSnippet(h.snippet),
            file: h.capture.file,
            offset: h.capture.offset,
            length: h.capture.length,
          };
          const l = labels.capture(h.capture);
          lines.push(format === 'csv'
            ? [...Object.values(row), l.tags.join(' '), l.pageNote, l.captureNote].map(csvCell).join(',')
            : JSON.stringify({ ...row, ...l }));
        }
        rows += page.length;
        if (page.length < SEARCH_PAGE_MAX) break;
      }
      const truncated = rows >= want && (await readers.search(path, q, { sort, limit: 1, offset: rows })).hits.length > 0;
      const result: ExportResult = { format, rows, truncated, content: lines.join('\n') + (lines.length ? '\n' : '') };
      annotate({ rows, truncated, bytes: result.content.length });
      return result;
    }),

    'settings.get': () => settings(),

    'settings.update': ({ theme, lastCollection, addRoot, confirmCode, removeRoot, textBackend, timeZone, maxTextMb, remeasureText }) => {
      const s = registry.settings;
      if (remeasureText) s.textMeasurement = null;
      if (maxTextMb !== undefined) {
        if (!isMaxTextMb(maxTextMb)) throw new CodedError('bad-request', `maxTextMb must be a whole number of MB from 1 to 4096, not ${maxTextMb}`);
        s.maxTextMb = maxTextMb;
      }
      if (theme) s.theme = theme;
      if (textBackend) s.textBackend = textBackend;
      if (timeZone) s.timeZone = timeZone;
      if (lastCollection !== undefined) s.lastCollection = registry.find(lastCollection).name;
      if (addRoot) {
        let isDir = false;
        try {
          isDir = statSync(addRoot).isDirectory();
        } catch {
          // reported below
        }
        if (!isDir) throw new CodedError('file-not-found', `“${addRoot}” is not a folder.`, addRoot);
        const root = access.confirmRoot(addRoot, confirmCode);
        if (!s.allowedRoots.includes(root)) s.allowedRoots.push(root);
      }
      if (removeRoot) s.allowedRoots = s.allowedRoots.filter((r) => r !== resolve(removeRoot));
      registry.save();
      return settings();
    },

    'fs.browse': ({ path }) => browse(access.roots(), path),
  };

  return {
    handlers,
    access,
    collection: coll,
    db: { read: coll, write: (name) => writable(registry.find(name)) },
    openCount: () => open.size,
    /** Cancels running ingests and waits for them (their threads hold connections of their own), ends the reader
     *  threads, and closes the databases last: the last connection to close checkpoints the WAL and removes it, which a
     *  reader's read-only connection cannot. */
    async close() {
      const runs = [...running.values()];
      for (const r of runs) r.controller.abort();
      await Promise.allSettled(runs.map((r) => r.done));
      await readers.close();
      for (const c of open.values()) c.close();
      open.clear();
    },
  };
}
