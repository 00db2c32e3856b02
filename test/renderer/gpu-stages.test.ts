// Issue 17: a GPU batch's stages as spans. In the app, the worker's timings become children of the renderer's
// 'gpu.batch' span through its web tracer (UiTracer.stages); in the headless page, SpanRecords under the runner's
// traceparent (stageRecords).
import { describe, expect, it } from 'vitest';
import { gpuStages, stageRecords } from '../../src/core/extract-webgl/stage-spans.js';
import { UiTracer } from '../../src/renderer/telemetry.js';
import type { UiSpan } from '../../src/shared/telemetry.js';

const timings = { batches: 2, chars: 5000, uploadMs: 3, kernelMs: 40, readbackMs: 5, finishMs: 2, totalMs: 50 };
const ENGINE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ENGINE_SPAN = '00f067aa0ba902b7';

describe('the GPU stages of a batch', () => {
  it('become children of the renderer\'s gpu.batch, in the engine\'s trace, laid end to end inside it', async () => {
    const sent: UiSpan[] = [];
    const ui = new UiTracer(async (spans) => void sent.push(...spans));
    const start = Date.now();
    await ui.child('gpu.batch', { pages: 7 }, `00-${ENGINE_TRACE}-${ENGINE_SPAN}-01`, async (_, span) => {
      await new Promise((r) => setTimeout(r, 60));
      ui.stages(span, gpuStages(start + 1, timings));
    });
    await ui.flush();
    const batch = sent.find((s) => s.name === 'gpu.batch')!;
    expect(batch).toMatchObject({ traceId: ENGINE_TRACE, parentSpanId: ENGINE_SPAN });
    const stages = sent.filter((s) => s.parentSpanId === batch.spanId);
    expect(stages.map((s) => [s.name, s.durationMs])).toEqual([
      ['gpu.upload', 3], ['gpu.kernels', 40], ['gpu.readback', 5], ['gpu.finish', 2],
    ]);
    expect(stages.map((s) => s.startMs - start)).toEqual([1, 4, 44, 49].map((ms) => expect.closeTo(ms, 3)));
    for (const s of stages) {
      expect(s).toMatchObject({ traceId: ENGINE_TRACE, attributes: { dispatches: 2, chars: 5000 } });
      expect(s.startMs + s.durationMs).toBeLessThanOrEqual(batch.startMs + batch.durationMs + 1);
    }
  });

  it('in the headless page, join the runner\'s trace only when it is traced and sampled', () => {
    const stages = gpuStages(1.7e12, timings);
    const records = stageRecords(`00-${ENGINE_TRACE}-${ENGINE_SPAN}-01`, stages);
    expect(records.map((r) => [r.name, r.traceId, r.parentSpanId, r.process])).toEqual(
      ['gpu.upload', 'gpu.kernels', 'gpu.readback', 'gpu.finish'].map((n) => [n, ENGINE_TRACE, ENGINE_SPAN, 'gpu-page']));
    expect(new Set(records.map((r) => r.spanId)).size).toBe(4);
    for (const r of records) expect(r.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(stageRecords(undefined, stages)).toEqual([]);
    expect(stageRecords(`00-${ENGINE_TRACE}-${ENGINE_SPAN}-00`, stages)).toEqual([]);
    expect(stageRecords('00-not-a-trace', stages)).toEqual([]);
  });
});
