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

const PAGE_DEFAULT = 200;
const PAGE_MAX = 5000;
const RAW_MAX = 64 * 1024;
const PAYLOAD_PAGE_MAX = 4 * 1024 * 1024;
const OPEN_MAX = 32;

interface OpenArchive {
  archive: ArchiveFile;
  problems: WarcProblem[];
  /** The iterator of the last records page, kept so that paging on is O(page), not O(file). */
  cursor: { after: number; it: Iterator<ArchiveRecord> } | null;
}

export function createHandlers(ctx: EngineContext): Handlers & { close(): void } {
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const open = new Map<string, OpenArchive>();
  // Sampled every 10 ms: a call that blocks this thread for longer shows as a delay (engine.info reports it).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  function get(file: string): OpenArchive {
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

  // The payload is decoded whole (chunked, gzip, br), so the one being saved page by page is kept between its pages.
  let lastPayload: { key: string; bytes: Buffer; kind: 'http' | 'block' } | null = null;
  function payloadOf(file: string, offset: number, length: number) {
    const key = `${offset}:${length}:${file}`;
    if (lastPayload?.key !== key) {
      const record = get(file).archive.readRecord(offset, length);
      lastPayload = { key, bytes: record.payload(), kind: record.http() ? 'http' : 'block' };
    }
    return lastPayload;
  }

  const extractors = new RemoteExtractors(ctx.events, ctx.remoteExtract);
  const collections = createCollectionHandlers(ctx, extractors);
  const handlers: Handlers = {
    ...collections.handlers,
    ...extractors.handlers(),
    ...createReplayHandlers(ctx.replay ?? null),
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

    'archive.records': ({ file, after, limit }) => {
      const entry = get(file);
      const n = Math.min(limit ?? PAGE_DEFAULT, PAGE_MAX);
      let it: Iterator<ArchiveRecord>;
      if (after !== undefined && entry.cursor?.after === after) it = entry.cursor.it;
      else {
        it = entry.archive.records()[Symbol.iterator]();
        if (after !== undefined) {
          for (let r = it.next(); !r.done; r = it.next()) if (r.value.offset === after) break;
        }
      }
      const page: RecordPage = { records: [], next: null, problems: [] };
      const problemsBefore = entry.problems.length;
      while (page.records.length < n) {
        const r = it.next();
        if (r.done) break;
        page.records.push(summarizeRecord(r.value));
      }
      const last = page.records.at(-1);
      page.next = page.records.length === n && last ? last.offset : null;
      entry.cursor = page.next === null ? null : { after: page.next, it };
      page.problems = entry.problems.slice(problemsBefore);
      return page;
    },

    'record.payload': ({ file, offset, length, from, size }) => {
      const { bytes, kind } = payloadOf(file, offset, length);
      const start = Math.min(from ?? 0, bytes.length);
      const end = start + Math.min(size ?? PAYLOAD_PAGE_MAX, PAYLOAD_PAGE_MAX, bytes.length - start);
      return { from: start, base64: bytes.subarray(start, end).toString('base64'), payloadSize: bytes.length, kind };
    },

    'app.paths': () => ({ dataDir: ctx.dataDir, logsDir: logsDirOf(ctx.dataDir) }),

    'telemetry.recent': ({ limit }) => ({
      spans: ctx.telemetry?.store.recent(Math.min(limit ?? 500, 5000)) ?? [],
      exportEndpoint: ctx.telemetry?.endpoint ?? null,
    }),

    'archive.record': ({ file, offset, length }) => recordDetail(get(file).archive.readRecord(offset, length)),

    'archive.raw': ({ file, offset, length, from, size }) => {
      // Raw bytes are read straight from the file, page by page, so a record of any size never loads whole.
      const start = Math.min(from ?? 0, length);
      const n = Math.min(size ?? RAW_MAX, RAW_MAX, length - start);
      const source = openSource(file, 'file');
      try {
        return { offset: offset + start, base64: Buffer.from(source.read(offset + start, n)).toString('base64'), recordLength: length };
      } finally {
        source.close();
      }
    },
  };

  return {
    ...handlers,
    close() {
      loopDelay.disable();
      collections.close();
      extractors.close();
      lastPayload = null;
      for (const { archive } of open.values()) archive.close();
      open.clear();
    },
  };
}

export type { Api };
