// ingestCollection on a thread of its own (writer-thread.ts), for the engine: the thread that answers requests only
// forwards progress, cancellation and, when the engine holds the text backend, batches of HTML.
import { GpuBackendError, type TextBackend } from '../extract-gpu/index.js';
import { currentTraceparent, withSpan, withTraceparent } from '../telemetry/index.js';
import { adoptSpans } from '../telemetry/sink.js';
import { fromThreadError, startThread, toThreadError } from '../threads.js';
import type { IngestOptions, IngestSummary } from './index.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';

/** As ingestCollection, the same options and summary (IngestOptions.trace aside: the thread's spans come back on its
 *  messages and are adopted here, under the caller's active span), with
 *  the pool and the single writer on a thread. Settles once that thread, and with it every thread of the run, is gone. */
export function ingestInThread(dbPath: string, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const { signal: _signal, onProgress: _onProgress, onErrors: _onErrors, trace: _trace, text: _text, ...options } = opts;
  const workerData: WriterInit = { dbPath, paths, options, text: opts.text?.kind ?? null, traceparent: currentTraceparent() };
  const thread = startThread('ingest-writer', new URL('./writer-thread.ts', import.meta.url), { workerData });
  const tell = (m: ToWriter): void => thread.postMessage(m);
  const cancel = (): void => tell({ type: 'cancel' });
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', cancel, { once: true });

  let backend: TextBackend | null = null;
  const closeBackend = (): void => {
    void backend?.close().catch(() => {}); // a backend that fails to close has nothing left to tell the ingest's caller
    backend = null;
  };
  let outcome: Extract<FromWriter, { type: 'done' | 'failed' }> | null = null;
  let failure = 'the ingest writer thread stopped';
  thread.on('message', (m: FromWriter) => {
    adoptSpans(m.spans);
    switch (m.type) {
      case 'progress':
        opts.onProgress?.(m.progress);
        return;
      case 'errors':
        opts.onErrors?.(m.codes);
        return;
      case 'choice':
        // The writer thread has no span store of its own, so the choice its pool made is recorded here, on the
        // engine's, as chooseBackend records it in one thread.
        void withSpan('extract.choose-backend', {
          kind: opts.text?.kind ?? 'cpu', choice: m.choice.choice, cpuMBps: m.choice.cpuMBps,
          ...(m.choice.gpuMBps !== null ? { gpuMBps: m.choice.gpuMBps } : {}),
        }, () => undefined);
        opts.text?.onChoice?.(m.choice);
        return;
      case 'gpu':
        void (async () => opts.text!.gpu())().then(
          (b) => {
            backend = b;
            tell({ type: 'gpu', error: null });
          },
          (e: unknown) =>
            tell({ type: 'gpu', error: { ...toThreadError(e), gpuCode: e instanceof GpuBackendError ? e.code : undefined } }),
        );
        return;
      case 'extract':
        void withTraceparent(m.traceparent, async () => backend!.extractBatch(m.pages, opts.signal)).then(
          (texts) => tell({ type: 'extracted', id: m.id, texts, error: null }),
          (e: unknown) => tell({ type: 'extracted', id: m.id, texts: null, error: toThreadError(e) }),
        );
        return;
      case 'gpuClose':
        closeBackend();
        return;
      case 'done':
      case 'failed':
        outcome = m;
    }
  });
  thread.on('error', (e) => {
    failure = `the ingest writer thread stopped: ${e.message}`;
  });
  return new Promise((resolve, reject) => {
    thread.on('exit', () => {
      opts.signal?.removeEventListener('abort', cancel);
      closeBackend();
      if (outcome?.type === 'done') resolve(outcome.summary);
      else reject(outcome ? fromThreadError(outcome.error) : new Error(failure));
    });
  });
}
