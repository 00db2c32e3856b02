// Child process of run.ts: scans one archive with ArchiveStream's reader and samples memory every N records, so each
// file's peak is measured in a fresh process that has done nothing else. Prints one JSON line (MemoryReport).
//   usage: node --import tsx bench/warc/memory-probe.ts <core bundle> <archive> <sample every N records>
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCore, openForBench, scanArchive } from './ours.js';

export interface MemorySample {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** /proc/self/status: anonymous resident memory (heap, native allocations): ours. */
  rssAnon: number;
  /** /proc/self/status: resident file-backed pages, where mmap'd archive pages count: the kernel's page cache. */
  rssFile: number;
}

export interface MemoryReport {
  file: string;
  records: number;
  problems: number;
  seconds: number;
  samples: number;
  baseline: MemorySample;
  max: MemorySample;
  /** /proc/self/status VmHWM at the end: the process's peak total RSS (anon + file + shmem). */
  vmHwm: number;
}

export function sampleMemory(): MemorySample {
  const usage = process.memoryUsage();
  const status = procStatus();
  return {
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    rss: usage.rss,
    rssAnon: status.RssAnon ?? NaN,
    rssFile: status.RssFile ?? NaN,
  };
}

/** Values of /proc/self/status in bytes (the file gives kB); empty off Linux. */
export function procStatus(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+) kB$/.exec(line);
      if (m) out[m[1]!] = Number(m[2]) * 1024;
    }
  } catch {
    // not Linux: the Rss* figures stay NaN
  }
  return out;
}

function maxInto(max: MemorySample, s: MemorySample): void {
  for (const k of Object.keys(max) as Array<keyof MemorySample>) if (!(max[k] >= s[k])) max[k] = s[k];
}

async function main(): Promise<void> {
  const [bundle, file, everyArg] = process.argv.slice(2);
  if (!bundle || !file) throw new Error('usage: memory-probe.ts <core bundle> <archive> [every]');
  const every = Math.max(1, Number(everyArg ?? 500));
  const core = await loadCore(bundle);
  const baseline = sampleMemory();
  const max = { ...baseline };
  let samples = 0;
  const start = performance.now();
  const { archive, problems } = openForBench(core, file);
  const scan = scanArchive(archive, problems, {
    keepSpans: false,
    onRecord: (i) => {
      if (i % every === 0) {
        maxInto(max, sampleMemory());
        samples++;
      }
    },
  });
  maxInto(max, sampleMemory());
  samples++;
  const seconds = (performance.now() - start) / 1000;
  archive.close();
  const report: MemoryReport = {
    file,
    records: scan.records,
    problems: problems.length,
    seconds,
    samples,
    baseline,
    max,
    vmHwm: procStatus().VmHWM ?? NaN,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
