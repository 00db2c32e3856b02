/**
 * Offers this window's GPU to the engine as a text extractor (issue 4). A Web Worker with an OffscreenCanvas runs the
 * gpu.js kernels (extract-worker.ts), so no kernel runs on the UI thread and the app stays responsive during ingest.
 * The engine sends batches as 'extract.request' events; they go to the worker, and its results back as
 * 'extract.reply'. The offer is renewed at a third of its lease, so an engine that was restarted hears of it again.
 *
 * Electron: the same worker runs in the main window's renderer, and it is what keeps the kernels off the UI thread.
 * A hidden window would be a second renderer process with its own preload bridge and its own engine client for the
 * same isolation from the UI, which the worker already gives.
 */
import { gpuStages } from '../../core/extract-webgl/stage-spans.js';
import type { EngineClient } from '../../shared/api.js';
import type { UiTracer } from '../telemetry.js';
import type { FromGpuWorker, ToGpuWorker } from './extract-worker.js';

/** How soon a failed offer is tried again. */
const RETRY_MS = 10_000;

/** Starts the worker and, when it has WebGL2, offers it; returns what stops both (and withdraws the offer). Each batch
 *  is a 'gpu.batch' span of `uiTracer`, under the engine's span that sent it, with the worker's stages (upload,
 *  kernels, readback, finish) as its children. */
export function offerGpuExtractor(engine: EngineClient, uiTracer: UiTracer): () => void {
  if (typeof Worker === 'undefined') return () => {};
  const worker = new Worker(new URL('./extract-worker.ts', import.meta.url), { type: 'module' });
  const extractor = crypto.randomUUID();
  let renderer = '';
  let renewal: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  const post = (message: ToGpuWorker) => worker.postMessage(message);
  /** Batches the worker is extracting: what ends their 'gpu.batch' span, and the engine's span they answer. */
  const inFlight = new Map<number, { traceparent: string | undefined; end: (m: FromGpuWorker) => void }>();

  const offer = async () => {
    const client = engine.clientId;
    const r = await engine.invoke('extract.offer', { extractor, renderer, ...(client ? { client } : {}) });
    if (!stopped) renewal = setTimeout(() => void offer(), r.ok ? r.value.leaseMs / 3 : RETRY_MS);
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(renewal);
    unsubscribe?.();
    worker.terminate();
    if (renderer) void engine.invoke('extract.withdraw', { extractor });
  };

  worker.onmessage = (e: MessageEvent<FromGpuWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'ready':
        renderer = m.renderer;
        // Subscribing first opens the event stream that will carry the requests (browser mode), under clientId.
        unsubscribe = engine.on('extract.request', (req) => {
          if (req.extractor !== extractor) return;
          // A span from request to result under the engine's batch (one trace with the ingest). The reply goes under the
          // engine's batch too, beside it: the GPU's span then holds only the GPU's work, a stage of its own.
          void uiTracer.child('gpu.batch', { pages: req.pages.length, renderer }, req.traceparent, (_, span) =>
            new Promise<void>((resolve) => {
              const end = (m: FromGpuWorker) => {
                if (m.type === 'done') uiTracer.stages(span, gpuStages(m.startMs, m.timings));
                resolve();
              };
              inFlight.set(req.id, { traceparent: req.traceparent, end });
              post({ type: 'extract', id: req.id, pages: req.pages });
            }));
        });
        void offer();
        return;
      case 'unavailable':
        console.info(`GPU text extraction is not available here (${m.reason}); ingest extracts text on the CPU.`);
        stop();
        return;
      case 'done':
      case 'failed': {
        const batch = inFlight.get(m.id);
        inFlight.delete(m.id);
        batch?.end(m);
        const reply = m.type === 'done' ? { extractor, id: m.id, results: m.results } : { extractor, id: m.id, error: m.message };
        void engine.invoke('extract.reply', reply, batch?.traceparent);
        return;
      }
    }
  };
  worker.onerror = (e) => {
    console.warn(`The GPU text extractor stopped: ${e.message}`);
    stop();
  };
  post({ type: 'probe' });
  return stop;
}
