// The ingest panel's line about where page text is extracted: "text: cpu (cpu 240 MB/s, gpu 3.1 MB/s)".
import type { IngestTextStatus } from '../../shared/api-collections.js';

function rate(mbps: number): string {
  return `${mbps >= 10 ? Math.round(mbps) : mbps.toFixed(1)} MB/s`;
}

/** The figures are shown for 'auto' only: they are what it chose on. */
export function textStatusLine(t: IngestTextStatus): string {
  if (t.choice === null) return 'text: measuring cpu and gpu…';
  if (t.requested !== 'auto' || t.cpuMBps === null) return `text: ${t.choice}`;
  return `text: ${t.choice} (cpu ${rate(t.cpuMBps)}, ${t.gpuMBps !== null ? `gpu ${rate(t.gpuMBps)}` : 'gpu unavailable'})`;
}
