// Ingest: archive files -> a collection. Files are spread over worker threads (parse, decode, extract, dedupe); one
// writer in this thread commits their batches, one transaction each. Resumable: a file already indexed with the same
// size, mtime and fingerprint is skipped; a file left 'indexing' by an interrupted run is cleared and redone.
// With IngestOptions.text the workers send decoded HTML instead, and this thread extracts it through an async text
// backend (a client's GPU, or the CPU when 'auto' finds that faster) before writing.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IngestProgress } from '../../shared/records.js';
import { DEFAULT_MAX_TEXT_MB, MB } from '../extract/bound.js';
import { chooseBackend, type TextBackend } from '../extract-gpu/index.js';
import { Collection, type TraceHook } from '../store/index.js';
import { CANCEL, CREDITS, SEND_HTML, SHARED_SLOTS, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';
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
  /** Worker threads; default the number of cores, at most MAX_WORKERS. */
  workers?: number;
  signal?: AbortSignal;
  /** Called after every committed batch and every finished file. */
  onProgress?: (p: IngestProgress) => void;
  /** Telemetry seam: wraps each batch commit. */
  trace?: TraceHook;
  /** Records per batch (default 500) and approximate text bytes per batch (default 4 MB). */
  batchRecords?: number;
  batchBytes?: number;
  /** Payload bytes text extraction reads at most (default DEFAULT_MAX_TEXT_MB); a longer payload's text is taken from
   *  its start and a 'payload-truncated-for-text' problem is stored. */
  maxTextBytes?: number;
  /** Extract page text through an async backend in this thread; absent, the workers extract it on the CPU (the
   *  fastest way on a machine without a fast GPU: no page crosses a thread twice). */
  text?: IngestTextOptions;
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
  errors: number;
  bytes: number;
  seconds: number;
  /** True when the signal stopped the run; files cut off are redone by the next run. */
  cancelled: boolean;
}

const ARCHIVE_NAME = /\.(warc|arc)(\.gz)?$|\.wacz$/i;
export const MAX_WORKERS = 2;
/** Batches a worker may have in flight: enough to keep it busy while the writer commits, little memory. */
const CREDITS_PER_WORKER = 4;
const FINGERPRINT_SPAN = 1 << 20;
/** Decoded text that 'auto' measures both backends on: enough to see a GPU's steady rate after its warm-up run (which
 *  pays shader compilation), small enough that software WebGL (1-3 MB/s) does not hold the ingest up for long. */
const SAMPLE_CHARS = 512 * 1024;

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

/** The worker entry: the bundled file next to this chunk in out/node, or (running from the TS sources) a
 *  bootstrap that loads worker.ts through tsx. */
function workerEntry(): URL {
  const self = import.meta.url;
  return self.endsWith('.ts') ? new URL('./dev-worker.mjs', self) : new URL('./ingest-worker.mjs', self);
}

interface FileTask {
  path: string;
  size: number;
  mtime: number;
  fingerprint: string;
  fileId?: number;
  bytesDone: number;
  records: number;
  state: IngestProgress['files'][number]['state'];
}

export async function ingestCollection(dbPath: string, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const t0 = performance.now();
  const coll = Collection.open(dbPath, { trace: opts.trace });
  const summary: IngestSummary = {
    files: 0, filesIndexed: 0, filesSkipped: 0, filesFailed: 0, records: 0, pages: 0, errors: 0, bytes: 0, seconds: 0,
    cancelled: false,
  };
  const pagesBefore = coll.counts().pages;
  let replaced = false;
  let deferred = false;
  const tasks: FileTask[] = [];
  try {
    for (const path of expandPaths(paths)) {
      summary.files++;
      let st;
      try {
        st = statSync(path);
        if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not-an-archive' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file-not-found' : 'not-an-archive';
        coll.fileError({ path, size: 0, mtime: 0, fingerprint: '' }, code, `${path}: ${(e as Error).message}`);
        summary.filesFailed++;
        summary.errors++;
        continue;
      }
      const task: FileTask = {
        path, size: st.size, mtime: Math.floor(st.mtimeMs), fingerprint: fingerprint(path, st.size), bytesDone: 0,
        records: 0, state: 'pending',
      };
      const old = coll.fileByPath(path);
      if (old && (old.status === 'done' || old.status === 'error') && old.size === task.size &&
          old.mtime === task.mtime && old.fingerprint === task.fingerprint) {
        summary.filesSkipped++;
        continue;
      }
      if (old && old.status !== 'indexing') replaced = true;
      tasks.push(task);
    }
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
        await runPool(coll, tasks, opts, summary);
      } finally {
        await endCheckpoints();
      }
      if (deferred) coll.ensureCaptureIndexes();
    }
    if (opts.signal?.aborted) summary.cancelled = true;
    if (replaced && !summary.cancelled) coll.prunePages();
    summary.pages = coll.counts().pages - pagesBefore;
    if (summary.filesIndexed > 0) coll.analyze();
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

function runPool(coll: Collection, tasks: FileTask[], opts: IngestOptions, summary: IngestSummary): Promise<void> {
  const nWorkers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), MAX_WORKERS, tasks.length));
  const bytesTotal = tasks.reduce((s, t) => s + t.size, 0);
  const queue = [...tasks];
  const byId = new Map<number, FileTask>();
  const samples: Array<[number, number]> = [];
  let bytesDone = 0; // finished files
  let records = 0;
  let pagesWritten = 0;
  let errors = 0;
  let filesDone = 0;

  const progress = (): void => {
    if (!opts.onProgress) return;
    const inFlight = [...byId.values()].filter((t) => t.state === 'indexing');
    const done = bytesDone + inFlight.reduce((s, t) => s + t.bytesDone, 0);
    const now = performance.now();
    samples.push([now, done]);
    while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
    const [t0, b0] = samples[0];
    const rate = now > t0 ? ((done - b0) * 1000) / (now - t0) : 0;
    opts.onProgress({
      collection: coll.path,
      filesDone,
      filesTotal: tasks.length,
      records,
      bytesDone: done,
      bytesTotal,
      pages: pagesWritten,
      errors,
      rate,
      etaSeconds: rate > 0 ? (bytesTotal - done) / rate : null,
      files: inFlight.map((t) => ({ path: t.path, bytesDone: t.bytesDone, bytes: t.size, records: t.records, state: t.state })),
    });
  };

  return new Promise<void>((resolvePool, rejectPool) => {
    const entry = workerEntry();
    const init = { batchRecords: opts.batchRecords ?? 500, batchBytes: opts.batchBytes ?? 4 << 20, maxTextBytes: opts.maxTextBytes ?? DEFAULT_MAX_TEXT_MB * MB };
    const live = new Set<Slot>();
    const exits: Promise<number>[] = [];
    let finished = false;

    interface Slot {
      worker: Worker;
      shared: Int32Array;
      task: FileTask | null;
      started: boolean;
      /** The worker's messages are handled one after another, in order, also while a batch awaits its text. */
      chain: Promise<void>;
    }

    // The text backend (opts.text only): chosen on the first batch that holds pages, which is also the sample.
    let sendHtml = opts.text !== undefined;
    let choosing: Promise<TextBackend> | undefined;
    let textBackend: TextBackend | undefined;
    const backendFor = (pages: string[]): Promise<TextBackend> =>
      (choosing ??= (async () => {
        const text = opts.text!;
        let note: string | null = null;
        const chosen = await chooseBackend(text.kind, sampleOf(pages), {
          gpu: text.gpu,
          onGpuUnavailable: (e) => {
            note = e.message;
          },
        });
        textBackend = chosen.backend;
        if (finished) {
          void chosen.backend.close();
          return chosen.backend;
        }
        if (chosen.choice === 'cpu') {
          // The CPU is best used where it was: in the workers, in parallel. Batches already sent as HTML are
          // extracted here by the CPU backend.
          sendHtml = false;
          for (const s of live) Atomics.store(s.shared, SEND_HTML, 0);
        }
        text.onChoice?.({ choice: chosen.choice, cpuMBps: chosen.cpuMBps, gpuMBps: chosen.gpuMBps, note });
        return chosen.backend;
      })());

    const finishAll = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const s of live) {
        Atomics.store(s.shared, CANCEL, 1);
        Atomics.notify(s.shared, CREDITS);
        exits.push(s.worker.terminate());
      }
      live.clear();
      // Settle only once every thread is gone and the text backend is closed: nothing may outlive the ingest
      // (CONTRIBUTING.md, 'Own what you start'). A backend still being chosen closes itself when the choice is made (above).
      void Promise.allSettled(exits)
        .then(() => textBackend?.close())
        .catch(() => {}) // a backend that fails to close has nothing left to tell the ingest's caller
        .then(() => (error === undefined ? resolvePool() : rejectPool(error)));
    };

    const onAbort = (): void => finishAll();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const endFile = (t: FileTask, state: 'done' | 'error', format?: string): void => {
      t.state = state;
      bytesDone += t.size;
      filesDone++;
      coll.finishFile(t.fileId!, state, format);
      if (state === 'done') summary.filesIndexed++;
      else summary.filesFailed++;
      progress();
    };

    const next = (slot: Slot): void => {
      if (finished) return;
      const t = queue.shift();
      if (!t) {
        slot.worker.postMessage({ type: 'exit' } satisfies ToWorker);
        live.delete(slot);
        exits.push(slot.worker.terminate());
        if (live.size === 0) finishAll();
        return;
      }
      t.fileId = coll.beginFile(t);
      t.state = 'indexing';
      byId.set(t.fileId, t);
      slot.task = t;
      slot.worker.postMessage({ type: 'file', fileId: t.fileId, path: t.path } satisfies ToWorker);
    };

    /** Extracts the pages a batch carries as HTML through the text backend, in order, into its rows. */
    const extractHtml = async (msg: FromWorker): Promise<void> => {
      if (msg.type !== 'batch' || msg.html.length === 0) return;
      const pages = msg.html.map((p) => p.html);
      const backend = await backendFor(pages);
      const results = await backend.extractBatch(pages, opts.signal);
      if (results.length !== pages.length) throw new Error(`the ${backend.name} text backend returned ${results.length} results for ${pages.length} pages`);
      msg.html.forEach((p, i) => msg.pages.push(textRow(p, results[i])));
      msg.html = [];
    };

    const onMessage = (slot: Slot, msg: FromWorker): void => {
      if (finished) return;
      switch (msg.type) {
        case 'idle':
          next(slot);
          return;
        case 'batch': {
          coll.writeBatch(msg);
          Atomics.add(slot.shared, CREDITS, 1);
          Atomics.notify(slot.shared, CREDITS);
          const t = byId.get(msg.fileId)!;
          records += msg.records - t.records;
          summary.records += msg.captures.length;
          summary.bytes += msg.bytesDone - t.bytesDone;
          t.records = msg.records;
          t.bytesDone = msg.bytesDone;
          pagesWritten += msg.pages.length;
          errors += msg.errors.length;
          summary.errors += msg.errors.length;
          progress();
          return;
        }
        case 'fileDone':
          slot.task = null;
          endFile(byId.get(msg.fileId)!, 'done', msg.format);
          return;
        case 'fileFailed': {
          slot.task = null;
          const t = byId.get(msg.fileId)!;
          const errs = [...msg.errors, { fileId: msg.fileId, offset: 0, code: msg.code, message: msg.message }];
          coll.writeBatch({ fileId: msg.fileId, captures: [], pages: [], errors: errs });
          errors += errs.length;
          summary.errors += errs.length;
          endFile(t, 'error');
          return;
        }
      }
    };

    const spawn = (): void => {
      const shared = new SharedArrayBuffer(SHARED_SLOTS * 4);
      const view = new Int32Array(shared);
      view[CREDITS] = CREDITS_PER_WORKER;
      view[SEND_HTML] = sendHtml ? 1 : 0;
      const workerData: WorkerInit = { shared, ...init };
      const worker = new Worker(entry, { workerData });
      const slot: Slot = { worker, shared: view, task: null, started: false, chain: Promise.resolve() };
      live.add(slot);
      const inOrder = (fn: () => void | Promise<void>): void => {
        slot.chain = slot.chain.then(() => (finished ? undefined : fn())).catch((e: unknown) => finishAll(e));
      };
      worker.on('message', (m: FromWorker) => {
        slot.started = true;
        inOrder(async () => {
          await extractHtml(m);
          onMessage(slot, m);
        });
      });
      let failure = 'worker thread stopped';
      worker.on('error', (e) => {
        failure = e.message;
      });
      // After the worker's last messages, which may still be waiting for their text.
      worker.on('exit', () => inOrder(() => onExit()));
      const onExit = (): void => {
        // Exits we asked for have left `live` already. Any other costs the worker's current file, not the
        // collection: record it and carry on with a new worker.
        if (finished || !live.has(slot)) return;
        live.delete(slot);
        if (!slot.started) {
          // The entry itself does not load: every new worker would fail the same way.
          finishAll(new Error(`ingest worker failed to start: ${failure}`));
          return;
        }
        const t = slot.task;
        if (t) {
          coll.writeBatch({ fileId: t.fileId!, captures: [], pages: [], errors: [
            { fileId: t.fileId!, offset: t.bytesDone, code: 'worker-crashed', message: failure },
          ] });
          errors++;
          summary.errors++;
          endFile(t, 'error');
        }
        if (queue.length > 0) spawn();
        else if (live.size === 0) finishAll();
      };
    };
    for (let i = 0; i < nWorkers; i++) spawn();
  });
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
