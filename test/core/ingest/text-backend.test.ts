// Ingest with an async text backend (issue 4, IngestOptions.text): the workers send decoded HTML and the pool extracts
// it through the backend before writing. What it must keep from the default path: the same rows (the workers' CPU
// extraction is the reference), each worker's batches in order, bounded work in flight, cancel, no thread left behind;
// and 'auto' keeps the faster backend on the same sample.
//
// The backends here are stand-ins in this thread for the GPU one, which needs a browser (its real path is
// test/engine/remote-extract.test.ts and test/e2e/gpu-ingest.spec.ts): the CPU extractor behind delays, or with a cache.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuBackendError, type TextBackend } from '../../../src/core/extract-gpu/index.js';
import { extractText, type ExtractedText } from '../../../src/core/extract/index.js';
import { ingestCollection, type IngestTextChoice, type IngestTextOptions } from '../../../src/core/ingest/index.js';
import { search } from '../../../src/core/search/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { html, warcFile, type RecordSpec } from './warc-builder.js';

let dir: string;
let files: string[];
let whole: ReturnType<typeof rowsOf>;
let baseline: number;
const PAGES = 4 * 120;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'as-text-backend-'));
  mkdirSync(join(dir, 'warcs'));
  files = [];
  for (let f = 0; f < 4; f++) {
    const recs: RecordSpec[] = [];
    for (let i = 0; i < 120; i++) {
      const body = html(`Page ${f}-${i} &amp; co`, `word${i % 7} text of page ${f} ${i}<script>x = "<p>"</script> caf&eacute;`);
      recs.push({ uri: `http://site${f}.example/p${i}`, date: '2020-03-03T00:00:00Z', body });
    }
    files.push(join(dir, 'warcs', `f${f}.warc.gz`));
    writeFileSync(files[f], warcFile(recs, true));
  }
  await ingestCollection(join(dir, 'whole.sqlite'), files, { workers: 2, batchRecords: 20 });
  whole = rowsOf(join(dir, 'whole.sqlite'));
  expect(whole.counts.pages).toBe(PAGES);
  baseline = threads();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowsOf(db: string) {
  const c = Collection.open(db, { readonly: true });
  try {
    return {
      counts: c.counts(),
      pages: [...c.iteratePages()].map(({ id: _id, ...rest }) => rest).sort((x, y) => x.digest.localeCompare(y.digest)),
      files: c.files().map(({ id: _id, indexedAt: _t, ...rest }) => rest),
      cafe: search(c, 'café').hits.length,
    };
  } finally {
    c.close();
  }
}

const threads = () => process.getActiveResourcesInfo().filter((r) => /Worker|MessagePort/.test(r)).length;
/** No ingest thread left running (CONTRIBUTING.md, 'Own what you start'). */
const noThreadsLeft = () => expect(threads()).toBe(baseline);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The CPU extractor behind `delay` ms a batch, counting what it is asked. */
function standIn(delay: () => number) {
  const seen: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = 0;
  const backend: TextBackend = {
    name: 'gpu',
    async extractBatch(pages) {
      seen.push(pages);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(delay());
      inFlight--;
      return pages.map(extractText);
    },
    close: async () => {
      closed++;
    },
  };
  return { backend, seen, stats: () => ({ maxInFlight, closed }) };
}

function textOption(kind: 'gpu' | 'auto', backend: TextBackend, choices: IngestTextChoice[] = []): IngestTextOptions {
  return { kind, gpu: async () => backend, onChoice: (c) => choices.push(c) };
}

describe('ingest through an async text backend', () => {
  it("'gpu' stores what the workers store, one batch per worker at a time, and closes the backend", async () => {
    // Random delays, so that the two workers' batches come back in another order than they went out.
    const s = standIn(() => Math.random() * 8);
    const choices: IngestTextChoice[] = [];
    const db = join(dir, 'gpu.sqlite');
    const summary = await ingestCollection(db, files, { workers: 2, batchRecords: 20, text: textOption('gpu', s.backend, choices) });
    expect(summary).toMatchObject({ filesIndexed: 4, pages: PAGES, errors: 0, cancelled: false });
    expect(rowsOf(db)).toEqual(whole);
    expect(s.seen.flat()).toHaveLength(PAGES);
    // Per worker, the next batch waits for the one before: at most one batch per worker is being extracted.
    expect(s.stats().maxInFlight).toBeLessThanOrEqual(2);
    expect(s.stats().closed).toBe(1);
    expect(choices).toEqual([{ choice: 'gpu', cpuMBps: expect.any(Number), gpuMBps: null, note: null }]);
    noThreadsLeft();
  });

  it("'auto' keeps a backend that measures faster than the CPU for every page", async () => {
    // A cache in front of the CPU extractor: the warm-up run fills it, so the timed runs on the same sample are
    // lookups, faster than extracting. (Every other page is extracted once, correctly.)
    const cache = new Map<string, ExtractedText>();
    const seen: string[] = [];
    const cached: TextBackend = {
      name: 'gpu',
      extractBatch: async (pages) => {
        seen.push(...pages);
        return pages.map((p) => cache.get(p) ?? cache.set(p, extractText(p)).get(p)!);
      },
      close: async () => {},
    };
    const choices: IngestTextChoice[] = [];
    const db = join(dir, 'auto-gpu.sqlite');
    await ingestCollection(db, files, { workers: 2, batchRecords: 20, text: textOption('auto', cached, choices) });
    expect(choices).toEqual([{ choice: 'gpu', cpuMBps: expect.any(Number), gpuMBps: expect.any(Number), note: null }]);
    expect(choices[0].gpuMBps).toBeGreaterThan(choices[0].cpuMBps);
    expect(new Set(seen).size).toBe(PAGES);
    expect(rowsOf(db)).toEqual(whole);
  });

  it("'auto' keeps the CPU over a slower backend, which then sees only the sample", async () => {
    const s = standIn(() => 30);
    const choices: IngestTextChoice[] = [];
    const db = join(dir, 'auto-cpu.sqlite');
    await ingestCollection(db, files, { workers: 2, batchRecords: 20, text: textOption('auto', s.backend, choices) });
    expect(choices).toEqual([{ choice: 'cpu', cpuMBps: expect.any(Number), gpuMBps: expect.any(Number), note: null }]);
    expect(choices[0].cpuMBps).toBeGreaterThan(choices[0].gpuMBps!);
    // a warm-up and the timed runs, all on the same first pages
    expect(s.seen.length).toBeGreaterThanOrEqual(2);
    expect(s.seen.every((b) => JSON.stringify(b) === JSON.stringify(s.seen[0]))).toBe(true);
    expect(s.stats().closed).toBe(1);
    expect(rowsOf(db)).toEqual(whole);
  });

  it("without a GPU backend, 'gpu' fails the run and 'auto' keeps the CPU and says why", async () => {
    const none: IngestTextOptions['gpu'] = async () => {
      throw new GpuBackendError('no-gpu-extractor', 'no GPU text extractor is connected');
    };
    await expect(ingestCollection(join(dir, 'none-gpu.sqlite'), files, { workers: 2, text: { kind: 'gpu', gpu: none } }))
      .rejects.toMatchObject({ code: 'no-gpu-extractor' });
    noThreadsLeft();
    const choices: IngestTextChoice[] = [];
    const db = join(dir, 'none-auto.sqlite');
    await ingestCollection(db, files, { workers: 2, batchRecords: 20, text: { kind: 'auto', gpu: none, onChoice: (c) => choices.push(c) } });
    expect(choices).toEqual([{ choice: 'cpu', cpuMBps: expect.any(Number), gpuMBps: null, note: 'no GPU text extractor is connected' }]);
    expect(rowsOf(db)).toEqual(whole);
  });

  it('a backend that fails, or answers with the wrong number of results, stops the run; the next run completes it', async () => {
    const db = join(dir, 'failing.sqlite');
    const failing: TextBackend = { name: 'gpu', extractBatch: async () => Promise.reject(new Error('kernel exploded')), close: async () => {} };
    await expect(ingestCollection(db, files, { workers: 2, batchRecords: 20, text: textOption('gpu', failing) })).rejects.toThrow('kernel exploded');
    noThreadsLeft();
    const short: TextBackend = { name: 'gpu', extractBatch: async (pages) => pages.slice(1).map(extractText), close: async () => {} };
    await expect(ingestCollection(db, files, { workers: 2, batchRecords: 20, text: textOption('gpu', short) }))
      .rejects.toThrow(/the gpu text backend returned \d+ results for \d+ pages/);
    noThreadsLeft();
    await ingestCollection(db, files, { workers: 2, batchRecords: 20 });
    expect(rowsOf(db)).toEqual(whole);
  });

  it('cancel reaches a batch waiting for its text, no thread is left, and resuming gives the whole', async () => {
    const controller = new AbortController();
    let asked = 0;
    // Answers only when the signal says to stop (as a remote extractor that never replies, minus the timeout).
    const stuck: TextBackend = {
      name: 'gpu',
      extractBatch: (_pages, signal) =>
        new Promise((_resolve, reject) => {
          asked++;
          signal!.addEventListener('abort', () => reject(signal!.reason), { once: true });
        }),
      close: async () => {},
    };
    const db = join(dir, 'cancel.sqlite');
    const run = ingestCollection(db, files, { workers: 2, batchRecords: 20, signal: controller.signal, text: textOption('gpu', stuck) });
    // Workers on a busy machine can take longer to send a first batch than poll's default second.
    await expect.poll(() => asked, { timeout: 60_000 }).toBeGreaterThan(0);
    const t0 = performance.now();
    controller.abort();
    expect(await run).toMatchObject({ cancelled: true });
    expect(performance.now() - t0).toBeLessThan(10_000);
    noThreadsLeft();
    await ingestCollection(db, files, { workers: 2, batchRecords: 20 });
    expect(rowsOf(db)).toEqual(whole);
  });
});
