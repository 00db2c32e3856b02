// Installs OpenTelemetry for a process: an OTLP/HTTP exporter when OTEL_EXPORTER_OTLP_ENDPOINT (or `endpoint`) is set
// (docker-compose.observability.yml runs a Jaeger that receives it), and an in-memory store of recent spans that the
// app shows as its own traces.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';

export interface SpanRecord {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startMs: number; // epoch milliseconds
  durationMs: number;
  attributes: Record<string, unknown>;
  error: string | null;
}

/** Keeps the last `capacity` finished spans as plain data. */
export class SpanStore implements tracing.SpanProcessor {
  private spans: SpanRecord[] = [];
  constructor(private readonly capacity = 5000) {}

  onStart(): void {}
  onEnd(span: tracing.ReadableSpan): void {
    const [s, ns] = span.startTime;
    const [d, dns] = span.duration;
    this.spans.push({
      name: span.name,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      startMs: s * 1e3 + ns / 1e6,
      durationMs: d * 1e3 + dns / 1e6,
      attributes: { ...span.attributes },
      error: span.status.code === 2 ? (span.status.message ?? 'error') : null,
    });
    if (this.spans.length > this.capacity * 1.25) this.spans = this.spans.slice(-this.capacity);
  }
  recent(limit = 500): SpanRecord[] {
    return this.spans.slice(-limit);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface Telemetry {
  store: SpanStore;
  /** Where spans are exported, or null when only the in-memory store keeps them. */
  endpoint: string | null;
  shutdown(): Promise<void>;
}

export function startTelemetry(opts: { serviceName: string; endpoint?: string | null }): Telemetry {
  const endpoint = opts.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null;
  const store = new SpanStore();
  const processors: tracing.SpanProcessor[] = [store];
  if (endpoint) {
    const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({ 'service.name': opts.serviceName }),
    spanProcessors: processors,
    instrumentations: [],
    autoDetectResources: false,
  });
  sdk.start();
  return { store, endpoint, shutdown: () => sdk.shutdown() };
}
