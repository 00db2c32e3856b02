// ArchiveStream's side of the benchmark. The WARC core is bundled with esbuild into bench/data/ exactly as
// scripts/build-node.mjs bundles the CLI (ESM, node20, native modules external), so the code measured is the code
// that ships, not per-file tsx output.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArchiveFile, ArchiveRecord, OpenOptions, SourceKind, WarcProblem } from '../../src/core/warc/types.js';
import { DATA_DIR, PROJECT_ROOT } from './generate.js';
import { runToFile, type ScanCount } from './peers.js';

export interface WarcCore {
  openArchive(path: string, options?: OpenOptions): ArchiveFile;
  /** src/core/warc/cdxj.ts, when it exists: the lines `archivestream cdxj` prints, without newlines. */
  cdxjLines?: (file: ArchiveFile) => Iterable<string>;
}

export const CORE_ENTRY = join(PROJECT_ROOT, 'src/core/warc/index.ts');
export const CORE_BUNDLE = join(DATA_DIR, 'archivestream-warc.mjs');

export function coreAvailable(): boolean {
  return existsSync(CORE_ENTRY);
}

/** Bundles src/core/warc/index.ts (and cdxj.ts when present) of `root` (default this tree; bench/warc/ab.ts passes an
 *  earlier one) into `outfile`; returns its path. */
export async function bundleCore(outfile = CORE_BUNDLE, root = PROJECT_ROOT): Promise<string> {
  const cdxjEntry = join(root, 'src/core/warc/cdxj.ts');
  let contents = `export * from ${JSON.stringify(join(root, 'src/core/warc/index.ts'))};\n`;
  if (existsSync(cdxjEntry)) contents += `export { cdxjLines } from ${JSON.stringify(cdxjEntry)};\n`;
  await build({
    absWorkingDir: PROJECT_ROOT,
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'bench-warc-entry.ts' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', '@riaskov/mmap-io', 'chardet', '@opentelemetry/*'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** The CLI as shipped: out/node built by scripts/build-node.mjs; returns bin/archivestream.mjs, which runs it. */
export async function buildCli(): Promise<string> {
  await runToFile(process.execPath, [join(PROJECT_ROOT, 'scripts/build-node.mjs')], '/dev/null');
  return join(PROJECT_ROOT, 'bin/archivestream.mjs');
}

export async function loadCore(bundle = CORE_BUNDLE): Promise<WarcCore> {
  const core = (await import(pathToFileURL(bundle).href)) as Partial<WarcCore>;
  if (typeof core.openArchive !== 'function') throw new Error(`${bundle} exports no openArchive()`);
  return core as WarcCore;
}

export interface OurScan extends ScanCount {
  /** [offset, length] of every record, as records() reported them, for the random-access test. */
  spans: number[];
  problems: WarcProblem[];
  /** Bytes of content block, or of decoded payload when asked. */
  contentBytes: number;
}

export interface ScanOptions {
  /** Also decode every payload (chunked, Content-Encoding): the work text extraction needs. */
  payload?: boolean;
  /** Record every (offset, length) in `spans`; off for the memory probe, whose heap must not grow with the file. */
  keepSpans?: boolean;
  /** Called after every record, for sampling (memory probe). */
  onRecord?: (index: number) => void;
}

/** The full record scan: iterate records(), read type, URI, date and HTTP status of each, as an indexer does. */
export function scanArchive(archive: ArchiveFile, problems: WarcProblem[], options: ScanOptions = {}): OurScan {
  const spans: number[] = [];
  const keepSpans = options.keepSpans ?? true;
  let records = 0;
  let check = 0;
  let contentBytes = 0;
  for (const record of archive.records()) {
    check += recordCheck(record);
    if (options.payload) contentBytes += record.payload().length;
    if (keepSpans) spans.push(record.offset, record.length);
    options.onRecord?.(records);
    records++;
  }
  return { records, check, spans, problems, contentBytes };
}

/** The same value warcioScan sums, so both readers can be checked against each other. */
export function recordCheck(record: ArchiveRecord): number {
  let check = record.type.length + (record.targetUri?.length ?? 0) + (record.date?.length ?? 0) + 1;
  if (record.type === 'response' || record.type === 'revisit') check += record.http()?.status ?? 0;
  return check;
}

export function openForBench(core: WarcCore, file: string, source: SourceKind = 'mmap'): { archive: ArchiveFile; problems: WarcProblem[] } {
  const problems: WarcProblem[] = [];
  const archive = core.openArchive(file, { source, onProblem: (p) => problems.push(p) });
  return { archive, problems };
}

export interface Latency {
  samples: number;
  p50us: number;
  p99us: number;
  maxUs: number;
}

/** Reads `samples` records chosen at random from `spans` through readRecord on an already open archive and times
 *  each read (plus the payload when asked). The page cache is warm: this is the parser's cost, not the disk's. */
export function randomAccess(
  archive: ArchiveFile,
  spans: number[],
  samples: number,
  rand: () => number,
  withPayload: boolean,
): Latency {
  const count = spans.length / 2;
  const times = new Float64Array(samples);
  let sink = 0;
  for (let i = 0; i < samples + 50; i++) {
    const k = Math.floor(rand() * count);
    const start = process.hrtime.bigint();
    const record = archive.readRecord(spans[2 * k]!, spans[2 * k + 1]!);
    sink += record.type.length + (record.targetUri?.length ?? 0);
    if (withPayload) sink += record.payload().length;
    const elapsed = Number(process.hrtime.bigint() - start) / 1000;
    // The first 50 reads warm up the JIT and are not counted.
    if (i >= 50) times[i - 50] = elapsed;
  }
  if (sink < 0) throw new Error('unreachable');
  times.sort();
  return { samples, p50us: percentile(times, 0.5), p99us: percentile(times, 0.99), maxUs: times[samples - 1] ?? 0 };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
