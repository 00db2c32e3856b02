/**
 * Entry of the page that the headless runner (src/core/extract-gpu) loads into Chromium: exposes the GPU extractor
 * and, for comparison in the same page, the CPU state machine, on `window.archiveStreamGpu`.
 */
import { GPU } from 'gpu.js';
import { statesOf } from '../extract/fsm.js';
import { extractText } from '../extract/index.js';
import type { GpuPageApi, StateMismatch } from './page-api.js';
import { GpuExtractor } from './gpu-extractor.js';
import { gpuStages, stageRecords } from './stage-spans.js';

declare global {
  interface Window {
    archiveStreamGpu: GpuPageApi;
  }
}

let gpu: GPU | undefined;
let extractor: GpuExtractor | undefined;

function ready(): GpuExtractor {
  if (!extractor) throw new Error('archiveStreamGpu.init() first');
  return extractor;
}

window.archiveStreamGpu = {
  init(batchChars) {
    gpu ??= new GPU({ mode: 'webgl2' });
    const next = new GpuExtractor(gpu, { batchChars }); // throws on a bad size, leaving the current one in place
    extractor?.destroy();
    extractor = next;
    const gl = extractor.gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return {
      renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
      vendor: String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
      version: String(gl.getParameter(gl.VERSION)),
      batchChars,
    };
  },
  async extract(pages, traceparent) {
    const { results, timings, startMs } = await ready().extractBatchTimed(pages);
    return { results, timings, spans: stageRecords(traceparent, gpuStages(startMs, timings)) };
  },
  compareStates(pages) {
    const gpuStates = ready().statesOf(pages);
    const mismatches: StateMismatch[] = [];
    pages.forEach((page, i) => {
      const cpu = statesOf(page);
      const index = cpu.findIndex((s, k) => s !== gpuStates[i][k]);
      if (index >= 0) mismatches.push({ page: i, index, gpu: gpuStates[i][index], cpu: cpu[index] });
    });
    return mismatches;
  },
  cpuExtract(pages) {
    const t0 = performance.now();
    const results = pages.map(extractText);
    return { results, ms: performance.now() - t0 };
  },
  dispose() {
    extractor?.destroy();
    extractor = undefined;
    gpu?.destroy();
    gpu = undefined;
  },
};
