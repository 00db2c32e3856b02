// The replay core's types. Browser-safe (types only, imports only src/shared), so the renderer may import it.
import type { CaptureRow } from '../../shared/records.js';
import type { ReplayFlag, ResolvedHow } from '../../shared/replay.js';

export type { LedgerEntry, LedgerRecord, ReplayFlag, ResolvedHow } from '../../shared/replay.js';

/** A capture as the store returns it (src/core/store's StoredCapture, restated so this file stays browser-safe). */
export type ReplayCapture = CaptureRow & { id: number; file: string };

/** What the resolver chose for a URL at a time. */
export interface Resolution {
  how: ResolvedHow;
  /** The URL as asked (absolute). */
  askedUrl: string;
  /** The asked time: 1-14 digits, a prefix of yyyyMMddhhmmss. */
  at: string;
  /** The capture chosen (a revisit stays a revisit here); null when missing. */
  capture: ReplayCapture | null;
  /** The record holding the payload: the capture itself, or a revisit's original; null when missing or when a
   *  revisit's original is not in the collection. */
  payload: ReplayCapture | null;
  viaRevisit: boolean;
  /** Capture time minus the asked time (padded to 14 digits), in seconds; null when missing. */
  driftSeconds: number | null;
}

/** Something the rewriter took out of a document (for the ledger's blocked rows). */
export interface RewriteDrop {
  /** The absolute archived URL it names ('' when none, e.g. a meta CSP). */
  url: string;
  /** e.g. 'preconnect hint', 'integrity attribute', 'meta CSP', 'script (scripts off)', 'ping', 'speculation rules'. */
  what: string;
  /** True when the dropped thing would have made a request (a hint, a script's src); false for attributes and
   *  policies that were only removed. */
  request: boolean;
}

/** A body sent as it is read (a record's payload that needs no rewriting): iterate it to its end, or close() it to
 *  let go of the file it reads (a HEAD request, a client gone). */
export interface StreamedBody extends AsyncIterable<Uint8Array> {
  /** Bytes it holds (the Content-Length sent); null when not known before it is read (sent without one). */
  readonly length: number | null;
  close(): void;
}

export interface ReplayResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Uint8Array | StreamedBody;
  resolution: Resolution;
  /** What rewriting removed: from a document's markup (not with 'id_'), and resource hints from any response's Link
   *  header. */
  drops: RewriteDrop[];
}

export interface ReplayRequest {
  /** The archived URL asked for (absolute, with its query). */
  url: string;
  /** 1-14 digits. */
  at: string;
  flag: ReplayFlag;
  /** The request's Range header, when it had one. */
  range?: string;
  /** Where this collection's replay URLs start: origin + '/' + encodeURIComponent(collection), no trailing slash. */
  prefix: string;
  /** The nonce for the injected helper script (the server makes a fresh one per response); default: a random one. */
  nonce?: string;
}
