// Two versions of the extractor, main content and full text, in CPU time on one core, in the conditions of
// bench/extract/speed.ts (its pages, a full collection before each turn, Readability.js on linkedom taking its turn
// in the same process), to tell whether a change made for speed is one.
//   npx tsx bench/extract/ab.ts DIR_A DIR_B [--rounds R] [--per-page]   (about 2.5 minutes at the default 6 rounds,
//   quiet)
// Each DIR holds a version as speed.ts's --baseline takes it (git archive <commit> src/core/extract package.json |
// tar -x -C DIR; the working tree's: cp -r src/core/extract DIR/src/core/ and package.json). Neither is the copy
// that decodeHtml imports (so neither shares functions, and their type feedback, with the decoding). Two identical
// copies loaded into one process differed by up to 10% by the order they were loaded in, and the turn that came
// right after Readability's was the slower one (A/A runs), so the comparison runs in two processes, A loaded first
// in one and B in the other, and in each the rounds alternate which version takes its turns first (R is even). The
// figure is the geometric mean of the per-round ratios A/B over both processes (below 1: A is faster), with each
// process's own.
//   --per-page: time each page instead of each round, the four turns page by page in a rotating order, and compare
// the sums of each page's fastest time over the rounds (wall clock). On a loaded machine (a load of 5-8 on 2 cores)
// a round's CPU time took the scheduler's and the other processes' share with it and scattered by 5%; a page's
// minimum over the rounds is a time no interruption reached, and the full-text ratio of two versions that differ
// only in main content's code then stayed within 1.5% of 1 (in both load orders, where the CPU rounds read 0.98
// and 1.03). It also prints each version's main-content cost over its full text from the same minima, which reads
// higher than speed.ts's (31% against 27%): with three other turns between two pages of one version, each page
// starts with the Layout's and chooseMain's columns out of the cache. Readability.js takes no turns in this mode
// (about a minute at 6 rounds).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flagValue } from '../lib/args.js';
import { machineLine } from '../lib/machine.js';
import { readabilityText } from './readability-peer.js';
import { corpusPages, extractorIn, gc, type Extractor } from './versions.js';

/** The flags that take a value (the word after them is no DIR). */
const VALUED = new Set(['--rounds', '--child']);
const [dirA, dirB] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUED.has(all[i - 1]));
const rounds = 2 * Math.max(1, Math.round(Number(flagValue(process.argv, 'rounds') ?? 6) / 2));
const childOrder = flagValue(process.argv, 'child');
const perPage = process.argv.includes('--per-page');

interface Ratios {
  /** A/B for main content and for full text. */
  main: number;
  full: number;
  /** Main content's time over full text's, for A and for B (per-page mode only). */
  costA?: number;
  costB?: number;
}

/** The geometric mean of the per-round ratios A/B for main content and full text, A and B loaded in `order`. */
async function measure(order: 'AB' | 'BA'): Promise<Ratios> {
  const first = await extractorIn(order === 'AB' ? dirA : dirB);
  const second = await extractorIn(order === 'AB' ? dirB : dirA);
  const [a, b] = order === 'AB' ? [first, second] : [second, first];
  const pages = corpusPages();
  if (perPage) return measurePerPage(pages, [a.extractText, a.extractFullText, b.extractText, b.extractFullText]);
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

/** --per-page: the sums of the pages' minimum times over the rounds, for A main, A full, B main, B full. */
function measurePerPage(pages: readonly string[], turns: readonly Extractor[]): Ratios {
  for (let r = 0; r < 2; r++) for (const fn of turns) for (const p of pages) fn(p); // warm-up
  const best = turns.map(() => new Float64Array(pages.length).fill(Infinity));
  for (let r = 0; r < rounds; r++) {
    gc();
    pages.forEach((p, i) => {
      for (let t = 0; t < turns.length; t++) {
        const k = (t + r + i) % turns.length;
        const t0 = performance.now();
        turns[k](p);
        best[k][i] = Math.min(best[k][i], performance.now() - t0);
      }
    });
  }
  const [aMain, aFull, bMain, bFull] = best.map((b) => b.reduce((sum, t) => sum + t, 0));
  return { main: aMain / bMain, full: aFull / bFull, costA: aMain / aFull, costB: bMain / bFull };
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** A ratio over 1 as the per cent it adds. */
function percent(ratio: number): string {
  return `${((ratio - 1) * 100).toFixed(1)}%`;
}

if (!dirA || !dirB) {
  console.error('usage: npx tsx bench/extract/ab.ts DIR_A DIR_B [--rounds R] [--per-page]');
  process.exit(1);
}
if (childOrder === 'AB' || childOrder === 'BA') {
  console.log(JSON.stringify(await measure(childOrder)));
} else {
  console.log(machineLine());
  console.log(`A: ${dirA}\nB: ${dirB}\n${rounds} rounds after a warm-up in each of two processes` +
    `${perPage ? ', per page' : ''}\n`);
  const script = fileURLToPath(import.meta.url);
  const runs = (['AB', 'BA'] as const).map((order) => {
    const child = spawnSync(process.execPath, [...process.execArgv, script, dirA, dirB, '--rounds', String(rounds),
      '--child', order, ...(perPage ? ['--per-page'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) process.exit(child.status ?? 1);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as Ratios;
    const cost = result.costA === undefined ? '' : `; main content's cost over full text: A ` +
      `${percent(result.costA)}, B ${percent(result.costB!)}`;
    console.log(`loaded ${order === 'AB' ? 'A' : 'B'} first: ${perPage ? 'per-page minima' : 'CPU'} A/B main content ` +
      `${result.main.toFixed(3)}, full text ${result.full.toFixed(3)}${cost}`);
    return result;
  });
  const mean = (k: 'main' | 'full' | 'costA' | 'costB') => geometricMean([runs[0][k]!, runs[1][k]!]);
  console.log(`\nA/B (both processes): main content ${mean('main').toFixed(3)}, full text ` +
    `${mean('full').toFixed(3)} (below 1: A is faster)`);
  if (perPage) console.log(`main content's cost over full text: A ${percent(mean('costA'))}, B ${percent(mean('costB'))}`);
}
