// The engine's span store and export queue (issue 17): the store is a ring that counts what it let go; export never
// waits on a collector that is down (a bounded queue, drops counted, the failure in words); "test connection" says
// what happened; OTLP/JSON is what OpenTelemetry's own serializer writes for the same span (a peer).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_QUEUE, ExportQueue, SpanStore, testExport } from '../../../src/core/telemetry/sdk.js';
import { toOtlpJson } from '../../../src/shared/otlp-json.js';
import type { SpanRecord } from '../../../src/shared/telemetry.js';
import { startReceiver, unusedPort, type Receiver } from './otlp-receiver.js';

const span = (i: number): SpanRecord => ({
  name: `s${i}`, traceId: '0af7651916cd43dd8448eb211c80319c', spanId: i.toString(16).padStart(16, '0'), parentSpanId: null,
  process: 'engine', startMs: 1_700_000_000_000 + i, durationMs: 1.5, attributes: { i }, error: null,
});


let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

describe('SpanStore', () => {
  it('keeps the newest spans, oldest first, and counts those it let go', () => {
    const store = new SpanStore(3);
    for (let i = 0; i < 5; i++) store.add(span(i));
    expect(store.recent().map((s) => s.name)).toEqual(['s2', 's3', 's4']);
    expect(store.recent(2).map((s) => s.name)).toEqual(['s3', 's4']);
    expect(store.stored).toBe(3);
    expect(store.dropped).toBe(2);
  });
});

describe('ExportQueue', () => {
  it('with the collector down: push never waits, the queue is bounded, every span is counted dropped', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/v1/traces`;
    const q = new ExportQueue({ url, service: 'archivestream', resource: {} });
    const extra = 100;
    for (let i = 0; i < EXPORT_QUEUE + extra; i++) q.push(span(i)); // synchronous: nothing here can wait on the network
    await q.flush();
    expect(q.exported).toBe(0);
    expect(q.dropped).toBe(EXPORT_QUEUE + extra);
    expect(q.lastError).toMatch(/ECONNREFUSED/);
  });

  it('with a collector up: the spans arrive, gzip\'d', async () => {
    const q = new ExportQueue({ url: `${receiver.endpoint}/v1/traces`, service: 'svc', resource: { 'deployment.environment': 'test' } });
    for (let i = 0; i < 3; i++) q.push(span(i));
    await q.flush();
    expect(q.exported).toBe(3);
    expect(q.dropped).toBe(0);
    expect(receiver.spans.filter((s) => s.service === 'svc-engine').map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    expect(receiver.encodings.at(-1)).toBe('gzip/length');
  });
});

describe('testExport ("test connection")', () => {
  it('says the collector accepted, or why not', async () => {
    const up = await testExport(receiver.endpoint);
    expect(up).toMatchObject({ ok: true, url: `${receiver.endpoint}/v1/traces` });
    expect(up.message).toContain('HTTP 200');
    const down = await testExport(`http://127.0.0.1:${await unusedPort()}`);
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/could not post to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: ECONNREFUSED/);
    const refusing = await startReceiver({ status: 503 });
    try {
      const r = await testExport(refusing.endpoint);
      expect(r.ok).toBe(false);
      expect(r.message).toContain('HTTP 503');
    } finally {
      await refusing.close();
    }
  });
});

describe('OTLP/JSON', () => {
  it('writes a span as OpenTelemetry\'s own JSON serializer does', async () => {
    let ended: ReadableSpan | null = null;
    const provider = new BasicTracerProvider({
      spanProcessors: [{ onStart: () => {}, onEnd: (s) => void (ended = s), forceFlush: async () => {}, shutdown: async () => {} }],
    });
    const parent = provider.getTracer('t').startSpan('parent');
    const { context, trace } = await import('@opentelemetry/api');
    const child = provider.getTracer('t').startSpan('child', { attributes: { file: 'a.warc', records: 500, rate: 1.25, ok: true } },
      trace.setSpan(context.active(), parent));
    child.setStatus({ code: 2, message: 'broken' });
    child.end();
    const peer = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest([ended!]))) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
    };
    const theirs = peer.resourceSpans[0].scopeSpans[0].spans[0];
    // The same span as the app's tracer records it (tracer.test.ts checks that it records what the SDK does).
    const hrMs = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
    const record: SpanRecord = {
      name: ended!.name, traceId: ended!.spanContext().traceId, spanId: ended!.spanContext().spanId,
      parentSpanId: ended!.parentSpanContext?.spanId ?? null, process: 'engine', startMs: hrMs(ended!.startTime),
      durationMs: hrMs(ended!.duration), attributes: ended!.attributes as SpanRecord['attributes'], error: ended!.status.message ?? null,
    };
    const ours = toOtlpJson([record]).resourceSpans[0].scopeSpans[0].spans[0];
    for (const key of ['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'status'] as const) expect(ours[key], key).toEqual(theirs[key]);
    // Times: theirs to the nanosecond, ours to the microsecond.
    for (const key of ['startTimeUnixNano', 'endTimeUnixNano'] as const) {
      expect(Math.abs(Number(BigInt(ours[key]) - BigInt(theirs[key] as string)))).toBeLessThan(1000);
    }
    const value = (kv: { value: Record<string, unknown> }) => Object.values(kv.value)[0];
    const theirAttrs = Object.fromEntries((theirs.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((a) => [a.key, String(value(a))]));
    const ourAttrs = Object.fromEntries(ours.attributes.map((a) => [a.key, String(value(a))]));
    expect(ourAttrs).toEqual(theirAttrs);
    expect(Object.keys(ourAttrs)).toHaveLength(4);
  });
});
