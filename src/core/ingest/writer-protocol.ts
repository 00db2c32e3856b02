// Messages between the engine and the ingest's writer thread (ingestInThread in thread.ts, writer-thread.ts), which
// runs a whole ingest, pool and single writer, off the thread that answers requests. Only plain options cross; the
// callbacks of IngestOptions become messages: progress and the text backend's choice out, cancellation in, and, for a
// text backend the engine holds (a client's GPU), each batch of HTML out and its texts back.
import type { IngestProgress } from '../../shared/records.js';
import type { SpanRecord } from '../../shared/telemetry.js';
import type { ExtractedText, GpuBackendErrorCode } from '../extract-gpu/index.js';
import type { ThreadError } from '../threads.js';
import type { IngestOptions, IngestSummary, IngestTextChoice } from './index.js';

/** IngestOptions that cross to the writer thread as data, whole: all but the signal, the callbacks and the text
 *  backend, which cross as messages (ToWriter, FromWriter). */
export type WriterOptions = Omit<IngestOptions, 'signal' | 'onProgress' | 'onErrors' | 'trace' | 'text'>;

/** The writer thread's workerData. */
export interface WriterInit {
  dbPath: string;
  paths: string[];
  options: WriterOptions;
  /** IngestTextOptions.kind, when the text goes through a backend the engine holds. */
  text: 'gpu' | 'auto' | null;
  /** The engine's span for the ingest (W3C traceparent), absent when nothing traces: the thread's spans join it and
   *  travel back on its messages. */
  traceparent?: string;
}

export type ToWriter =
  | { type: 'cancel' }
  /** The answer to 'gpu': the engine holds a backend now, or could not have one (with a GpuBackendError's code when
   *  that is why: 'auto' then keeps the CPU). */
  | { type: 'gpu'; error: (ThreadError & { gpuCode?: GpuBackendErrorCode }) | null }
  | { type: 'extracted'; id: number; texts: ExtractedText[] | null; error: ThreadError | null };

/** Every message may carry the spans finished in the writer thread and its workers since the last one. */
export type FromWriter = (
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'errors'; codes: Record<string, number> }
  | { type: 'choice'; choice: IngestTextChoice }
  | { type: 'gpu' }
  /** `traceparent`: the batch's 'ingest.extract' span, which the GPU's spans (in the renderer) join. */
  | { type: 'extract'; id: number; pages: string[]; traceparent?: string }
  | { type: 'gpuClose' }
  | { type: 'done'; summary: IngestSummary }
  | { type: 'failed'; error: ThreadError }
) & { spans?: SpanRecord[] };
