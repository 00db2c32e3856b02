// The replay part of the contract: where the replay origin is, and the provenance ledger of a page the browser showed
// from it. Merged into Api in api.ts. The pages themselves are not API calls: they are served by the replay origin
// (src/core/replay/server.ts) at the addresses of src/core/replay/urls.ts. Types only, plus the method list.
import type { LedgerEntry } from './replay.js';

/** A page as a browser showed it from the replay origin. */
export interface LedgerView {
  collection: string;
  url: string;
  /** The timestamp of the replay address, as asked. */
  at: string;
  /** The capture time of the document served (null when it was a miss). */
  captureTime: string | null;
  scripts: boolean;
  /** Requests beyond what a view keeps, not listed. */
  dropped: number;
  entries: LedgerEntry[];
}

/** The sandbox of the frame a replayed page is shown in: scripts may run (only when the page's CSP lets them: off
 *  unless switched on) and keep their own origin (the replay origin, never the UI's), but may not open windows or
 *  navigate the window around them. The UI's CSP (frame-src) keeps every navigation of the frame on the replay origin. */
export const REPLAY_FRAME_SANDBOX = 'allow-scripts allow-same-origin allow-forms';

export interface ReplayApi {
  /** The replay origin (http://127.0.0.1:<port>), where replay addresses are opened. */
  'replay.origin': [Record<string, never>, { origin: string }];
  /** The newest view of `url` in `collection` at `at` (the replay address's timestamp, or a prefix of the served
   *  capture's time), or null when no browser has shown it since the engine started. */
  'replay.ledger': [{ collection: string; url: string; at: string }, { view: LedgerView | null }];
}

export const REPLAY_METHODS = ['replay.origin', 'replay.ledger'] as const satisfies ReadonlyArray<keyof ReplayApi>;
