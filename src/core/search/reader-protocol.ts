// Messages between SearchReaders (readers.ts) and its reader threads (reader-thread.ts). Plain data only.
import type { RecordText, ResolvedCapture, SearchFacetsView, TextDiff } from '../../shared/api-collections.js';
import type { SpanRecord } from '../../shared/telemetry.js';
import type { ThreadError } from '../threads.js';
import type { SearchOptions, SearchResult } from './index.js';
import type { UrlLookupOptions } from './lookup.js';
import type { captureStats } from './stats.js';

/** Connections a reader thread keeps open at most, the least recently used closed first: each holds its collection's
 *  warmed search data (~100 MB at a million pages), and collections are opened as the UI shows them, searched or
 *  not. */
export const MAX_OPEN_COLLECTIONS = 4;

/** What a reader thread runs, on the collection at `dbPath`. */
export type ReaderCall =
  | { op: 'search'; dbPath: string; query: string; opts: SearchOptions }
  | { op: 'facets'; dbPath: string; query: string }
  | { op: 'stats'; dbPath: string; top: number }
  /** A URL's or host's captures (resolvedCaptures in records.ts). */
  | { op: 'captures'; dbPath: string; url: string; opts: UrlLookupOptions & { byTime?: boolean } }
  | { op: 'text'; dbPath: string; captureId: number }
  | { op: 'diff'; dbPath: string; a: number; b: number }
  /** Opens the thread's connection to the collection ahead of its first search (the collection was opened in the
   *  UI); true when this opened it, false when it was open. */
  | { op: 'open'; dbPath: string }
  /** Closes the thread's connection to the collection (it is being deleted). */
  | { op: 'forget'; dbPath: string };

export interface ReaderResults {
  search: SearchResult;
  facets: SearchFacetsView;
  stats: ReturnType<typeof captureStats>;
  captures: ResolvedCapture[];
  text: RecordText;
  diff: TextDiff;
  open: boolean;
  forget: null;
}

/** `traceparent`: the caller's span, absent when nothing traces; the reply carries the spans the call finished. */
export type ToReader = (ReaderCall & { id: number; traceparent?: string }) | ExitReader;

/** After the calls already sent: close every connection and end (SearchReaders.close). */
export interface ExitReader {
  op: 'exit';
}

/** `closed`: collections whose connection the call closed to stay within MAX_OPEN_COLLECTIONS, so that SearchReaders
 *  asks the thread to open them again when the UI opens them again. */
export type FromReader = ({ id: number; value: ReaderResults[ReaderCall['op']]; error?: undefined } | { id: number; error: ThreadError }) & {
  spans?: SpanRecord[];
  closed?: string[];
};
