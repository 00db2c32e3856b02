// Metrics through the OpenTelemetry metrics API: code anywhere in the engine's thread records on `engineMetrics()`
// (no-ops until startMetrics installs a provider), and the Prometheus exporter renders them for /metrics. The
// exporter's own server is never started (it would listen on every interface): the engine mounts its request
// handler on its 127.0.0.1 server, behind a token (engine/telemetry.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** Seconds: interactive calls from 1 ms to a minute. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface EngineMetrics {
  ingestPages: Counter;
  ingestBytes: Counter;
  ingestRecords: Counter;
  /** Attribute `code`: an IngestProblemCode. */
  ingestErrors: Counter;
  /** Attribute `plan`: the search plan chosen. */
  searchDuration: Histogram;
  replayDuration: Histogram;
}

let instruments: EngineMetrics | null = null;

/** The instruments, on whatever meter provider is installed (none: they record nothing). Names are Prometheus's
 *  once exported (the unit is in the name, as Prometheus names go): archivestream_ingest_pages_total,
 *  archivestream_search_duration_seconds_bucket, ... */
export function engineMetrics(): EngineMetrics {
  if (instruments) return instruments;
  const meter = metrics.getMeter('archivestream');
  instruments = {
    ingestPages: meter.createCounter('archivestream.ingest.pages', { description: 'pages whose text an ingest stored' }),
    ingestBytes: meter.createCounter('archivestream.ingest.bytes', { description: 'archive bytes an ingest read', unit: 'By' }),
    ingestRecords: meter.createCounter('archivestream.ingest.records', { description: 'archive records an ingest read' }),
    ingestErrors: meter.createCounter('archivestream.ingest.errors', { description: 'problems an ingest recorded, by code' }),
    searchDuration: meter.createHistogram('archivestream.search.duration_seconds', {
      description: 'time to answer a search, by the plan chosen', unit: 's', advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
    replayDuration: meter.createHistogram('archivestream.replay.duration_seconds', {
      description: 'time to serve a replayed resource', unit: 's', advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
  };
  return instruments;
}

export interface MetricsSources {
  /** Files of running ingests not yet started (the ingest queue's depth). */
  queueDepth: () => number;
  openCollections: () => number;
}

export interface Metrics {
  /** Answers a scrape in Prometheus's text format. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

export function startMetrics(sources: MetricsSources): Metrics {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  instruments = null; // made again on the provider just installed
  const meter = provider.getMeter('archivestream');
  meter.createObservableGauge('archivestream.ingest.queue_depth', { description: 'archive files waiting to be ingested' })
    .addCallback((r) => r.observe(sources.queueDepth()));
  meter.createObservableGauge('archivestream.collections.open', { description: 'collections the engine holds open' })
    .addCallback((r) => r.observe(sources.openCollections()));
  meter.createObservableGauge('archivestream.process.memory_bytes', { description: 'engine memory, by kind (rss, heap_used)', unit: 'By' })
    .addCallback((r) => {
      const m = process.memoryUsage();
      r.observe(m.rss, { kind: 'rss' });
      r.observe(m.heapUsed, { kind: 'heap_used' });
    });
  return {
    handle: (req, res) => exporter.getMetricsRequestHandler(req, res),
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
      instruments = null;
    },
  };
}
