// GPU text extraction (gpu.js kernels in Chromium) against the CPU extractor, on the same pages, in one run.
//   npx tsx bench/extract-gpu.ts [--pages N] [--rounds R] [--sizes 1,4,16] [--hardware] [--headed]
// Input: the readability test pages in ../shared/corpus/html/readability-test-pages (130 pages, ~25 MB), decoded
// once with decodeHtml (not timed). For each dispatch size (MiB of code units per GPU batch) the GPU backend first
// runs a warm-up that pays shader compilation, then R timed rounds over all pages; the table shows the best round,
// split into upload, kernels, readback and finish() as measured inside the page, plus the page <-> Node transfer.
// Peers in the same run: extractText on this Node thread (what the `cpu` backend runs) and the same CPU
// extractor inside the GPU's page. --hardware drops SwiftShader for the machine's GPU (bench/gpu-real.sh).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeHtml } from '../src/core/decode/charset.js';
import { extractText } from '../src/core/extract/index.js';
import { createGpuBackend, type GpuTimings } from '../src/core/extract-gpu/index.js';
import { machineLine } from './lib/machine.js';

const PAGES_DIR = resolve(import.meta.dirname, '../../shared/corpus/html/readability-test-pages');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function best<T>(rounds: number, run: () => Promise<T>, score: (t: T, ms: number) => number): Promise<{ value: T; ms: number }>;
async function best<T>(rounds: number, run: () => Promise<T>, score: (t: T, ms: number) => number) {
  let top: { value: T; ms: number } | undefined;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const value = await run();
    const ms = performance.now() - t0;
    if (!top || score(value, ms) < score(top.value, top.ms)) top = { value, ms };
  }
  return top!;
}

async function main(): Promise<void> {
  if (!existsSync(PAGES_DIR)) {
    console.error(`corpus not found: ${PAGES_DIR}`);
    process.exit(1);
  }
  const limit = Number(arg('--pages', 'Infinity'));
  const rounds = Math.max(1, Number(arg('--rounds', '1')));
  const sizes = arg('--sizes', '1,4,16').split(',').map(Number);
  const hardwareGl = process.argv.includes('--hardware');
  const files = readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html')).sort().slice(0, limit);
  const pages = files.map((f) => decodeHtml(readFileSync(resolve(PAGES_DIR, f))).text);
  const mb = pages.reduce((sum, p) => sum + Buffer.byteLength(p, 'utf8'), 0) / 1e6;

  const gpu = await createGpuBackend({ batchChars: sizes[0] * 2 ** 20, hardwareGl, headless: !process.argv.includes('--headed') });
  try {
    console.log(`machine: ${machineLine()}`);
    console.log(`gpu: ${gpu.renderer}${hardwareGl ? '' : ' (software WebGL2)'}`);
    console.log(`input: ${pages.length} pages, ${mb.toFixed(1)} MB (UTF-8), best of ${rounds} round(s) after a warm-up\n`);

    const rows: string[][] = [];
    for (const p of pages) extractText(p); // warm-up
    const cpu = await best(rounds, async () => pages.map(extractText), (_, ms) => ms);
    const cpuMBps = (mb / (cpu.ms / 1000)).toFixed(1);
    rows.push(['cpu: extractText (Node, 1 thread)', '-', cpuMBps, cpuMBps, '-', '-', '-', '-', '-', '1.0x']);
    await gpu.cpuInPage(pages);
    const inPage = await best(rounds, () => gpu.cpuInPage(pages), (r) => r.ms);
    rows.push(['cpu: extractText (in the GPU page)', '-', '-', (mb / (inPage.value.ms / 1000)).toFixed(1), '-', '-', '-', '-', '-',
      `${(cpu.ms / inPage.value.ms).toFixed(2)}x`]);

    for (const size of sizes) {
      await gpu.resize(size * 2 ** 20);
      const warm: string[] = [];
      for (let n = 0, i = 0; i < pages.length && n < size * 2 ** 20; i++) { warm.push(pages[i]); n += pages[i].length; }
      await gpu.extractBatch(warm);
      const run = await best(rounds, async () => {
        await gpu.extractBatch(pages);
        return gpu.lastTimings!;
      }, (_, ms) => ms);
      const t: GpuTimings = run.value;
      const transfer = run.ms - t.totalMs;
      rows.push([`gpu: gpu.js webgl2, ${size} MiB dispatches`, String(t.batches), (mb / (run.ms / 1000)).toFixed(2),
        (mb / (t.totalMs / 1000)).toFixed(2),
        t.uploadMs.toFixed(0), t.kernelMs.toFixed(0), t.readbackMs.toFixed(0), t.finishMs.toFixed(0), transfer.toFixed(0),
        `${(cpu.ms / run.ms).toFixed(3)}x`]);
    }

    const header = ['extractor', 'batches', 'MB/s', 'MB/s in page', 'upload ms', 'kernel ms', 'readback ms', 'finish ms', 'transfer ms', 'speed vs cpu'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log('\nupload: packing code units into bytes + texImage2D; kernel: until the last kernel finished (1-texel');
    console.log('readback); readback: states back + unpacking; finish: the shared finish() on the CPU side of the page;');
    console.log('transfer: page <-> Node (Playwright serialises the pages, ~10 MB/s here) around it. MB/s counts');
    console.log('everything, end to end; MB/s in page leaves the transfer out (what a renderer holding the pages sees).');
  } finally {
    await gpu.close();
  }
}

await main();
