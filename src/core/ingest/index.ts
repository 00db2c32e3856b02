// Ingest: archive files -> a collection. Files are spread over worker threads (parse, decode, extract, dedupe); one
// writer in this thread commits their batches, one transaction each. Resumable: a file already indexed with the same
// size, mtime and fingerprint is skipped; a file left 'indexing' by an interrupted run is cleared and redone.
// With IngestOptions.text the workers send decoded HTML instead, and this thread extracts it through an async text
// backend (a client's GPU, or the CPU when 'auto' finds that faster) before writing.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { IngestErrorRow, IngestProgress } from '../../shared/records.js';
import { DEFAULT_MAX_TEXT_MB, MB } from '../extract/bound.js';
import { chooseBackend, type TextBackend } from '../extract-gpu/index.js';
import { SAMPLE_CHARS } from '../extract-gpu/sample.js';
import { Collection, type ShardRows, type TraceHook } from '../store/index.js';
import { openSpan, tracing, withSpan, type OpenSpan } from '../telemetry/index.js';
import { adoptSpans } from '../telemetry/sink.js';
import { endThread, startThread } from '../threads.js';
import { defaultShardCount, FtsShardPool, shardDir } from './shards.js';
import { DEFAULT_DOCUMENT_TIMEOUT_MS } from '../documents/index.js';
import { openArchive } from '../warc/index.js';
import { forcedThreadsFromBytes, windowsOf } from '../warc/parallel.js';
import {
  CANCEL, CREDITS, SEND_HTML, SHARED_SLOTS, type FileWindow, type FromWorker, type ReadResume, type ToWorker, type WindowEdges, type WorkerInit,
} from './protocol.js';
import { textRow } from './rows.js';

/** What the pool chose to extract text with, and the figures it chose on. */
export interface IngestTextChoice {
  choice: 'cpu' | 'gpu';
  /** MB/s of decoded text on the sample (millions of UTF-16 code units a second); gpuMBps is null when not measured. */
  cpuMBps: number;
  gpuMBps: number | null;
  /** Why the GPU was not measured under 'auto' (its backend could not be had), else null. */
  note: string | null;
}

export interface IngestTextOptions {
  /** 'gpu': every page through `gpu`. 'auto': the CPU extractor and `gpu` are measured on the same first pages and
   *  the faster is kept; when that is the CPU, the workers go back to extracting pages themselves. */
  kind: 'gpu' | 'auto';
  /** Gives the GPU backend, or throws a GpuBackendError when there is none ('gpu' then fails the run, 'auto' keeps
   *  the CPU). */
  gpu: () => Promise<TextBackend>;
  /** Told once, when the backend is chosen (the choice is also on an 'extract.choose-backend' span). */
  onChoice?: (c: IngestTextChoice) => void;
}

export interface IngestOptions {
  /** Worker threads; default the number of cores (availableParallelism). Honoured as given up to MAX_WORKERS, and never
   *  more than the files to read; more than MAX_WORKERS is an error rather than a silent cap. */
  workers?: number;
  /** The nice level of the ingest's threads (lowerThreadPriority in threads.ts): its workers, and the writer thread
   *  when ingestInThread runs it; absent, they keep the caller's. The engine sets it so that its search threads go
   *  first; the CLI answers nobody meanwhile and leaves it. */
  ingestNice?: number;
  signal?: AbortSignal;
  /** Called after every committed batch and every finished file. */
  onProgress?: (p: IngestProgress) => void;
  /** Telemetry seam: wraps each batch commit and statement (default: a span each, telemetry/index.ts withSpan). */
  trace?: TraceHook;
  /** Told the problems of every committed batch, counted by code (the engine's errors-by-code metric). */
  onErrors?: (codes: Record<string, number>) => void;
  /** Records per batch (default 500) and approximate text bytes per batch (default 4 MB). */
  batchRecords?: number;
  batchBytes?: number;
  /** Payload bytes text extraction reads at most (default DEFAULT_MAX_TEXT_MB); a longer payload's text is taken from
   *  its start and a 'payload-truncated-for-text' problem is stored. */
  maxTextBytes?: number;
  /** How long one document's text extraction (a PDF's) may take, in ms (default DEFAULT_DOCUMENT_TIMEOUT_MS): past it,
   *  the text of the pages read so far is kept and a 'document-timeout' problem stored. */
  documentTimeoutMs?: number;
  /** Caps each worker's JavaScript heap, in MB (resourceLimits.maxOldGenerationSizeMb); absent, V8's default. A worker
   *  that reaches it is stopped by Node, and that costs only the record it was reading: a 'record-stopped-worker'
   *  problem there, and a new worker reads on after it (IngestPool.onExit). */
  workerHeapMb?: number;
  /** Extract page text through an async backend in this thread; absent, the workers extract it on the CPU (the
   *  fastest way on a machine without a fast GPU: no page crosses a thread twice). */
  text?: IngestTextOptions;
  /** A WARC (plain or gzip per record) at least this large, and the run's long pole (LONG_POLE: one worker reading it
   *  whole would finish well after the others), is read in windows of about this many bytes by as many workers as
   *  are free (default WINDOW_BYTES; ARCHIVESTREAM_THREADS_FROM_MB, in MB, overrides the default, as it does for the
   *  reading side's threads in warc/parallel.ts). */
  windowBytes?: number;
  /** Extract every page again (after the extractor changed, e.g. pages stored before main content was extracted):
   *  unchanged files are read too, and a page already stored is replaced by its new extraction. A file no longer
   *  where it was keeps its index (skipped) instead of being recorded as missing. */
  reextract?: boolean;
  /** Threads writing the pages' full-text index in shards beside the writer (shards.ts; 0: the writer indexes every
   *  page itself). Default defaultShardCount(workers): none up to 4 workers. */
  ftsShards?: number;
  /** Rows a shard takes before it is sealed and adopted (default SEAL_EVERY in shards.ts). */
  ftsShardRows?: number;
}

export interface IngestSummary {
  /** Archive files found; of them indexed now, skipped as unchanged, failed as a whole. */
  files: number;
  filesIndexed: number;
  filesSkipped: number;
  filesFailed: number;
  /** Records and errors stored by this run; pages added by this run. */
  records: number;
  pages: number;
  /** Pages whose text came from a WACZ's own full-text index or pages.jsonl instead of being extracted again. */
  textsFromPackage: number;
  /** Windows large files were read in by several workers (IngestOptions.windowBytes; 0: every file read whole), and
   *  files whose windows were found not to read as one pass would, and read again whole. */
  windows: number;
  filesReadAgain: number;
  /** Shards of the pages' index this run wrote (IngestOptions.ftsShards), and pages a run before it that died left
   *  out of the index and this run indexed first (Collection.recoverFtsShards). */
  ftsShards: number;
  pagesRecovered: number;
  errors: number;
  bytes: number;
  seconds: number;
  /** True when the signal stopped the run; files cut off are redone by the next run. */
  cancelled: boolean;
  /** Files that changed on disk while they were read (counted in filesFailed; the next run indexes them again): where
   *  the change was seen, and what changed. */
  changed: Array<{ path: string; offset: number; message: string }>;
}

const ARCHIVE_NAME = /\.(warc|arc)(\.gz)?$|\.wacz$/i;
/** A bound on `workers` against typing mistakes (`--workers 1000`), not a tuning: each worker holds a few batches of
 *  rows, and past the cores they only take turns. The writer's cost per page (bench/ingest/stages.ts) sets how many
 *  workers one writer keeps up with; see ARCHITECTURE.md, Ingest. */
export const MAX_WORKERS = 256;

/** The worker count a run uses: `asked` (default: the machine's cores), no more than there are files. */
export function workerCount(asked: number | undefined, files: number): number {
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1 || asked > MAX_WORKERS)) {
    throw new RangeError(`workers must be a whole number from 1 to ${MAX_WORKERS}, not ${asked}`);
  }
  return Math.max(1, Math.min(asked ?? availableParallelism(), files));
}
/** The default IngestOptions.windowBytes. A window costs a worker little (no thread of its own: it opens the file
 *  again and looks for the cut) and the writer a row per page in a table of its own (Collection.writeBatch's
 *  `window`); a payload met in two windows is extracted twice (each window dedupes its own). Only a file that would
 *  otherwise be the run's last to finish is cut, so these costs are paid only where a worker would sit idle. */
export const WINDOW_BYTES = 64 << 20;
/** A file is the run's long pole when it is this many times what each other worker has to read of the other files:
 *  among files of about one size (a crawl's 1 GB WARCs) none is cut, since every worker is busy anyway. */
const LONG_POLE = 1.5;

function windowBytesOf(opts: IngestOptions): number {
  return opts.windowBytes ?? forcedThreadsFromBytes() ?? WINDOW_BYTES;
}

/** Batches a worker may have in flight: enough to keep it busy while the writer commits, little memory. */
const CREDITS_PER_WORKER = 4;
/** How long a retired worker has to end on its own: it checks CANCEL at every record, so only a stuck one takes it. */
const RETIRE_GRACE_MS = 5000;
/** Records of one read a stopped worker may cost before the read gives up on the rest: each costs a new worker and a
 *  read again from the read's start up to it (IngestPool.onExit). */
const MAX_RECORDS_LEFT_OUT = 16;
const FINGERPRINT_SPAN = 1 << 20;

/** Folders expanded recursively to archive files (by name); files named explicitly are taken as they are. */
export function expandPaths(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && ARCHIVE_NAME.test(e.name)) out.add(p);
    }
  };
  for (const raw of paths) {
    const p = resolve(raw);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // a missing path is reported as the file's error by ingest
    }
    if (isDir) walk(p);
    else out.add(p);
  }
  return [...out];
}

/** Content fingerprint: SHA-1 of the size and the first and last MB. Cheap on huge files, and catches a file
 *  replaced by another of the same size and mtime (copied archives keep their mtime). */
export function fingerprint(path: string, size: number): string {
  const h = createHash('sha1').update(String(size));
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, FINGERPRINT_SPAN));
    readSync(fd, head, 0, head.length, 0);
    h.update(head);
    if (size > FINGERPRINT_SPAN) {
      const tail = Buffer.alloc(Math.min(size - FINGERPRINT_SPAN, FINGERPRINT_SPAN));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      h.update(tail);
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

interface FileTask {
  path: string;
  size: number;
  mtime: number;
  fingerprint: string;
  fileId?: number;
  /** 'ingest.file', from the file's start on a worker to its end. */
  span?: OpenSpan;
  /** Bytes read, records seen, and captures, pages and errors stored, over all its reads. */
  bytesDone: number;
  records: number;
  captures: number;
  pages: number;
  errors: number;
  /** A file read in windows: its problems by code, told to IngestOptions.onErrors when it ends, since a file whose
   *  windows do not join is read again and meets them again. */
  heldCodes?: Record<string, number>;
  state: IngestProgress['files'][number]['state'];
  /** What a worker reads of it: the whole file, or its windows (planReads); the file ends when the last of them does,
   *  as `outcome` says ('done' unless a read failed or found the file changed). */
  reads: ReadTask[];
  readsLeft: number;
  outcome: 'done' | 'error' | 'changed';
  format?: string;
}

/** What one worker reads of a file at a time: the whole file (window null) or one window of it. `part`: the window's
 *  place in the file (Collection.writeBatch's `window`: which window's page of a payload is kept). */
interface ReadTask {
  file: FileTask;
  window: FileWindow | null;
  part?: number;
  bytesDone: number;
  records: number;
  /** A window's edges as its worker saw them (null until it ends, or when it could not be read). */
  edges: WindowEdges | null;
  ended?: boolean;
  /** Set once a worker stopped on one of its records: where the next worker takes it up (IngestPool.onExit). */
  resume?: ReadResume;
}

/** The reads of a file for `workers` workers sharing `runBytes`: windows of about `windowBytes` bytes, at least one
 *  per worker, cut where warc/parallel.ts cuts a file (at a record whose target URI differs from the one before, so
 *  that a request and its response stay together), when the file is a WARC, plain or gzip per record, of at least
 *  windowBytes and the run's long pole; else the whole file. */
function planReads(t: FileTask, workers: number, runBytes: number, windowBytes: number): ReadTask[] {
  const whole = (): ReadTask[] => [{ file: t, window: null, bytesDone: 0, records: 0, edges: null }];
  if (workers < 2 || t.size < windowBytes || t.size <= (LONG_POLE * (runBytes - t.size)) / (workers - 1)) return whole();
  let gzip;
  try {
    const file = openArchive(t.path, { onProblem: () => {} });
    gzip = file.compression === 'gzip-members';
    const cuttable = file.format === 'warc' && (gzip || file.compression === 'none');
    file.close();
    if (!cuttable) return whole();
  } catch {
    return whole(); // its worker says what is wrong with it
  }
  const windows = windowsOf(t.path, t.size, Math.max(workers, Math.round(t.size / windowBytes)), 'cdxj', gzip);
  if (windows.length < 2) return whole();
  return windows.map((w, part) => ({
    file: t, window: { start: w.start, end: w.end, fileSize: t.size }, part, bytesDone: 0, records: 0, edges: null,
  }));
}

/** Whether a file's windows, each read on its own, gave exactly the rows one pass over the file gives: each window
 *  after the first starts with a record where it starts, each before the last ends with a record where it ends and met
 *  no record cut short (its end may have cut it, where one pass reads on), and no cut falls between two records of one
 *  target URI (a request and its response make one capture key). Damage inside a window is met by one pass alike: the
 *  reader resynchronises at the next record, at the latest the next window's first. This is checkWindows's rule
 *  (warc/parallel.ts) less its refusal of any problem, which would read every damaged large file twice. */
function windowsJoin(reads: readonly ReadTask[]): boolean {
  return reads.every((r, k) => {
    const e = r.edges;
    if (!e || !r.window) return false;
    if (k + 1 < reads.length && (e.cutShort || e.last?.end !== r.window.end)) return false;
    return k === 0 || (e.first?.offset === r.window.start && reads[k - 1].edges!.last!.uri !== e.first.uri);
  });
}

export async function ingestCollection(dbPath: string, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const t0 = performance.now();
  const coll = Collection.open(dbPath, { trace: opts.trace ?? withSpan });
  const summary: IngestSummary = {
    files: 0, filesIndexed: 0, filesSkipped: 0, filesFailed: 0, records: 0, pages: 0, textsFromPackage: 0, windows: 0, filesReadAgain: 0,
    ftsShards: 0, pagesRecovered: 0, errors: 0, bytes: 0, seconds: 0,
    cancelled: false, changed: [],
  };
  // Before anything is written: pages a sharded run that died stored but never indexed, and its shards' files.
  summary.pagesRecovered = withSpan('ingest.recover', {}, () => coll.recoverFtsShards());
  rmSync(shardDir(dbPath), { recursive: true, force: true });
  const pagesBefore = coll.counts().pages;
  let replaced = false;
  let deferred = false;
  const tasks: FileTask[] = [];
  const scan = openSpan('ingest.scan', { paths: paths.length });
  try {
    for (const path of expandPaths(paths)) {
      summary.files++;
      let st;
      try {
        st = statSync(path);
        if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not-an-archive' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file-not-found' : 'not-an-archive';
        if (opts.reextract && code === 'file-not-found' && coll.fileByPath(path)) {
          summary.filesSkipped++;
          continue;
        }
        coll.fileError({ path, size: 0, mtime: 0, fingerprint: '' }, code, `${path}: ${(e as Error).message}`);
        summary.filesFailed++;
        summary.errors++;
        continue;
      }
      const task: FileTask = {
        path, size: st.size, mtime: Math.floor(st.mtimeMs), fingerprint: fingerprint(path, st.size), bytesDone: 0,
        records: 0, captures: 0, pages: 0, errors: 0, state: 'pending', reads: [], readsLeft: 0, outcome: 'done',
      };
      const old = coll.fileByPath(path);
      if (!opts.reextract && old && (old.status === 'done' || old.status === 'error') && old.size === task.size &&
          old.mtime === task.mtime && old.fingerprint === task.fingerprint) {
        summary.filesSkipped++;
        continue;
      }
      if (old && old.status !== 'indexing') replaced = true;
      tasks.push(task);
    }
    scan.end({ files: summary.files, toIndex: tasks.length, skipped: summary.filesSkipped });
    // Largest first, so two workers finish close together.
    tasks.sort((a, b) => b.size - a.size);
    if (tasks.length > 0 && !opts.signal?.aborted) {
      // Defer the capture indexes when this run adds at least as many captures as the collection holds (a record
      // per 4 KB is a high estimate): rebuilding them over the old rows then costs less than it saves.
      const bytesTotal = tasks.reduce((s, t) => s + t.size, 0);
      if (coll.counts().captures <= bytesTotal / 4096) {
        coll.deferCaptureIndexes();
        deferred = true;
      } else {
        coll.ensureCaptureIndexes(); // an earlier run that deferred them may have died before building them
      }
      const endCheckpoints = coll.checkpointInBackground();
      try {
        await withSpan('ingest.pool', { files: tasks.length, bytes: bytesTotal }, () => new IngestPool(coll, tasks, opts, summary).run());
      } finally {
        await withSpan('ingest.checkpoint', {}, endCheckpoints);
      }
      if (deferred) withSpan('ingest.indexes', {}, () => coll.ensureCaptureIndexes());
    } else if (!opts.signal?.aborted && coll.indexDebt() === 'abandoned') {
      coll.ensureCaptureIndexes(); // a run killed after its last file, before building them, left them owed
    }
    if (opts.signal?.aborted) summary.cancelled = true;
    if (replaced && !summary.cancelled) coll.prunePages();
    summary.pages = coll.counts().pages - pagesBefore;
    // A bulk run (the one that deferred the capture indexes) pays once for a merged full-text index.
    if (deferred && summary.filesIndexed > 0 && !summary.cancelled) withSpan('ingest.optimize', {}, () => coll.optimizeSearchIndex());
    if (summary.filesIndexed > 0) withSpan('ingest.analyze', {}, () => coll.analyze());
    // After the merge, so that a whole build reads each word's doclist from one segment.
    if (summary.filesIndexed > 0 && !summary.cancelled) withSpan('ingest.words', {}, () => coll.refreshWordList());
  } finally {
    try {
      if (deferred) coll.ensureCaptureIndexes();
    } finally {
      coll.close();
    }
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

function addCodes(codes: Record<string, number>, errors: readonly { code: string }[]): Record<string, number> {
  for (const e of errors) codes[e.code] = (codes[e.code] ?? 0) + 1;
  return codes;
}

/** One worker thread of the pool. 'starting' until its first message (one that exits before then cannot load its
 *  entry, and neither would a replacement), 'ready' between reads, 'indexing' its `task`, 'retired' once told to
 *  exit or gone. */
interface PoolWorker {
  thread: Worker;
  shared: Int32Array;
  /** WorkerInit.reading: the offset of the record it is reading, -1 between records. */
  reading: Float64Array;
  state: 'starting' | 'ready' | 'indexing' | 'retired';
  task: ReadTask | null;
  /** Its messages are handled one after another, in order, also while a batch awaits its text. */
  chain: Promise<void>;
  /** Why it stopped, should it stop on its own: its error, else its exit code. */
  failure: string | null;
}

/** Where page text is extracted. Without IngestOptions.text the workers do it ('in-workers'). With it they send
 *  decoded HTML: the first batch holding pages is the sample the backend is chosen on ('awaiting-sample', then
 *  'choosing'), and the chosen backend extracts every page ('through-backend'), unless 'auto' chose the CPU: the
 *  workers then go back to extracting pages themselves, and batches they sent as HTML before the switch are extracted
 *  here by the CPU backend ('back-to-workers'). */
type TextStage =
  | { name: 'in-workers' }
  | { name: 'awaiting-sample'; options: IngestTextOptions }
  | { name: 'choosing'; chosen: Promise<TextBackend> }
  | { name: 'through-backend'; backend: TextBackend }
  | { name: 'back-to-workers'; backend: TextBackend };

/** The worker threads, the single writer (this thread) and, with IngestOptions.text, the text backend. The pool is
 *  'running' until every file is done, the signal aborts it or something fails; it then stops every thread and
 *  closes the backend, and only then does run() settle. */
class IngestPool {
  private state: 'running' | 'stopping' = 'running';
  private text: TextStage;
  private readonly queue: ReadTask[];
  private readonly workers = new Set<PoolWorker>(); // not retired
  private readonly exits: Promise<void>[] = [];
  private readonly byId = new Map<number, FileTask>();
  private readonly progress: ProgressMeter;
  private settle: (error?: unknown) => void = () => {};
  /** The shards of the pages' index, when this run writes it in shards (IngestOptions.ftsShards). */
  private shards: FtsShardPool | null = null;

  constructor(
    private readonly coll: Collection,
    private readonly tasks: FileTask[],
    private readonly opts: IngestOptions,
    private readonly summary: IngestSummary,
  ) {
    // The reads in file order, largest file first; a large file's windows may go to several workers at once.
    const workers = workerCount(opts.workers, Number.MAX_SAFE_INTEGER);
    const windowBytes = windowBytesOf(opts);
    const runBytes = tasks.reduce((n, t) => n + t.size, 0);
    for (const t of tasks) {
      t.reads = planReads(t, workers, runBytes, windowBytes);
      t.readsLeft = t.reads.length;
    }
    this.queue = tasks.flatMap((t) => t.reads);
    summary.windows = this.queue.filter((r) => r.window).length;
    this.text = opts.text ? { name: 'awaiting-sample', options: opts.text } : { name: 'in-workers' };
    this.progress = new ProgressMeter(coll.path, tasks, opts.onProgress);
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
      this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
      // The files queued, before any worker has read a byte: a client shows the run from its first moment.
      this.progress.report();
      const n = workerCount(this.opts.workers, this.queue.length);
      const shards = this.opts.ftsShards ?? defaultShardCount(n);
      if (shards > 0) {
        this.coll.beginFtsShards();
        this.shards = new FtsShardPool(this.coll, shards, this.opts.ingestNice ?? null, this.opts.ftsShardRows);
        this.summary.ftsShards = shards;
      }
      for (let i = 0; i < n; i++) this.spawn();
    });
  }

  private readonly onAbort = (): void => this.stop();

  /** Cancels and ends every thread; settles once they are all gone and the text backend is closed: nothing may
   *  outlive the ingest (CONTRIBUTING.md, 'Own what you start'). A backend still being chosen closes itself when the
   *  choice is made (chooseText). */
  private stop(error?: unknown): void {
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    for (const w of this.workers) {
      Atomics.store(w.shared, CANCEL, 1);
      Atomics.notify(w.shared, CREDITS);
      this.retire(w);
    }
    void Promise.allSettled(this.exits)
      .then(() => this.closeShards(error))
      .then((shardError) => {
        error ??= shardError;
        return this.chosenBackend()?.close();
      })
      .catch(() => {}) // a backend that fails to close has nothing left to tell the ingest's caller
      .then(() => this.settle(error));
  }

  /** Adopts every shard (unless the run failed: its pages are indexed by the next run, recoverFtsShards) and ends
   *  their threads; what went wrong, if anything did. */
  private async closeShards(error: unknown): Promise<unknown> {
    if (!this.shards) return undefined;
    try {
      await this.shards.close(error === undefined);
      if (error === undefined) this.coll.endFtsShards();
      return undefined;
    } catch (e) {
      return e;
    }
  }

  /** Tells the worker to end (after its file, at once when the ingest was cancelled: it checks CANCEL at every
   *  record) and waits for it to; only a worker stuck past the grace is terminated (endThread says why). */
  private retire(w: PoolWorker): void {
    w.state = 'retired';
    this.workers.delete(w);
    w.thread.postMessage({ type: 'exit' } satisfies ToWorker);
    this.exits.push(endThread(w.thread, RETIRE_GRACE_MS));
  }

  private spawn(): void {
    const buffer = new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const shared = new Int32Array(buffer);
    shared[CREDITS] = CREDITS_PER_WORKER;
    shared[SEND_HTML] = this.workersSendHtml() ? 1 : 0;
    const reading = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT)).fill(-1);
    const workerData: WorkerInit = {
      shared: buffer, reading: reading.buffer as SharedArrayBuffer, batchRecords: this.opts.batchRecords ?? 500, batchBytes: this.opts.batchBytes ?? 4 << 20,
      maxTextBytes: this.opts.maxTextBytes ?? DEFAULT_MAX_TEXT_MB * MB,
      documentTimeoutMs: this.opts.documentTimeoutMs ?? DEFAULT_DOCUMENT_TIMEOUT_MS,
      nice: this.opts.ingestNice ?? null,
    };
    const w: PoolWorker = {
      thread: startThread('ingest-worker', new URL('./worker.ts', import.meta.url), {
        workerData, ...(this.opts.workerHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.opts.workerHeapMb } } : {}),
      }),
      shared, reading, state: 'starting', task: null, chain: Promise.resolve(),
      failure: null,
    };
    this.workers.add(w);
    w.thread.on('message', (m: FromWorker) => {
      if (w.state === 'starting') w.state = 'ready';
      this.inOrder(w, async () => {
        await this.extractHtml(m);
        await this.onMessage(w, m);
      });
    });
    w.thread.on('error', (e) => {
      w.failure = e.message;
    });
    // After the worker's last messages, which may still be waiting for their text.
    w.thread.on('exit', (code) => {
      w.failure ??= `exit code ${code}`;
      this.inOrder(w, () => this.onExit(w));
    });
  }

  private inOrder(w: PoolWorker, fn: () => void | Promise<void>): void {
    w.chain = w.chain.then(() => (this.state === 'stopping' ? undefined : fn())).catch((e: unknown) => this.stop(e));
  }

  private async onMessage(w: PoolWorker, msg: FromWorker): Promise<void> {
    adoptSpans(msg.spans);
    if (this.state === 'stopping') return;
    switch (msg.type) {
      case 'idle':
        this.nextRead(w);
        return;
      case 'batch': {
        const r = w.task!;
        const t = r.file;
        const shardRows: ShardRows | undefined = this.shards ? { added: [], replaced: [] } : undefined;
        const write = () => this.coll.writeBatch(msg, { replacePages: this.opts.reextract, window: r.part, shards: shardRows });
        if (t.span) t.span.run(write);
        else write();
        if (shardRows) {
          this.shards!.send(shardRows);
          await this.shards!.room();
        }
        Atomics.add(w.shared, CREDITS, 1);
        Atomics.notify(w.shared, CREDITS);
        const bytesDone = msg.bytesDone - (r.window?.start ?? 0);
        this.progress.records += msg.records - r.records;
        this.summary.records += msg.captures.length;
        this.summary.bytes += bytesDone - r.bytesDone;
        t.records += msg.records - r.records;
        t.bytesDone += bytesDone - r.bytesDone;
        t.captures += msg.captures.length;
        r.records = msg.records;
        r.bytesDone = bytesDone;
        t.pages += msg.pages.length;
        this.progress.pages += msg.pages.length;
        this.countErrors(t, msg.errors);
        this.progress.report();
        return;
      }
      case 'fileDone': {
        this.summary.textsFromPackage += msg.textsFromPackage;
        const r = this.release(w);
        r.file.format = msg.format;
        r.edges = msg.edges ?? null;
        await this.readEnded(r);
        return;
      }
      case 'fileFailed': {
        const offset = msg.offset ?? 0;
        const errors = [...msg.errors, { fileId: msg.fileId, offset, code: msg.code, message: msg.message }];
        this.coll.writeBatch({ fileId: msg.fileId, captures: [], pages: [], errors });
        const r = this.release(w);
        const t = r.file;
        this.countErrors(t, errors);
        if (msg.code === 'file-changed') {
          // Changed under one window, it is changed for all: the next run reads it again.
          if (t.outcome !== 'changed') this.summary.changed.push({ path: t.path, offset, message: msg.message });
          t.outcome = 'changed';
          this.dropQueued(t);
        } else if (!r.window) {
          t.outcome = 'error';
        } // else a window that would not open (its edges stay null): the file is read again in one pass
        await this.readEnded(r);
        return;
      }
    }
  }

  /** Gives a ready worker the next read (a file begins with its first), or retires it when there is none. */
  private nextRead(w: PoolWorker): void {
    const r = this.queue.shift();
    if (!r) {
      this.retire(w);
      if (this.workers.size === 0) this.stop();
      return;
    }
    const t = r.file;
    if (t.fileId === undefined) {
      t.fileId = this.coll.beginFile(t);
      t.state = 'indexing';
      if (tracing()) t.span = openSpan('ingest.file', { file: t.path, bytes: t.size, reads: t.reads.length });
      this.byId.set(t.fileId, t);
    }
    w.state = 'indexing';
    w.task = r;
    w.thread.postMessage({
      type: 'file', fileId: t.fileId, path: t.path, ...(r.window ? { window: r.window } : {}), ...(r.resume ? { resume: r.resume } : {}),
      traceparent: t.span?.traceparent,
    } satisfies ToWorker);
  }

  /** Takes a worker's finished read off it: the worker is ready for the next. */
  private release(w: PoolWorker): ReadTask {
    const r = w.task!;
    w.state = 'ready';
    w.task = null;
    return r;
  }

  /** A read of `r.file` has ended; the file ends with its last, unless its windows did not read as one pass would: then
   *  what they stored is dropped and the file is read again, whole, by the next free worker. */
  private async readEnded(r: ReadTask): Promise<void> {
    const t = r.file;
    r.ended = true;
    if (--t.readsLeft > 0) {
      // The pages of windows before the first still being read can no longer be replaced by an earlier one's. A
      // re-extraction keeps them all: one of its later windows may meet a payload an earlier one replaced.
      const first = t.reads.findIndex((x) => !x.ended);
      if (r.part !== undefined && first > 0 && !this.opts.reextract) this.coll.endWindows(t.fileId!, first);
      return;
    }
    if (t.outcome === 'done' && r.window && !windowsJoin(t.reads)) await this.readInOnePass(t);
    else this.endFile(t, t.outcome, t.format);
  }

  private async readInOnePass(t: FileTask): Promise<void> {
    // The windows' pages are dropped below (beginFile): none may be left in a shard, whose row would be adopted after.
    await this.shards?.flush();
    this.summary.filesReadAgain++;
    this.summary.records -= t.captures;
    this.summary.bytes -= t.bytesDone;
    this.progress.records -= t.records;
    this.progress.pages -= t.pages;
    this.progress.errors -= t.errors;
    this.summary.errors -= t.errors;
    t.heldCodes = undefined;
    this.coll.endWindows(t.fileId!);
    this.coll.beginFile(t); // drops the windows' captures, errors and the pages only they held; the id stays
    Object.assign(t, { bytesDone: 0, records: 0, captures: 0, pages: 0, errors: 0 });
    t.reads = [{ file: t, window: null, bytesDone: 0, records: 0, edges: null }];
    t.readsLeft = 1;
    this.queue.unshift(t.reads[0]);
  }

  /** Takes the file's reads still queued off the queue: it is not to be read further. */
  private dropQueued(t: FileTask): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].file === t) {
        this.queue.splice(i, 1);
        t.readsLeft--;
      }
    }
  }

  private endFile(t: FileTask, state: 'done' | 'error' | 'changed', format?: string): void {
    t.span?.end({ state, records: t.records, ...(format ? { format } : {}) }, state === 'done' ? undefined : state);
    t.state = state;
    this.coll.finishFile(t.fileId!, state, format);
    this.coll.endWindows(t.fileId!);
    if (t.heldCodes) this.opts.onErrors?.(t.heldCodes);
    t.heldCodes = undefined;
    if (state === 'done') this.summary.filesIndexed++;
    else this.summary.filesFailed++;
    this.progress.fileEnded(t);
  }

  /** Counts problems stored for `t`, and tells IngestOptions.onErrors their codes: at once for a file read whole, at
   *  its end for one read in windows (endFile). */
  private countErrors(t: FileTask, errors: readonly { code: string }[]): void {
    t.errors += errors.length;
    this.progress.errors += errors.length;
    this.summary.errors += errors.length;
    if (!this.opts.onErrors || errors.length === 0) return;
    if (t.reads.length > 1) addCodes((t.heldCodes ??= {}), errors);
    else this.opts.onErrors(addCodes({}, errors));
  }

  /** A worker we did not retire stopped: that costs the record it was reading, not the collection. Record it, and
   *  have a new worker read on after it; a worker stopped between records (or on too many of the read's records)
   *  costs the rest of its read instead. */
  private async onExit(w: PoolWorker): Promise<void> {
    if (w.state === 'retired') return;
    const { state, task: r } = w;
    w.state = 'retired';
    this.workers.delete(w);
    if (state === 'starting') {
      this.stop(new Error(`ingest worker failed to start: ${w.failure}`));
      return;
    }
    if (r) {
      const t = r.file;
      // The worker's batches say how far they stored (worker.ts holds a record back until the next is seen).
      const from = (r.window?.start ?? 0) + r.bytesDone;
      const at = w.reading[0];
      const skip = r.resume?.skip ?? [];
      // A file found changed under another window is read again by the next run: nothing to read on for.
      const onRecord = at >= from && !skip.includes(at) && skip.length < MAX_RECORDS_LEFT_OUT && t.outcome !== 'changed';
      const error: IngestErrorRow = onRecord
        ? { fileId: t.fileId!, offset: at, code: 'record-stopped-worker', message: `the ingest worker stopped while reading this record (${w.failure}); the record is left out and reading goes on after it` }
        : { fileId: t.fileId!, offset: from, code: 'worker-crashed', message: `the ingest worker stopped (${w.failure}); the records from this offset on were not indexed` };
      this.coll.writeBatch({ fileId: t.fileId!, captures: [], pages: [], errors: [error] });
      this.countErrors(t, [error]);
      if (onRecord) {
        r.resume = { from, skip: [...skip, at] };
        this.queue.unshift(r);
      } else {
        if (t.outcome === 'done') t.outcome = 'error';
        await this.readEnded(r);
      }
    }
    if (this.queue.length > 0) this.spawn();
    else if (this.workers.size === 0) this.stop();
  }

  private workersSendHtml(): boolean {
    return this.text.name !== 'in-workers' && this.text.name !== 'back-to-workers';
  }

  private chosenBackend(): TextBackend | undefined {
    return this.text.name === 'through-backend' || this.text.name === 'back-to-workers' ? this.text.backend : undefined;
  }

  /** Extracts the pages a batch carries as HTML through the text backend, in order, into its rows. */
  private async extractHtml(msg: FromWorker): Promise<void> {
    if (msg.type !== 'batch' || msg.html.length === 0) return;
    const pages = msg.html.map((p) => p.html);
    const backend = await this.backendFor(pages);
    const span = this.byId.get(msg.fileId)?.span;
    const extract = () => withSpan('ingest.extract', { backend: backend.name, pages: pages.length, 'html.bytes': pages.reduce((n, p) => n + p.length * 2, 0) },
      () => backend.extractBatch(pages, this.opts.signal));
    const results = await (span ? span.run(extract) : extract());
    if (results.length !== pages.length) throw new Error(`the ${backend.name} text backend returned ${results.length} results for ${pages.length} pages`);
    msg.html.forEach((p, i) => msg.pages.push(textRow(p, results[i])));
    msg.html = [];
  }

  /** The backend for a batch of HTML; the first such batch is the sample it is chosen on. */
  private backendFor(pages: string[]): Promise<TextBackend> {
    switch (this.text.name) {
      case 'through-backend':
      case 'back-to-workers':
        return Promise.resolve(this.text.backend);
      case 'choosing':
        return this.text.chosen;
      case 'awaiting-sample': {
        const chosen = this.chooseText(this.text.options, pages);
        this.text = { name: 'choosing', chosen };
        return chosen;
      }
      case 'in-workers':
        throw new Error('an ingest worker sent HTML it was not asked for');
    }
  }

  private async chooseText(text: IngestTextOptions, pages: string[]): Promise<TextBackend> {
    let note: string | null = null;
    const chosen = await chooseBackend(text.kind, sampleOf(pages), {
      gpu: text.gpu,
      onGpuUnavailable: (e) => {
        note = e.message;
      },
    });
    if (this.state === 'stopping') {
      void chosen.backend.close();
      return chosen.backend;
    }
    if (chosen.choice === 'cpu') {
      // The CPU is best used where it was: in the workers, in parallel.
      this.text = { name: 'back-to-workers', backend: chosen.backend };
      for (const w of this.workers) Atomics.store(w.shared, SEND_HTML, 0);
    } else {
      this.text = { name: 'through-backend', backend: chosen.backend };
    }
    text.onChoice?.({ choice: chosen.choice, cpuMBps: chosen.cpuMBps, gpuMBps: chosen.gpuMBps, note });
    return chosen.backend;
  }
}

/** The least span of reading a time-left estimate is made from. */
const ETA_MIN_WINDOW_MS = 3000;

/** Progress for IngestOptions.onProgress: counts, and a rate over the last 5 s of bytes read. */
class ProgressMeter {
  records = 0;
  pages = 0;
  errors = 0;
  private filesDone = 0;
  private bytesOfFilesDone = 0;
  private readonly bytesTotal: number;
  private readonly samples: Array<[number, number]> = [];

  constructor(
    private readonly collection: string,
    private readonly tasks: FileTask[],
    private readonly onProgress: IngestOptions['onProgress'],
  ) {
    this.bytesTotal = tasks.reduce((s, t) => s + t.size, 0);
  }

  fileEnded(t: FileTask): void {
    this.bytesOfFilesDone += t.size;
    this.filesDone++;
    this.report();
  }

  report(): void {
    if (!this.onProgress) return;
    const inFlight = this.tasks.filter((t) => t.state === 'indexing');
    const done = this.bytesOfFilesDone + inFlight.reduce((s, t) => s + t.bytesDone, 0);
    const now = performance.now();
    const samples = this.samples;
    samples.push([now, done]);
    while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
    const [t0, b0] = samples[0];
    const rate = now > t0 ? ((done - b0) * 1000) / (now - t0) : 0;
    // A rate over less than ETA_MIN_WINDOW_MS (the first batches, a burst after a pause) promises a time it cannot keep.
    const eta = rate > 0 && now - t0 >= ETA_MIN_WINDOW_MS ? (this.bytesTotal - done) / rate : null;
    this.onProgress({
      collection: this.collection,
      filesDone: this.filesDone,
      filesTotal: this.tasks.length,
      records: this.records,
      bytesDone: done,
      bytesTotal: this.bytesTotal,
      pages: this.pages,
      errors: this.errors,
      rate,
      etaSeconds: eta,
      files: inFlight.map((t) => ({ path: t.path, bytesDone: t.bytesDone, bytes: t.size, records: t.records, state: t.state })),
    });
  }
}

/** The first pages, up to SAMPLE_CHARS of them (at least one). */
function sampleOf(pages: string[]): string[] {
  const sample: string[] = [];
  let chars = 0;
  for (const p of pages) {
    if (sample.length > 0 && chars + p.length > SAMPLE_CHARS) break;
    sample.push(p);
    chars += p.length;
  }
  return sample;
}
