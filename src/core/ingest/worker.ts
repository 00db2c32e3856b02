// Ingest worker thread: reads one archive file at a time and posts BATCHES of plain rows to the single writer in
// the main thread. Back-pressure is a credit counter in shared memory: each posted batch takes a credit, the writer
// returns it after committing, and the worker sleeps (Atomics.wait) when none are left, so a slow disk cannot make
// batches pile up in memory. The loop stays synchronous, which the record iterator is. While the pool extracts text
// through a backend of its own (SEND_HTML set), pages go out as decoded HTML instead of extracted rows. PDFs and plain
// text are documents (documents/index.ts): a PDF's text is read on this worker's PDF thread, which it waits for.
import { parentPort, workerData } from 'node:worker_threads';
import type { IngestProblemCode } from '../../shared/errors.js';
import type { CaptureRow, IngestErrorRow } from '../../shared/records.js';
import type { PageInput } from '../store/index.js';
import { ArchiveError, openArchive, openSource } from '../warc/index.js';
import { Archive } from '../warc/archive.js';
import { cdxjEntry } from '../warc/cdxj.js';
import type { ArchiveFile, ArchiveRecord, WarcProblem } from '../warc/types.js';
import { MB, textCutProblem } from '../extract/bound.js';
import { extractPieces } from '../extract/index.js';
import { openSpan, StageClock, tracing, withTraceparent } from '../telemetry/index.js';
import { startThreadTelemetry, takeSpans } from '../telemetry/sink.js';
import { lowerThreadPriority } from '../threads.js';
import { endsLikePdf, PdfReader } from '../documents/index.js';
import { captureRow, documentKind, documentRow, htmlPage, htmlPieces, isHtmlPage, pageInput, plainText, type DocumentKind } from './rows.js';
import { packageTexts, type PackageTexts } from './package-text.js';
import { CANCEL, CREDITS, SEND_HTML, type FileWindow, type FromWorker, type HtmlPage, type ToWorker, type WindowEdges, type WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
if (init.nice !== null) lowerThreadPriority(init.nice);
const shared = new Int32Array(init.shared);
const reading = new Float64Array(init.reading);
const port = parentPort!;

const pdfs = new PdfReader({ timeoutMs: init.documentTimeoutMs, maxTextChars: init.maxTextBytes });

/** Sends a message, with the spans finished since the last one. */
function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  const spans = takeSpans();
  port.postMessage(spans ? { ...msg, spans } : msg, transfer);
}

/** Takes a credit, sleeping while there is none; false when the ingest was cancelled. */
function takeCredit(): boolean {
  for (;;) {
    if (Atomics.load(shared, CANCEL)) return false;
    const c = Atomics.load(shared, CREDITS);
    if (c > 0) {
      if (Atomics.compareExchange(shared, CREDITS, c, c - 1) === c) return true;
      continue;
    }
    Atomics.wait(shared, CREDITS, 0, 1000);
  }
}

/** The archive's damage when the reader raised it (ArchiveError), else the step that failed; the message says more. */
function problemCode(e: unknown, fallback: IngestProblemCode): IngestProblemCode {
  return e instanceof ArchiveError ? e.code : fallback;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The file, or its window [start, end) over a source of its own, closed with it (offsets stay the file's). */
function openTask(path: string, window: FileWindow | undefined, onProblem: (p: WarcProblem) => void): ArchiveFile {
  if (!window) return openArchive(path, { onProblem });
  const source = openSource(path);
  try {
    if (source.size !== window.fileSize) {
      throw new ArchiveError('file-changed', path, window.start, `changed while being read (was ${window.fileSize} bytes; now ${source.size})`);
    }
    return new Archive(source, window.start, window.end, { onProblem }, path, true);
  } catch (e) {
    source.close();
    throw e;
  }
}

function indexFile(task: Extract<ToWorker, { type: 'file' }>): void {
  if (task.traceparent) startThreadTelemetry('ingest-worker');
  withTraceparent(task.traceparent, () => indexFileTraced(task));
}

/** One span per batch, 'ingest.batch', with the time its records spent in each stage as children (StageClock):
 *  ingest.read (reading and inflating records), ingest.rows (capture rows, CDXJ keys), ingest.decode (charset
 *  decoding of HTML), ingest.extract (text extraction on the CPU). */
function indexFileTraced(task: Extract<ToWorker, { type: 'file' }>): void {
  const { fileId, path, window, resume } = task;
  const skip = new Set(resume?.skip);
  let captures: CaptureRow[] = [];
  let pages: PageInput[] = [];
  let texts: ArrayBuffer[] = [];
  let html: HtmlPage[] = [];
  let errors: IngestErrorRow[] = [];
  let batchBytes = 0;
  let bytesDone = window?.start ?? 0;
  let records = 0;
  const edges: WindowEdges = { first: null, last: null, cutShort: false };
  let textsFromPackage = 0;
  const seen = new Set<string>();

  // The last row stays out of a batch until the next record is seen: a request record right after a response adds
  // its method and body to the response's CDXJ key (cdxj.ts pairs them the same way). Its page waits with it, and the
  // batch says it read up to that record's start: a worker that stops before its next batch (IngestPool.onExit)
  // then leaves no page without its capture, and its problem's offset is the first record not stored.
  let prev: { record: ArchiveRecord; row: CaptureRow } | null = null;
  /** Where the record in `prev` put its page, if it gave one: last in `pages` (its text last in `texts`) or in `html`. */
  let prevPage: 'pages' | 'html' | null = null;
  const traced = tracing();
  let batchStart = 0;
  let batch = traced ? openSpan('ingest.batch', { file: path, 'offset.start': bytesDone }) : null;
  let clock = new StageClock(traced);

  const addPage = (page: PageInput): void => {
    // text, main and rest are views of one buffer (rows.ts pageInput), moved to the writer, not copied.
    const text = page.text as Uint8Array;
    texts.push(text.buffer as ArrayBuffer);
    pages.push(page);
    batchBytes += text.buffer.byteLength;
  };

  const flush = (final: boolean): boolean => {
    const held = !final && prev ? captures.pop() : undefined;
    const heldPage = held && prevPage === 'pages' ? pages.pop() : undefined;
    const heldText = heldPage ? texts.pop() : undefined;
    const heldHtml = held && prevPage === 'html' ? html.pop() : undefined;
    const storedUpTo = held ? prev!.record.offset : bytesDone;
    if (captures.length + pages.length + html.length + errors.length > 0 || final) {
      if (batch) {
        clock.end(batch.context, 'ingest.other');
        batch.end({ 'offset.end': bytesDone, bytes: bytesDone - batchStart, records: captures.length, pages: pages.length + html.length, problems: errors.length, 'extract.backend': html.length > 0 ? 'pool' : 'cpu' });
      }
      const waited = performance.now();
      if (!takeCredit()) return false;
      post({ type: 'batch', fileId, captures, pages, html, errors, bytesDone: storedUpTo, records }, texts);
      if (traced && !final) {
        batchStart = bytesDone;
        batch = openSpan('ingest.batch', { file: path, 'offset.start': bytesDone, 'credit.waitMs': performance.now() - waited });
        clock = new StageClock(true);
      }
    }
    captures = held ? [held] : [];
    pages = heldPage ? [heldPage] : [];
    texts = heldText ? [heldText] : [];
    html = heldHtml ? [heldHtml] : [];
    errors = [];
    batchBytes = (heldText?.byteLength ?? 0) + (heldHtml ? heldHtml.html.length * 2 : 0);
    return true;
  };

  let file;
  try {
    file = openTask(path, window, (p) => {
      // A record cut short at a window's end may go on past it: the pool then reads the file in one pass.
      if (p.code === 'warc-truncated' || p.code === 'gzip-truncated') edges.cutShort = true;
      if (resume && p.offset < resume.from) return; // stored by the worker before
      errors.push({ fileId, offset: p.offset, code: p.code, message: p.message });
    });
  } catch (e) {
    post({ type: 'fileFailed', fileId, code: problemCode(e, 'not-an-archive'), message: message(e), errors });
    return;
  }
  let carried: PackageTexts | null = null;
  try {
    carried = packageTexts(file);
    const it = file.records()[Symbol.iterator]();
    for (;;) {
      // Cancelled: stop here, between records, so that the thread ends with no zlib stream half-built (endThread).
      if (Atomics.load(shared, CANCEL)) return;
      reading[0] = -1;
      const next = clock.time('ingest.read', () => it.next());
      if (next.done) break;
      const record = next.value;
      reading[0] = record.offset;
      records++;
      bytesDone = record.offset + record.length;
      edges.first ??= { offset: record.offset, uri: record.targetUri ?? null };
      edges.last = { end: bytesDone, uri: record.targetUri ?? null };
      if (skip.has(record.offset)) {
        prev = null;
        prevPage = null;
        continue;
      }
      if (resume && record.offset < resume.from) {
        prev = storedBefore(record, fileId, seen);
        prevPage = null;
        continue;
      }
      let row: CaptureRow;
      try {
        row = clock.time('ingest.rows', () => captureRow(record, fileId));
      } catch (e) {
        errors.push({ fileId, offset: record.offset, code: problemCode(e, 'record-unreadable'), message: message(e) });
        continue;
      }
      try {
        if (prev && prev.row.uri === row.uri && row.uri) {
          if (row.type === 'request' && (prev.row.type === 'response' || prev.row.type === 'revisit')) {
            refineKey(prev.row, prev.record, record);
          } else if ((row.type === 'response' || row.type === 'revisit') && prev.row.type === 'request') {
            refineKey(row, record, prev.record);
          }
        }
      } catch (e) {
        errors.push({ fileId, offset: record.offset, code: problemCode(e, 'record-unreadable'), message: message(e) });
      }
      captures.push(row);
      prev = { record, row };
      const [pagesBefore, htmlBefore] = [pages.length, html.length];
      if (isHtmlPage(row) && !seen.has(row.digest!)) {
        seen.add(row.digest!);
        try {
          const given = carried?.text(row);
          if (given) {
            // The package carried this page's text: nothing to decode or extract.
            addPage(pageInput({ digest: row.digest!, url: row.uri ?? '', lang: given.lang }, given));
            textsFromPackage++;
          } else {
            const onCut = (): void => {
              const p = textCutProblem(path, record.offset, init.maxTextBytes);
              errors.push({ fileId, offset: p.offset, code: p.code, message: p.message });
            };
            if (Atomics.load(shared, SEND_HTML)) {
              const page = clock.time('ingest.decode', () => htmlPage(record, row, init.maxTextBytes, onCut));
              html.push(page);
              batchBytes += page.html.length * 2;
            } else {
              const page = clock.time('ingest.decode', () => htmlPieces(record, row, init.maxTextBytes, onCut));
              const t0 = clock.on ? performance.now() : 0;
              const ex = extractPieces(page.pieces);
              if (clock.on) clock.add('ingest.extract', performance.now() - t0, { 'html.bytes': page.pieces.reduce((n, p) => n + p.length * 2, 0), pages: 1 });
              addPage(pageInput(page, ex));
            }
          }
        } catch (e) {
          errors.push({ fileId, offset: record.offset, code: problemCode(e, 'extract-failed'), message: message(e) });
        }
      } else if (row.digest && !seen.has(row.digest)) {
        try {
          const kind = documentKind(row, () => record.payloadUpTo(1024).bytes);
          if (kind) {
            seen.add(row.digest);
            const doc = documentOf(kind, record, row, path, (code, msg) => errors.push({ fileId, offset: record.offset, code, message: msg }));
            if (doc) addPage(doc);
          }
        } catch (e) {
          errors.push({ fileId, offset: record.offset, code: problemCode(e, 'extract-failed'), message: message(e) });
        }
      }
      prevPage = pages.length > pagesBefore ? 'pages' : html.length > htmlBefore ? 'html' : null;
      batchBytes += 200;
      if (captures.length >= init.batchRecords || batchBytes >= init.batchBytes) {
        reading[0] = -1; // a worker that stops while posting was stopped by the batch, not by this record
        if (!flush(false)) return;
      }
    }
    bytesDone = window?.end ?? file.size;
    if (!flush(true)) return;
    post({ type: 'fileDone', fileId, format: file.format, records, textsFromPackage, ...(window ? { edges } : {}) });
  } catch (e) {
    reading[0] = -1;
    // Reading stopped past what the reader could skip: keep what was read, record why, go on with the next file. A
    // file that changed under the reader fails as a whole ('changed'), so that the next run indexes it again.
    if (e instanceof ArchiveError && e.code === 'file-changed') {
      if (!flush(true)) return;
      post({ type: 'fileFailed', fileId, code: e.code, offset: e.offset, message: message(e), errors: [] });
      return;
    }
    errors.push({ fileId, offset: bytesDone, code: problemCode(e, 'file-unreadable'), message: message(e) });
    edges.cutShort = true; // where one pass would have gone on is not known
    if (!flush(true)) return;
    post({ type: 'fileDone', fileId, format: file.format, records, textsFromPackage, ...(window ? { edges } : {}) });
  } finally {
    carried?.close();
    file.close();
  }
}

/** A record an earlier worker stored (before ReadResume.from), read again only for what the records after it take
 *  from it as one pass would: as `prev`, the request whose method a response right after it adds to its key; and its
 *  payload's digest as seen, if it gave that digest's page. Null when its fields cannot be read (the earlier worker
 *  said so). */
function storedBefore(record: ArchiveRecord, fileId: number, seen: Set<string>): { record: ArchiveRecord; row: CaptureRow } | null {
  try {
    const row = captureRow(record, fileId);
    if (row.digest && !seen.has(row.digest) && (isHtmlPage(row) || documentKind(row, () => record.payloadUpTo(1024).bytes))) seen.add(row.digest);
    return { record, row };
  } catch {
    return null;
  }
}

/** A document's row, or null when it has no text to give; its problems (cut, truncated, encrypted, damaged, too slow)
 *  go to `problem`, at the record's offset. */
function documentOf(kind: DocumentKind, record: ArchiveRecord, row: CaptureRow, path: string, problem: (code: IngestProblemCode, message: string) => void): PageInput | null {
  const payload = record.payloadUpTo(init.maxTextBytes);
  if (payload.cut) {
    const p = textCutProblem(path, record.offset, init.maxTextBytes);
    problem(p.code, p.message);
  }
  if (kind === 'text') return documentRow(row, { title: '', description: '', text: plainText(record, payload.bytes), pageCount: null });
  // A PDF cut short by the text bound is our cut, already said; one that ends without %%EOF came to us cut.
  const truncated = !payload.cut && !endsLikePdf(payload.bytes);
  const read = pdfs.read(payload.bytes);
  if (!read.ok) {
    problem(truncated ? 'document-truncated' : read.code, truncated ? `PDF ends without %%EOF (cut short) and cannot be read: ${read.message}` : read.message);
    return null;
  }
  const d = read.doc;
  const kept = `text of its first ${d.pagesRead} of ${d.pageCount} pages kept`;
  if (truncated) problem('document-truncated', `PDF ends without %%EOF (cut short): ${kept}`);
  if (d.stopped === 'deadline') problem('document-timeout', `PDF text extraction passed its ${init.documentTimeoutMs / 1000} s bound: ${kept}`);
  else if (d.stopped === 'damaged' && !truncated) problem('document-unreadable', `${d.damage}: ${kept}`);
  else if (d.stopped === 'text-bound') problem('payload-truncated-for-text', `PDF text longer than the ${init.maxTextBytes / MB} MB text bound (--max-text-mb): ${kept}`);
  return documentRow(row, d);
}

function refineKey(row: CaptureRow, record: ArchiveRecord, request: ArchiveRecord): void {
  const entry = cdxjEntry(record, '', { request });
  if (entry?.method) {
    row.urlkey = entry.urlkey;
    row.method = entry.method;
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'exit') {
    pdfs.close();
    port.close();
    return;
  }
  indexFile(msg);
  post({ type: 'idle' });
});
post({ type: 'idle' });
