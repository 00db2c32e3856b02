// The ingest panel's status line for the text backend (issue 4: "the choice and the two figures are visible to the
// user"): figures only for 'auto', which chose on them.
import { describe, expect, it } from 'vitest';
import { textStatusLine } from '../../src/renderer/gpu/text-status.js';

const status = { requested: 'auto', choice: 'cpu', cpuMBps: 241.7, gpuMBps: 3.14, note: null } as const;

describe('textStatusLine', () => {
  it("shows the choice and both rates for 'auto', rounded to what is worth reading", () => {
    expect(textStatusLine(status)).toBe('text: cpu (cpu 242 MB/s, gpu 3.1 MB/s)');
    expect(textStatusLine({ ...status, choice: 'gpu', cpuMBps: 9.96, gpuMBps: 120 })).toBe('text: gpu (cpu 10.0 MB/s, gpu 120 MB/s)');
    // A GPU timed on a few small pages (SwiftShader, a round trip to the page per batch) is not shown as '0.0'.
    expect(textStatusLine({ ...status, gpuMBps: 0.0312 })).toBe('text: cpu (cpu 242 MB/s, gpu 0.03 MB/s)');
  });

  it("says when 'auto' had no GPU to measure, and when it is still measuring", () => {
    expect(textStatusLine({ ...status, gpuMBps: null, note: 'no GPU text extractor is connected' })).toBe('text: cpu (cpu 242 MB/s, gpu unavailable)');
    // No GPU offered when the run started: the engine goes straight to the CPU and measures nothing.
    expect(textStatusLine({ ...status, cpuMBps: null, gpuMBps: null, note: 'no open window offers a GPU' })).toBe('text: cpu (gpu unavailable)');
    expect(textStatusLine({ ...status, choice: null, cpuMBps: null, gpuMBps: null })).toBe('text: measuring cpu and gpu…');
  });

  it('ends the measuring line with the measurement, and dates remembered figures', () => {
    // The engine's run state while it measures beside the ingest, then after (issue 15: the line ends with the work).
    const measuring = { requested: 'auto', choice: 'cpu', cpuMBps: null, gpuMBps: null, note: null, measuring: true } as const;
    expect(textStatusLine(measuring)).toBe('text: cpu (measuring cpu and gpu beside this ingest…)');
    expect(textStatusLine({ ...measuring, measuring: false, cpuMBps: 241.7, gpuMBps: 3.14 })).toBe('text: cpu (cpu 242 MB/s, gpu 3.1 MB/s)');
    expect(textStatusLine({ ...status, measuredAt: '2026-12-01T10:00:00.000Z' })).toBe('text: cpu (cpu 242 MB/s, gpu 3.1 MB/s, measured 2026-12-01)');
  });

  it('names a forced backend without figures', () => {
    expect(textStatusLine({ requested: 'gpu', choice: 'gpu', cpuMBps: 200, gpuMBps: null, note: null })).toBe('text: gpu');
    expect(textStatusLine({ requested: 'cpu', choice: 'cpu', cpuMBps: null, gpuMBps: null, note: null })).toBe('text: cpu');
  });
});
