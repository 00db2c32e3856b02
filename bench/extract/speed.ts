// Text extraction speed on one core (this thread): ours with and without main content, against Readability.js on
// linkedom (a main-content extractor, parse included) and two whole-page text extractors, on the same pages.
//   npx tsx bench/extract/speed.ts [--pages N] [--rounds R] [--baseline DIR]
// --baseline DIR adds another version of our extractor, from DIR/src/core/extract (for example
// `git archive <commit> src/core/extract package.json | tar -x -C DIR`, see extractorIn in versions.ts), so before
// and after are timed in the same run; to tell whether a change of a few per cent is one, bench/extract/ab.ts
// compares two versions in both load orders. Input: the readability test pages in ../shared/corpus/html/readability-test-pages (130 pages, ~26 MB) and the
// article-extraction benchmark's pages in ../shared/corpus/article-extraction/html (181 pages, ~30 MB), decoded once
// with decodeHtml as ingest decodes them (decoding is not timed); --pages N takes the first N of each. Each round
// runs every extractor over all the pages, one after the other in an order that rotates from round to round, after
// one warm-up round; before each extractor's turn the heap is collected (untimed), so an extractor pays for its own
// garbage and not for the DOM another one left behind (interleaving page by page, as this benchmark did first,
// charged our extractors with the collection of linkedom's trees). The table gives the best round's MB/s (the least
// disturbed) and the spread over the rounds, and the MB/s of the median round in CPU time (under heavy load wall
// time measures the scheduler more than the code); ratios are given for both.
//   main (extractText)      full text + main content: what ingest stores
//   full (extractFullText)  full text only: the extractor without main content, the baseline for its cost
//   Readability.js          @mozilla/readability on a linkedom DOM, parse included
//   htmlparser2, html-to-text  whole-page text (htmlparser2's ontext skipping script/style; html-to-text convert)
import { Parser } from 'htmlparser2';
import { extractFullText, extractText } from '../../src/core/extract/index.js';
import { machineLine } from '../lib/machine.js';
import { formatTable } from '../lib/stats.js';
import { readabilityText } from './readability-peer.js';
import { corpusPages, extractorIn, gc, type Extractor } from './versions.js';

// html-to-text ships no types (and @types/html-to-text is not installed): import it untyped.
const HTML_TO_TEXT = 'html-to-text';
const { convert } = (await import(HTML_TO_TEXT)) as { convert: (html: string, options?: object) => string };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function htmlparser2Text(html: string): string {
  let out = '';
  let skip = 0;
  const parser = new Parser({
    onopentagname(name) { if (name === 'script' || name === 'style') skip++; },
    onclosetag(name) { if ((name === 'script' || name === 'style') && skip > 0) skip--; },
    ontext(t) { if (skip === 0) out += t; },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out;
}

const baselineDir = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1] : undefined;
const baseline = baselineDir && (await extractorIn(baselineDir));

const EXTRACTORS: ReadonlyArray<readonly [string, Extractor]> = [
  ['archivestream main (extractText)', extractText],
  ['archivestream full (extractFullText)', extractFullText],
  ...(baseline ? [['baseline main', baseline.extractText], ['baseline full', baseline.extractFullText]] as const : []),
  ['Readability.js 0.6 + linkedom', readabilityText],
  ['htmlparser2 ontext', htmlparser2Text],
  ['html-to-text convert', (html) => convert(html, { wordwrap: false })],
];

function main(): void {
  const rounds = Math.max(1, arg('--rounds', 5));
  const pages = corpusPages(arg('--pages', Infinity));
  const mb = pages.reduce((sum, p) => sum + Buffer.byteLength(p, 'utf8'), 0) / 1e6;

  console.log(machineLine());
  console.log(`input: ${pages.length} pages, ${mb.toFixed(1)} MB (UTF-8); ${rounds} rounds after a warm-up, one thread\n`);

  for (const [, fn] of EXTRACTORS) for (const p of pages) fn(p); // warm-up
  // Each turn is timed twice: wall clock, and the process's CPU time (process.cpuUsage), which under heavy load is
  // what the code costs rather than what the scheduler gave it (it also counts the collector's helper threads).
  const wall = EXTRACTORS.map(() => [] as number[]);
  const cpu = EXTRACTORS.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let turn = 0; turn < EXTRACTORS.length; turn++) {
      const k = (r + turn) % EXTRACTORS.length;
      const fn = EXTRACTORS[k][1];
      gc();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const p of pages) fn(p);
      wall[k].push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu[k].push((c.user + c.system) / 1e6);
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const best = wall.map((s) => Math.min(...s));
  const cpuMedian = cpu.map(median);
  const rows = EXTRACTORS.map(([name], k) => {
    const rates = wall[k].map((s) => mb / s).sort((a, b) => a - b);
    return [
      name,
      (mb / best[k]).toFixed(1),
      `${rates[0].toFixed(1)}-${rates[rates.length - 1].toFixed(1)}`,
      (mb / cpuMedian[k]).toFixed(1),
      (best[k] / best[0]).toFixed(2) + 'x',
      (cpuMedian[k] / cpuMedian[0]).toFixed(2) + 'x',
    ];
  });
  console.log(formatTable(['extractor', 'MB/s (best wall)', 'MB/s (all rounds)', 'MB/s (median CPU)', 'wall vs main',
    'CPU vs main'], rows));
  const at = (prefix: string) => EXTRACTORS.findIndex(([name]) => name.startsWith(prefix));
  const summary = (label: string, main: number, full: number) => {
    const peer = at('Readability');
    console.log(`${label}: main content adds ${((best[main] / best[full] - 1) * 100).toFixed(0)}% to the full-text ` +
      `extraction time (best wall rounds), ${((cpuMedian[main] / cpuMedian[full] - 1) * 100).toFixed(0)}% (median CPU ` +
      `rounds); main is ${(best[peer] / best[main]).toFixed(0)}x Readability.js's throughput (best wall rounds), ` +
      `${(cpuMedian[peer] / cpuMedian[main]).toFixed(0)}x (median CPU rounds)`);
  };
  console.log('');
  summary('archivestream', at('archivestream main'), at('archivestream full'));
  if (baseline) summary('baseline', at('baseline main'), at('baseline full'));
}

main();
