// chooseBackend() and `archivestream text`: 'auto' measures both backends on one sample and keeps the faster (on
// software WebGL, SwiftShader, that is the CPU), falls back to the CPU when the GPU backend cannot start, and no
// Chromium is left running once a backend is closed. The Chromium parts skip without Chromium; the CLI part reads
// IAH-urls-wget.warc from ../shared/corpus (skips when absent).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chooseBackend, createCpuBackend, createGpuBackend, fasterBackend, GpuBackendError, type PlaywrightLoader,
} from '../../src/core/extract-gpu/index.js';
import { extractText } from '../../src/core/extract/index.js';
import { CHROMIUM, CORPUS, ROOT, gpuRenderer, isSoftwareWebgl, markupSoup, prng, readabilityPages } from './helpers.js';

/** Chromium processes that are children of this test process. */
function chromiumChildren(): number[] {
  const r = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      const cmd = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
      return /chrom/i.test(cmd);
    });
}

describe('createCpuBackend', () => {
  it('is extractText over a batch', async () => {
    const pages = ['<title>T</title><p>a</p><p>b</p>', '', '<script>x</script>y'];
    expect(await createCpuBackend().extractBatch(pages)).toEqual(pages.map(extractText));
  });
});

describe('fasterBackend: what auto keeps, from the two measured rates', () => {
  it('keeps the GPU only when it is strictly faster', () => {
    expect(fasterBackend(240, 3.1)).toBe('cpu'); // software WebGL
    expect(fasterBackend(240, 900)).toBe('gpu');
    expect(fasterBackend(240, 240)).toBe('cpu'); // a tie: the CPU needs no Chromium
  });
});

describe('the GPU backend where playwright-core cannot be loaded (an install without it)', () => {
  // A real failed import of a package that is not installed, as the bundled CLI would meet it.
  const absent = 'playwright-core-absent-from-this-install';
  const loadPlaywright: PlaywrightLoader = () => import(absent);

  it("'gpu' refuses with a typed error naming the package", async () => {
    const e = await createGpuBackend({ loadPlaywright }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GpuBackendError);
    expect(e).toMatchObject({ code: 'playwright-unavailable', message: expect.stringContaining(absent) });
  });

  it("'auto' falls back to the CPU and says why", async () => {
    const reasons: GpuBackendError[] = [];
    const sample = ['<title>T</title><p>a &amp; b</p>'];
    const chosen = await chooseBackend('auto', sample, { loadPlaywright, onGpuUnavailable: (e) => reasons.push(e) });
    expect(chosen).toMatchObject({ choice: 'cpu', gpuMBps: null });
    expect(reasons.map((e) => e.code)).toEqual(['playwright-unavailable']);
    expect(reasons[0].message).toMatch(/^cannot load playwright-core/);
    expect(await chosen.backend.extractBatch(sample)).toEqual([
      { title: 'T', description: '', text: 'a & b', main: 'a & b', rest: '', mainFound: false },
    ]);
  });
});

describe.skipIf(!CHROMIUM)('chooseBackend with Chromium', () => {
  const sample = existsSync(CORPUS)
    ? readabilityPages().slice(0, 6).map((p) => p.html)
    : Array.from({ length: 6 }, (_, i) => markupSoup(prng(i), 50_000));

  it("'auto' measures both and keeps the faster; on SwiftShader that is the CPU", async () => {
    const software = isSoftwareWebgl(await gpuRenderer());
    const chosen = await chooseBackend('auto', sample);
    try {
      expect(chosen.gpuMBps).toBeGreaterThan(0);
      expect(chosen.cpuMBps).toBeGreaterThan(0);
      expect(chosen.backend.name).toBe(chosen.choice);
      // A real GPU may go either way: there the choice is only checked against the rule tested above.
      if (software) expect(chosen.choice).toBe('cpu');
      else expect(chosen.choice).toBe(fasterBackend(chosen.cpuMBps, chosen.gpuMBps!));
      expect(await chosen.backend.extractBatch(sample)).toEqual(sample.map(extractText));
    } finally {
      await chosen.backend.close();
    }
    expect(chromiumChildren()).toEqual([]); // the losing GPU backend was closed
  }, 180_000);

  it("'gpu' forces the GPU backend, and close() leaves no Chromium running", async () => {
    const before = chromiumChildren().length;
    const gpu = await createGpuBackend({ batchChars: 1 << 16 });
    expect(chromiumChildren().length).toBeGreaterThan(before);
    expect(gpu.name).toBe('gpu');
    const pages = ['<p>x &amp; y</p>', '<title>t</title>z'];
    expect(await gpu.extractBatch(pages)).toEqual(pages.map(extractText));
    await gpu.close();
    await gpu.close(); // idempotent
    expect(chromiumChildren()).toEqual([]);
  }, 120_000);

  it('a missing Chromium is a typed error that says how to install it', async () => {
    const saved = process.env.ARCHIVESTREAM_CHROMIUM;
    process.env.ARCHIVESTREAM_CHROMIUM = '/nonexistent/chromium';
    try {
      await expect(createGpuBackend()).rejects.toMatchObject({ code: 'chromium-not-found' });
      // auto falls back to the CPU and says why
      const reasons: string[] = [];
      const chosen = await chooseBackend('auto', ['<p>a</p>'], { onGpuUnavailable: (e) => reasons.push(e.code) });
      expect(chosen).toMatchObject({ choice: 'cpu', gpuMBps: null });
      expect(reasons).toEqual(['chromium-not-found']);
    } finally {
      if (saved === undefined) delete process.env.ARCHIVESTREAM_CHROMIUM;
      else process.env.ARCHIVESTREAM_CHROMIUM = saved;
    }
  });
});

describe('archivestream text (built binary)', () => {
  const BIN = resolve(ROOT, 'bin/archivestream.mjs');
  const WARC = resolve(CORPUS, 'warc/iipc+webarchive-commons/src/test/resources/org/archive/format/warc/IAH-urls-wget.warc');
  const run = (...args: string[]) => runWith({}, ...args);
  const runWith = (env: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'text', ...args], {
      cwd: ROOT, encoding: 'utf8', timeout: 170_000, env: { ...process.env, ...env },
    });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(() => {
    execFileSync(process.execPath, [resolve(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
  }, 60_000);

  it('exits 2 with usage for a bad --backend, and names a missing file without a stack', () => {
    const bad = run('x.warc', '--backend', 'tpu');
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--backend must be one of cpu, gpu, auto/);
    const missing = run('does/not/exist.warc');
    expect(missing.status).toBe(2);
    expect(missing.err).toMatch(/^does\/not\/exist\.warc\t0\tfile-not-found\t/);
    expect(missing.err).not.toMatch(/\n\s+at /);
  });

  describe.skipIf(!existsSync(WARC))('on IAH-urls-wget.warc', () => {
    it('--json: one line per HTML record with offset, uri, title, text and whether a main content was found', () => {
      const r = run(WARC, '--json');
      expect(r.status).toBe(0);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(3);
      for (const l of lines) expect(Object.keys(l)).toEqual(['offset', 'uri', 'title', 'text', 'mainFound']);
      expect(lines.some((l) => String(l.title).startsWith('Internet Archive'))).toBe(true);
    });

    it('--backend gpu without Chromium: exit 2, one line with the code and how to install it', () => {
      const r = runWith({ ARCHIVESTREAM_CHROMIUM: '/nonexistent/chromium' }, WARC, '--backend', 'gpu');
      expect(r.status).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toBe('archivestream text: chromium-not-found: Chromium not found at /nonexistent/chromium (ARCHIVESTREAM_CHROMIUM)\n');
      const auto = runWith({ ARCHIVESTREAM_CHROMIUM: '/nonexistent/chromium' }, WARC, '--backend', 'auto', '--json');
      expect(auto.status).toBe(0);
      expect(auto.err).toMatch(/^text backend: gpu unavailable \(chromium-not-found\).*\ntext backend: cpu \(cpu [\d.]+ MB\/s, gpu unavailable\)\n$/);
    });

    it.skipIf(!CHROMIUM)('--backend auto reports both rates on stderr and prints what cpu prints', async () => {
      const software = isSoftwareWebgl(await gpuRenderer());
      const cpu = run(WARC, '--json', '--backend', 'cpu');
      const auto = run(WARC, '--json', '--backend', 'auto');
      expect(auto.status).toBe(0);
      expect(auto.err).toMatch(/^text backend: (cpu|gpu) \(cpu [\d.]+ MB\/s, gpu [\d.]+ MB\/s\)\n$/);
      if (software) expect(auto.err).toMatch(/^text backend: cpu /);
      expect(auto.out).toBe(cpu.out);
      const gpu = run(WARC, '--json', '--backend', 'gpu');
      expect(gpu.status).toBe(0);
      expect(gpu.out).toBe(cpu.out);
    }, 180_000);
  });
});
