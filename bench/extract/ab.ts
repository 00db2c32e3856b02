// Two versions of the extractor, main content and full text, in CPU time on one core, in the conditions of
// bench/extract/speed.ts (its pages, a full collection before each turn, Readability.js on linkedom taking its turn
// in the same process), to tell whether a change made for speed is one.
//   npx tsx bench/extract/ab.ts DIR_A DIR_B [--rounds R]     (about 2.5 minutes at the default 6 rounds, quiet)
// Each DIR holds a version as speed.ts's --baseline takes it (git archive <commit> src/core/extract package.json |
// tar -x -C DIR; the working tree's: cp -r src/core/extract DIR/src/core/ and package.json). Neither is the copy
// that decodeHtml imports (so neither shares functions, and their type feedback, with the decoding). Two identical
// copies loaded into one process differed by up to 10% by the order they were loaded in, and the turn that came
// right after Readability's was the slower one (A/A runs), so the comparison runs in two processes, A loaded first
// in one and B in the other, and in each the rounds alternate which version takes its turns first (R is even). The
// figure is the geometric mean of the per-round ratios A/B over both processes (below 1: A is faster), with each
// process's own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flagValue } from '../lib/args.js';
import { machineLine } from '../lib/machine.js';
import { readabilityText } from './readability-peer.js';
import { corpusPages, extractorIn, gc, type Extractor } from './versions.js';

const [dirA, dirB] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const rounds = 2 * Math.max(1, Math.round(Number(flagValue(process.argv, 'rounds') ?? 6) / 2));
const childOrder = flagValue(process.argv, 'child');

/** The geometric mean of the per-round ratios A/B for main content and full text, A and B loaded in `order`. */
async function measure(order: 'AB' | 'BA'): Promise<{ main: number; full: number }> {
  const first = await extractorIn(order === 'AB' ? dirA : dirB);
  const second = await extractorIn(order === 'AB' ? dirB : dirA);
  const [a, b] = order === 'AB' ? [first, second] : [second, first];
  const pages = corpusPages();
  const turns: Extractor[] = [a.extractText, a.extractFullText, b.extractText, b.extractFullText, readabilityText];
  for (const fn of turns) for (const p of pages) fn(p); // warm-up
  const cpu = turns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 === 0 ? [0, 1, 2, 3, 4] : [2, 3, 0, 1, 4]) {
      gc();
      const c0 = process.cpuUsage();
      for (const p of pages) turns[k](p);
      const c = process.cpuUsage(c0);
      cpu[k].push(c.user + c.system);
    }
  }
  const ratio = (x: number, y: number) => geometricMean(cpu[x].map((v, i) => v / cpu[y][i]));
  return { main: ratio(0, 2), full: ratio(1, 3) };
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

if (!dirA || !dirB) {
  console.error('usage: npx tsx bench/extract/ab.ts DIR_A DIR_B [--rounds R]');
  process.exit(1);
}
if (childOrder === 'AB' || childOrder === 'BA') {
  console.log(JSON.stringify(await measure(childOrder)));
} else {
  console.log(machineLine());
  console.log(`A: ${dirA}\nB: ${dirB}\n${rounds} rounds after a warm-up in each of two processes\n`);
  const script = fileURLToPath(import.meta.url);
  const runs = (['AB', 'BA'] as const).map((order) => {
    const child = spawnSync(process.execPath, [...process.execArgv, script, dirA, dirB, '--rounds', String(rounds),
      '--child', order], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) process.exit(child.status ?? 1);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { main: number; full: number };
    console.log(`loaded ${order === 'AB' ? 'A' : 'B'} first: CPU A/B main content ${result.main.toFixed(3)}, ` +
      `full text ${result.full.toFixed(3)}`);
    return result;
  });
  const mean = (k: 'main' | 'full') => geometricMean([runs[0][k], runs[1][k]]);
  console.log(`\nA/B (both processes): main content ${mean('main').toFixed(3)}, full text ` +
    `${mean('full').toFixed(3)} (below 1: A is faster)`);
}
