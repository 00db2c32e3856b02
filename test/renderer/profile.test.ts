// The Profiler's arithmetic (src/renderer/profile.ts), on hand-made traces: which traces are operations and of what
// kind, the waterfall's order and placement, the time by stage, and two runs compared.
import { describe, expect, it } from 'vitest';
import { compareRuns, operations, stageTotals, waterfall } from '../../src/renderer/profile.js';
import type { SpanRecord } from '../../src/shared/telemetry.js';

let nextId = 1;
function span(traceId: string, name: string, parent: SpanRecord | null, startMs: number, durationMs: number, process: SpanRecord['process'] = 'engine'): SpanRecord {
  return {
    name, traceId, spanId: (nextId++).toString(16).padStart(16, '0'), parentSpanId: parent?.spanId ?? null, process, startMs, durationMs,
    attributes: {}, error: null,
  };
}

/** An ingest: UI action -> API call -> ingest -> file (writer) -> batch (worker) -> read 60, extract 20, FTS write 20. */
function ingestTrace(t: string, at: number, scale = 1) {
  const ui = span(t, 'ui.ingest.start', null, at, 5, 'renderer');
  const call = span(t, 'api.ingest.start', ui, at + 1, 3);
  const coll = span(t, 'ingest.collection', call, at + 2, 200 * scale);
  const file = span(t, 'ingest.file', coll, at + 10, 150 * scale, 'ingest-writer');
  const batch = span(t, 'ingest.batch', file, at + 12, 80 * scale, 'ingest-worker');
  const read = span(t, 'ingest.read', batch, at + 12, 60 * scale, 'ingest-worker');
  const extract = span(t, 'ingest.extract', batch, at + 72, 20, 'ingest-worker');
  const write = span(t, 'store.writeBatch', file, at + 100, 20, 'ingest-writer');
  return [ui, call, coll, file, batch, read, extract, write];
}

describe('operations', () => {
  it('one per trace of a known kind, newest first, with its root, duration and processes', () => {
    const a = ingestTrace('a'.repeat(32), 1000);
    const s = span('b'.repeat(32), 'ui.search', null, 5000, 30, 'renderer');
    const search = [s, span(s.traceId, 'api.search.query', s, 5001, 20), span(s.traceId, 'search.search', s, 5002, 15, 'search-reader')];
    const info = [span('c'.repeat(32), 'api.engine.info', null, 6000, 1)];
    const ops = operations([...a, ...search, ...info]);
    expect(ops.map((o) => [o.kind, o.name])).toEqual([['search', 'ui.search'], ['ingest', 'ui.ingest.start']]);
    expect(ops[1].durationMs).toBe(202); // from the UI span's start to the ingest's end
    expect(ops[1].processes.sort()).toEqual(['engine', 'ingest-worker', 'ingest-writer', 'renderer']);
  });
});

describe('waterfall', () => {
  it('each parent before its children, by start; bars on the trace\'s time axis', () => {
    const rows = waterfall(ingestTrace('d'.repeat(32), 0));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.span.name}`)).toEqual([
      'ui.ingest.start', '  api.ingest.start', '    ingest.collection', '      ingest.file', '        ingest.batch',
      '          ingest.read', '          ingest.extract', '        store.writeBatch',
    ]);
    const coll = rows.find((r) => r.span.name === 'ingest.collection')!;
    expect(coll.left).toBeCloseTo(2 / 202);
    expect(coll.width).toBeCloseTo(200 / 202);
  });
});

describe('stageTotals', () => {
  it('the stages (spans without children) and their shares; holders of other spans are no stage', () => {
    const totals = stageTotals(ingestTrace('e'.repeat(32), 0));
    expect(totals.map((t) => [t.stage, t.ms])).toEqual([['ingest.read', 60], ['ingest.extract', 20], ['store.writeBatch', 20]]);
    expect(totals[0].share).toBeCloseTo(0.6);
  });
});

describe('compareRuns', () => {
  it('stage by stage, the second run over the first', () => {
    const rows = compareRuns(ingestTrace('f'.repeat(32), 0), ingestTrace('0'.repeat(32), 0, 2));
    expect(rows.find((r) => r.stage === 'ingest.read')).toEqual({ stage: 'ingest.read', a: 60, b: 120, ratio: 2 });
    expect(rows.find((r) => r.stage === 'store.writeBatch')?.ratio).toBe(1);
  });
});
