// The engine's telemetry settings and methods: export on or off (Settings or OTEL_* variables), query text or its
// keyed hash in search spans, and the Prometheus endpoint with its token. Settings live in telemetry.json in the
// data folder; the metrics token in `metrics-token` beside it, which Prometheus reads through
// authorization.credentials_file (infra/observability/prometheus.yml): the per-run UI token changes every start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { engineMetrics, startMetrics, type Metrics } from '../core/telemetry/metrics.js';
import { exportFromEnv, queryAttribute, querySecret, testExport, tracesUrl, type Telemetry } from '../core/telemetry/sdk.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import type { IngestProgress } from '../shared/records.js';
import type { SpanRecord, TelemetryStatus } from '../shared/telemetry.js';
import { CodedError } from '../shared/errors.js';
import { toOtlpJson } from '../shared/otlp-json.js';
import { listenForMetrics, type MetricsListener } from './metrics-listener.js';

interface TelemetrySettings {
  /** Export set from Settings: on with this base endpoint, or off; absent: as the OTEL_* variables say. */
  export?: { on: boolean; endpoint: string };
  queryText: boolean;
  metrics: boolean;
}

type TelemetryMethod = 'telemetry.recent' | 'telemetry.submit' | 'telemetry.export' | 'telemetry.configure' | 'telemetry.testExport';
export type TelemetryHandlers = { [M in TelemetryMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface EngineTelemetry {
  handlers: TelemetryHandlers;
  /** The attribute a search span carries for its query (text, or keyed hash). */
  queryAttribute(q: string): Record<string, string>;
  /** For serveHttp: answers GET /metrics when on and authorised. */
  serveMetrics(req: IncomingMessage, res: ServerResponse): boolean;
  /** An ingest's progress and problems, as metrics (rates are Prometheus's rate() over these counters). */
  ingestMeter(collection: string): { progress(p: IngestProgress): void; errors(codes: Record<string, number>): void; end(): void };
  close(): Promise<void>;
}

const MAX_SUBMIT = 10_000;

export interface EngineTelemetryOptions {
  /** Desktop mode, which serves no HTTP: while metrics are on, /metrics gets a 127.0.0.1 listener of its own on this
   *  port (metrics-listener.ts). Browser mode leaves it out: its UI server answers /metrics. */
  metricsPort?: number;
}

export function engineTelemetry(dataDir: string, telemetry: Telemetry | undefined, openCollections: () => number, opts: EngineTelemetryOptions = {}): EngineTelemetry {
  const file = join(dataDir, 'telemetry.json');
  const tokenFile = join(dataDir, 'metrics-token');
  let settings: TelemetrySettings = { queryText: false, metrics: false };
  try {
    if (existsSync(file)) settings = { ...settings, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<TelemetrySettings>) };
  } catch {
    // a broken settings file means defaults: export off, hashes only, no /metrics
  }
  let secret: Buffer | null = null; // made on the first search, not before: the data folder may not exist yet
  const queued = new Map<string, number>(); // files waiting, by collection
  let metrics: Metrics | null = null;
  let token: string | null = null;
  let listener: MetricsListener | null = null;
  let listenerError: string | null = null;
  /** The listener starting or stopping; status waits for it, so Settings shows the outcome. */
  let listenerChange: Promise<void> = Promise.resolve();

  const applyExport = (): void => {
    if (!telemetry) return;
    if (settings.export) {
      telemetry.setExport(settings.export.on ? { url: tracesUrl(settings.export.endpoint), service: 'archivestream', resource: {} } : null, 'settings');
    } else {
      telemetry.setExport(exportFromEnv(process.env), 'environment');
    }
  };
  const applyMetrics = (): void => {
    if (settings.metrics && !metrics) {
      mkdirSync(dataDir, { recursive: true });
      if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
      token = readFileSync(tokenFile, 'utf8').trim();
      metrics = startMetrics({ queueDepth: () => [...queued.values()].reduce((a, b) => a + b, 0), openCollections });
      if (opts.metricsPort !== undefined) {
        const port = opts.metricsPort;
        listenerChange = listenerChange.then(() => listenForMetrics(port, serveMetrics)).then(
          (l) => {
            listener = l;
            listenerError = null;
          },
          (e: Error) => {
            listenerError = e.message;
          },
        );
      }
    } else if (!settings.metrics && metrics) {
      void metrics.shutdown();
      metrics = null;
      listenerChange = listenerChange.then(async () => {
        await listener?.close();
        listener = null;
        listenerError = null;
      });
    }
  };
  function serveMetrics(req: IncomingMessage, res: ServerResponse): boolean {
    if (!metrics || !token) return false;
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('a metrics token is needed (the file metrics-token in the data folder)\n');
      return true;
    }
    metrics.handle(req, res);
    return true;
  }
  if (settings.export) applyExport();
  applyMetrics();

  const status = (): TelemetryStatus => ({
    ...(telemetry?.status() ?? {
      exportEndpoint: null, exportSource: null, exported: 0, exportDropped: 0, lastExportError: null, stored: 0, capacity: 0, storeDropped: 0,
    }),
    queryText: settings.queryText,
    metricsEnabled: metrics !== null,
    metricsTokenFile: tokenFile,
    metricsUrl: listener?.url ?? null,
    metricsError: listenerError,
  });

  const handlers: TelemetryHandlers = {
    'telemetry.recent': async ({ limit }) => {
      await listenerChange;
      const s = status();
      return { spans: telemetry?.store.recent(Math.min(limit ?? 500, 20_000)) ?? [], exportEndpoint: s.exportEndpoint, status: s };
    },
    'telemetry.submit': ({ spans }) => {
      if (spans.length > MAX_SUBMIT) throw new CodedError('bad-request', `at most ${MAX_SUBMIT} spans a call`);
      const records: SpanRecord[] = spans.map((s) => ({
        ...s, parentSpanId: s.parentSpanId ?? null, error: s.error ?? null,
      }));
      telemetry?.adopt(records);
      return { accepted: records.length };
    },
    'telemetry.export': ({ traceId }) => {
      const spans = telemetry?.store.trace(traceId) ?? [];
      if (spans.length === 0) throw new CodedError('trace-not-found', `no spans of trace ${traceId} are held (the store keeps the most recent ones)`);
      return toOtlpJson(spans);
    },
    'telemetry.configure': async ({ exportOn, endpoint, queryText, metrics: metricsOn }) => {
      if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
        throw new CodedError('bad-request', `the export endpoint must be an http(s) URL such as http://127.0.0.1:4318, not "${endpoint}"`);
      }
      if (exportOn !== undefined || endpoint !== undefined) {
        const target = endpoint ?? settings.export?.endpoint;
        if (exportOn && !target) throw new CodedError('bad-request', 'export needs an endpoint (an OTLP/HTTP base URL)');
        settings.export = { on: exportOn ?? settings.export?.on ?? false, endpoint: target ?? '' };
      }
      if (queryText !== undefined) settings.queryText = queryText;
      if (metricsOn !== undefined) settings.metrics = metricsOn;
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
      applyExport();
      applyMetrics();
      await listenerChange;
      return status();
    },
    'telemetry.testExport': ({ endpoint }) => testExport(endpoint),
  };

  return {
    handlers,
    queryAttribute: (q) => queryAttribute(q, settings.queryText, settings.queryText ? Buffer.alloc(0) : (secret ??= querySecret(dataDir))),
    serveMetrics,
    ingestMeter(collection) {
      const m = engineMetrics();
      let last = { pages: 0, bytesDone: 0, records: 0 };
      return {
        progress(p) {
          m.ingestPages.add(Math.max(0, p.pages - last.pages));
          m.ingestBytes.add(Math.max(0, p.bytesDone - last.bytesDone));
          m.ingestRecords.add(Math.max(0, p.records - last.records));
          last = p;
          queued.set(collection, Math.max(0, p.filesTotal - p.filesDone - p.files.length));
        },
        errors(codes) {
          for (const [code, n] of Object.entries(codes)) m.ingestErrors.add(n, { code });
        },
        end: () => queued.delete(collection),
      };
    },
    async close() {
      await metrics?.shutdown();
      metrics = null;
      await listenerChange;
      await listener?.close();
      listener = null;
    },
  };
}
