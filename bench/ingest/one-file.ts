// One large file on every worker: the built CLI's `index` of a single per-record-gzip WARC, read whole by one worker
// (before: ARCHIVESTREAM_THREADS_FROM_MB set past the file's size, as every file was read until windows) and in
// windows by several (after: the defaults, IngestOptions.windowBytes), at --workers 1 and 2, interleaved round by
// round in one run so that load on a shared machine hits all alike. The file is the index benchmark's generated 'web'
// pages (bench/lib/corpus-gen.ts, 5,000 distinct pages a file) with `--files` of its files joined into one.
//   npx tsx bench/ingest/one-file.ts [--files 2] [--rounds 3]
// Reports per contender the median pages/s (the CLI's own seconds) and its range, CPU seconds (user + system, every
// thread) and pages per CPU second, the windows the run read, and per round the ratio of 2 workers in windows to the
// whole file; with the load average. ARCHITECTURE.md ("One large file on several workers") predicts ~813 -> ~1,266
// pages/s on 2 free cores from bench/ingest/stages.ts's per-page costs. Figures go to
// bench/data/ingest-one-file-results.json.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCollection, PAGES_PER_FILE } from '../lib/corpus-gen.js';
import { machineLine } from '../lib/machine.js';
import { formatTable, median } from '../lib/stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DATA = join(ROOT, 'bench/data');
const out = (line = ''): void => void process.stdout.write(line + '\n');
const log = (line: string): void => void process.stderr.write(line + '\n');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const v = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive whole number`);
  return v;
}

/** The first `files` files of the generated collection joined into one (gzip members concatenate). */
async function oneFile(files: number): Promise<string> {
  const path = join(DATA, `ingest-one-file-${files}x${PAGES_PER_FILE}.warc.gz`);
  const m = await buildCollection({ pages: files * PAGES_PER_FILE, onProgress: (_s, done, total) => log(`generated ${done}/${total} files`) });
  const bytes = m.files.reduce((n, f) => n + statSync(f).size, 0);
  if (existsSync(path) && statSync(path).size === bytes) return path;
  mkdirSync(DATA, { recursive: true });
  const fd = openSync(path + '.part', 'w');
  for (const f of m.files) writeSync(fd, readFileSync(f));
  closeSync(fd);
  renameSync(path + '.part', path);
  return path;
}

/** CPU seconds of this process's waited-for children (user + system, all their threads). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

interface Contender {
  name: string;
  workers: number;
  /** ARCHIVESTREAM_THREADS_FROM_MB for the run; undefined: the default window size. */
  windowsFromMb?: string;
  pagesPerS: number[];
  cpu: number[];
  pages: number;
  windows: number;
  load: number[];
}

function run(c: Contender, file: string, dir: string): void {
  const db = join(dir, 'one-file.sqlite');
  const env = { ...process.env };
  if (c.windowsFromMb) env.ARCHIVESTREAM_THREADS_FROM_MB = c.windowsFromMb;
  else delete env.ARCHIVESTREAM_THREADS_FROM_MB;
  c.load.push(loadavg()[0]);
  const c0 = childCpuSeconds();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/archivestream.mjs'), 'index', db, file, '--json', '--workers', String(c.workers)],
    { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  c.cpu.push(childCpuSeconds() - c0);
  if (r.status !== 0) throw new Error(`index exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const s = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as { pages: number; seconds: number; windows: number };
  c.pagesPerS.push(s.pages / s.seconds);
  c.pages = s.pages;
  c.windows = s.windows;
  for (const sfx of ['', '-wal', '-shm']) rmSync(db + sfx, { force: true });
}

async function main(): Promise<void> {
  const files = option('--files', 2);
  const rounds = option('--rounds', 3);
  const file = await oneFile(files);
  log('building out/node (scripts/build-node.mjs) ...');
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('build failed');
  // A file modified in the last 5 s is read with positional reads, not mapped (src/core/warc/source.ts): wait that out.
  const age = Date.now() - statSync(file).mtimeMs;
  if (age < 6000) await new Promise((r) => setTimeout(r, 6000 - age));
  const whole = String(2 ** 20); // 1 TB: no file is cut
  const contenders: Contender[] = [
    { name: 'whole file, --workers 1', workers: 1, windowsFromMb: whole },
    { name: 'whole file, --workers 2 (before)', workers: 2, windowsFromMb: whole },
    { name: 'windows, --workers 2 (after)', workers: 2 },
  ].map((c) => ({ ...c, pagesPerS: [], cpu: [], pages: 0, windows: 0, load: [] }));
  out(`# machine: ${machineLine(DATA)}`);
  out(`# input: ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB, ${files} x ${PAGES_PER_FILE} generated pages)`);
  const dir = mkdtempSync(join(tmpdir(), 'as-bench-one-file-'));
  try {
    for (let r = 0; r < rounds; r++) {
      // Each round in the other order, so neither the first nor the last run of a round is always the same contender.
      for (const c of r % 2 ? [...contenders].reverse() : contenders) {
        run(c, file, dir);
        log(`round ${r + 1}/${rounds}: ${c.name}: ${c.pagesPerS.at(-1)!.toFixed(0)} pages/s, ${c.cpu.at(-1)!.toFixed(1)} CPU s, load ${c.load.at(-1)!.toFixed(1)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out(formatTable(['contender', 'pages', 'windows', 'pages/s (median)', 'range', 'CPU s (median)', 'pages/CPU s', 'load'], contenders.map((c) => [
    c.name, String(c.pages), String(c.windows), median(c.pagesPerS).toFixed(0),
    `${Math.min(...c.pagesPerS).toFixed(0)}-${Math.max(...c.pagesPerS).toFixed(0)}`, median(c.cpu).toFixed(1),
    (c.pages / median(c.cpu)).toFixed(0), `${Math.min(...c.load).toFixed(1)}-${Math.max(...c.load).toFixed(1)}`,
  ])));
  const [, before, after] = contenders;
  const ratios = after.pagesPerS.map((p, r) => p / before.pagesPerS[r]);
  out(`windows on 2 workers / whole file on 2 workers, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')} ` +
    `(median ${median(ratios).toFixed(2)}x; the model's 1,266 / 813 = 1.56x on 2 free cores)`);
  writeFileSync(join(DATA, 'ingest-one-file-results.json'), JSON.stringify({ machine: machineLine(DATA), file, rounds, contenders, ratios }, null, 2));
}

await main();
