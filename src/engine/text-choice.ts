// 'auto' text extraction in the engine: which extractor a run uses, from a measurement of the CPU extractor and the
// window's GPU extractor taken once per machine and renderer and remembered (Settings › Text extraction). Measuring
// never holds up an ingest: a run with no measurement for its machine and renderer extracts on the CPU while the two
// are measured beside it, so a GPU (and a software one above all: SwiftShader, llvmpipe, 1-3 MB/s) is used only once
// it was measured faster.
import { cpus, hostname } from 'node:os';
import type { TextMeasurement } from '../shared/api-collections.js';
import { chooseBackend, type TextBackend } from '../core/extract-gpu/index.js';
import { measurementSample } from '../core/extract-gpu/sample.js';

/** This machine as a measurement is tied to it: its name and its CPU (the same data folder on another machine, or
 *  a new CPU, measures again). */
export function machineId(): string {
  const c = cpus();
  return `${hostname()}, ${c[0]?.model.trim() || 'unknown CPU'} x${c.length}`;
}

/** The remembered measurement when it was taken on this machine with this renderer, else null (measure again). */
export function measurementFor(m: TextMeasurement | null, machine: string, renderer: string): TextMeasurement | null {
  return m && m.machine === machine && m.renderer === renderer ? m : null;
}

/**
 * Measures the CPU extractor and `gpu` on the same fixed sample (chooseBackend's 'auto': warm-up, then timed runs)
 * and returns what to remember; null when the GPU could not be had (nothing was measured, so nothing is kept).
 */
export async function measureTextBackends(gpu: () => Promise<TextBackend>, machine: string, renderer: string): Promise<TextMeasurement | null> {
  const chosen = await chooseBackend('auto', measurementSample(), { gpu });
  await chosen.backend.close();
  if (chosen.gpuMBps === null) return null;
  return { machine, renderer, choice: chosen.choice, cpuMBps: chosen.cpuMBps, gpuMBps: chosen.gpuMBps, measuredAt: new Date().toISOString() };
}
