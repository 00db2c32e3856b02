// Plain data shapes that cross layers and processes: what ingest produces, what the store keeps, what the UI shows.
// Types only (ARCHITECTURE.md, 'Layers': src/shared imports nothing but itself).
import type { IngestProblemCode } from './errors.js';

/** One archive record as indexed: enough to read it back in O(1) from (file, offset, length). */
export interface CaptureRow {
  fileId: number;
  offset: number;
  length: number;
  /** WARC-Type (response, request, revisit, resource, metadata, warcinfo, ...). */
  type: string;
  uri: string | null;
  /** SURT urlkey as in CDXJ (src/core/warc/surt.ts). */
  urlkey: string | null;
  /** 14-digit UTC timestamp, YYYYMMDDhhmmss. */
  timestamp: string | null;
  status: number | null;
  mime: string | null;
  /** WARC-Payload-Digest, or the digest computed at ingest when the record has none. */
  digest: string | null;
  recordId: string | null;
  refersToUri: string | null;
  refersToDate: string | null;
  /** HTTP method for request-keyed captures (POST/PUT), as CDXJ records it. */
  method: string | null;
}

/** One distinct HTML payload's text; captures link to it by digest. */
export interface PageRow {
  digest: string;
  url: string;
  title: string;
  description: string;
  text: string;
  /** The main content and the rest of the text: the lines of text in and not in the page's article, so every line
   *  is in exactly one. Without an article main is text and rest is ''. */
  main: string;
  rest: string;
  /** Whether an article was found; null for a page extracted before main content was. */
  mainFound: boolean | null;
  lang: string | null;
  /** Which lines of text are main (src/core/store/main-lines.ts), and word-segmented copies for the full-text index
   *  (src/core/search/segment.ts): null when equal to title/main/rest, undefined when not computed yet (the store
   *  then computes them). */
  mainLines?: string | null;
  ftsTitle?: string | null;
  ftsMain?: string | null;
  ftsRest?: string | null;
  /** A document's number of pages (PDF); null or absent for HTML and plain text. */
  pageCount?: number | null;
}

export interface IngestErrorRow {
  fileId: number;
  offset: number;
  code: IngestProblemCode;
  message: string;
}

export interface IngestProgress {
  collection: string;
  filesDone: number;
  filesTotal: number;
  records: number;
  bytesDone: number;
  bytesTotal: number;
  pages: number;
  errors: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds to go at the current rate, null while unknown. */
  etaSeconds: number | null;
  /** Per-file state for the file currently being read by each worker. */
  files: Array<{ path: string; bytesDone: number; bytes: number; records: number; state: FileState }>;
}

/** 'changed': the file on disk is no longer the one indexed (its size or mtime moved), or it changed while being
 *  read; the next ingest indexes it again. */
export type FileState = 'pending' | 'indexing' | 'done' | 'error' | 'skipped' | 'missing' | 'changed';
