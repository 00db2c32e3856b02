// Messages between the ingest pool (main thread) and its workers. Plain data only (structured clone).
import type { IngestProblemCode } from '../../shared/errors.js';
import type { CaptureRow, IngestErrorRow } from '../../shared/records.js';
import type { SpanRecord } from '../../shared/telemetry.js';
import type { PageInput } from '../store/index.js';

/** Int32 slots of the shared buffer each worker gets. */
export const CREDITS = 0; // batches the worker may post before the writer has committed earlier ones
export const CANCEL = 1; // non-zero: stop at the next batch boundary
/** Non-zero: post pages as decoded HTML (HtmlPage) for the pool's text backend instead of extracting them here. */
export const SEND_HTML = 2;
export const SHARED_SLOTS = 3;

export interface WorkerInit {
  shared: SharedArrayBuffer;
  /** One Float64: the offset of the record the worker is reading, -1 between records (and while it posts). Written
   *  before each record's rows are made, so a worker that stops on a record says which (IngestPool.onExit). */
  reading: SharedArrayBuffer;
  batchRecords: number;
  batchBytes: number;
  /** Payload bytes text extraction reads at most (IngestOptions.maxTextBytes). */
  maxTextBytes: number;
  /** How long one document (PDF) may take (IngestOptions.documentTimeoutMs). */
  documentTimeoutMs: number;
  /** IngestOptions.ingestNice: the thread lowers its own priority to it first. */
  nice: number | null;
}

/** A page whose text the pool extracts (IngestOptions.text): charset decoding stays in the worker, done once. */
export interface HtmlPage {
  digest: string;
  url: string;
  html: string;
  lang: string | null;
}

/** A window [start, end) of a large file, cut at a record no capture key pairs across (windowsOf, warc/parallel.ts). */
export interface FileWindow {
  start: number;
  end: number;
  /** The file's size when the run began: a window opened later on a file of another size finds it changed. */
  fileSize: number;
}

/** Where a window's reading began and ended, for the pool to prove the windows read as one pass over the file would
 *  (windowsJoin in index.ts): its first record (offset, target URI), its last (end, target URI), and whether the reader
 *  met a record cut short by the data's end, which the window's end may have caused. */
export interface WindowEdges {
  first: { offset: number; uri: string | null } | null;
  last: { end: number; uri: string | null } | null;
  cutShort: boolean;
}

/** A read taken up again after its worker stopped on a record: the records before `from` were stored by the workers
 *  before, and those at `skip` each stopped one. The new worker reads from the read's start as one pass would (keys,
 *  the digests it has seen, the window's edges) and stores from `from` on, leaving the records at `skip` out. */
export interface ReadResume {
  from: number;
  skip: number[];
}

/** `traceparent`: the file's span in the pool (absent when nothing traces), which the worker's batch spans join.
 *  `window`: read only that part of the file (absent: the whole file). `resume`: see ReadResume. */
export type ToWorker =
  | { type: 'file'; fileId: number; path: string; window?: FileWindow; resume?: ReadResume; traceparent?: string }
  | { type: 'exit' };

/** Every message may carry the spans the worker finished since its last one (telemetry/sink.ts). */
export type FromWorker = (
  | { type: 'idle' }
  | {
      type: 'batch';
      fileId: number;
      captures: CaptureRow[];
      /** Extracted pages, text, main content and rest as UTF-8 views of one buffer a page (rows.ts pageInput;
       *  transferred, not copied). */
      pages: PageInput[];
      /** Pages still to be extracted (only while SEND_HTML is set). */
      html: HtmlPage[];
      errors: IngestErrorRow[];
      /** The offset in the file reading has got to, and records seen so far in the file or window (for progress). */
      bytesDone: number;
      records: number;
    }
  /** textsFromPackage: pages whose text a WACZ carried (package-text.ts), not extracted. `edges`: for a window. */
  | { type: 'fileDone'; fileId: number; format: string; records: number; textsFromPackage: number; edges?: WindowEdges }
  /** The file as a whole: unreadable (at offset 0, or where given), or changed while read ('file-changed'). */
  | { type: 'fileFailed'; fileId: number; code: IngestProblemCode; message: string; offset?: number; errors: IngestErrorRow[] }
) & { spans?: SpanRecord[] };
