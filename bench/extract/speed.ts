// Text extraction speed on one core (this thread): ours with and without main content, against Readability.js on
// linkedom (a main-content extractor, parse included) and two whole-page text extractors, on the same pages.
//   npx tsx bench/extract/speed.ts [--pages N] [--rounds R]
// Input: the readability test pages in ../shared/corpus/html/readability-test-pages (130 pages, ~25 MB), decoded
// once with decodeHtml (decoding is not timed). Rounds interleave the extractors page by page (each does every page
// once per round, after one warm-up round), so noise on a shared machine hits all of them; the table gives the best
// round's MB/s (the least disturbed) and the spread over the rounds, and the MB/s of the median round in CPU time
// (under heavy load wall time measures the scheduler more than the code); ratios are given for both.
//   main (extractText)      full text + main content: what ingest stores
//   full (extractFullText)  full text only: the extractor without main content, the baseline for its cost
//   Readability.js          @mozilla/readability on a linkedom DOM, parse included
//   htmlparser2, html-to-text  whole-page text (htmlparser2's ontext skipping script/style; html-to-text convert)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from 'htmlparser2';
import { decodeHtml } from '../../src/core/decode/charset.js';
import { extractFullText, extractText } from '../../src/core/extract/index.js';
import { machineLine } from '../lib/machine.js';
import { formatTable } from '../lib/stats.js';
import { readabilityText } from './readability-peer.js';

// html-to-text ships no types (and @types/html-to-text is not installed): import it untyped.
const HTML_TO_TEXT = 'html-to-text';
const { convert } = (await import(HTML_TO_TEXT)) as { convert: (html: string, options?: object) => string };

const PAGES_DIR = resolve(import.meta.dirname, '../../../shared/corpus/html/readability-test-pages');

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

const EXTRACTORS: ReadonlyArray<readonly [string, (html: string) => unknown]> = [
  ['archivestream main (extractText)', extractText],
  ['archivestream full (extractFullText)', extractFullText],
  ['Readability.js 0.6 + linkedom', readabilityText],
  ['htmlparser2 ontext', htmlparser2Text],
  ['html-to-text convert', (html) => convert(html, { wordwrap: false })],
];

function main(): void {
  if (!existsSync(PAGES_DIR)) {
    console.error(`corpus not found: ${PAGES_DIR}`);
    process.exit(1);
  }
  const limit = arg('--pages', Infinity);
  const rounds = Math.max(1, arg('--rounds', 5));
  const files = readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html')).sort().slice(0, limit);
  const pages = files.map((f) => decodeHtml(readFileSync(resolve(PAGES_DIR, f))).text);
  const mb = pages.reduce((sum, p) => sum + Buffer.byteLength(p, 'utf8'), 0) / 1e6;

  console.log(machineLine());
  console.log(`input: ${pages.length} pages, ${mb.toFixed(1)} MB (UTF-8); ${rounds} interleaved rounds after a warm-up, one thread\n`);

  for (const [, fn] of EXTRACTORS) for (const p of pages) fn(p); // warm-up
  // Interleaved page by page: on a shared machine a burst of load then lands on every extractor alike. Each call is
  // timed twice: wall clock, and the process's CPU time (process.cpuUsage), which under heavy load is what the code
  // costs rather than what the scheduler gave it (it also counts the collector's helper threads while they run).
  const wall = EXTRACTORS.map(() => [] as number[]);
  const cpu = EXTRACTORS.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const wallMs = EXTRACTORS.map(() => 0);
    const cpuMs = EXTRACTORS.map(() => 0);
    for (const p of pages) {
      EXTRACTORS.forEach(([, fn], k) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        fn(p);
        wallMs[k] += performance.now() - t0;
        const c = process.cpuUsage(c0);
        cpuMs[k] += (c.user + c.system) / 1000;
      });
    }
    wallMs.forEach((m, k) => wall[k].push(m / 1000));
    cpuMs.forEach((m, k) => cpu[k].push(m / 1000));
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
  const [main, full, readability] = best;
  const [mainCpu, fullCpu, readabilityCpu] = cpuMedian;
  console.log(`\nmain content adds ${((main / full - 1) * 100).toFixed(0)}% to the full-text extraction time (best wall rounds), ` +
    `${((mainCpu / fullCpu - 1) * 100).toFixed(0)}% (median CPU rounds)`);
  console.log(`main content is ${(readability / main).toFixed(0)}x Readability.js's throughput (best wall rounds), ` +
    `${(readabilityCpu / mainCpu).toFixed(0)}x (median CPU rounds)`);
}

main();
