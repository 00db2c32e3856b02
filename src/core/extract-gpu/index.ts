/**
 * Text extraction backends: the CPU extractor (src/core/extract) and the GPU one (src/core/extract-webgl, gpu.js in a
 * headless Chromium), behind one interface, and the measurement that picks the faster on the machine at hand
 * (ARCHITECTURE.md, "Text extraction").
 */
import type { Browser, Page } from 'playwright-core';
import { extractText, type ExtractedText } from '../extract/index.js';
import type { GpuPageApi, GpuTimings, StateMismatch } from '../extract-webgl/page-api.js';
import { GpuBackendError, launchChromium, type LaunchOptions } from './chromium.js';
import { pageScript } from './bundle.js';
import { annotate, currentTraceparent, withSpan } from '../telemetry/index.js';
import { adoptSpans } from '../telemetry/sink.js';

export {
  GpuBackendError, findChromium, chromiumArgs, type GpuBackendErrorCode, type LaunchOptions, type PlaywrightLoader,
} from './chromium.js';
export type { ExtractedText, GpuTimings, StateMismatch };

export interface TextBackend {
  name: 'cpu' | 'gpu';
  /** One result per page, in order. A backend that can stop early rejects once `signal` aborts. */
  extractBatch(pages: string[], signal?: AbortSignal): Promise<ExtractedText[]>;
  close(): Promise<void>;
}

export interface GpuBackend extends TextBackend {
  name: 'gpu';
  /** The WebGL renderer string (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...)"). */
  readonly renderer: string;
  /** The WebGL version of the kernels' context (e.g. "WebGL 2.0 (OpenGL ES 3.0 Chromium)"). */
  readonly webglVersion: string;
  readonly batchChars: number;
  /** Timings of the last extractBatch (summed over its dispatches). */
  readonly lastTimings: GpuTimings | undefined;
  /** Recompiles the kernels for another dispatch size (a multiple of 256, at most 2^24). */
  resize(batchChars: number): Promise<void>;
  /** The CPU extractor (extractText) run inside the same page, for same-page comparisons (bench). */
  cpuInPage(pages: string[]): Promise<{ results: ExtractedText[]; ms: number }>;
  /** Pages whose GPU states differ from statesOf() (conformance tests). */
  compareStates(pages: string[]): Promise<StateMismatch[]>;
}

export interface GpuBackendOptions extends LaunchOptions {
  /** Code units per dispatch; default 2^24 (16 MiB: float32 positions stay exact below 2^24). */
  batchChars?: number;
}

export const DEFAULT_BATCH_CHARS = 1 << 24;

/** Pages handed to the page per evaluate() call, so that one message stays well below CDP's limits. */
const MAX_CHARS_PER_CALL = 1 << 24;

/** The page's global object as the runner sees it (evaluate() callbacks run in the page). */
type PageGlobal = { archiveStreamGpu: GpuPageApi };

export function createCpuBackend(): TextBackend {
  return {
    name: 'cpu',
    extractBatch: async (pages) => pages.map(extractText),
    close: async () => {},
  };
}

export async function createGpuBackend(opts: GpuBackendOptions = {}): Promise<GpuBackend> {
  const script = await pageScript().catch((e: Error) => {
    // The page is bundled from src/core/extract-webgl at run time (with esbuild, a devDependency).
    throw new GpuBackendError('gpu-page-unavailable', `cannot build the GPU page: ${e.message.split('\n')[0]}`);
  });
  const browser: Browser = await launchChromium(opts);
  try {
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent('<!doctype html><title>archivestream gpu</title>');
    await page.addScriptTag({ content: script });
    const hasWebgl2 = await page.evaluate<boolean>(`Boolean(document.createElement('canvas').getContext('webgl2'))`);
    if (!hasWebgl2) throw new GpuBackendError('webgl2-unavailable', 'this Chromium offers no WebGL2 context');
    const init = (batchChars: number) =>
      page.evaluate((n) => (globalThis as unknown as PageGlobal).archiveStreamGpu.init(n), batchChars);
    let info = await init(opts.batchChars ?? DEFAULT_BATCH_CHARS);
    let lastTimings: GpuTimings | undefined;
    let closed = false;
    const backend: GpuBackend = {
      name: 'gpu',
      get renderer() {
        return info.renderer;
      },
      get webglVersion() {
        return info.version;
      },
      get batchChars() {
        return info.batchChars;
      },
      get lastTimings() {
        return lastTimings;
      },
      async resize(batchChars) {
        if (batchChars !== info.batchChars) info = await init(batchChars);
      },
      // A 'gpu.batch' span per call, whose traceparent goes into the page with each chunk: the page's stage spans
      // (upload, kernels, readback, finish) come back with its results and join this process's trace.
      extractBatch: (pages) =>
        withSpan('gpu.batch', { pages: pages.length }, async () => {
          const traceparent = currentTraceparent();
          const results: ExtractedText[] = [];
          const total = emptyTimings();
          for (const chunk of chunks(pages, MAX_CHARS_PER_CALL)) {
            const r = await page.evaluate(
              ([p, tp]) => (globalThis as unknown as PageGlobal).archiveStreamGpu.extract(p, tp),
              [chunk, traceparent] as const,
            );
            results.push(...r.results);
            addTimings(total, r.timings);
            adoptSpans(r.spans);
          }
          lastTimings = total;
          annotate({ chars: total.chars, dispatches: total.batches });
          return results;
        }),
      cpuInPage: (pages) => page.evaluate((p) => (globalThis as unknown as PageGlobal).archiveStreamGpu.cpuExtract(p), pages),
      compareStates: (pages) =>
        page.evaluate((p) => (globalThis as unknown as PageGlobal).archiveStreamGpu.compareStates(p), pages),
      async close() {
        if (closed) return;
        closed = true;
        await browser.close();
      },
    };
    return backend;
  } catch (e) {
    await browser.close();
    if (e instanceof GpuBackendError) throw e;
    throw new GpuBackendError('webgl2-unavailable', `the GPU page did not start: ${(e as Error).message.split('\n')[0]}`);
  }
}

export interface BackendChoice {
  backend: TextBackend;
  choice: 'cpu' | 'gpu';
  /** Throughput on the sample, in millions of UTF-16 code units per second (MB/s of decoded text). */
  cpuMBps: number;
  gpuMBps: number | null;
}

export interface ChooseOptions extends GpuBackendOptions {
  /** Called when the GPU backend cannot start under 'auto' (it then falls back to the CPU). */
  onGpuUnavailable?: (e: GpuBackendError) => void;
  /** Where the GPU backend comes from: by default a headless Chromium (createGpuBackend); the engine passes a
   *  client's GPU extractor (src/engine/remote-extract.ts). Throws a GpuBackendError when there is none. */
  gpu?: () => Promise<TextBackend>;
}

/**
 * 'cpu' and 'gpu' force a backend; 'auto' measures both on the same sample, each after a warm-up run (which pays
 * the GPU's shader compilation and the CPU's JIT), and keeps the faster. A dispatch runs its kernels over the part
 * it uses, so a sample smaller than a batch measures the GPU fairly. Whatever is not returned is closed.
 */
/** The choice and both figures are recorded on an 'extract.choose-backend' span, so traces show why a run used the
 *  backend it did. */
export function chooseBackend(kind: 'cpu' | 'gpu' | 'auto', sample: string[], opts: ChooseOptions = {}): Promise<BackendChoice> {
  const sampleChars = sample.reduce((n, p) => n + p.length, 0);
  return withSpan('extract.choose-backend', { kind, sampleChars }, async () => {
    const choice = await pick(kind, sample, opts);
    annotate({ choice: choice.choice, cpuMBps: choice.cpuMBps, ...(choice.gpuMBps !== null ? { gpuMBps: choice.gpuMBps } : {}) });
    return choice;
  });
}

async function pick(kind: 'cpu' | 'gpu' | 'auto', sample: string[], opts: ChooseOptions): Promise<BackendChoice> {
  const cpu = createCpuBackend();
  const cpuMBps = await measure(cpu, sample);
  const createGpu = opts.gpu ?? (() => createGpuBackend(opts));
  if (kind === 'cpu') return { backend: cpu, choice: 'cpu', cpuMBps, gpuMBps: null };
  if (kind === 'gpu') return { backend: await createGpu(), choice: 'gpu', cpuMBps, gpuMBps: null };
  let gpu: TextBackend;
  try {
    gpu = await createGpu();
  } catch (e) {
    if (!(e instanceof GpuBackendError)) throw e;
    opts.onGpuUnavailable?.(e);
    return { backend: cpu, choice: 'cpu', cpuMBps, gpuMBps: null };
  }
  let gpuMBps: number;
  try {
    gpuMBps = await measure(gpu, sample);
  } catch (e) {
    await gpu.close();
    throw e;
  }
  if (fasterBackend(cpuMBps, gpuMBps) === 'gpu') return { backend: gpu, choice: 'gpu', cpuMBps, gpuMBps };
  await gpu.close();
  return { backend: cpu, choice: 'cpu', cpuMBps, gpuMBps };
}

/** The backend 'auto' keeps, from both throughputs: the GPU only when strictly faster, since the CPU needs no
 *  Chromium left running. */
export function fasterBackend(cpuMBps: number, gpuMBps: number): 'cpu' | 'gpu' {
  return gpuMBps > cpuMBps ? 'gpu' : 'cpu';
}

/** Timed runs go on until this much time has passed: one run of a small sample on the CPU takes a millisecond or
 *  two, too short to time (and the JIT is still warming up), while one GPU run on software WebGL takes far longer. */
const MIN_MEASURE_MS = 100;

async function measure(backend: TextBackend, sample: string[]): Promise<number> {
  const chars = sample.reduce((n, p) => n + p.length, 0);
  await backend.extractBatch(sample);
  const t0 = performance.now();
  let runs = 0;
  do {
    await backend.extractBatch(sample);
    runs++;
  } while (performance.now() - t0 < MIN_MEASURE_MS);
  return (chars * runs) / 1e6 / ((performance.now() - t0) / 1000);
}

function* chunks(pages: string[], maxChars: number): Generator<string[]> {
  let chunk: string[] = [];
  let chars = 0;
  for (const p of pages) {
    if (chunk.length > 0 && chars + p.length > maxChars) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push(p);
    chars += p.length;
  }
  if (chunk.length > 0) yield chunk;
}

function emptyTimings(): GpuTimings {
  return { batches: 0, chars: 0, uploadMs: 0, kernelMs: 0, readbackMs: 0, finishMs: 0, totalMs: 0 };
}

function addTimings(into: GpuTimings, t: GpuTimings): void {
  for (const k of Object.keys(into) as Array<keyof GpuTimings>) into[k] += t[k];
}
