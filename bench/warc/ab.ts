// Before and after: this tree's WARC reader against another tree's (an earlier commit), the same scan of the same
// file, alternated, in CPU time (what load on a shared machine changes least; it counts V8's helper threads too).
//   git archive <commit> src | tar -x -C /tmp/base && npx tsx bench/warc/ab.ts --base /tmp/base [--gz] [--mb 50] [--rounds 9] [--cold]
// The base tree needs only its src/; both are bundled as ours.ts bundles the reader. Prints each side's CPU ms per
// scan, sorted, and the ratio of the medians (base / this tree: above 1, this tree is cheaper).
// --cold: each scan is the CDXJ lines of the file in a fresh process (a CLI's one pass), not a warm scan. V8 runs
// the first few thousand records in its interpreter and compiles the reader meanwhile on its helper threads: for a
// 500 MB plain file that is half of `cdxj`'s reading, which a warm scan does not see.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

const bundles = { before: await bundleCore(join(DATA_DIR, 'ab-base.mjs'), base), after: await bundleCore(join(DATA_DIR, 'ab-this.mjs'), PROJECT_ROOT) };
const cores = { before: await loadCore(bundles.before), after: await loadCore(bundles.after) };

/** CPU ms of cdxjLines over the file in a fresh node process, helper threads included. */
function coldCpuMs(bundle: string): number {
  const script = `const core = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const start = process.cpuUsage(); const file = core.openArchive(${JSON.stringify(file)}); let n = 0;
    for (const line of core.cdxjLines(file)) n += line.length;
    file.close(); const used = process.cpuUsage(start); console.log((used.user + used.system) / 1000);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

/** CPU ms of one full scan (type, URI, date and status of every record, as run.ts's scan). */
function scanCpuMs(core: WarcCore): number {
  const start = process.cpuUsage();
  const { archive, problems } = openForBench(core, file);
  scanArchive(archive, problems, { keepSpans: false });
  archive.close();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const cold = args.includes('--cold');
const measure = cold ? (which: 'before' | 'after') => coldCpuMs(bundles[which]) : (which: 'before' | 'after') => scanCpuMs(cores[which]);
measure('before'); // warm-up: JIT (of a warm scan) and page cache
measure('after');
const times = { before: [] as number[], after: [] as number[] };
for (let i = 0; i < rounds; i++) {
  times.before.push(measure('before'));
  times.after.push(measure('after'));
}
for (const t of Object.values(times)) t.sort((a, b) => a - b);
const ms = (t: number[]) => t.map((x) => x.toFixed(0)).join(' ');
console.log(`${file}, ${rounds} ${cold ? 'cold CDXJ passes (a fresh process each)' : 'scans'} each, alternated; CPU ms per scan, sorted`);
console.log(`base ${base}: ${ms(times.before)}`);
console.log(`this tree:  ${ms(times.after)}`);
console.log(`median base / this tree: ${(percentile(times.before, 50) / percentile(times.after, 50)).toFixed(2)}`);
