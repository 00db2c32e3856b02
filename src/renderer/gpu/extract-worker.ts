/**
 * The GPU text extractor off the UI thread: a dedicated Web Worker that draws on an OffscreenCanvas, runs the gpu.js
 * kernels (GpuExtractor) and the shared finish() on what they classify. offer.ts starts it, offers it to the engine
 * and relays the engine's batches; the page itself never runs a kernel, so the app stays responsive during ingest.
 *
 * Browser code: DOM and WebGL types only (the worker scope is typed below by what is used of it).
 */
import { GPU } from 'gpu.js';
import type { ExtractedText } from '../../core/extract/finish.js';
import { GpuExtractor, type GpuTimings } from '../../core/extract-webgl/gpu-extractor.js';

export type ToGpuWorker = { type: 'probe' } | { type: 'extract'; id: number; pages: string[] };
export type FromGpuWorker =
  | { type: 'ready'; renderer: string }
  | { type: 'unavailable'; reason: string }
  // timings and startMs (epoch ms): what the page's 'gpu.batch' span draws its stages from (stage-spans.ts).
  | { type: 'done'; id: number; results: ExtractedText[]; timings: GpuTimings; startMs: number }
  | { type: 'failed'; id: number; message: string };

const scope = self as unknown as {
  postMessage(message: FromGpuWorker): void;
  onmessage: ((e: MessageEvent<ToGpuWorker>) => void) | null;
};

let canvas: OffscreenCanvas | undefined;
let context: WebGL2RenderingContext | undefined;
let extractor: GpuExtractor | undefined;

/** Whether this worker has WebGL2, and on what: cheap, so the app can offer the GPU as soon as it starts. */
function probe(): FromGpuWorker {
  if (!GPU.isOffscreenCanvasSupported || typeof OffscreenCanvas === 'undefined') {
    return { type: 'unavailable', reason: 'no OffscreenCanvas in workers' };
  }
  canvas = new OffscreenCanvas(1, 1);
  const gl = canvas.getContext('webgl2');
  if (!gl) return { type: 'unavailable', reason: 'no WebGL2 in workers' };
  context = gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return { type: 'ready', renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) };
}

/** The kernels compile on the first batch (seconds on software WebGL), not when the app starts. A failure (a lost
 *  context, a shader that does not compile) rejects. */
async function extract(pages: string[]) {
  if (!canvas || !context) throw new Error('no WebGL2 context: probe first');
  extractor ??= new GpuExtractor(new GPU({ mode: 'webgl2', canvas, context }));
  return extractor.extractBatchTimed(pages);
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'probe') {
    scope.postMessage(probe());
    return;
  }
  // extractBatch does its work synchronously (kernels, readback, finish), so batches run one after another.
  extract(msg.pages).then(
    (done) => scope.postMessage({ type: 'done', id: msg.id, ...done }),
    (err: unknown) => scope.postMessage({ type: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
  );
};
