// The GPU text backend (gpu.js kernels in headless Chromium, SwiftShader here) against the CPU extractor.
// ARCHITECTURE.md, "Text extraction": same input, byte-identical output. Needs Chromium (skips without it, one
// line: apt-get install chromium) and, for the conformance part, ../shared/corpus (readability-test-pages and the
// HTML records of the WARC/ARC files).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuBackend, type GpuBackend } from '../../src/core/extract-gpu/index.js';
import { extractText } from '../../src/core/extract/index.js';
import {
  articleExtractionPages, CHROMIUM, CORPUS, markupSoup, prng, readabilityPages, warcHtmlPages, type NamedPage,
} from './helpers.js';

const LIMIT = 1 << 24;

/** Pages whose GPU output differs from extractText(), with the first differing state for a diagnosis. */
async function divergences(gpu: GpuBackend, pages: NamedPage[]): Promise<string[]> {
  const results = await gpu.extractBatch(pages.map((p) => p.html));
  const bad = pages.filter((p, i) => JSON.stringify(results[i]) !== JSON.stringify(extractText(p.html)));
  if (bad.length === 0) return [];
  const states = await gpu.compareStates(bad.map((p) => p.html));
  return bad.map((p, i) => {
    const s = states.find((m) => m.page === i);
    return `${p.name}: ${s ? `state at ${s.index}: gpu ${s.gpu}, cpu ${s.cpu}` : 'states agree, output differs'}`;
  });
}

describe.skipIf(!CHROMIUM)('GPU extraction (Chromium, gpu.js webgl2)', () => {
  let gpu: GpuBackend;
  beforeAll(async () => {
    gpu = await createGpuBackend({ batchChars: LIMIT });
  }, 120_000);
  afterAll(async () => {
    await gpu?.close();
  });

  it('runs on WebGL2, and its output on a page is what the page says', async () => {
    expect(gpu.webglVersion).toMatch(/^WebGL 2\.0/);
    expect(gpu.renderer).toMatch(/\S/);
    expect(gpu.batchChars).toBe(LIMIT);
    const page = '<title>A &amp; B</title><style>p{}</style><p>one<br>two</p><script>x<y</script><!-- c --><div>caf&eacute;</div>';
    // Too short to have an article (M7): the main content is the full text.
    const text = 'one\ntwo\ncafé';
    const expected = { title: 'A & B', description: '', text, main: text, rest: '', mainFound: false };
    expect(extractText(page)).toEqual(expected);
    expect(await gpu.extractBatch([page])).toEqual([expected]);
  });

  // float32 is exact below 2^24 only. One page of 2^24 - 1 code units (plus its separator) fills
  // the 16 MiB dispatch to the last position, so an inexact index anywhere shows up as a wrong state near the end.
  it('is exact at the batch limit: one 2^24-code-unit dispatch, full to the last position', async () => {
    const tail = '<p>end</p><script>x</script><!-- z -->last words';
    const page = markupSoup(prng(7), LIMIT - 1 - tail.length) + tail;
    expect(page.length + 1).toBe(LIMIT);
    expect(await gpu.compareStates([page])).toEqual([]);
    const [result] = await gpu.extractBatch([page]);
    expect(gpu.lastTimings?.batches).toBe(1);
    expect(result.text.length).toBeGreaterThan(1e6);
    expect(result).toEqual(extractText(page));
  }, 240_000);

  // The whole output is compared: title, description, text and the main content (main, rest, mainFound), which the
  // shared finish step chooses from what it sees of the page; the counts of pages with an article keep that part of
  // the comparison from being empty.
  describe.skipIf(!existsSync(CORPUS))('conformance on the corpus', () => {
    const articles = (pages: NamedPage[]) => pages.filter((p) => extractText(p.html).mainFound).length;

    it('readability-test-pages: GPU output === CPU output, every page', async () => {
      const pages = readabilityPages();
      expect(pages.length).toBe(130);
      expect(await divergences(gpu, pages)).toEqual([]);
      expect(articles(pages)).toBeGreaterThan(120);
    }, 600_000);

    it('article-extraction pages: GPU output === CPU output, every page', async () => {
      const pages = articleExtractionPages();
      expect(pages.length).toBe(181);
      expect(await divergences(gpu, pages)).toEqual([]);
      expect(articles(pages)).toBeGreaterThan(170);
    }, 600_000);

    it('every HTML record of the WARC/ARC files: GPU output === CPU output', async () => {
      const pages = warcHtmlPages();
      expect(pages.length).toBeGreaterThan(100);
      expect(await divergences(gpu, pages)).toEqual([]);
      expect(articles(pages)).toBeGreaterThan(0);
    }, 600_000);
  });

  // Pages longer than what is left of a dispatch are cut: the look-ahead after the cut and the halo before it
  // (classify4) must give the cut code units the classes and states of the uncut page. Small dispatches cut often
  // and at varied places, so openers and closers ('<script', '-->', '</svg') land across cuts.
  it('carries state across dispatches: pages cut at many places agree with statesOf()', async () => {
    const random = prng(42);
    const pages = Array.from({ length: 40 }, (_, i) => markupSoup(random, i % 7 === 0 ? 0 : Math.floor(random() * 9000) + 1));
    pages.push('<', '<!--', 'x', '<script', '\u013c');
    for (const size of [256, 256 * 13]) {
      await gpu.resize(size);
      expect(await gpu.compareStates(pages)).toEqual([]);
      const results = await gpu.extractBatch(pages);
      expect(results).toEqual(pages.map(extractText));
      expect(gpu.lastTimings!.batches).toBeGreaterThan(pages.reduce((n, p) => n + p.length, 0) / size);
    }
  }, 300_000);

  it('rejects a dispatch size that is not a multiple of 256 or is above 2^24', async () => {
    await expect(gpu.resize(1000)).rejects.toThrow(/multiple of 256/);
    await expect(gpu.resize(LIMIT * 2)).rejects.toThrow(/multiple of 256/);
  });
});
