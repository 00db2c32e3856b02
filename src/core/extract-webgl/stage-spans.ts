/**
 * The GPU extractor's stages as spans: upload, kernels, readback and finish of one batch (GpuTimings, summed over its
 * dispatches), laid end to end from the batch's start, as StageClock lays out an ingest batch's stages. Both sides
 * that run the extractor trace them: the app's GPU worker through the renderer's web tracer, and the headless page
 * (page-entry.ts), which has no SDK, as SpanRecords under the traceparent its runner hands it.
 *
 * Browser code: no Node or DOM types.
 */
import { parseTraceparent, type SpanRecord } from '../../shared/telemetry.js';
import type { GpuTimings } from './page-api.js';

export interface GpuStage {
  name: 'gpu.upload' | 'gpu.kernels' | 'gpu.readback' | 'gpu.finish';
  /** Epoch milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  attributes: { dispatches: number; chars: number; summed: true };
}

/** The batch's stages from its start (epoch ms) and timings: one each, never one per page or dispatch. */
export function gpuStages(startMs: number, t: GpuTimings): GpuStage[] {
  const attributes = { dispatches: t.batches, chars: t.chars, summed: true } as const;
  const stages: GpuStage[] = [];
  let at = startMs;
  for (const [name, ms] of [['gpu.upload', t.uploadMs], ['gpu.kernels', t.kernelMs], ['gpu.readback', t.readbackMs], ['gpu.finish', t.finishMs]] as const) {
    stages.push({ name, startMs: at, durationMs: ms, attributes });
    at += ms;
  }
  return stages;
}

function spanId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The stages as the headless page's spans, children of the (sampled) span `traceparent` names; none for a missing,
 *  unsampled or malformed one, since there is then no trace to join. */
export function stageRecords(traceparent: string | undefined, stages: GpuStage[]): SpanRecord[] {
  const parent = traceparent ? parseTraceparent(traceparent) : null;
  if (!parent || (parent.flags & 1) === 0) return [];
  return stages.map((s) => ({
    name: s.name,
    traceId: parent.traceId,
    spanId: spanId(),
    parentSpanId: parent.spanId,
    process: 'gpu-page',
    startMs: s.startMs,
    durationMs: s.durationMs,
    attributes: { ...s.attributes },
    error: null,
  }));
}
