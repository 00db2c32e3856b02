// Main-content quality on ../shared/corpus/article-extraction (181 pages with ground truth, from
// scrapinghub/article-extraction-benchmark) and on the 130 readability pages against Readability.js's expected
// articles (../shared/corpus/html/readability-expected).
//   npx tsx bench/extract/article-benchmark.ts [--half dev|heldout|all] [--out DIR] [--worst N] [--no-readability]
// The benchmark's pages are split once, by key, into a dev half (the first byte of sha256(key) is even) and a held-out
// half; the rules in src/core/extract/main-content.ts are tuned on dev only. For the chosen half this writes DIR
// (default: a folder under the OS temp dir) with that half's ground-truth.json and output/main.json (the `main`
// field), output/full.json (the full `text`) and output/readability.json (Readability.js on linkedom, the reference
// main-content extractor, run on the same pages: the published figures came from another harness), then runs the
// benchmark's own scorer (evaluate.py, from the corpus, with DIR as its working folder) when python3 is present.
// Pages are decoded as ingest decodes them (decodeHtml). --no-readability skips Readability.js here and on the
// readability-expected pages (whose reference is Readability.js's own output).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeHtml } from '../../src/core/decode/charset.js';
import { extractText } from '../../src/core/extract/index.js';
import { readabilityText } from './readability-peer.js';
import { pageF1, score, shingleMatch, type Score } from './shingles.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const BENCHMARK = resolve(CORPUS, 'article-extraction');

export type Half = 'dev' | 'heldout';

/** The split: dev when the first byte of sha256(key) is even. */
export function halfOf(key: string): Half {
  return createHash('sha256').update(key).digest()[0] % 2 === 0 ? 'dev' : 'heldout';
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const fmt = (s: Score) => `F1 ${s.f1.toFixed(3)}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}`;

function articleBenchmark(half: string, outDir: string, worst: number, withPeer: boolean): void {
  const truth = JSON.parse(readFileSync(resolve(BENCHMARK, 'ground-truth.json'), 'utf8')) as Record<
    string,
    { articleBody: string; url: string }
  >;
  const keys = Object.keys(truth).filter((k) => half === 'all' || halfOf(k) === half).sort();
  const main: Record<string, { articleBody: string }> = {};
  const full: Record<string, { articleBody: string }> = {};
  const peer: Record<string, { articleBody: string }> = {};
  const rows: { key: string; url: string; f1: number; found: boolean }[] = [];
  let found = 0;
  for (const key of keys) {
    const html = decodeHtml(gunzipSync(readFileSync(resolve(BENCHMARK, 'html', `${key}.html.gz`)))).text;
    const r = extractText(html);
    main[key] = { articleBody: r.main };
    full[key] = { articleBody: r.text };
    if (withPeer) peer[key] = { articleBody: readabilityText(html) };
    if (r.mainFound) found++;
    rows.push({ key, url: truth[key].url, f1: pageF1(shingleMatch(truth[key].articleBody, r.main)), found: r.mainFound });
  }
  const subset = Object.fromEntries(keys.map((k) => [k, truth[k]]));
  console.log(`article-extraction, ${half} half: ${keys.length} pages, an article found on ${found}`);
  console.log(`  main (ours):  ${fmt(score(keys.map((k) => shingleMatch(truth[k].articleBody, main[k].articleBody))))}`);
  console.log(`  full (ours):  ${fmt(score(keys.map((k) => shingleMatch(truth[k].articleBody, full[k].articleBody))))}`);
  if (withPeer)
    console.log(`  Readability.js + linkedom: ${fmt(score(keys.map((k) => shingleMatch(truth[k].articleBody, peer[k].articleBody))))}`);
  if (worst > 0) {
    console.log(`  worst ${worst} pages (main):`);
    for (const r of rows.sort((a, b) => a.f1 - b.f1).slice(0, worst))
      console.log(`    ${r.f1.toFixed(3)} ${r.found ? 'found' : 'none '} ${r.key.slice(0, 12)} ${r.url}`);
  }

  mkdirSync(resolve(outDir, 'output'), { recursive: true });
  writeFileSync(resolve(outDir, 'ground-truth.json'), JSON.stringify(subset));
  writeFileSync(resolve(outDir, 'output/main.json'), JSON.stringify(main));
  writeFileSync(resolve(outDir, 'output/full.json'), JSON.stringify(full));
  if (withPeer) writeFileSync(resolve(outDir, 'output/readability.json'), JSON.stringify(peer));
  else rmSync(resolve(outDir, 'output/readability.json'), { force: true });
  const py = spawnSync('python3', [resolve(BENCHMARK, 'evaluate.py')], { cwd: outDir, encoding: 'utf8' });
  if (py.error) console.log(`  (python3 not found: evaluate.py not run; outputs are in ${outDir})`);
  else console.log(`  evaluate.py in ${outDir}:\n${(py.stdout + py.stderr).replace(/^/gm, '    ')}`);
}

function readabilityExpected(): void {
  const pagesDir = resolve(CORPUS, 'html/readability-test-pages');
  const expectedDir = resolve(CORPUS, 'html/readability-expected');
  const files = readdirSync(expectedDir).filter((f) => f.endsWith('.html')).sort();
  const main = [];
  const full = [];
  for (const f of files) {
    const expected = extractText(decodeHtml(readFileSync(resolve(expectedDir, f))).text).text;
    const r = extractText(decodeHtml(readFileSync(resolve(pagesDir, f))).text);
    main.push(shingleMatch(expected, r.main));
    full.push(shingleMatch(expected, r.text));
  }
  console.log(`readability-expected (Readability.js's articles as the reference): ${files.length} pages`);
  console.log(`  main (ours):  ${fmt(score(main))}`);
  console.log(`  full (ours):  ${fmt(score(full))}`);
}

function main(): void {
  if (!existsSync(BENCHMARK)) {
    console.error(`corpus not found: ${BENCHMARK}`);
    process.exit(1);
  }
  const half = arg('--half') ?? 'dev';
  if (!['dev', 'heldout', 'all'].includes(half)) {
    console.error('--half must be dev, heldout or all');
    process.exit(2);
  }
  const withPeer = !process.argv.includes('--no-readability');
  const outDir = resolve(arg('--out') ?? resolve(tmpdir(), `archivestream-article-${half}`));
  articleBenchmark(half, outDir, Number(arg('--worst') ?? 0), withPeer);
  if (withPeer) readabilityExpected();
}

main();
