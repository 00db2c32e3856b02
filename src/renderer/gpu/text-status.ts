// The ingest panel's line about where page text is extracted: "text: cpu (cpu 240 MB/s, gpu 3.1 MB/s)".
import type { IngestTextStatus } from '../../shared/api-collections.js';

function rate(mbps: number): string {
  // One significant digit below 0.1: a GPU timed on a few small pages can be that slow, and '0.0' reads as broken.
  return `${mbps >= 10 ? Math.round(mbps) : mbps >= 0.1 ? mbps.toFixed(1) : mbps.toPrecision(1)} MB/s`;
}

/** The figures are shown for 'auto' only: they are what it chose on. */
export function textStatusLine(t: IngestTextStatus): string {
  if (t.choice === null) return 'text: measuring cpu and gpu…';
  if (t.requested !== 'auto') return `text: ${t.choice}`;
  // No CPU figure: the engine had no GPU to measure against, so it measured nothing (the note says why).
  const cpu = t.cpuMBps !== null ? `cpu ${rate(t.cpuMBps)}, ` : '';
  return `text: ${t.choice} (${cpu}${t.gpuMBps !== null ? `gpu ${rate(t.gpuMBps)}` : 'gpu unavailable'})`;
}
