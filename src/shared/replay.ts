// Plain-data types of replay that cross the API (ledger rows, how a request was resolved). Types only, so the
// renderer, the engine and the CLI can all name them; the logic lives in src/core/replay.

/** How a URL was answered, from best to worst:
 *  - 'exact': the URL's own captures (same SURT key: scheme, `www.`, case and query order do not matter, as in CDX
 *    lookups) at the asked time (the capture's timestamp starts with the asked digits);
 *  - 'nearest': the URL's own captures, at another time (the one nearest the asked time);
 *  - 'canonical': a capture of a variant of the URL (trailing slash added or removed);
 *  - 'fuzzy': a capture of the same path whose query differs only by cache-busting arguments or is the closest one
 *    (src/core/replay/fuzzy.ts says which rules);
 *  - 'missing': nothing in the collection. */
export type ResolvedHow = 'exact' | 'nearest' | 'canonical' | 'fuzzy' | 'missing';

/** The replay URL's mode flag: '' rewritten with archived scripts off (the default), 'js_' rewritten with archived
 *  scripts on, 'id_' the archived payload as it is (headers cleaned, no rewriting). */
export type ReplayFlag = '' | 'js_' | 'id_';

/** Where a served resource's bytes came from. */
export interface LedgerRecord {
  file: string;
  offset: number;
  length: number;
  recordId: string | null;
}

/** One request a replayed page made: how it was answered, or what blocked it. */
export interface LedgerEntry {
  url: string;
  how: ResolvedHow | 'blocked';
  /** True when the capture was a revisit, served from its original's payload (`record` is the original). */
  viaRevisit: boolean;
  record: LedgerRecord | null;
  /** For a request answered through a revisit: the revisit record itself (`record` is its original). Optional only
   *  because rows written before it existed lack it. */
  revisit?: LedgerRecord | null;
  /** 14-digit capture time of the record served (for a revisit: of the revisit). */
  captureTime: string | null;
  /** Capture time minus the page's capture time, in seconds (negative: captured before the page). */
  driftSeconds: number | null;
  /** |driftSeconds| is more than a day: the resource may not be what the page showed. */
  temporalDrift: boolean;
  /** What stopped a blocked request, e.g. 'csp:connect-src', 'rewrite:preconnect dropped', 'scripts off'. */
  blockedBy: string | null;
  /** HTTP status served (null for blocked requests). */
  status: number | null;
}

/** Where the desktop shell reports what it refused in the replay partition (a WebSocket, a request leaving the
 *  archive, a download, a window): a POST of ShellBlockReport as JSON to the replay origin. A kind of its own, not a
 *  CSP report, so the ledger says the shell stopped it ('electron:<reason>'), not the page's policy. */
export const SHELL_REPORT_PATH = '/__as/shell-report';

export interface ShellBlockReport {
  /** The replay address of the page that made the request; '' when the shell cannot tell (a partition-wide
   *  refusal: the server then files it under the newest page view). */
  documentUrl: string;
  blockedUrl: string;
  /** Why, in the shell's words, e.g. 'WebSocket (replay opens no live connections)', 'download'. */
  reason: string;
}
