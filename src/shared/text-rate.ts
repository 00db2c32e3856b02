// How a text backend's measured speed reads, the same in the CLI, the engine's log and the UI.
import type { IngestTextStatus } from './api-collections.js';

/** "240 MB/s", "3.1 MB/s", "0.03 MB/s". One significant digit below 0.1: a GPU timed on a few small pages can be that
 *  slow, and '0.0' reads as broken. */
export function rate(mbps: number): string {
  return `${mbps >= 10 ? Math.round(mbps) : mbps >= 0.1 ? mbps.toFixed(1) : mbps.toPrecision(1)} MB/s`;
}

/** A run's figures as the CLI and the engine's log print them: "cpu 240 MB/s", then "gpu 3.1 MB/s" or why the GPU was
 *  not measured; none before anything was measured. */
export function rateFigures(t: IngestTextStatus): string[] {
  return [
    t.cpuMBps !== null ? `cpu ${rate(t.cpuMBps)}` : null,
    t.gpuMBps !== null ? `gpu ${rate(t.gpuMBps)}` : t.note !== null ? `gpu unavailable: ${t.note}` : null,
  ].filter((f) => f !== null);
}
