// Issue 17, must-show 1: one user action is one trace across every process and thread. The built engine runs in
// browser mode with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real OTLP/HTTP receiver inside this test; the UI side is
// the renderer's own tracer (src/renderer/telemetry.ts), calling the engine over HTTP with the traceparent header
// as its client does, and handing its spans over with 'telemetry.submit'. An ingest and a search must each arrive
// as one trace whose spans link parent to child from the UI span down to the ingest worker's batches and the search
// reader's plan.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UiTracer } from '../../src/renderer/telemetry.js';
import type { ArgsOf, Method } from '../../src/shared/api.js';
import { spawnEngine, type EngineChild } from './engine-child.js';
import { gzipRecords, httpResponse, responseRecord } from '../core/warc/fixtures.js';
import { startReceiver, type ReceivedSpan, type Receiver } from '../core/telemetry/otlp-receiver.js';

const TOKEN = 'trace-test-token-0123456789';
const PAGES = 40;
const dir = mkdtempSync(join(tmpdir(), 'as-trace-'));
const warc = join(dir, 'pages.warc.gz');
writeFileSync(warc, gzipRecords(Array.from({ length: PAGES }, (_, i) =>
  responseRecord(`http://example.com/p/${i}`, httpResponse(200, [['Content-Type', 'text/html; charset=utf-8']], `<title>Page ${i}</title><p>heron word${i} marsh</p>`)))));

let receiver: Receiver;
let engine: EngineChild;
const api = <M extends Method>(method: M, args: ArgsOf<M>, traceparent?: string) => engine.api(method, args, traceparent);

const ui = new UiTracer((spans) => api('telemetry.submit', { spans }));

beforeAll(async () => {
  receiver = await startReceiver();
  engine = await spawnEngine({ dataDir: join(dir, 'data'), allowDir: dir, token: TOKEN, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
});

afterAll(async () => {
  await engine.stop();
  await receiver.close();
});

/** The spans of one trace, once `last` has arrived (exports are batched: up to a second late). */
async function traceOf(root: string, last: string): Promise<ReceivedSpan[]> {
  for (let i = 0; i < 100; i++) {
    const rootSpan = receiver.spans.find((s) => s.name === root);
    if (rootSpan && receiver.spans.some((s) => s.traceId === rootSpan.traceId && s.name === last)) {
      return receiver.spans.filter((s) => s.traceId === rootSpan.traceId);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no trace from ${root} with ${last} arrived; got ${[...new Set(receiver.spans.map((s) => s.name))].join(', ')}`);
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
}

function parentOf(spans: ReceivedSpan[], s: ReceivedSpan): ReceivedSpan {
  const p = spans.find((x) => x.spanId === s.parentSpanId);
  if (!p) throw new Error(`${s.name} (${s.service}) has no parent in its trace`);
  return p;
}

describe('one trace per user action, across processes (issue 17, must-show 1)', () => {
  it('an ingest started from the UI: renderer -> engine -> writer thread -> worker threads, one trace', async () => {
    await api('collections.create', { name: 'c' });
    await api('files.add', { collection: 'c', paths: [warc] });
    await ui.action('ui.ingest.start', { collection: 'c' }, (tp) => api('ingest.start', { collection: 'c', backend: 'cpu' }, tp));
    for (let i = 0; i < 200 && (await api('collections.get', { collection: 'c' })).ingest.running; i++) await new Promise((r) => setTimeout(r, 100));
    await ui.flush();
    const spans = await traceOf('ui.ingest.start', 'ingest.analyze');

    const uiSpan = only(spans, 'ui.ingest.start');
    expect(uiSpan.service).toBe('archivestream-renderer');
    expect(uiSpan.parentSpanId).toBeNull();
    const call = only(spans, 'api.ingest.start');
    expect(call.service).toBe('archivestream-engine');
    expect(parentOf(spans, call)).toBe(uiSpan);
    const ingest = only(spans, 'ingest.collection');
    expect(parentOf(spans, ingest)).toBe(call);
    expect(ingest.attributes).toMatchObject({ collection: 'c', backend: 'cpu', records: PAGES, pages: PAGES });

    // The writer thread's spans join the engine's ingest span.
    const pool = only(spans, 'ingest.pool');
    expect(pool.service).toBe('archivestream-ingest-writer');
    expect(parentOf(spans, pool)).toBe(ingest);
    const file = only(spans, 'ingest.file');
    expect(parentOf(spans, file)).toBe(pool);
    expect(file.attributes).toMatchObject({ file: warc, state: 'done', records: PAGES });
    const writes = spans.filter((s) => s.name === 'store.writeBatch');
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(parentOf(spans, w)).toBe(file);
    expect(writes.reduce((n, w) => n + Number(w.attributes.captures), 0)).toBe(PAGES);
    expect(parentOf(spans, only(spans, 'ingest.checkpoint'))).toBe(ingest);

    // The worker thread's batches join the file's span, with the stages under them.
    const batches = spans.filter((s) => s.name === 'ingest.batch');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(PAGES); // per batch, never per record
    for (const b of batches) {
      expect(b.service).toBe('archivestream-ingest-worker');
      expect(parentOf(spans, b)).toBe(file);
    }
    expect(batches.reduce((n, b) => n + Number(b.attributes.records), 0)).toBe(PAGES);
    expect(Math.max(...batches.map((b) => Number(b.attributes['offset.end'])))).toBeGreaterThan(0);
    const extract = spans.filter((s) => s.name === 'ingest.extract');
    expect(extract.length).toBeGreaterThan(0);
    expect(extract.reduce((n, s) => n + Number(s.attributes.pages), 0)).toBe(PAGES);
    for (const stage of ['ingest.read', 'ingest.decode', 'ingest.extract']) {
      const s = spans.find((x) => x.name === stage);
      expect(s, stage).toBeDefined();
      expect(parentOf(spans, s!).name).toBe('ingest.batch');
    }

    // Every span of the action shares the UI's trace id, in every process.
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set([
      'archivestream-renderer', 'archivestream-engine', 'archivestream-ingest-writer', 'archivestream-ingest-worker',
    ]));
    expect(receiver.encodings).toContain('gzip/length');
  });

  it('a search from the UI: renderer -> engine -> search reader thread, one trace, the query hashed', async () => {
    await ui.action('ui.search', {}, async (tp) => {
      await api('search.query', { collection: 'c', q: 'heron marsh' }, tp);
      await api('search.facets', { collection: 'c', q: 'heron marsh' }, tp);
    });
    await ui.flush();
    const spans = await traceOf('ui.search', 'search.facets');
    const root = only(spans, 'ui.search');
    const query = only(spans, 'api.search.query');
    expect(parentOf(spans, query)).toBe(root);
    expect(query.attributes['query.hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(query.attributes['query.text']).toBeUndefined(); // not allowed by default
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('heron');
    expect(query.attributes.hits).toBe(PAGES); // every page has both words
    const inReader = only(spans, 'search.search');
    expect(inReader.service).toBe('archivestream-search-reader');
    expect(parentOf(spans, inReader)).toBe(query);
    for (const stage of ['search.parse', 'search.plan', 'search.snippets']) expect(parentOf(spans, only(spans, stage))).toBe(inReader);
    expect(only(spans, 'search.plan').attributes.plan).toBe(query.attributes.plan);
    expect(parentOf(spans, only(spans, 'search.facets'))).toBe(only(spans, 'api.search.facets'));
  });

  it('opening a collection readies the search reader threads for it, in the same trace, before any search', async () => {
    // A collection of its own: 'c' was opened by the calls above, and a thread opens a collection once.
    await api('collections.create', { name: 'fresh' });
    await ui.action('ui.collection.open', {}, (tp) => api('collections.get', { collection: 'fresh' }, tp));
    await ui.flush();
    const spans = await traceOf('ui.collection.open', 'search.open');
    const call = only(spans, 'api.collections.get');
    const opens = spans.filter((s) => s.name === 'search.open');
    expect(opens.length).toBeGreaterThan(0);
    for (const o of opens) {
      expect(o.service).toBe('archivestream-search-reader');
      expect(parentOf(spans, o)).toBe(call);
      expect(String(o.attributes.db)).toMatch(/\.sqlite$/);
    }
  });
});
