// Reading one file on every core: ArchiveStream's `cdxj`, `records --json` and `check` at --workers 1 and 2 against
// warcio.js's `cdx-index` CLI, on the same generated files (plain and per-record gzip), interleaved round by round in
// one run, with a per-core model fitted to the 1- and 2-worker times, and `cdxj` as a user runs it (no --workers, no
// forced threads: on this machine's cores, threads only where PARALLEL_MIN_BYTES says they pay).
//   npx tsx bench/warc/cores.ts [--mb 500] [--rounds 5]
// Every round runs each contender once, in the same order, so load on a shared machine hits all alike; a ratio is
// taken per round (peer seconds / ours, the same round) and reported as its median and range. The threads' output is
// compared byte for byte with --workers 1's in the first round. Figures go to bench/data/warc-cores-results.json.
//
// The model, from CPU seconds (user + system, all threads: what load on a shared machine changes least). A run on
// one worker spends S starting up (node, the CLI's modules: measured on a file of one record) and W reading; on n
// workers it reads W/n on each of n threads (the first window on the main thread), and each further thread costs o
// more CPU (its start-up and compiling the reader afresh) while it runs alongside: so on n free cores
//   t(n) = S + o + W/n   (t(1) = S + W),   o = CPU(2 workers) - CPU(1 worker),
// and the predicted ratio to warcio.js is warcio.js's CPU seconds (one thread) over t(n). On a quiet machine the
// measured wall times at 1 and 2 workers check the model.
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { machineInfo, machineLine } from '../lib/machine.js';
import { formatTable, median } from '../lib/stats.js';
import { DATA_DIR, ensureBenchFiles } from './generate.js';
import { buildCli } from './ours.js';
import { runToFile, warcioCdxIndex } from './peers.js';

type Format = 'plain' | 'gz';
const FORMATS: Format[] = ['gz', 'plain'];
const COMMANDS = [['cdxj'], ['records', '--json'], ['check']] as const;
const WORKERS = [1, 2] as const;
/** What the model predicts for. */
const PREDICT = [1, 2, 4, 8, 16];
const TARGET: Record<Format, number> = { gz: 5, plain: 4 };
/** `cdxj FILE` as a user runs it: threads (one a core) only where PARALLEL_MIN_BYTES says they pay. */
const DEFAULT = `cdxj (default, ${availableParallelism()} cores)`;

interface Contender {
  format: Format;
  name: string;
  /** Seconds of each round, and the CPU seconds (user + system, every thread) of each. */
  seconds: number[];
  cpu: number[];
  run: (out: string) => Promise<void>;
}

const out = (line = ''): void => void process.stdout.write(line + '\n');
const log = (line: string): void => void process.stderr.write(line + '\n');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    const v = at >= 0 ? Number(args[at + 1]) : fallback;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
    return v;
  };
  const mb = option('--mb', 500);
  // Threads at any size, children included: what a thread costs is what this measures (PARALLEL_MIN_BYTES is from it).
  // The default contender runs without it, as a user would.
  const userEnv = { ...process.env };
  delete userEnv.ARCHIVESTREAM_THREADS_FROM_MB;
  process.env.ARCHIVESTREAM_THREADS_FROM_MB = '1';
  const rounds = Math.round(option('--rounds', 5));
  out(`# machine: ${machineLine(DATA_DIR)}`);
  const files = ensureBenchFiles({ mb, log });
  out(`# input: ${(files.uncompressedBytes / 1e6).toFixed(0)} MB .warc, ${(files.gzBytes / 1e6).toFixed(0)} MB .warc.gz, ${files.records} records`);
  log('building out/node (scripts/build-node.mjs) ...');
  const bin = await buildCli();
  // A file modified in the last 5 s is read with positional reads, not mapped (src/core/warc/source.ts): wait that out.
  for (const f of [files.plain, files.gz]) await waitUntilOlder(f, 6000);

  const tiny = join(DATA_DIR, 'cores-one-record.warc');
  writeFileSync(tiny, firstRecord(files.plain));
  await waitUntilOlder(tiny, 6000);
  const startup: Contender = { format: 'plain', name: 'start-up (cdxj of one record)', seconds: [], cpu: [],
    run: (o) => runToFile(process.execPath, [bin, 'cdxj', tiny, '--workers', '1'], o) };
  const contenders: Contender[] = [startup];
  for (const format of FORMATS) {
    const file = format === 'gz' ? files.gz : files.plain;
    contenders.push({ format, name: 'warcio.js cdx-index', seconds: [], cpu: [], run: (o) => warcioCdxIndex(file, o) });
    contenders.push({ format, name: DEFAULT, seconds: [], cpu: [], run: (o) => runToFile(process.execPath, [bin, 'cdxj', file], o, userEnv) });
    for (const command of COMMANDS) {
      for (const w of WORKERS) {
        contenders.push({
          format, name: `${command.join(' ')} --workers ${w}`, seconds: [], cpu: [],
          // check exits 1 on a problem: the generated files have none, so that fails the run too.
          run: (o) => runToFile(process.execPath, [bin, ...command, file, '--workers', String(w)], o),
        });
      }
    }
  }

  const loads: number[] = [];
  const mismatches: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    loads.push(loadavg()[0]!);
    for (const c of contenders) {
      log(`[${round}/${rounds}] ${c.format} ${c.name} ...`);
      const target = outputPath(c);
      const cpuBefore = childrenCpuSeconds();
      const start = performance.now();
      await c.run(target);
      c.seconds.push((performance.now() - start) / 1000);
      c.cpu.push(childrenCpuSeconds() - cpuBefore);
    }
    if (round === 1) mismatches.push(...compareOutputs(contenders));
    for (const c of contenders) if (round > 1 || !(c.name.includes('--workers') || c.name === DEFAULT)) rmSync(outputPath(c), { force: true });
  }
  for (const c of contenders) rmSync(outputPath(c), { force: true });
  rmSync(tiny, { force: true });
  loads.push(loadavg()[0]!);

  out(`\n## Each contender, ${rounds} rounds interleaved (seconds: best, median, worst; CPU: median user + system seconds)`);
  out(formatTable(['file: contender', 'best s', 'median s', 'worst s', 'CPU s'], contenders.map((c) =>
    [`${label(c.format)}: ${c.name}`, fix(min(c.seconds)), fix(median(c.seconds)), fix(max(c.seconds)), fix(median(c.cpu))])));

  out('\n## cdxj vs warcio.js cdx-index (peer seconds / ours, per round: median and range)');
  const ratioRows: string[][] = [];
  const ratios: Record<string, { median: number; min: number; max: number }> = {};
  for (const format of FORMATS) {
    const peer = find(contenders, format, 'warcio.js cdx-index');
    for (const w of [...WORKERS, 0]) {
      const ours = find(contenders, format, w === 0 ? DEFAULT : `cdxj --workers ${w}`);
      const perRound = peer.seconds.map((s, i) => s / ours.seconds[i]!);
      const r = { median: median(perRound), min: min(perRound), max: max(perRound) };
      ratios[`${format} ${w === 0 ? 'default' : `w${w}`}`] = r;
      ratioRows.push([`${label(format)}, ${w === 0 ? DEFAULT.slice(5) : `--workers ${w}`}`, `${r.median.toFixed(2)}x`,
        `${r.min.toFixed(2)}-${r.max.toFixed(2)}x`, `>= ${TARGET[format]}x`, r.median >= TARGET[format] ? 'met' : 'missed']);
    }
  }
  out(formatTable(['file, workers', 'median', 'range', 'target', ''], ratioRows));

  out('\n## Per-core model from CPU seconds: t(n) = S + o + W/n on n free cores; predicted ratio to warcio.js (its CPU s / t(n))');
  const S = median(startup.cpu);
  const model: Record<string, { S: number; W: number; o: number; predicted: Record<number, number> }> = {};
  const modelRows: string[][] = [];
  for (const format of FORMATS) {
    const peer = median(find(contenders, format, 'warcio.js cdx-index').cpu);
    for (const command of COMMANDS) {
      const name = command.join(' ');
      const c1 = median(find(contenders, format, `${name} --workers 1`).cpu);
      const c2 = median(find(contenders, format, `${name} --workers 2`).cpu);
      const W = Math.max(0, c1 - S);
      const o = Math.max(0, c2 - c1);
      const predicted = Object.fromEntries(PREDICT.map((n) => [n, n === 1 ? c1 : S + o + W / n]));
      model[`${format} ${name}`] = { S, W, o, predicted };
      // Only cdxj has a peer to divide by; the others show their predicted seconds.
      const cell = (n: number) => (name === 'cdxj' ? `${(peer / predicted[n]!).toFixed(2)}x` : `${predicted[n]!.toFixed(2)} s`);
      modelRows.push([`${label(format)}: ${name}`, fix(S), fix(W), fix(o), ...PREDICT.map(cell)]);
    }
  }
  out(formatTable(['file: command', 'S', 'W', 'o', ...PREDICT.map((n) => `${n} cores`)], modelRows));
  out('# S: start-up CPU s; W: CPU s reading on one worker, less S; o: CPU s each further thread adds.');
  out(`# load average (1 min) at each round's start and at the end: ${loads.map((l) => l.toFixed(2)).join(', ')}`);
  for (const m of mismatches) out(`WARNING: ${m}`);
  if (mismatches.length === 0) out('# output at --workers 2 (and cdxj\'s default) is byte for byte the --workers 1 output, for every command and file');

  const resultsPath = join(DATA_DIR, 'warc-cores-results.json');
  writeFileSync(resultsPath, JSON.stringify({
    date: new Date().toISOString(), machine: machineInfo(DATA_DIR), mb, rounds, loads, mismatches, ratios, model,
    contenders: contenders.map(({ format, name, seconds, cpu }) => ({ format, name, seconds, cpu })),
  }, null, 2) + '\n');
  out(`\nfigures written to ${resultsPath}`);
}

/** The --workers 2 output of each command must be its --workers 1 output, byte for byte. */
function compareOutputs(contenders: Contender[]): string[] {
  const problems: string[] = [];
  for (const format of FORMATS) {
    for (const command of COMMANDS) {
      const name = command.join(' ');
      const one = readFileSync(outputPath(find(contenders, format, `${name} --workers 1`)));
      const two = readFileSync(outputPath(find(contenders, format, `${name} --workers 2`)));
      if (one.length === 0 && name !== 'check') problems.push(`${format} ${name}: no output`);
      if (one.compare(two) !== 0) problems.push(`${format} ${name}: --workers 2 output differs from --workers 1`);
      if (name === 'cdxj' && one.compare(readFileSync(outputPath(find(contenders, format, DEFAULT)))) !== 0)
        problems.push(`${format} ${DEFAULT}: output differs from --workers 1`);
    }
  }
  return problems;
}

/** The plain file's first record (the generator writes a Content-Length and CRLF CRLF after each; records are far
 *  smaller than the 4 MiB read). */
function firstRecord(path: string): Buffer {
  const head = Buffer.alloc(4 << 20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const blank = head.indexOf('\r\n\r\n');
  const length = Number(/\r\nContent-Length: *(\d+)/i.exec(head.subarray(0, blank).toString('latin1'))?.[1]);
  return head.subarray(0, blank + 4 + length + 4);
}

/** CPU seconds (user + system) of this process's children that have ended, from /proc (0 where there is none). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from field 3 after the command name; in clock ticks.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

async function waitUntilOlder(path: string, ms: number): Promise<void> {
  const age = Date.now() - statSync(path).mtimeMs;
  if (age < ms) await new Promise((resolve) => setTimeout(resolve, ms - age));
}

const outputPath = (c: Contender) => join(DATA_DIR, `cores-${c.format}-${c.name.replace(/[^a-z0-9]+/gi, '-')}.out`);
const find = (cs: Contender[], format: Format, name: string) => cs.find((c) => c.format === format && c.name === name)!;
const label = (format: Format) => (format === 'gz' ? '.warc.gz' : '.warc');
const fix = (n: number) => n.toFixed(3);
const min = (xs: number[]) => Math.min(...xs);
const max = (xs: number[]) => Math.max(...xs);

main().catch((e: unknown) => {
  process.stderr.write(`bench/warc/cores.ts: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
