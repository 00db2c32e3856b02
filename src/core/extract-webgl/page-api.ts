/**
 * The contract between the Node runner (src/core/extract-gpu/index.ts) and the GPU page (page-entry.ts) that it loads
 * into Chromium. Types only, and no Node or DOM types: both sides import it.
 */
import type { SpanRecord } from '../../shared/telemetry.js';
import type { ExtractedText } from '../extract/finish.js';

export interface GpuTimings {
  batches: number;
  /** Code units processed (page text, not counting separators and halos). */
  chars: number;
  /** Packing the code units into bytes plus the texture upload (the first kernel call, which does texImage2D). */
  uploadMs: number;
  /** From the upload to the last kernel's completion (forced by a 1-texel readback: gl.finish() does not wait). */
  kernelMs: number;
  /** Reading the packed states back and unpacking them per page. */
  readbackMs: number;
  /** finish() on the CPU. */
  finishMs: number;
  totalMs: number;
}

export interface StateMismatch {
  page: number;
  /** First code unit whose GPU state differs from statesOf(). */
  index: number;
  gpu: number;
  cpu: number;
}

/** On `window.archiveStreamGpu` in the GPU page. */
export interface GpuPageApi {
  /** Compiles the kernels for a dispatch size; returns what the kernels' WebGL context reports about itself
   *  (version: e.g. "WebGL 2.0 (OpenGL ES 3.0 Chromium)"). */
  init(batchChars: number): { renderer: string; vendor: string; version: string; batchChars: number };
  /** `traceparent`: the runner's span for the batch; the page then returns its stages as spans under it. */
  extract(pages: string[], traceparent?: string): Promise<{ results: ExtractedText[]; timings: GpuTimings; spans: SpanRecord[] }>;
  /** Pages whose GPU states differ from the CPU's statesOf(). */
  compareStates(pages: string[]): StateMismatch[];
  /** The CPU extractor (extractText) in the same page, for a same-page comparison. */
  cpuExtract(pages: string[]): { results: ExtractedText[]; ms: number };
  dispose(): void;
}
