// The app's own tracer (telemetry/tracer.ts) against OpenTelemetry's SDK as the peer: the same calls through both
// record the same names, parents, attributes, times and errors, and follow a parent's sampling decision alike.
import { context, SpanStatusCode, trace, TraceFlags, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { recordingTracer } from '../../../src/core/telemetry/tracer.js';
import type { SpanRecord } from '../../../src/shared/telemetry.js';

const T0 = 1_700_000_000_000;

/** A batch with a stage, an error and a span a caller hands over, through `tracer`. */
function calls(tracer: Tracer): void {
  const batch = tracer.startSpan('ingest.batch', { attributes: { file: 'a.warc', 'offset.start': 0, tags: ['x', 'y'] }, startTime: T0 });
  const inBatch = trace.setSpan(context.active(), batch);
  tracer.startSpan('ingest.read', { attributes: { calls: 12, summed: true }, startTime: T0 + 1 }, inBatch).end(T0 + 5.5);
  const failed = tracer.startSpan('ingest.extract', { startTime: T0 + 6 }, inBatch);
  failed.recordException(new Error('bad html'));
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'bad html' });
  failed.end(T0 + 7);
  batch.setAttributes({ 'offset.end': 4096, records: 3 });
  batch.end(T0 + 10);
  batch.setAttribute('late', 1); // after end: ignored by both
}

/** What both record, ids replaced by the name of the span they point at. */
function comparable(spans: { name: string; spanId: string; parentSpanId: string | null; startMs: number; durationMs: number; attributes: Record<string, unknown>; error: string | null }[]) {
  const names = new Map(spans.map((s) => [s.spanId, s.name]));
  return spans.map((s) => ({
    name: s.name, parent: s.parentSpanId && names.get(s.parentSpanId), startMs: s.startMs, durationMs: Math.round(s.durationMs * 1000) / 1000,
    attributes: s.attributes, error: s.error,
  }));
}

describe('recordingTracer', () => {
  it('records what the OpenTelemetry SDK records for the same calls', () => {
    const ours: SpanRecord[] = [];
    calls(recordingTracer('engine', (r) => ours.push(r)));
    const theirs: ReadableSpan[] = [];
    const sdk = new BasicTracerProvider({ spanProcessors: [{ onStart: () => {}, onEnd: (s) => void theirs.push(s), forceFlush: async () => {}, shutdown: async () => {} }] });
    calls(sdk.getTracer('peer'));
    const hrMs = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
    const peer = theirs.map((s) => ({
      name: s.name, spanId: s.spanContext().spanId, parentSpanId: s.parentSpanContext?.spanId ?? null, startMs: hrMs(s.startTime), durationMs: hrMs(s.duration),
      attributes: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
      error: s.status.code === SpanStatusCode.ERROR ? s.status.message! : null,
    }));
    expect(ours.map((r) => r.name)).toEqual(['ingest.read', 'ingest.extract', 'ingest.batch']);
    expect(comparable(ours)).toEqual(comparable(peer));
    expect(new Set(ours.map((r) => r.traceId)).size).toBe(1);
    expect(ours[0].traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('follows the parent\'s sampling, as ParentBased(AlwaysOn) does', () => {
    const ours: SpanRecord[] = [];
    const tracer = recordingTracer('engine', (r) => ours.push(r));
    const parent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true };
    const unsampled = tracer.startSpan('x', {}, trace.setSpanContext(context.active(), { ...parent, traceFlags: TraceFlags.NONE }));
    expect(unsampled.isRecording()).toBe(false);
    expect(unsampled.spanContext()).toMatchObject({ traceId: parent.traceId, traceFlags: TraceFlags.NONE });
    unsampled.end();
    const sampled = tracer.startActiveSpan('y', {}, trace.setSpanContext(context.active(), { ...parent, traceFlags: TraceFlags.SAMPLED }), (span) => {
      span.end();
      return span.spanContext();
    });
    expect(sampled.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(ours).toMatchObject([{ name: 'y', traceId: parent.traceId, parentSpanId: parent.spanId }]);
    expect(ours[0].spanId).not.toBe(parent.spanId);
  });
});
