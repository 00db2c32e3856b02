// The ingest panel's line about where page text is extracted: "text: cpu (cpu 240 MB/s, gpu 3.1 MB/s)".
import type { IngestTextStatus } from '../../shared/api-collections.js';
import { rate } from '../../shared/text-rate.js';

/** The figures are shown for 'auto' only: they are what it chose on. */
export function textStatusLine(t: IngestTextStatus): string {
  if (t.choice === null) return 'text: measuring cpu and gpu…';
  if (t.requested !== 'auto') return `text: ${t.choice}`;
  // 'auto' measuring beside the run: this run stays on the CPU, whatever the result (which the next run uses).
  if (t.measuring) return `text: ${t.choice} (measuring cpu and gpu beside this ingest…)`;
  // No CPU figure: the engine had no GPU to measure against, so it measured nothing (the note says why).
  const cpu = t.cpuMBps !== null ? `cpu ${rate(t.cpuMBps)}, ` : '';
  const when = t.measuredAt ? `, measured ${t.measuredAt.slice(0, 10)}` : '';
  return `text: ${t.choice} (${cpu}${t.gpuMBps !== null ? `gpu ${rate(t.gpuMBps)}` : 'gpu unavailable'}${when})`;
}
