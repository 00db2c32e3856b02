// The ingest's writer thread (writer-protocol.ts): ingestCollection, pool and single writer, with its callbacks turned
// into messages to the engine, so no commit, checkpoint wait or progress count runs on the thread answering requests.
import { parentPort, workerData } from 'node:worker_threads';
import { GpuBackendError, type ExtractedText, type TextBackend } from '../extract-gpu/index.js';
import { currentTraceparent, withTraceparent } from '../telemetry/index.js';
import { startThreadTelemetry, takeSpans } from '../telemetry/sink.js';
import { fromThreadError, lowerThreadPriority, toThreadError } from '../threads.js';
import { ingestCollection, type IngestTextOptions } from './index.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';

const init = workerData as WriterInit;
const port = parentPort!;
if (init.options.ingestNice !== undefined) lowerThreadPriority(init.options.ingestNice);
if (init.traceparent) startThreadTelemetry('ingest-writer');
const send = (m: FromWriter): void => {
  const spans = takeSpans();
  port.postMessage(spans ? { ...m, spans } : m);
};
const controller = new AbortController();
let onGpuAnswer: ((m: Extract<ToWriter, { type: 'gpu' }>) => void) | null = null;
const extracting = new Map<number, { resolve: (t: ExtractedText[]) => void; reject: (e: Error) => void }>();
let nextBatch = 0;

port.on('message', (m: ToWriter) => {
  switch (m.type) {
    case 'cancel':
      controller.abort();
      return;
    case 'gpu':
      onGpuAnswer?.(m);
      onGpuAnswer = null;
      return;
    case 'extracted': {
      const waiting = extracting.get(m.id);
      extracting.delete(m.id);
      if (m.error) waiting?.reject(fromThreadError(m.error));
      else waiting?.resolve(m.texts ?? []);
      return;
    }
  }
});

/** The engine's text backend (a client's GPU), a batch at a time through messages. */
const engineBackend: TextBackend = {
  name: 'gpu',
  extractBatch: (pages) =>
    new Promise((resolve, reject) => {
      const id = nextBatch++;
      extracting.set(id, { resolve, reject });
      send({ type: 'extract', id, pages, traceparent: currentTraceparent() });
    }),
  close: async () => send({ type: 'gpuClose' }),
};

const text: IngestTextOptions | undefined = init.text === null ? undefined : {
  kind: init.text,
  gpu: () =>
    new Promise((resolve, reject) => {
      onGpuAnswer = ({ error }) => {
        if (!error) resolve(engineBackend);
        else reject(error.gpuCode ? new GpuBackendError(error.gpuCode, error.message) : fromThreadError(error));
      };
      send({ type: 'gpu' });
    }),
  onChoice: (choice) => send({ type: 'choice', choice }),
};

withTraceparent(init.traceparent, () => ingestCollection(init.dbPath, init.paths, {
  ...init.options,
  signal: controller.signal,
  text,
  onProgress: (progress) => send({ type: 'progress', progress }),
  onErrors: (codes) => send({ type: 'errors', codes }),
}))
  .then(
    (summary) => send({ type: 'done', summary }),
    (e: unknown) => send({ type: 'failed', error: toThreadError(e) }),
  )
  .finally(() => port.close());
