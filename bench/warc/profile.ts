// Where ArchiveStream's record scan spends its time: runs the scan of run.ts under the V8 CPU profiler and prints the
// functions with the most self time (file:line in the esbuild bundle, which keeps the source's function names).
//   npx tsx bench/warc/profile.ts [--mb 50] [--gz] [--payload] [--file-source] [--rounds 5]
// Writes the raw profile to bench/data/warc-scan.cpuprofile (open it in Chrome DevTools or speedscope).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { DATA_DIR, ensureBenchFiles } from './generate.js';
import { bundleCore, loadCore, openForBench, scanArchive } from './ours.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const args = process.argv.slice(2);
const mb = Number(args[args.indexOf('--mb') + 1] ?? 50) || 50;
const rounds = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 5) || 5;
const files = ensureBenchFiles({ mb, log: (l) => process.stderr.write(l + '\n') });
const file = args.includes('--gz') ? files.gz : files.plain;
const core = await loadCore(await bundleCore());

const scanOnce = () => {
  const { archive, problems } = openForBench(core, file, args.includes('--file-source') ? 'file' : 'mmap');
  const scan = scanArchive(archive, problems, { payload: args.includes('--payload'), keepSpans: false });
  archive.close();
  return scan.records;
};
scanOnce(); // warm-up: JIT and page cache

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const start = performance.now();
for (let i = 0; i < rounds; i++) scanOnce();
const seconds = (performance.now() - start) / 1000;
const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
session.disconnect();

const out = join(DATA_DIR, 'warc-scan.cpuprofile');
writeFileSync(out, JSON.stringify(profile));
const mbPerS = (files.uncompressedBytes * rounds) / 1e6 / seconds;
console.log(`${file} (source ${args.includes('--file-source') ? 'file' : 'mmap'}): ${rounds} scans in ${seconds.toFixed(3)} s = ${mbPerS.toFixed(0)} MB/s uncompressed (profiler on)`);

const self = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  total += hits;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'}  ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + hits);
}
console.log('self time  function  location');
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%    ${key}`);
}
console.log(`raw profile: ${out}`);
