// The telemetry methods of the contract (issue 17): Settings turn export and /metrics on and keep them in the data
// folder; what the UI submits is checked at the engine's edge; a trace exports as OTLP/JSON.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelemetry } from '../../src/core/telemetry/sdk.js';
import { testEngine } from './harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'as-telemetry-'));
const telemetry = startTelemetry({ process: 'engine', env: {} });
const engine = testEngine({ dataDir, telemetry });
afterAll(async () => {
  engine.close();
  await telemetry.shutdown();
});

const uiSpan = { name: 'ui.search', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', process: 'renderer' as const, startMs: 1.7e12, durationMs: 12.5, attributes: { sort: 'relevance' } };

describe('telemetry.configure', () => {
  it('is off by default; export on needs an http(s) endpoint; the choice outlives the engine', async () => {
    const before = (await engine.call('telemetry.recent', { limit: 0 })).status;
    expect(before).toMatchObject({ exportEndpoint: null, queryText: false, metricsEnabled: false });
    expect(await engine.fail('telemetry.configure', { exportOn: true })).toMatchObject({ code: 'bad-request', message: expect.stringContaining('needs an endpoint') });
    expect(await engine.fail('telemetry.configure', { exportOn: true, endpoint: 'ftp://x' })).toMatchObject({ code: 'bad-request', message: expect.stringContaining('http://127.0.0.1:4318') });
    const on = await engine.call('telemetry.configure', { exportOn: true, endpoint: 'http://127.0.0.1:9/' });
    expect(on).toMatchObject({ exportEndpoint: 'http://127.0.0.1:9/v1/traces', exportSource: 'settings' });
    const again = testEngine({ dataDir, telemetry });
    try {
      expect((await again.call('telemetry.recent', { limit: 0 })).status.exportEndpoint).toBe('http://127.0.0.1:9/v1/traces');
    } finally {
      again.close();
    }
    expect(await engine.call('telemetry.configure', { exportOn: false })).toMatchObject({ exportEndpoint: null });
  });
});

describe('telemetry.submit', () => {
  it('takes the UI\'s spans into the store, and refuses what is not a UI span', async () => {
    expect(await engine.call('telemetry.submit', { spans: [uiSpan] })).toEqual({ accepted: 1 });
    const kept = (await engine.call('telemetry.recent', {})).spans.find((s) => s.spanId === uiSpan.spanId);
    expect(kept).toMatchObject({ ...uiSpan, parentSpanId: null, error: null });
    expect(await engine.fail('telemetry.submit', { spans: [{ ...uiSpan, process: 'engine' }] })).toMatchObject({ code: 'bad-request' });
    expect(await engine.fail('telemetry.submit', { spans: [{ ...uiSpan, attributes: { nested: { a: 1 } } }] })).toMatchObject({
      code: 'bad-request', message: expect.stringContaining("'nested'"),
    });
    expect(await engine.fail('telemetry.submit', { spans: [{ ...uiSpan, durationMs: 'long' }] })).toMatchObject({ code: 'bad-request' });
  });
});

describe('telemetry.export', () => {
  it('a held trace as OTLP/JSON, one resource per process; an unknown one by its code', async () => {
    const doc = await engine.call('telemetry.export', { traceId: uiSpan.traceId });
    expect(doc.resourceSpans).toHaveLength(1);
    const [rs] = doc.resourceSpans;
    expect(rs.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'archivestream-renderer' } });
    expect(rs.scopeSpans[0].spans[0]).toMatchObject({ traceId: uiSpan.traceId, spanId: uiSpan.spanId, name: 'ui.search', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000012500000' });
    expect(await engine.fail('telemetry.export', { traceId: 'f'.repeat(32) })).toMatchObject({ code: 'trace-not-found' });
  });
});
