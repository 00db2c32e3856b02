// Before and after: this tree's WARC reader against another tree's (an earlier commit), the same scan of the same
// file, alternated, in CPU time (what load on a shared machine changes least; it counts V8's helper threads too).
//   git archive <commit> src | tar -x -C /tmp/base && npx tsx bench/warc/ab.ts --base /tmp/base [--gz] [--mb 50] [--rounds 9]
// The base tree needs only its src/; both are bundled as ours.ts bundles the reader. Prints each side's CPU ms per
// scan, sorted, and the ratio of the medians (base / this tree: above 1, this tree is cheaper).
import { join } from 'node:path';
import { percentile } from '../lib/stats.js';
import { DATA_DIR, PROJECT_ROOT, ensureBenchFiles } from './generate.js';
import { bundleCore, loadCore, openForBench, scanArchive, type WarcCore } from './ours.js';

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const base = value('--base', '');
if (!base) throw new Error('--base DIR: a tree with the src/ to compare against (see the header)');
const rounds = Number(value('--rounds', '9'));
const files = ensureBenchFiles({ mb: Number(value('--mb', '50')), log: (l) => process.stderr.write(l + '\n') });
const file = args.includes('--gz') ? files.gz : files.plain;

const before = await loadCore(await bundleCore(join(DATA_DIR, 'ab-base.mjs'), base));
const after = await loadCore(await bundleCore(join(DATA_DIR, 'ab-this.mjs'), PROJECT_ROOT));

/** CPU ms of one full scan (type, URI, date and status of every record, as run.ts's scan). */
function scanCpuMs(core: WarcCore): number {
  const start = process.cpuUsage();
  const { archive, problems } = openForBench(core, file);
  scanArchive(archive, problems, { keepSpans: false });
  archive.close();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

scanCpuMs(before); // warm-up: JIT and page cache
scanCpuMs(after);
const times = { before: [] as number[], after: [] as number[] };
for (let i = 0; i < rounds; i++) {
  times.before.push(scanCpuMs(before));
  times.after.push(scanCpuMs(after));
}
for (const t of Object.values(times)) t.sort((a, b) => a - b);
const ms = (t: number[]) => t.map((x) => x.toFixed(0)).join(' ');
console.log(`${file}, ${rounds} scans each, alternated; CPU ms per scan, sorted`);
console.log(`base ${base}: ${ms(times.before)}`);
console.log(`this tree:  ${ms(times.after)}`);
console.log(`median base / this tree: ${(percentile(times.before, 50) / percentile(times.after, 50)).toFixed(2)}`);
