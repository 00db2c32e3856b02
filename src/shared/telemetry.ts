// Trace data as it crosses processes and threads: plain, structured-clone-safe records, so a span recorded in a worker
// thread, the renderer or the GPU page reaches the engine's span store and exporter over the channel that process
// already has (never straight to the network).

/** The W3C Trace Context header (and the field name on every message that carries it): "00-<trace>-<span>-<flags>". */
export const TRACEPARENT = 'traceparent';

const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** A traceparent's trace id, span id and flags (bit 0: sampled), for code without an SDK to do it (the browser's);
 *  null when malformed. As W3C Trace Context says (3.3, versioning): version ff is invalid, version 00 has exactly four
 *  fields, and a later version is read for its first four, whatever follows them. */
export function parseTraceparent(traceparent: string): { traceId: string; spanId: string; flags: number } | null {
  const m = TRACEPARENT_FORMAT.exec(traceparent);
  if (!m || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return null;
  return { traceId: m[2], spanId: m[3], flags: parseInt(m[4], 16) };
}

/** Which process (or thread) recorded a span: the profiler lays its waterfall out by these. */
export type SpanProcess = 'engine' | 'cli' | 'ingest-writer' | 'ingest-worker' | 'search-reader' | 'renderer' | 'gpu-page';

/** A finished span. Times are epoch milliseconds (fractional). */
export interface SpanRecord {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  process: SpanProcess;
  startMs: number;
  durationMs: number;
  attributes: Record<string, string | number | boolean>;
  error: string | null;
}

/** What the engine's telemetry is doing, for Settings and the Profiler. */
export interface TelemetryStatus {
  /** Where spans are exported (an OTLP/HTTP base URL), or null: the in-app store only. */
  exportEndpoint: string | null;
  /** Whether the endpoint came from Settings or from OTEL_* variables. */
  exportSource: 'settings' | 'environment' | null;
  /** Spans handed to the exporter and accepted by the collector; dropped: queue full or the collector failed. */
  exported: number;
  exportDropped: number;
  /** The last export failure in words, null after a success. */
  lastExportError: string | null;
  /** Spans the in-app ring holds, its capacity, and how many it has let go since the engine started. */
  stored: number;
  capacity: number;
  storeDropped: number;
  /** Whether search spans carry the query text (else a keyed hash of it). */
  queryText: boolean;
  /** Whether /metrics is served, and the file holding the token Prometheus sends. */
  metricsEnabled: boolean;
  metricsTokenFile: string;
  /** Desktop mode's own /metrics listener while metrics are on (null: browser mode, whose UI server answers /metrics,
   *  or off), and why it could not listen (the port in use). */
  metricsUrl: string | null;
  metricsError: string | null;
}

/** A span the UI recorded (the renderer, or the GPU page it drives), as it sends it to the engine: a SpanRecord whose
 *  absent parent and error are left out rather than null. */
export interface UiSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  process: 'renderer' | 'gpu-page';
  startMs: number;
  durationMs: number;
  attributes: Record<string, string | number | boolean>;
  error?: string;
}

/** The answer to "test connection" in Settings: what happened when an empty trace was posted. */
export interface ExportTest {
  ok: boolean;
  url: string;
  message: string;
  ms: number;
}
