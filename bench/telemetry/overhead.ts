// Tracing overhead (issue 17, must-show 2): the same ingest of the benchmark collection (bench/lib/corpus-gen.ts)
// by the built CLI, with tracing off (no SDK loaded), with the in-app span store only (`--trace FILE`: every span
// kept, written once at the end), and with OTLP/HTTP export to a receiver on 127.0.0.1 in this process (the store
// too, as in the engine). AlwaysOn sampling (the SDK's default) and the full span set: every traced run's spans are
// counted and their names checked, so a run that traced nothing cannot pass for a cheap one.
//
// Method, because the effect sought (<= 1%) is smaller than a shared machine's noise:
// - Long runs: by default two 5,000-page files, so both workers are busy for the whole ingest (one file would leave
//   one idle) and a fixed cost (loading the SDK, writing the trace) is weighed against a realistic ingest.
// - Rounds: each round runs every mode once, in an order shuffled per round (seeded: `--seed`), after one unmeasured
//   warm-up run per mode (page cache, bundles). Load that comes and goes falls on all modes alike.
// - Wall time of the whole process (spawn to exit: startup, the SDK, the trace file, the last OTLP post included),
//   and CPU time of the whole process tree: user+sys of the CLI, all its threads and any child it waited for, from
//   getrusage(RUSAGE_CHILDREN) through the shell's `times` (microsecond resolution, unlike /proc's 10 ms ticks). On a
//   machine shared with other work CPU time is the steadier figure: it does not count time spent waiting for a core.
// - Paired ratios: each round's traced run over the same round's 'off' run, so a slow round does not bias a mode;
//   the table gives their median, interquartile range and a bootstrap 90% interval of the median (seeded), which is
//   what says whether an overhead of 1% is resolved. Medians and IQR/min-max of the absolute figures too.
// - Load: /proc/loadavg before each run, and the cores other processes kept busy during each run (/proc/stat's busy
//   time minus this run's own CPU time, over its wall time), so a table from a noisy machine says so.
// - perf stat: hardware counters (instructions, cycles) are not supported in the VM this was written on
//   (`perf stat -e instructions` reports <not supported>); task-clock is, and it is the same user+sys figure as above.
//
//   npx tsx bench/telemetry/overhead.ts [--pages 10000] [--rounds 8] [--workers 2] [--seed 1] [--cli a/cli.mjs,b/cli.mjs]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildCollection } from '../lib/corpus-gen.js';
import { machineLine } from '../lib/machine.js';
import { busyCoreSeconds } from '../lib/proc.js';
import { fmt, formatTable, median, percentile } from '../lib/stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, 'bench/data/telemetry');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const pages = arg('--pages', 10_000);
const rounds = arg('--rounds', 8);
const workers = arg('--workers', 2);
const seed = arg('--seed', 1);
/** The CLI bundles to run: this checkout's build, or several (`--cli a.mjs,b.mjs`: a build before and after a change,
 *  each round running every mode of every build, so both see the same machine). */
const CLIS = (process.argv.includes('--cli') ? process.argv[process.argv.indexOf('--cli') + 1].split(',') : [join(ROOT, 'out/node/cli.mjs')]).map((p) => resolve(p));

type Mode = 'off' | 'store' | 'otlp';
const MODES: Mode[] = ['off', 'store', 'otlp'];
/** Span names every traced ingest must hold: the CLI's, the pool's, the worker's batches and stages, the writer's. */
const EXPECTED = ['cli.index', 'ingest.file', 'ingest.batch', 'ingest.read', 'ingest.decode', 'ingest.extract', 'store.writeBatch'];

interface Run {
  round: number;
  cli: string;
  mode: Mode;
  /** Seconds, spawn to exit. */
  wall: number;
  /** CPU seconds of the process tree, user + sys. */
  cpu: number;
  /** Cores other processes kept busy during the run, on average. */
  others: number;
  load1: number;
  spans: number;
}

/** A small seeded generator (mulberry32), so a run's mode orders and bootstrap are reproducible. */
function random(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface OtlpJson {
  resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
}
const spanNames = (t: OtlpJson): string[] => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));

/** The OTLP receiver: takes every post (gzip'd OTLP/JSON, as the app sends it) and keeps the span names of the
 *  current run, as a collector on this machine would receive them. */
async function receiver(): Promise<{ endpoint: string; bytes: () => number; take: () => string[]; close: () => void }> {
  let bytes = 0;
  let names: string[] = [];
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(body);
      bytes += raw.length;
      const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      names.push(...spanNames(JSON.parse(json.toString()) as OtlpJson));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    take: () => [names, (names = [])][0],
    close: () => server.close(),
  };
}

/** One ingest into a fresh database. An async spawn, so the receiver in this process keeps answering. */
async function ingest(round: number, cli: string, mode: Mode, files: string[], rx: Awaited<ReturnType<typeof receiver>>): Promise<Run> {
  const db = join(DATA, `db-${mode}.sqlite`);
  const traceFile = join(DATA, 'trace.json');
  for (const f of [db, `${db}-wal`, `${db}-shm`, traceFile]) rmSync(f, { force: true });
  const args = [cli, 'index', db, ...files, '--json', '--workers', String(workers), ...(mode === 'store' ? ['--trace', traceFile] : [])];
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: mode === 'otlp' ? rx.endpoint : '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  rx.take();
  const load1 = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const busy0 = busyCoreSeconds();
  const t0 = performance.now();
  const out = await new Promise<string>((resolveOut, reject) => {
    // `times` prints the shell's own user/sys, then its children's (the CLI's process tree): "0m1.234s 0m0.567s".
    const child = spawn('bash', ['-c', 'node "$@"; code=$?; times; exit $code', 'bash', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolveOut(text) : reject(new Error(`ingest (${mode}) exited ${code}: ${text}`))));
  });
  const wall = (performance.now() - t0) / 1e3;
  const busy = busyCoreSeconds() - busy0;
  const seconds = (s: string) => [...s.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  const cpu = seconds(out.trim().split('\n').at(-1)!);
  const names = mode === 'store' ? spanNames(JSON.parse(readFileSync(traceFile, 'utf8')) as OtlpJson) : mode === 'otlp' ? rx.take() : [];
  const missing = mode === 'off' ? [] : EXPECTED.filter((n) => !names.includes(n));
  if (missing.length) throw new Error(`the ${mode} run's trace lacks ${missing.join(', ')} (${names.length} spans)`);
  return { round, cli, mode, wall, cpu, others: Math.max(0, (busy - cpu) / wall), load1, spans: names.length };
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

const range = (xs: readonly number[], d: number) => `${fmt(Math.min(...xs), d)}-${fmt(Math.max(...xs), d)}`;
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)}%`;
/** The interquartile range of ratios, as percentages over 1. */
const iqr = (xs: readonly number[]) => `${pct(percentile(sorted(xs), 25))} .. ${pct(percentile(sorted(xs), 75))}`;

/** A 90% interval of the median by resampling (seeded): how well this run pins the median paired ratio down. */
function bootstrap90(xs: readonly number[], rnd: () => number): [number, number] {
  const medians = Array.from({ length: 2000 }, () => median(xs.map(() => xs[Math.floor(rnd() * xs.length)])));
  const s = sorted(medians);
  return [percentile(s, 5), percentile(s, 95)];
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const m = await buildCollection({ pages });
  const files = m.files;
  const rx = await receiver();
  const rnd = random(seed);
  const runs: Run[] = [];
  try {
    const jobs = CLIS.flatMap((cli) => MODES.map((mode) => ({ cli, mode })));
    for (const { cli, mode } of jobs) await ingest(0, cli, mode, files, rx); // warm-up: page cache, bundles, each once
    for (let r = 1; r <= rounds; r++) {
      for (const { cli, mode } of shuffled(jobs, rnd)) {
        const run = await ingest(r, cli, mode, files, rx);
        runs.push(run);
        console.error(`round ${r}/${rounds} ${CLIS.length > 1 ? `${cli} ` : ''}${mode.padEnd(5)} ${run.wall.toFixed(2)} s wall, ${run.cpu.toFixed(2)} s CPU, others ${run.others.toFixed(2)} cores, load ${run.load1}, ${run.spans} spans`);
      }
    }
  } finally {
    rx.close();
  }
  console.log(`ingest of ${m.pages} generated pages (${(m.warcBytes / 1e6).toFixed(0)} MB of WARC, ${files.length} files), ${workers} workers, ${rounds} rounds in shuffled order (seed ${seed})`);
  console.log(machineLine(DATA));
  for (const cli of CLIS) table(runs.filter((x) => x.cli === cli), cli, rnd);
  const loads = runs.map((x) => x.load1);
  console.log(`load average (1 min) before the runs: median ${fmt(median(loads), 2)}, ${range(loads, 2)}; 'others busy': cores other processes kept busy during a run (median).`);
  if (CLIS.length > 1) {
    const cpuOf = (cli: string, mode: Mode) => runs.filter((x) => x.cli === cli && x.mode === mode).sort((a, b) => a.round - b.round).map((x) => x.cpu);
    console.log(MODES.map((mode) => `${mode}: ${CLIS[1]} over ${CLIS[0]} ${pct(median(cpuOf(CLIS[1], mode).map((c, i) => c / cpuOf(CLIS[0], mode)[i])))} CPU`).join('; ') + ' (paired per round, median)');
  }
  console.log(`OTLP receiver took ${(rx.bytes() / 1e3).toFixed(1)} KB (gzip).`);
}

/** The table of one build's runs: figures per mode, and each traced mode paired with the same round's 'off' run. */
function table(runs: Run[], cli: string, rnd: () => number): void {
  const of = (mode: Mode) => runs.filter((x) => x.mode === mode).sort((a, b) => a.round - b.round);
  const paired = (mode: Mode, k: 'wall' | 'cpu') => of(mode).map((x, i) => x[k] / of('off')[i][k]);
  const rows = MODES.map((mode) => {
    const w = of(mode).map((x) => x.wall);
    const c = of(mode).map((x) => x.cpu);
    const pw = paired(mode, 'wall');
    const pc = paired(mode, 'cpu');
    const ci = bootstrap90(pc, rnd);
    return [
      mode, String(w.length), mode === 'off' ? '0' : fmt(median(of(mode).map((x) => x.spans)), 0),
      fmt(median(w), 2), range(w, 2),
      fmt(median(c), 2), range(c, 2),
      mode === 'off' ? '-' : `${pct(median(pw))} [${iqr(pw)}]`,
      mode === 'off' ? '-' : `${pct(median(pc))} [${iqr(pc)}]`,
      mode === 'off' ? '-' : `${pct(ci[0])} .. ${pct(ci[1])}`,
      fmt(median(of(mode).map((x) => x.others)), 2),
    ];
  });
  const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
  console.log(formatTable(
    ['mode', 'runs', 'spans', 'wall s', 'wall min-max', 'CPU s', 'CPU min-max', 'wall vs off, paired [IQR]', 'CPU vs off, paired [IQR]', 'CPU 90% CI', 'others busy'],
    rows,
  ));
  console.log(`noise: the 'off' runs alone spread ${(spread(of('off').map((x) => x.wall)) * 100).toFixed(1)}% (min-max over median) in wall time and ` +
    `${(spread(of('off').map((x) => x.cpu)) * 100).toFixed(1)}% in CPU time; a paired ratio's 90% interval wider than the effect means this run does not resolve it.`);
}

void main();
