// Telemetry for a process that keeps its spans (the engine, the CLI): every span, its own and those its threads, the
// renderer and the GPU page send over (adopt), goes into a bounded in-memory ring the Profiler reads, and, when
// export is on, into a bounded queue posted as OTLP/JSON to a collector (docker-compose.observability.yml runs a
// Jaeger that receives it). Export is off unless Settings or the standard variables turn it on
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES). A collector that is down or slow costs at most the queue: spans beyond it are counted
// as dropped, never waited for.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { toOtlpJson } from '../../shared/otlp-json.js';
import type { SpanProcess, SpanRecord, TelemetryStatus } from '../../shared/telemetry.js';
import { adoptSpans, installTracer } from './sink.js';

export { adoptSpans };

/** The last `capacity` finished spans; counts those it let go. */
export class SpanStore {
  private readonly ring: (SpanRecord | undefined)[];
  private next = 0;
  private size = 0;
  dropped = 0;

  constructor(readonly capacity = 20_000) {
    this.ring = new Array<SpanRecord | undefined>(capacity);
  }

  add(r: SpanRecord): void {
    if (this.size === this.capacity) this.dropped++;
    else this.size++;
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
  }

  get stored(): number {
    return this.size;
  }

  /** The newest `limit` spans, oldest first. */
  recent(limit = this.capacity): SpanRecord[] {
    const n = Math.min(limit, this.size);
    const out: SpanRecord[] = [];
    for (let i = n; i > 0; i--) out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!);
    return out;
  }

  /** Every span still held of one trace. */
  trace(traceId: string): SpanRecord[] {
    return this.recent().filter((s) => s.traceId === traceId);
  }
}

/** Where export goes and under what names, from the variables of the OpenTelemetry specification. */
export interface ExportTarget {
  /** The full URL spans are posted to (…/v1/traces). */
  url: string;
  service: string;
  resource: Record<string, string>;
}

/** OTEL_RESOURCE_ATTRIBUTES: "k=v,k2=v2", values percent-encoded. */
function resourceFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      // a malformed pair is ignored, as the specification asks
    }
  }
  return out;
}

/** The traces URL for an OTLP/HTTP base endpoint ("http://127.0.0.1:4318" -> ".../v1/traces"). */
export function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** Export as the variables ask, or null: OTEL_TRACES_EXPORTER=none turns it off, any exporter but otlp is not
 *  supported here (and says so through `warn`). */
export function exportFromEnv(env: NodeJS.ProcessEnv, warn: (m: string) => void = () => {}): ExportTarget | null {
  const kind = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',')[0].trim();
  if (kind === 'none') return null;
  if (kind !== 'otlp') {
    warn(`OTEL_TRACES_EXPORTER=${kind} is not supported (only otlp over HTTP, or none): spans are not exported`);
    return null;
  }
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? tracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT) : '');
  if (!url) return null;
  return { url, service: env.OTEL_SERVICE_NAME || 'archivestream', resource: resourceFromEnv(env) };
}

/** Spans queued for export at most; spans per post. */
export const EXPORT_QUEUE = 4096;
const EXPORT_BATCH = 512;
const EXPORT_TIMEOUT_MS = 5000;
const EXPORT_DELAY_MS = 1000;

/** Posts spans as gzip'd OTLP/JSON, one request at a time, from a bounded queue. */
export class ExportQueue {
  private queue: SpanRecord[] = [];
  private posting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  exported = 0;
  dropped = 0;
  lastError: string | null = null;

  constructor(readonly target: ExportTarget) {}

  push(r: SpanRecord): void {
    if (this.queue.length >= EXPORT_QUEUE) {
      this.dropped++;
      return;
    }
    this.queue.push(r);
    if (this.queue.length >= EXPORT_BATCH) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), EXPORT_DELAY_MS).unref();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.posting ??= this.drain().finally(() => {
      this.posting = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, EXPORT_BATCH);
      try {
        const res = await postSpans(this.target, batch);
        if (!res.ok) throw new Error(`the collector answered ${res.status} ${res.statusText}`);
        this.exported += batch.length;
        this.lastError = null;
      } catch (e) {
        this.dropped += batch.length;
        this.lastError = describeFailure(e);
      }
    }
  }

  /** Posts whatever is queued; settles when done or failed (never throws). */
  async flush(): Promise<void> {
    this.kick();
    await this.posting;
  }
}

/** A collector's answer to one post. */
interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  text: string;
}

/** Posts spans as one gzip'd OTLP/JSON request. Through node:http(s), not fetch: fetch loads undici on its first use
 *  in a process, about 40 ms of CPU, and costs some 10 ms a post; that was most of what export added to an ingest
 *  (bench/telemetry/overhead.ts). */
function postSpans(target: ExportTarget, spans: readonly SpanRecord[]): Promise<Answer> {
  const body = gzipSync(JSON.stringify(toOtlpJson(spans, target.service, target.resource)));
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${target.url}`);
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A failed post in words: the socket's error code (ECONNREFUSED, ...), or the timeout. */
function describeFailure(e: unknown): string {
  const err = e as { name?: string; code?: unknown; message?: string; cause?: { name?: string } };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') return `no answer within ${EXPORT_TIMEOUT_MS / 1000} s`;
  if (typeof err.code === 'string') return `${err.code}${err.message ? `: ${err.message}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/** What "test connection" reports: an empty export request posted to the endpoint. */
export async function testExport(baseEndpoint: string): Promise<{ ok: boolean; url: string; message: string; ms: number }> {
  const url = tracesUrl(baseEndpoint);
  const t0 = performance.now();
  try {
    const res = await postSpans({ url, service: 'archivestream', resource: {} }, []);
    const ms = performance.now() - t0;
    const text = res.text.slice(0, 200);
    return res.ok
      ? { ok: true, url, ms, message: `the collector accepted an empty trace (HTTP ${res.status}) in ${ms.toFixed(0)} ms` }
      : { ok: false, url, ms, message: `the collector answered HTTP ${res.status} ${res.statusText}${text ? `: ${text}` : ''}` };
  } catch (e) {
    return { ok: false, url, ms: performance.now() - t0, message: `could not post to ${url}: ${describeFailure(e)}` };
  }
}

export interface Telemetry {
  store: SpanStore;
  /** Spans from another thread or process, into the store and the export queue. */
  adopt(spans: readonly SpanRecord[] | undefined): void;
  /** Export to `target`, or stop exporting (null); the source is what the status reports. */
  setExport(target: ExportTarget | null, source: TelemetryStatus['exportSource']): void;
  status(): Pick<TelemetryStatus, 'exportEndpoint' | 'exportSource' | 'exported' | 'exportDropped' | 'lastExportError' | 'stored' | 'capacity' | 'storeDropped'>;
  /** Posts the spans still queued, then stops tracing. */
  shutdown(): Promise<void>;
}

export function startTelemetry(opts: { process: SpanProcess; capacity?: number; env?: NodeJS.ProcessEnv; warn?: (m: string) => void }): Telemetry {
  const store = new SpanStore(opts.capacity);
  let exporter: ExportQueue | null = null;
  let source: TelemetryStatus['exportSource'] = null;
  const accept = (r: SpanRecord): void => {
    store.add(r);
    exporter?.push(r);
  };
  const stop = installTracer(opts.process, accept);
  const telemetry: Telemetry = {
    store,
    adopt: (spans) => adoptSpans(spans),
    setExport(target, from) {
      const old = exporter;
      exporter = target ? new ExportQueue(target) : null;
      source = target ? from : null;
      void old?.flush();
    },
    status: () => ({
      exportEndpoint: exporter?.target.url ?? null,
      exportSource: source,
      exported: exporter?.exported ?? 0,
      exportDropped: exporter?.dropped ?? 0,
      lastExportError: exporter?.lastError ?? null,
      stored: store.stored,
      capacity: store.capacity,
      storeDropped: store.dropped,
    }),
    async shutdown() {
      await exporter?.flush();
      await stop();
    },
  };
  telemetry.setExport(exportFromEnv(opts.env ?? process.env, opts.warn), 'environment');
  return telemetry;
}

/** A per-install secret in the data folder, made on first use: query text is traced as its keyed hash, which a
 *  dictionary of likely queries cannot reverse without the secret. */
export function querySecret(dataDir: string): Buffer {
  const file = join(dataDir, 'telemetry-secret');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another engine on this folder made it first
  }
  return readFileSync(file);
}

/** The attribute a span carries for query text: the text itself when the person allowed it, else its keyed hash. */
export function queryAttribute(q: string, allowText: boolean, secret: Buffer): Record<string, string> {
  return allowText ? { 'query.text': q } : { 'query.hash': createHmac('sha256', secret).update(q).digest('hex').slice(0, 16) };
}
