// The PDF thread: pdf.js reads documents here, one at a time, for one ingest worker (PdfReader in index.ts), so that a
// document that takes too long can be stopped by terminating the thread and one that takes too much memory kills only
// the thread (its heap is capped by resourceLimits), never the worker. Requests and answers go over the MessagePort
// in workerData; the worker waits for an answer on `done` (Atomics), since its own loop is synchronous.
import { workerData, type MessagePort } from 'node:worker_threads';
import { DocumentError, pdfText } from './pdf-text.js';
import type { PdfAnswer, PdfRequest } from './pdf-protocol.js';

const { port, done } = workerData as { port: MessagePort; done: SharedArrayBuffer };
const signal = new Int32Array(done);

port.on('message', async (req: PdfRequest) => {
  let answer: PdfAnswer;
  try {
    answer = { id: req.id, ok: true, doc: await pdfText(req.data, { maxTextChars: req.maxTextChars, deadline: performance.now() + req.timeoutMs }) };
  } catch (e) {
    const code = e instanceof DocumentError ? e.code : 'document-unreadable';
    answer = { id: req.id, ok: false, code, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, req.id);
  Atomics.notify(signal, 0);
});
