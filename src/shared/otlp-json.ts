// SpanRecords as an OTLP/JSON ExportTraceServiceRequest (opentelemetry-proto's JSON mapping: ids in hex, times as
// decimal strings of nanoseconds), one resource per process so that Jaeger shows each process as a service of its
// own. What the exporter posts, `--trace out.json` writes and the Profiler exports; Jaeger's UI loads the file.
import type { SpanRecord } from './telemetry.js';

export type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}
export interface OtlpTraceRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
  }>;
}

/** SPAN_KIND_INTERNAL, STATUS_CODE_UNSET, STATUS_CODE_ERROR (opentelemetry-proto trace.proto). */
const KIND_INTERNAL = 1;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

function valueOf(v: string | number | boolean): OtlpValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function keyValues(attrs: Record<string, string | number | boolean>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: valueOf(v) }));
}

/** Epoch milliseconds (fractional) as nanoseconds in decimal, exact to the microsecond. */
function nanos(ms: number): string {
  const us = Math.round(ms * 1000);
  return `${us}000`;
}

/** `resource`: attributes every process shares (OTEL_RESOURCE_ATTRIBUTES); service.name is `${service}-${process}`. */
export function toOtlpJson(spans: readonly SpanRecord[], service = 'archivestream', resource: Record<string, string> = {}): OtlpTraceRequest {
  const byProcess = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    let list = byProcess.get(s.process);
    if (!list) byProcess.set(s.process, (list = []));
    list.push(s);
  }
  return {
    resourceSpans: [...byProcess].map(([process, list]) => ({
      resource: { attributes: keyValues({ ...resource, 'service.name': `${service}-${process}`, 'archivestream.process': process }) },
      scopeSpans: [{
        scope: { name: 'archivestream' },
        spans: list.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name,
          kind: KIND_INTERNAL,
          startTimeUnixNano: nanos(s.startMs),
          endTimeUnixNano: nanos(s.startMs + s.durationMs),
          attributes: keyValues(s.attributes),
          status: s.error === null ? { code: STATUS_UNSET } : { code: STATUS_ERROR, message: s.error },
        })),
      }],
    })),
  };
}
