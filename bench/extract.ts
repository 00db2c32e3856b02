// CPU text extraction against its peers, on the same pages, in one run, on one core (this thread).
//   npx tsx bench/extract.ts [--pages N] [--rounds R]
// Input: the readability test pages in ../shared/corpus/html/readability-test-pages (130 pages, ~25 MB), decoded
// once with decodeHtml (decoding is not timed). Peers: html-to-text (convert, no word wrap) and htmlparser2 used as a
// text-callback extractor (ontext, skipping script/style). Each extractor runs R rounds over all pages after one
// warm-up round; the table shows the best round (the machine is shared: the best is the least disturbed).
import { cpus } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from 'htmlparser2';
import { decodeHtml } from '../src/core/decode/charset.js';
import { extractText } from '../src/core/extract/index.js';

// html-to-text ships no types (and @types/html-to-text is not installed): import it untyped.
const HTML_TO_TEXT = 'html-to-text';
const { convert } = (await import(HTML_TO_TEXT)) as { convert: (html: string, options?: object) => string };

const PAGES_DIR = resolve(import.meta.dirname, '../../shared/corpus/html/readability-test-pages');

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

function htmlToText(html: string): string {
  return convert(html, { wordwrap: false });
}

const EXTRACTORS: ReadonlyArray<readonly [string, (html: string) => unknown]> = [
  ['archivestream extractText', extractText],
  ['htmlparser2 ontext', htmlparser2Text],
  ['html-to-text convert', htmlToText],
];

function main(): void {
  if (!existsSync(PAGES_DIR)) {
    console.error(`corpus not found: ${PAGES_DIR}`);
    process.exit(1);
  }
  const limit = arg('--pages', Infinity);
  const rounds = Math.max(1, arg('--rounds', 3));
  const files = readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html')).sort().slice(0, limit);
  const pages = files.map((f) => decodeHtml(readFileSync(resolve(PAGES_DIR, f))).text);
  const bytes = pages.reduce((sum, p) => sum + Buffer.byteLength(p, 'utf8'), 0);

  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, node ${process.version}, one thread`);
  console.log(`input: ${pages.length} pages, ${(bytes / 1e6).toFixed(1)} MB (UTF-8), best of ${rounds} rounds after a warm-up\n`);

  const results: { name: string; seconds: number }[] = [];
  for (const [name, fn] of EXTRACTORS) {
    for (const p of pages) fn(p); // warm-up
    let best = Infinity;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (const p of pages) fn(p);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    results.push({ name, seconds: best });
  }

  const ours = results[0].seconds;
  const rows = results.map(({ name, seconds }) => [
    name,
    (bytes / 1e6 / seconds).toFixed(1),
    (pages.length / seconds).toFixed(0),
    (seconds * 1000).toFixed(0),
    (seconds / ours).toFixed(1) + 'x',
  ]);
  const header = ['extractor', 'MB/s', 'pages/s', 'ms/round', 'archivestream is faster by'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

main();
