// Documents other than HTML that ingest indexes: PDFs (text by pdf.js on a thread of their own, bounded in time and
// memory per document) and plain text (indexed as it is, rows.ts). The ingest worker's loop is synchronous, so
// PdfReader hands a document to its PDF thread and waits for the answer on a shared counter.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread } from '../threads.js';
import type { PdfAnswer, PdfRequest } from './pdf-protocol.js';
import type { DocumentFailure, PdfText } from './pdf-text.js';

export type { PdfText } from './pdf-text.js';

/** How long one PDF may take, by default (IngestOptions.documentTimeoutMs). */
export const DEFAULT_DOCUMENT_TIMEOUT_MS = 20_000;
/** The PDF thread's heap: a document needing more kills the thread (and fails as unreadable), not the ingest. */
export const PDF_HEAP_MB = 512;
/** The grace past the time bound before the thread is terminated: pdf.js checks the bound between pages only, so a
 *  page that never ends is stopped from outside. */
const KILL_GRACE_MS = 2_000;

/** What reading one PDF gave: its text (perhaps of its first pages only), or why there is none. */
export type PdfResult =
  | { ok: true; doc: PdfText }
  | { ok: false; code: DocumentFailure | 'document-timeout'; message: string };

/** The `%PDF-` header a PDF starts with (readers accept it within the first 1024 bytes). */
export function looksLikePdf(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024)).includes('%PDF-');
}

/** Whether a whole PDF's bytes end with its `%%EOF` marker (in the last 1024 bytes, as readers look for it): one that
 *  does not was cut short. */
export function endsLikePdf(data: Uint8Array): boolean {
  const tail = Buffer.from(data.buffer, data.byteOffset, data.byteLength).subarray(Math.max(0, data.byteLength - 1024));
  return tail.includes('%%EOF');
}

/** Reads PDFs on a thread of its own, synchronously for the caller. The thread starts at the first PDF and again
 *  after one was terminated. */
export class PdfReader {
  private thread: { worker: Worker; port: MessagePort; done: Int32Array } | null = null;
  private nextId = 1;

  constructor(private readonly opts: { timeoutMs: number; maxTextChars: number }) {}

  read(data: Uint8Array): PdfResult {
    const t = (this.thread ??= this.start());
    const id = this.nextId++;
    // A copy the thread owns: the caller's bytes may be a view into a mapped file.
    const copy = new Uint8Array(data);
    t.port.postMessage({ id, data: copy, maxTextChars: this.opts.maxTextChars, timeoutMs: this.opts.timeoutMs } satisfies PdfRequest, [copy.buffer]);
    const deadline = performance.now() + this.opts.timeoutMs + KILL_GRACE_MS;
    for (;;) {
      const seen = Atomics.load(t.done, 0);
      if (seen === id) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        // Past its time (or the thread died of its heap bound): stop it; the next document gets a new thread.
        this.close();
        return { ok: false, code: 'document-timeout', message: `PDF text extraction stopped after ${this.opts.timeoutMs / 1000} s (or past its ${PDF_HEAP_MB} MB memory bound)` };
      }
      Atomics.wait(t.done, 0, seen, left);
    }
    const answer = receiveMessageOnPort(t.port)?.message as PdfAnswer | undefined;
    if (!answer || answer.id !== id) {
      this.close();
      return { ok: false, code: 'document-unreadable', message: 'the PDF thread gave no answer' };
    }
    return answer.ok ? { ok: true, doc: answer.doc } : { ok: false, code: answer.code, message: answer.message };
  }

  close(): void {
    if (!this.thread) return;
    this.thread.port.close();
    void this.thread.worker.terminate();
    this.thread = null;
  }

  private start() {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = startThread('pdf-worker', new URL('./pdf-thread.ts', import.meta.url), {
      workerData: { port: port2, done: done.buffer },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: PDF_HEAP_MB },
    });
    // Its errors are answered through `done` timing out; the thread must not keep the worker alive on its own.
    worker.on('error', () => {});
    worker.unref();
    port1.unref();
    return { worker, port: port1, done };
  }
}
