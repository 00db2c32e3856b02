// The engine's implementation of the contract: one plain function per method, over the core library.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { logsDirOf } from './log.js';
import type { Api, RecordPage } from '../shared/api.js';
import { recordDetail, summarizeRecord } from '../core/record-view.js';
import { openArchive } from '../core/warc/index.js';
import { openSource } from '../core/warc/source.js';
import type { ArchiveFile, ArchiveRecord, WarcProblem } from '../core/warc/types.js';
import { createCollectionHandlers } from './collections.js';
import type { EngineContext, Handlers } from './context.js';
import { RemoteExtractors } from './remote-extract.js';
import { createReplayHandlers } from './replay-handlers.js';
import { engineTelemetry, type EngineTelemetry } from './telemetry.js';
import { createNotesHandlers } from './notes-handlers.js';
import { createExportHandlers } from './export-handlers.js';

const PAGE_DEFAULT = 200;
const PAGE_MAX = 5000;
const RAW_MAX = 64 * 1024;
const PAYLOAD_PAGE_MAX = 4 * 1024 * 1024;
const OPEN_MAX = 32;
/** Longest stretch archive.records reads before it lets other calls in. */
const SLICE_MS = 20;

interface OpenArchive {
  archive: ArchiveFile;
  problems: WarcProblem[];
  /** The iterator of the last records page, kept so that paging on is O(page), not O(file). */
  cursor: { after: number; it: Iterator<ArchiveRecord | null> } | null;
}

/** The handlers, with what only the engine's own transports call: `grant` takes the paths the desktop shell's open
 *  dialog returned (over its own IPC message, never through the contract). */
export function createHandlers(ctx: EngineContext): Handlers & { close(): Promise<void>; grant(paths: readonly string[]): void; serveMetrics: EngineTelemetry['serveMetrics'] } {
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const open = new Map<string, OpenArchive>();
  // Sampled every 10 ms: a call that blocks this thread for longer shows as a delay (engine.info reports it).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  function get(file: string): OpenArchive {
    access.check(file);
    let entry = open.get(file);
    if (entry) {
      open.delete(file); // re-insert: the Map's order is the LRU order
      open.set(file, entry);
      return entry;
    }
    const problems: WarcProblem[] = [];
    const archive = openArchive(file, { onProblem: (p: WarcProblem) => problems.push(p) });
    entry = { archive, problems, cursor: null };
    open.set(file, entry);
    if (open.size > OPEN_MAX) {
      const [oldest, value] = open.entries().next().value!;
      value.archive.close();
      open.delete(oldest);
    }
    return entry;
  }

  // A payload is decoded in pieces (chunked, gzip, br), never whole: the one being saved page by page keeps its pieces'
  // iterator between pages, so the next page goes on where the last one stopped.
  let payloadCursor: { key: string; pieces: Iterator<Buffer>; at: number; carry: Buffer; kind: 'http' | 'block' } | null = null;
  let payloadSizes: { key: string; size: number } | null = null;
  function payloadPage(file: string, offset: number, length: number, from: number, size: number) {
    access.check(file);
    const key = `${offset}:${length}:${file}`;
    if (payloadCursor?.key !== key || payloadCursor.at > from) {
      const record = get(file).archive.readRecord(offset, length);
      payloadCursor = { key, pieces: record.payloadPieces()[Symbol.iterator](), at: 0, carry: Buffer.alloc(0), kind: record.http() ? 'http' : 'block' };
    }
    const c = payloadCursor;
    const parts: Buffer[] = [];
    let got = 0;
    for (;;) {
      if (c.carry.length === 0) {
        const next = c.pieces.next();
        if (next.done) break;
        c.carry = next.value;
      }
      const skip = Math.max(0, Math.min(c.carry.length, from - c.at));
      const take = Math.min(c.carry.length - skip, size - got);
      if (take > 0) parts.push(Buffer.from(c.carry.subarray(skip, skip + take)));
      got += take;
      c.at += skip + take;
      c.carry = c.carry.subarray(skip + take);
      if (got >= size) break;
    }
    const bytes = Buffer.concat(parts);
    // The total is known once a pass has reached the end; until then, at least what has been read.
    if (c.carry.length === 0 && got < size) payloadSizes = { key, size: c.at };
    const payloadSize = payloadSizes?.key === key ? payloadSizes.size : c.at + 1;
    return { bytes, payloadSize, kind: c.kind };
  }

  const extractors = new RemoteExtractors(ctx.events, ctx.remoteExtract);
  let openCollections = () => 0;
  const telemetry = engineTelemetry(ctx.dataDir, ctx.telemetry, () => openCollections(), { metricsPort: ctx.metricsPort });
  const collections = createCollectionHandlers(ctx, extractors, telemetry);
  openCollections = collections.openCount;
  const { access } = collections;
  const exports = createExportHandlers(ctx, { collection: collections.collection });
  const handlers: Handlers = {
    ...collections.handlers,
    ...exports.handlers,
    ...extractors.handlers(),
    ...createReplayHandlers(ctx.replay ?? null),
    ...telemetry.handlers,
    ...createNotesHandlers(collections.db),
    'engine.info': () => ({
      version, node: process.version, pid: process.pid, mode: ctx.mode,
      eventLoopDelayMs: { max: ms(loopDelay.max), p99: ms(loopDelay.percentile(99)) },
    }),

    'archive.open': ({ paths }) =>
      paths.map((path) => {
        const { archive } = get(path);
        return {
          path,
          format: archive.format,
          compression: archive.compression,
          size: archive.size,
          randomAccess: archive.randomAccess,
        };
      }),

    'archive.records': async ({ file, after, limit }) => {
      const entry = get(file);
      const n = Math.min(limit ?? PAGE_DEFAULT, PAGE_MAX);
      const resumed = after !== undefined && entry.cursor?.after === after;
      const it: Iterator<ArchiveRecord | null> = resumed ? entry.cursor!.it : entry.archive.steps()[Symbol.iterator]();
      entry.cursor = null; // this call owns the iterator now: a call arriving while it gives way starts its own
      // Reading gives way to other calls every SLICE_MS: a page of huge records, or damage and bombs between them, is
      // many bounded steps (ArchiveFile.steps), not one stall of the engine.
      let sliceStart = performance.now();
      const next = async () => {
        if (performance.now() - sliceStart > SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
        return it.next();
      };
      if (after !== undefined && !resumed) {
        for (let r = await next(); !r.done; r = await next()) if (r.value?.offset === after) break;
      }
      const page: RecordPage = { records: [], next: null, problems: [] };
      const problemsBefore = entry.problems.length;
      while (page.records.length < n) {
        const r = await next();
        if (r.done) break;
        if (r.value) page.records.push(summarizeRecord(r.value));
      }
      const last = page.records.at(-1);
      page.next = page.records.length === n && last ? last.offset : null;
      entry.cursor = page.next === null ? null : { after: page.next, it };
      page.problems = entry.problems.slice(problemsBefore);
      return page;
    },

    'record.payload': ({ file, offset, length, from, size }) => {
      const start = from ?? 0;
      const { bytes, payloadSize, kind } = payloadPage(file, offset, length, start, Math.min(size ?? PAYLOAD_PAGE_MAX, PAYLOAD_PAGE_MAX));
      return { from: Math.min(start, payloadSize), base64: bytes.toString('base64'), payloadSize, kind };
    },

    'app.paths': () => ({ dataDir: ctx.dataDir, logsDir: logsDirOf(ctx.dataDir) }),

    'archive.record': ({ file, offset, length }) => recordDetail(get(file).archive.readRecord(offset, length)),

    'archive.raw': ({ file, offset, length, from, size }) => {
      // Raw bytes are read straight from the file, page by page, so a record of any size never loads whole.
      const start = Math.min(from ?? 0, length);
      const n = Math.min(size ?? RAW_MAX, RAW_MAX, length - start);
      const source = openSource(access.check(file), 'file');
      try {
        return { offset: offset + start, base64: Buffer.from(source.read(offset + start, n)).toString('base64'), recordLength: length };
      } finally {
        source.close();
      }
    },
  };

  return {
    ...handlers,
    grant: (paths) => access.grant(paths),
    serveMetrics: (req, res) => telemetry.serveMetrics(req, res),
    /** Settles once every database is closed (an ingest running is cancelled and waited for). */
    async close() {
      void telemetry.close();
      loopDelay.disable();
      exports.close();
      extractors.close();
      payloadCursor = null;
      payloadSizes = null;
      for (const { archive } of open.values()) archive.close();
      open.clear();
      await collections.close();
    },
  };
}

export type { Api };
