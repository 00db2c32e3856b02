// WARC scan benchmark: ArchiveStream's reader vs warcio.js vs the zlib / indexOf ceilings, on the same files, in one run.
//   npx tsx bench/warc/run.ts [--mb 500] [--memory] [--repeat 3] [--samples 2000] [--every 500]
// --mb       size of the generated plain WARC in MB (10^6 bytes); its per-record gzip twin is made from the same records
// --memory   also generate the 10x file and measure peak memory scanning it (takes disk and minutes)
// --repeat   each timing is the best of this many runs, contenders interleaved so machine noise hits all alike
// --samples  records read at random for the latency figures
// --every    memory is sampled every this many records
// Progress goes to stderr; the tables to stdout; all figures to bench/data/warc-results.json.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { machineInfo, machineLine } from '../lib/machine.js';
import { type BenchFiles, DATA_DIR, PROJECT_ROOT, ensureBenchFiles, mulberry32, readMembers } from './generate.js';
import type { MemoryReport } from './memory-probe.js';
import {
  CORE_BUNDLE, type Latency, type WarcCore, buildCli, bundleCore, coreAvailable, loadCore, openForBench, randomAccess, scanArchive,
} from './ours.js';
import { MMAP_LIMIT, indexOfCeiling, runToFile, warcioCdxIndex, warcioCdxj, warcioScan, zlibCeiling } from './peers.js';

interface Options {
  mb: number;
  memory: boolean;
  repeat: number;
  samples: number;
  every: number;
}

type Format = 'plain' | 'gz';
type Kind = 'peer' | 'ours' | 'ceiling';

interface Contender {
  format: Format;
  name: string;
  kind: Kind;
  /** Returns what it counted: records (and a cross-check sum, or output lines for the CDXJ tools). */
  run: () => Promise<Counted> | Counted;
}

interface Counted {
  records: number;
  check?: number;
  lines?: number;
  problems?: number;
}

interface Row {
  format: Format;
  name: string;
  kind: Kind;
  seconds: number;
  mbPerS: number;
  recordsPerS: number;
  records: number;
  note: string;
}

interface Ratio {
  format: Format;
  what: string;
  value: number;
  unit: 'x' | '%' | 'MB/s';
  target?: number;
  pass?: boolean;
}

const out = (line = ''): void => void process.stdout.write(line + '\n');
const log = (line: string): void => void process.stderr.write(line + '\n');

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const gc = exposeGc();
  out(`# machine: ${machineLine(DATA_DIR)}`);

  const files = ensureBenchFiles({ mb: opts.mb, log });
  const big = opts.memory ? ensureBenchFiles({ mb: opts.mb * 10, log }) : undefined;
  out(`# input: ${describe(files)}`);
  if (big) out(`# 10x:   ${describe(big)}`);

  // Outputs of an earlier run must not pass for this run's in compareCdxj.
  for (const f of ['warcio', 'archivestream']) for (const x of ['plain', 'gz']) rmSync(join(DATA_DIR, `${f}-${x}.cdxj`), { force: true });
  const core = await prepareCore();
  const cli = core.core ? await prepareCli() : { error: 'needs the reader' };
  const warnings: string[] = [];
  if (core.error) warnings.push(`ArchiveStream reader not measured: ${core.error}`);
  if (cli.error) warnings.push(`ArchiveStream cdxj CLI not measured: ${cli.error}`);

  // Spans (offset, length) from our last scan of each file, for the random-access test.
  const spans: Record<Format, number[]> = { plain: [], gz: [] };
  const contenders: Contender[] = [];
  for (const format of ['plain', 'gz'] as const) {
    const file = format === 'plain' ? files.plain : files.gz;
    contenders.push({
      format, name: 'warcio.js cdx-index (CLI)', kind: 'peer',
      run: async () => {
        const target = join(DATA_DIR, `warcio-${format}.cdxj`);
        await warcioCdxIndex(file, target);
        return { records: NaN, lines: countLines(target) };
      },
    });
    if (cli.bin) {
      const bin = cli.bin;
      contenders.push({
        format, name: 'ArchiveStream cdxj (CLI)', kind: 'ours',
        run: async () => {
          const target = join(DATA_DIR, `archivestream-${format}.cdxj`);
          await runToFile(process.execPath, [bin, 'cdxj', file], target);
          return { records: NaN, lines: countLines(target) };
        },
      });
      // The line above reads the file on every core (src/core/warc/parallel.ts); this one on one.
      contenders.push({
        format, name: 'ArchiveStream cdxj (CLI, --workers 1)', kind: 'ours',
        run: async () => {
          const target = join(DATA_DIR, `archivestream-${format}-w1.cdxj`);
          await runToFile(process.execPath, [bin, 'cdxj', file, '--workers', '1'], target);
          const lines = countLines(target);
          // The threads' output must be the one-core output, byte for byte.
          const threaded = join(DATA_DIR, `archivestream-${format}.cdxj`);
          if (existsSync(threaded) && readFileSync(threaded).compare(readFileSync(target)) !== 0) {
            warnings.push(`${format}: cdxj on all cores differs from cdxj --workers 1`);
          }
          rmSync(target, { force: true });
          return { records: NaN, lines };
        },
      });
    }
    contenders.push({
      format, name: 'warcio.js CDXIndexer (API)', kind: 'peer',
      run: async () => ({ records: NaN, lines: (await warcioCdxj(file)).lines }),
    });
    const cdxjLines = core.core?.cdxjLines;
    if (core.core && cdxjLines) {
      const c = core.core;
      contenders.push({
        format, name: 'ArchiveStream cdxjLines (API)', kind: 'ours',
        run: () => {
          const { archive, problems } = openForBench(c, file);
          try {
            let lines = 0;
            for (const _line of cdxjLines(archive)) lines++;
            return { records: NaN, lines, problems: problems.length };
          } finally {
            archive.close();
          }
        },
      });
    }
    contenders.push({ format, name: 'warcio.js WARCParser scan', kind: 'peer', run: () => warcioScan(file) });
    if (core.core) {
      const c = core.core;
      contenders.push({
        format, name: 'ArchiveStream records() scan', kind: 'ours',
        run: () => {
          const { archive, problems } = openForBench(c, file);
          try {
            const scan = scanArchive(archive, problems);
            spans[format] = scan.spans;
            return { records: scan.records, check: scan.check, problems: problems.length };
          } finally {
            archive.close();
          }
        },
      });
      // Positional reads: what openArchive falls back to where mapping fails (and what files of 2 GiB and more need
      // while @riaskov/mmap-io takes sizes and offsets as a C int).
      contenders.push({
        format, name: "ArchiveStream scan, source 'file'", kind: 'ours',
        run: () => {
          const { archive, problems } = openForBench(c, file, 'file');
          try {
            const scan = scanArchive(archive, problems, { keepSpans: false });
            return { records: scan.records, check: scan.check, problems: problems.length };
          } finally {
            archive.close();
          }
        },
      });
      contenders.push({
        format, name: 'ArchiveStream scan + payload()', kind: 'ours',
        run: () => {
          const { archive, problems } = openForBench(c, file);
          try {
            const scan = scanArchive(archive, problems, { payload: true, keepSpans: false });
            return { records: scan.records, check: scan.check, problems: problems.length };
          } finally {
            archive.close();
          }
        },
      });
    }
    if (format === 'gz') {
      const members = readMembers(files.members);
      contenders.push({ format, name: 'ceiling: zlib inflateRawSync', kind: 'ceiling', run: () => zlibCeiling(file, members) });
    } else {
      contenders.push({ format, name: 'ceiling: Buffer.indexOf (mmap)', kind: 'ceiling', run: () => indexOfCeiling(file) });
    }
  }

  const rows = await measure(contenders, files, opts.repeat, gc, warnings);
  printRows(rows, opts.repeat);
  const cdxjAgreement = compareCdxj();
  const ratios = computeRatios(rows);
  printRatios(ratios);

  const latency: Record<string, Latency> = {};
  if (core.core) {
    for (const format of ['plain', 'gz'] as const) {
      Object.assign(latency, measureLatency(core.core, format, format === 'plain' ? files.plain : files.gz, spans[format], opts.samples, '1x'));
    }
    if (big) {
      for (const format of ['plain', 'gz'] as const) {
        const file = format === 'plain' ? big.plain : big.gz;
        log(`scanning the 10x ${format} file for its record spans ...`);
        const { archive, problems } = openForBench(core.core, file);
        const scan = scanArchive(archive, problems);
        archive.close();
        if (scan.records !== big.records) warnings.push(`10x ${format}: reader found ${scan.records} records, generator wrote ${big.records}`);
        Object.assign(latency, measureLatency(core.core, format, file, scan.spans, opts.samples, '10x'));
      }
    }
    printLatency(latency);
  }

  const memory: MemoryReport[] = [];
  let memoryVerdicts: string[] = [];
  if (core.core) {
    const targets: Array<[string, string, number]> = [['1x plain', files.plain, files.records], ['1x gz', files.gz, files.records]];
    if (big) targets.push(['10x plain', big.plain, big.records], ['10x gz', big.gz, big.records]);
    const labels: string[] = [];
    for (const [label, file, expected] of targets) {
      log(`memory probe: ${label} ...`);
      try {
        const report = await probeMemory(file, opts.every);
        memory.push(report);
        labels.push(label);
        if (report.records !== expected) warnings.push(`memory probe ${label}: reader found ${report.records} records, generator wrote ${expected}`);
      } catch (e) {
        warnings.push(`memory probe ${label} failed: ${message(e)}`);
      }
    }
    memoryVerdicts = printMemory(memory, labels, opts.every);
  }

  for (const w of warnings) out(`WARNING: ${w}`);
  const results = {
    date: new Date().toISOString(),
    machine: machineInfo(DATA_DIR),
    machineLine: machineLine(DATA_DIR),
    options: opts,
    ours: core.core ? `esbuild bundle of src/core/warc/index.ts (${CORE_BUNDLE})` : null,
    input: { '1x': files, '10x': big ?? null },
    rows,
    ratios,
    cdxjAgreement,
    latency,
    memory,
    memoryVerdicts,
    warnings,
  };
  const resultsPath = join(DATA_DIR, 'warc-results.json');
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
  out(`\nfigures written to ${resultsPath}`);
}

async function measure(contenders: Contender[], files: BenchFiles, repeat: number, gc: () => void, warnings: string[]): Promise<Row[]> {
  const best = new Map<Contender, { seconds: number; records: number; note: string }>();
  const failed = new Set<Contender>();
  for (let round = 1; round <= repeat; round++) {
    for (const c of contenders) {
      if (failed.has(c)) continue;
      log(`[${round}/${repeat}] ${c.format} ${c.name} ...`);
      gc();
      const start = performance.now();
      try {
        const result = await c.run();
        const seconds = (performance.now() - start) / 1000;
        const notes: string[] = [];
        if (result.lines !== undefined) notes.push(`${result.lines} lines`);
        if (result.problems) notes.push(`${result.problems} problems`);
        if (result.check !== undefined) notes.push(`check ${result.check}`);
        if (Number.isFinite(result.records) && result.records !== files.records) {
          notes.push(`COUNT MISMATCH: generator wrote ${files.records}`);
        }
        const prev = best.get(c);
        if (!prev || seconds < prev.seconds) best.set(c, { seconds, records: result.records, note: notes.join(', ') });
      } catch (e) {
        failed.add(c);
        warnings.push(`${c.format} ${c.name} failed: ${message(e)}`);
      }
    }
  }
  crossCheck(contenders, best, warnings);
  return contenders.flatMap((c) => {
    const b = best.get(c);
    if (!b) return [];
    return [{
      format: c.format, name: c.name, kind: c.kind, seconds: b.seconds,
      mbPerS: files.uncompressedBytes / 1e6 / b.seconds,
      recordsPerS: files.records / b.seconds,
      records: b.records,
      note: b.note,
    }];
  });
}

/** warcio.js and our reader sum the same per-record values (peers.ts warcioScan, ours.ts recordCheck): a difference
 *  means one of them read a field differently, which the table then says. */
function crossCheck(contenders: Contender[], best: Map<Contender, { note: string }>, warnings: string[]): void {
  for (const format of ['plain', 'gz'] as const) {
    const checkOf = (name: string) => {
      const c = contenders.find((x) => x.format === format && x.name === name);
      return c ? /check (\d+)/.exec(best.get(c)?.note ?? '')?.[1] : undefined;
    };
    const theirs = checkOf('warcio.js WARCParser scan');
    const ours = checkOf('ArchiveStream records() scan');
    if (theirs && ours && theirs !== ours) {
      warnings.push(`${format}: type/URI/date/status check differs: warcio.js ${theirs}, ArchiveStream ${ours}`);
    }
  }
}

function computeRatios(rows: Row[]): Ratio[] {
  const find = (format: Format, name: string) => rows.find((r) => r.format === format && r.name === name);
  const ratios: Ratio[] = [];
  const speedup = (format: Format, what: string, ours: string, peer: string, target?: number) => {
    const a = find(format, ours);
    const b = find(format, peer);
    if (!a || !b) return;
    const value = b.seconds / a.seconds;
    ratios.push({ format, what, value, unit: 'x', target, pass: target === undefined ? undefined : value >= target });
  };
  for (const format of ['plain', 'gz'] as const) {
    const target = format === 'gz' ? 5 : 4;
    speedup(format, 'scan: ArchiveStream / warcio.js WARCParser', 'ArchiveStream records() scan', 'warcio.js WARCParser scan', target);
    speedup(format, 'CDXJ: ArchiveStream CLI / warcio.js cdx-index CLI', 'ArchiveStream cdxj (CLI)', 'warcio.js cdx-index (CLI)', target);
    speedup(format, 'CDXJ: ArchiveStream CLI --workers 1 / warcio.js cdx-index CLI', 'ArchiveStream cdxj (CLI, --workers 1)', 'warcio.js cdx-index (CLI)', target);
    speedup(format, 'CDXJ: ArchiveStream cdxjLines / warcio.js CDXIndexer', 'ArchiveStream cdxjLines (API)', 'warcio.js CDXIndexer (API)', target);
    speedup(format, 'scan + payload: ArchiveStream / warcio.js WARCParser', 'ArchiveStream scan + payload()', 'warcio.js WARCParser scan');
    speedup(format, "scan, source 'file': ArchiveStream / warcio.js WARCParser", "ArchiveStream scan, source 'file'", 'warcio.js WARCParser scan');
    const ours = find(format, 'ArchiveStream records() scan');
    const ceiling = find(format, format === 'gz' ? 'ceiling: zlib inflateRawSync' : 'ceiling: Buffer.indexOf (mmap)');
    if (ours && ceiling) {
      const value = (ceiling.seconds / ours.seconds) * 100;
      const target = format === 'gz' ? 85 : undefined;
      ratios.push({ format, what: `scan: ArchiveStream / ${ceiling.name}`, value, unit: '%', target, pass: target === undefined ? undefined : value >= target });
    }
    if (ours && format === 'plain') {
      ratios.push({ format, what: 'scan throughput, uncompressed', value: ours.mbPerS, unit: 'MB/s', target: 1000, pass: ours.mbPerS >= 1000 });
    }
  }
  return ratios;
}

function measureLatency(core: WarcCore, format: Format, file: string, spans: number[], samples: number, scale: string): Record<string, Latency> {
  if (spans.length === 0) return {};
  const { archive } = openForBench(core, file);
  try {
    const rand = mulberry32(0xacce55);
    return {
      [`${scale} ${format} readRecord`]: randomAccess(archive, spans, samples, rand, false),
      [`${scale} ${format} readRecord + payload()`]: randomAccess(archive, spans, samples, rand, true),
    };
  } finally {
    archive.close();
  }
}

function probeMemory(file: string, every: number): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench/warc/memory-probe.ts'), CORE_BUNDLE, file, String(every)],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').pop()!) as MemoryReport);
      else reject(new Error(`exit ${code}: ${stderr.trim()}`));
    });
  });
}

async function prepareCore(): Promise<{ core?: WarcCore; error?: string }> {
  if (!coreAvailable()) return { error: 'src/core/warc/index.ts does not exist yet' };
  try {
    log('bundling src/core/warc with esbuild ...');
    await bundleCore();
    return { core: await loadCore() };
  } catch (e) {
    return { error: message(e) };
  }
}

/** The CLI as shipped: out/node built by scripts/build-node.mjs, run through bin/archivestream.mjs. */
async function prepareCli(): Promise<{ bin?: string; error?: string }> {
  if (!existsSync(join(PROJECT_ROOT, 'src/cli/commands/cdxj.ts'))) return { error: 'src/cli/commands/cdxj.ts does not exist yet' };
  try {
    log('building out/node (scripts/build-node.mjs) ...');
    return { bin: await buildCli() };
  } catch (e) {
    return { error: message(e) };
  }
}

function printRows(rows: Row[], repeat: number): void {
  out(`\n## Full scan (best of ${repeat}; MB/s of uncompressed WARC bytes; CLI rows include node start-up and writing the index)`);
  const table: string[][] = [['file', 'contender', 'seconds', 'MB/s', 'records/s', 'records', 'note']];
  for (const r of rows) {
    table.push([r.format === 'gz' ? '.warc.gz' : '.warc', r.name, r.seconds.toFixed(3), r.mbPerS.toFixed(0),
      r.recordsPerS.toFixed(0), Number.isFinite(r.records) ? String(r.records) : '-', r.note]);
  }
  printTable(table);
}

function printRatios(ratios: Ratio[]): void {
  out('\n## Ratios (speed, same input, same run)');
  const table: string[][] = [['file', 'ratio', 'value', 'target', '']];
  for (const r of ratios) {
    const fmt = (v: number) => (r.unit === 'x' ? `${v.toFixed(2)}x` : r.unit === '%' ? `${v.toFixed(0)}%` : `${v.toFixed(0)} MB/s`);
    table.push([r.format === 'gz' ? '.warc.gz' : '.warc', r.what, fmt(r.value),
      r.target === undefined ? '' : `>= ${fmt(r.target)}`, r.pass === undefined ? '' : r.pass ? 'met' : 'MISSED']);
  }
  printTable(table);
}

function printLatency(latency: Record<string, Latency>): void {
  out('\n## Random access: readRecord(offset, length) on an open ArchiveFile, random records, page cache warm');
  const table: string[][] = [['read', 'samples', 'p50 us', 'p99 us', 'max us']];
  for (const [name, l] of Object.entries(latency)) {
    table.push([name, String(l.samples), l.p50us.toFixed(1), l.p99us.toFixed(1), l.maxUs.toFixed(0)]);
  }
  printTable(table);
}

function printMemory(reports: MemoryReport[], labels: string[], every: number): string[] {
  const verdicts: string[] = [];
  out(`\n## Peak memory scanning with records() (fresh child process per file; sampled every ${every} records and at the end)`);
  out('# heap/external/arrayBuffers: process.memoryUsage(); RssAnon/RssFile: /proc/self/status. Mapped archive pages');
  out('# count as RssFile: the kernel page cache, reclaimable, not ours. "external" includes the length of the mapping');
  out('# (the binding reports it to V8) and arrayBuffers the inflated members not yet collected: neither is RssAnon.');
  out('# Flat = RssAnon and heapUsed do not grow with the file.');
  const mib = (n: number) => (Number.isFinite(n) ? (n / 2 ** 20).toFixed(1) : '-');
  const table: string[][] = [['file', 'records', 'seconds', 'heapUsed MiB', 'external MiB', 'arrayBuffers MiB', 'RssAnon MiB', 'RssFile MiB', 'VmHWM MiB']];
  reports.forEach((r, i) => {
    const d = (k: keyof MemoryReport['max']) => `${mib(r.max[k])} (+${mib(r.max[k] - r.baseline[k])})`;
    table.push([labels[i] ?? r.file, String(r.records), r.seconds.toFixed(2), d('heapUsed'), d('external'), d('arrayBuffers'), d('rssAnon'), d('rssFile'), mib(r.vmHwm)]);
  });
  printTable(table);
  out('# "(+n)" is growth over the baseline sampled before opening the file.');
  for (const format of ['plain', 'gz']) {
    const one = reports[labels.indexOf(`1x ${format}`)];
    const ten = reports[labels.indexOf(`10x ${format}`)];
    if (!one || !ten) continue;
    // Growth in MiB, not a ratio: a few MiB of baseline noise would make a ratio of small numbers look like a leak.
    const extra = (k: 'rssAnon' | 'heapUsed') => (ten.max[k] - ten.baseline[k] - (one.max[k] - one.baseline[k])) / 2 ** 20;
    const flat = extra('rssAnon') < FLAT_MIB && extra('heapUsed') < FLAT_MIB;
    const verdict = `${format}: the 10x file grows RssAnon ${signed(extra('rssAnon'))} MiB and heapUsed ` +
      `${signed(extra('heapUsed'))} MiB more than the 1x file: ${flat ? 'flat' : 'NOT FLAT'} (flat: under ${FLAT_MIB} MiB each)`;
    out(`# ${verdict}`);
    verdicts.push(verdict);
  }
  return verdicts;
}

/** Growth of the 10x file's peak over the 1x file's peak still counted as flat. */
const FLAT_MIB = 16;

const signed = (n: number) => (n >= 0 ? '+' : '') + n.toFixed(1);

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  rows.forEach((r, n) => {
    out(r.map((cell, i) => (i >= 2 && n > 0 && /^[\d.+-]/.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
    if (n === 0) out(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function describe(f: BenchFiles): string {
  return `${(f.uncompressedBytes / 1e6).toFixed(1)} MB .warc and ${(f.gzBytes / 1e6).toFixed(1)} MB .warc.gz ` +
    `(${f.records} records, mean ${(f.uncompressedBytes / f.records / 1024).toFixed(1)} KiB, one gzip member each, zlib level 6)` +
    (f.uncompressedBytes >= MMAP_LIMIT ? ' [over 2 GiB: our mmap source maps it in overlapping 1 GiB windows]' : '');
}

/** How many of warcio.js's CDXJ lines our CLI wrote identically (a speed ratio of two different indexes means
 *  little). The differences are the cdxj engineer's to explain (src/core/warc/cdxj.ts says where we differ). */
function compareCdxj(): Record<string, string> {
  const agreement: Record<string, string> = {};
  for (const format of ['plain', 'gz'] as const) {
    const theirsPath = join(DATA_DIR, `warcio-${format}.cdxj`);
    const oursPath = join(DATA_DIR, `archivestream-${format}.cdxj`);
    if (!existsSync(theirsPath) || !existsSync(oursPath)) continue;
    const ours = new Set(readFileSync(oursPath, 'utf8').split('\n').filter(Boolean));
    const theirs = readFileSync(theirsPath, 'utf8').split('\n').filter(Boolean);
    const same = theirs.filter((l) => ours.has(l)).length;
    agreement[format] = `${same} of warcio.js's ${theirs.length} lines identical in ours (${ours.size} lines)`;
    out(`# CDXJ ${format}: ${agreement[format]}`);
  }
  return agreement;
}

function countLines(path: string): number {
  const bytes = readFileSync(path);
  let n = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}

/** `global.gc` without asking the user for --expose-gc: each timing starts from a collected heap. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}

function parseOptions(args: string[]): Options {
  const opts: Options = { mb: 500, memory: false, repeat: 3, samples: 2000, every: 500 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const number = () => {
      const v = Number(args[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${arg} needs a positive number`);
      return v;
    };
    if (arg === '--mb') opts.mb = number();
    else if (arg === '--memory') opts.memory = true;
    else if (arg === '--repeat') opts.repeat = Math.round(number());
    else if (arg === '--samples') opts.samples = Math.round(number());
    else if (arg === '--every') opts.every = Math.round(number());
    else throw new Error(`unknown option ${arg} (see the header of bench/warc/run.ts)`);
  }
  return opts;
}

/** The first lines of an error: a child's stderr can hold a whole stack, the table needs the cause. */
function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').filter((l) => l.trim()).slice(0, 3).join(' | ');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/warc/run.ts: ${message(e)}\n`);
  process.exit(1);
});
