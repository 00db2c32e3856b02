// Tracing overhead (issue 17, must-show 2): the same ingest of the benchmark collection (bench/lib/corpus-gen.ts)
// by the built CLI, with tracing off (no SDK loaded), with the in-app span store only (`--trace FILE`: every span
// kept, written once at the end), and with OTLP/HTTP export to a receiver on 127.0.0.1 in this process (the store
// too, as in the engine). AlwaysOn sampling (the SDK's default) and the full span set. Modes alternate within each
// round, in a rotated order, so load on a shared machine falls on all three; the table gives medians, the spread
// (min-max), and ratios to 'off', of wall time and of CPU time (user+sys of the CLI and its threads), which is the
// steadier figure when other work shares the machine.
//
//   npx tsx bench/telemetry/overhead.ts [--pages 5000] [--rounds 7] [--workers 2]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCollection } from '../lib/corpus-gen.js';
import { machineLine } from '../lib/machine.js';
import { fmt, formatTable, percentile } from '../lib/stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'out/node/cli.mjs');
const DATA = join(ROOT, 'bench/data/telemetry');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const pages = arg('--pages', 5000);
const rounds = arg('--rounds', 7);
const workers = arg('--workers', 2);

type Mode = 'off' | 'store' | 'otlp';
const MODES: Mode[] = ['off', 'store', 'otlp'];

interface Run {
  mode: Mode;
  wall: number;
  cpu: number;
}

/** The OTLP receiver: takes every post (and counts the bytes), as a collector on this machine would. */
async function receiver(): Promise<{ endpoint: string; bytes: () => number; close: () => void }> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bytes: () => bytes, close: () => server.close() };
}

/** One ingest into a fresh database; wall time from the CLI's own --json summary, CPU time from the shell's `times`
 *  (the CLI's: user and sys, its threads included). An async spawn, so the receiver in this process keeps answering. */
async function ingest(mode: Mode, files: string[], endpoint: string): Promise<Run> {
  const db = join(DATA, `db-${mode}.sqlite`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const args = [CLI, 'index', db, ...files, '--json', '--workers', String(workers), ...(mode === 'store' ? ['--trace', join(DATA, 'trace.json')] : [])];
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: mode === 'otlp' ? endpoint : '' };
  const out = await new Promise<string>((resolveOut, reject) => {
    const child = spawn('bash', ['-c', 'node "$@"; code=$?; times; exit $code', 'bash', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolveOut(text) : reject(new Error(`ingest (${mode}) exited ${code}: ${text}`))));
  });
  const lines = out.trim().split('\n');
  const summary = JSON.parse(lines.find((l) => l.startsWith('{') && l.includes('"seconds"'))!) as { seconds: number };
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.567s".
  const seconds = (s: string) => [...s.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { mode, wall: summary.seconds, cpu: seconds(lines.at(-1)!) };
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const m = await buildCollection({ pages });
  const files = m.files;
  const rx = await receiver();
  const runs: Run[] = [];
  try {
    await ingest('off', files, rx.endpoint); // warm the page cache and the bundles: not counted
    for (let r = 0; r < rounds; r++) {
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
      for (const mode of order) {
        const run = await ingest(mode, files, rx.endpoint);
        runs.push(run);
        console.error(`round ${r + 1}/${rounds} ${mode}: ${run.wall.toFixed(2)} s wall, ${run.cpu.toFixed(2)} s CPU`);
      }
    }
  } finally {
    rx.close();
  }
  const of = (mode: Mode, k: 'wall' | 'cpu') => runs.filter((x) => x.mode === mode).map((x) => x[k]);
  const base = { wall: median(of('off', 'wall')), cpu: median(of('off', 'cpu')) };
  const rows = MODES.map((mode) => {
    const w = of(mode, 'wall');
    const c = of(mode, 'cpu');
    return [
      mode, String(w.length),
      fmt(median(w), 2), `${fmt(Math.min(...w), 2)}-${fmt(Math.max(...w), 2)}`, `${fmt(median(w) / base.wall, 3)}x`,
      fmt(median(c), 2), `${fmt(Math.min(...c), 2)}-${fmt(Math.max(...c), 2)}`, `${fmt(median(c) / base.cpu, 3)}x`,
    ];
  });
  console.log(`ingest of ${m.pages} generated pages (${(m.warcBytes / 1e6).toFixed(0)} MB of WARC, ${files.length} files), ${workers} workers, ${rounds} rounds`);
  console.log(machineLine(DATA));
  console.log(formatTable(['mode', 'runs', 'wall s (median)', 'wall spread', 'wall / off', 'CPU s (median)', 'CPU spread', 'CPU / off'], rows));
  const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
  console.log(`noise: the 'off' runs alone spread ${(spread(of('off', 'wall')) * 100).toFixed(1)}% in wall time and ${(spread(of('off', 'cpu')) * 100).toFixed(1)}% in CPU time;` +
    ` an overhead smaller than that is not resolved by this run. OTLP receiver took ${(rx.bytes() / 1e3).toFixed(1)} KB (gzip).`);
}

void main();
