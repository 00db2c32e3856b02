// One engine for a test: its handlers over a data folder, called through dispatch as a transport calls them, with
// the notices it gave, and a collection ingested to the end (`ingested`; more files into it: `ingest`). `call` throws what fails (with its code); `fail` returns the error of a call that must fail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { ApiError, ApiEvents, ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import type { EngineContext } from '../../src/engine/context.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { warcFile, type RecordSpec } from '../core/ingest/warc-builder.js';

export function testEngine(ctx: Omit<EngineContext, 'mode' | 'events'>) {
  const events = new EventBus();
  const notices: string[] = [];
  events.subscribe((name, payload) => {
    if (name === 'engine.notice') notices.push((payload as ApiEvents['engine.notice']).message);
  });
  const handlers = createHandlers({ mode: 'http', events, ...ctx });
  const call = async <M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> => {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.value as ResultOf<M>;
  };
  const fail = async (method: Method, args: unknown): Promise<ApiError> => {
    const r = await dispatch(handlers, method, args);
    if (r.ok) throw new Error(`${method} should have failed`);
    return r.error;
  };
  /** `paths` added to the collection and ingested on the CPU to the end. */
  const ingest = async (name: string, paths: string[]): Promise<void> => {
    await call('files.add', { collection: name, paths });
    await call('ingest.start', { collection: name, backend: 'cpu' });
    await vi.waitFor(async () => {
      if ((await call('collections.get', { collection: name })).ingest.running) throw new Error(`${name} is still ingesting`);
    }, { timeout: 20_000 });
  };
  /** A collection of `paths`, ingested on the CPU to the end; its database file. */
  const ingested = async (name: string, paths: string[]): Promise<string> => {
    await call('collections.create', { name });
    await ingest(name, paths);
    const registry = JSON.parse(readFileSync(join(ctx.dataDir, 'archivestream.json'), 'utf8')) as { collections: Array<{ name: string; db: string }> };
    return join(ctx.dataDir, registry.collections.find((c) => c.name === name)!.db);
  };
  return { handlers, notices, call, fail, ingest, ingested, close: () => handlers.close() };
}

/** An engine over a temporary folder (`prefix` names it) holding one WARC of `records`, ingested to the end as
 *  collection 'c'; `close` ends the engine and removes the folder. */
export async function engineWithCollection(prefix: string, records: RecordSpec[]) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const warc = join(dir, 'a.warc');
  writeFileSync(warc, warcFile(records));
  const engine = testEngine({ dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [dir] });
  const close = async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await engine.ingested('c', [warc]);
  } catch (e) {
    await close();
    throw e;
  }
  return { ...engine, close };
}
