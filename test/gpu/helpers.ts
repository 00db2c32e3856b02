// Shared by the GPU tests: where Chromium and the corpus are, and the corpus's HTML pages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createGpuBackend, findChromium } from '../../src/core/extract-gpu/index.js';
import { htmlRecords } from '../../src/core/extract-gpu/html-records.js';
import { openArchive } from '../../src/core/warc/index.js';
import { decodeHtml } from '../../src/core/decode/charset.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CORPUS = resolve(ROOT, '../shared/corpus');

/** The Chromium the GPU backend would launch, or undefined (the GPU tests then skip). */
export const CHROMIUM: string | undefined = await findChromium().catch(() => undefined);

let renderer: Promise<string> | undefined;

/** The WebGL renderer the GPU backend runs on here (one launch per test file). */
export function gpuRenderer(): Promise<string> {
  return (renderer ??= createGpuBackend({ batchChars: 1 << 16 }).then(async (gpu) => {
    await gpu.close();
    return gpu.renderer;
  }));
}

/** SwiftShader runs the kernels on the CPU, about 50x slower than the CPU extractor, so 'auto' must keep the CPU on
 *  it; on a real GPU either choice may be right. */
export const isSoftwareWebgl = (renderer: string): boolean => /SwiftShader/i.test(renderer);

export interface NamedPage {
  name: string;
  html: string;
}

/** corpus/html/readability-test-pages: 130 real pages, 25 MB. */
export function readabilityPages(): NamedPage[] {
  const dir = resolve(CORPUS, 'html/readability-test-pages');
  return readdirSync(dir)
    .sort()
    .map((f) => ({ name: f, html: readFileSync(resolve(dir, f), 'utf8') }));
}

/** corpus/article-extraction/html: the 181 pages of the main-content benchmark, decoded as ingest decodes pages. */
export function articleExtractionPages(): NamedPage[] {
  const dir = resolve(CORPUS, 'article-extraction/html');
  return readdirSync(dir)
    .sort()
    .map((f) => ({ name: f, html: decodeHtml(gunzipSync(readFileSync(resolve(dir, f)))).text }));
}

/** Every HTML record of every WARC/ARC file listed in corpus/warc/MANIFEST.tsv, decoded, duplicates (the corpus
 *  holds several copies of some files) dropped. Damaged files give what can be read of them. */
export function warcHtmlPages(): NamedPage[] {
  const rows = readFileSync(resolve(CORPUS, 'warc/MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  const seen = new Set<string>();
  const pages: NamedPage[] = [];
  for (const row of rows) {
    const [repo, path, , , format] = row.split('\t');
    if (format !== 'WARC' && format !== 'ARC') continue;
    const file = resolve(CORPUS, 'warc', repo, path);
    if (!existsSync(file)) continue;
    try {
      const archive = openArchive(file, { onProblem: () => {} });
      try {
        for (const r of htmlRecords(archive)) {
          if (seen.has(r.html)) continue;
          seen.add(r.html);
          pages.push({ name: `${repo}/${path}@${r.offset}`, html: r.html });
        }
      } finally {
        archive.close();
      }
    } catch {
      // a file that cannot be opened as an archive has no pages to compare
    }
  }
  return pages;
}

/** A small deterministic PRNG (mulberry32), so a failing generated input can be reproduced. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Markup dense in everything the FSM distinguishes, including the cases that need the class window (comment and
 *  raw-text openers and closers, '--!>', '/>' in svg, quotes after '='), plus non-ASCII, NUL and code units whose
 *  low byte is '<' or '>' (U+013C, U+013E), which must not be taken for markup. */
const FRAGMENTS = [
  'plain words ', '<p>', '</p>', '<a href="x>y" title=\'q>\'>link</a>', '<img alt=we\'ll src=a.png>',
  '<!-- c > -->', '<!---->', '<!-->', '<!-- x --!>', '<!DOCTYPE html>', '<?xml ?>', '</ 3>', '</>',
  '<script>if (a < b && c > d) x = "</scr" + "ipt>";</script>', '<script><!-- document.write("<script></script>") --></script>',
  '<style>p > a { color: red }</style>', '<title>A &amp; B</title>', '<textarea><b>raw</b></textarea>',
  '<noscript><iframe src=x></iframe></noscript>', '<template><p>t</p></template>', '<svg viewBox="0 0 1"/>',
  '<svg><path d="M0"/></svg>', '<SCRIPT type=x>1</SCRIPT >', '<br/>', '<td>cell</td>', 'a < b > c = "d" \'e\' ',
  '\u013c\u013e', 'ünïcödé ', '\u0000', '\u00a0', '😀', '<meta name="description" content="d &lt; e">', '&nbsp;&#60;',
  '<', '>', '</', '<!', '<!-', '--', '=', '"', "'", '\n', '\t',
];

export function markupSoup(random: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
  return s.slice(0, length);
}
