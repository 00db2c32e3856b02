// The WACZ export methods: a package of a collection's subset written into the data folder's exports/ (a place the
// engine may write whatever folders the person allowed for reading), with progress as 'export.progress' events and
// cancellation. The export runs on the engine's thread in slices (exportWacz yields between them), so calls are
// still answered while it writes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportApi } from '../shared/api-export.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import { CodedError } from '../shared/errors.js';
import { exportWacz } from '../core/export/wacz.js';
import { selectionOf } from '../core/export/select.js';
import type { Collection } from '../core/store/index.js';
import type { EngineContext } from './context.js';

export type ExportHandlers = { [M in keyof ExportApi]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface ExportSources {
  /** The named collection, opened (throws 'collection-not-found'). */
  collection(name: string): Collection;
  /** Extra JSON files the package carries for this collection (notes, say), by path inside it. */
  extraFiles?(name: string): Record<string, unknown>;
  log?(line: string): void;
}

/** 2024-05-06T07:08:09Z -> 20240506070809: a file name that sorts by time. */
const stamp = () => new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const fileSafe = (s: string) => s.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'export';

export function createExportHandlers(ctx: EngineContext, sources: ExportSources): { handlers: ExportHandlers; close(): void } {
  const running = new Map<string, AbortController>();
  const handlers: ExportHandlers = {
    'export.wacz': async (r) => {
      const sel = selectionOf({ query: r.q, limit: r.limit, url: r.url, at: r.at, host: r.host, from: r.from, to: r.to, captureIds: r.captureIds });
      const coll = sources.collection(r.collection);
      if (running.has(r.collection)) throw new CodedError('busy', `An export of “${r.collection}” is running: cancel or wait for it first.`);
      const dir = join(ctx.dataDir, 'exports');
      mkdirSync(dir, { recursive: true });
      const out = join(dir, `${fileSafe(r.collection)}-${stamp()}.wacz`);
      const abort = new AbortController();
      running.set(r.collection, abort);
      try {
        const s = await exportWacz(coll, sel, out, {
          title: r.title,
          extraFiles: sources.extraFiles?.(r.collection),
          replayPrefix: ctx.replay ? `${ctx.replay.server.origin}/${encodeURIComponent(r.collection)}` : undefined,
          signal: abort.signal,
          onProgress: (p) => ctx.events.emit('export.progress', { collection: r.collection, ...p }),
        });
        for (const p of s.problems) sources.log?.(`export of “${r.collection}”: ${p.file} at ${p.offset}: ${p.message}`);
        return { path: s.path, bytes: s.bytes, records: s.records, pages: s.pages, missing: s.missing, problems: s.problems.length };
      } finally {
        running.delete(r.collection);
      }
    },
    'export.cancel': ({ collection }) => {
      const a = running.get(collection);
      a?.abort();
      return { cancelled: a !== undefined };
    },
  };
  return { handlers, close: () => running.forEach((a) => a.abort()) };
}
