// The one contract for every call across a process boundary: renderer -> engine, CLI/browser ->
// engine. A method is declared once here; the engine's handler map, the preload bridge and the HTTP client are all typed
// from it, and no channel name is spelled anywhere else.

import { COLLECTION_METHODS, type CollectionsApi } from './api-collections.js';
import { REPLAY_METHODS, type ReplayApi } from './api-replay.js';
import { NOTES_METHODS, type NotesApi } from './api-notes.js';
import { EXPORT_METHODS, type ExportApi, type WaczExportProgressEvent } from './api-export.js';
import type { ErrorCode, ProblemCode } from './errors.js';
import type { IngestProgress } from './records.js';
import type { OtlpTraceRequest } from './otlp-json.js';
import type { ExportTest, SpanRecord, TelemetryStatus, UiSpan } from './telemetry.js';

export type { ErrorCode, IngestProblemCode, ProblemCode } from './errors.js';

export interface ApiError {
  code: ErrorCode;
  message: string;
  file?: string;
  offset?: number;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** How a record is read back: 'direct' reads only its bytes (plain files, per-record gzip, WACZ); 'sequential' (one
 *  gzip stream for the whole file) inflates the stream from its start, addressing records by uncompressed offset. */
export type RandomAccess = 'direct' | 'sequential';

export interface OpenedFile {
  path: string;
  format: 'warc' | 'arc' | 'wacz';
  compression: 'none' | 'gzip-members' | 'gzip-single';
  size: number;
  randomAccess: RandomAccess;
}

export interface RecordSummary {
  offset: number;
  length: number;
  type: string;
  uri: string | null;
  date: string | null;
  id: string | null;
  contentType: string | null;
  status: number | null;
  digest: string | null;
}

export interface ProblemSummary {
  code: ProblemCode;
  file: string;
  offset: number;
  message: string;
}

export interface RecordPage {
  records: RecordSummary[];
  /** Pass as `after` to read the next page; null at end of file. */
  next: number | null;
  problems: ProblemSummary[];
}

export interface RecordDetail extends RecordSummary {
  file: string;
  version: string;
  warcHeaders: Array<[string, string]>;
  http: { startLine: string; headers: Array<[string, string]> } | null;
  payloadSize: number;
  /** The payload decoded as text (at most 256 KiB), or null when it is binary. */
  payloadText: string | null;
}

export interface RawBytes {
  /** Absolute file offset of the first byte. */
  offset: number;
  /** Base64 of the bytes, at most 64 KiB a call. */
  base64: string;
  /** Total bytes of the record on disk, for paging. */
  recordLength: number;
}

/** A page of a record's payload: the HTTP body after transfer and content decoding, or the whole block when the
 *  record holds no HTTP message (what "Save payload…" writes to a file). */
export interface PayloadBytes {
  /** Position of the first byte within the payload. */
  from: number;
  /** Base64 of the bytes, at most 4 MiB a call. */
  base64: string;
  /** Total payload size, for paging, once a page has reached the end; before that, more than what has been read (the
   *  payload is decoded as it is paged through, never whole). */
  payloadSize: number;
  /** Whether it is the decoded HTTP body ('http') or the record's block ('block'). */
  kind: 'http' | 'block';
}

/** A finished span, as the app's own trace view shows it (src/core/telemetry/sdk.ts keeps the recent ones). */
export type SpanSummary = SpanRecord;

/** The text extracted from one page (src/core/extract's ExtractedText, restated: src/shared imports nothing but
 *  itself). */
export interface PageText {
  title: string;
  description: string;
  /** The full text. */
  text: string;
  /** The main content (the article); equals text when the page has none (mainFound false). */
  main: string;
  /** The text outside the main content ('' when there is no article): main and rest hold each word of text once. */
  rest: string;
  mainFound: boolean;
}

/** Method name -> [arguments, result]. Collections, search and browsing live in api-collections.ts, replay in
 *  api-replay.ts. */
export interface Api extends CollectionsApi, ReplayApi, NotesApi, ExportApi {
  /** The engine's build and process; `eventLoopDelayMs`: how late its thread that answers requests was to run, since
   *  the engine started (the longest, and the 99th percentile): what any call may have waited before it began. */
  'engine.info': [Record<string, never>, { version: string; node: string; pid: number; mode: 'ipc' | 'http'; eventLoopDelayMs: { max: number; p99: number } }];
  'archive.open': [{ paths: string[] }, OpenedFile[]];
  'archive.records': [{ file: string; after?: number; limit?: number }, RecordPage];
  'archive.record': [{ file: string; offset: number; length: number }, RecordDetail];
  'archive.raw': [{ file: string; offset: number; length: number; from?: number; size?: number }, RawBytes];
  'record.payload': [{ file: string; offset: number; length: number; from?: number; size?: number }, PayloadBytes];
  /** Where the engine keeps its data and its log (engine.log), for bug reports. */
  'app.paths': [Record<string, never>, { dataDir: string; logsDir: string }];
  /** The engine's most recent spans (newest last), and what its telemetry is doing (export, drops, settings). */
  'telemetry.recent': [{ limit?: number }, { spans: SpanSummary[]; exportEndpoint: string | null; status: TelemetryStatus }];
  /** Spans the UI recorded (renderer, GPU page), for the engine's store and exporter: the UI never posts spans to the
   *  network itself. */
  'telemetry.submit': [{ spans: UiSpan[] }, { accepted: number }];
  /** One trace, every span still held of it, as an OTLP/JSON ExportTraceServiceRequest (what Jaeger's UI loads). */
  'telemetry.export': [{ traceId: string }, OtlpTraceRequest];
  /** Telemetry settings (kept in the data folder): OTLP/HTTP export (`exportOn`) to `endpoint` (a base URL such as
   *  http://127.0.0.1:4318), query text in spans (else a keyed hash), the Prometheus endpoint /metrics. */
  'telemetry.configure': [{ exportOn?: boolean; endpoint?: string; queryText?: boolean; metrics?: boolean }, TelemetryStatus];
  /** Posts an empty trace to an OTLP/HTTP endpoint and says what happened. */
  'telemetry.testExport': [{ endpoint: string }, ExportTest];
  /** A client offers (or renews) a GPU text extractor, named by a random id of its own; `client` is its event stream
   *  (EngineClient.clientId), whose closing withdraws the offer. The offer lapses after leaseMs without renewal. */
  'extract.offer': [{ extractor: string; renderer: string; client?: string }, { leaseMs: number }];
  'extract.withdraw': [{ extractor: string }, Record<string, never>];
  /** The answer to an 'extract.request': one PageText per page, in order, or an error in words. */
  'extract.reply': [{ extractor: string; id: number; results?: PageText[]; error?: string }, Record<string, never>];
}

export type Method = keyof Api;
export type ArgsOf<M extends Method> = Api[M][0];
export type ResultOf<M extends Method> = Api[M][1];

/** Events the engine pushes to every client. */
export interface ApiEvents {
  'ingest.progress': IngestProgress;
  'engine.notice': { level: 'info' | 'warn' | 'error'; message: string };
  /** The engine asks the client that offered `extractor` for the text of a batch of decoded HTML pages; it answers
   *  with 'extract.reply' and the same id. Other clients ignore it. */
  'extract.request': { extractor: string; id: number; pages: string[]; traceparent?: string };
  'export.progress': WaczExportProgressEvent;
}
export type EventName = keyof ApiEvents;

/** What only the desktop shell can do; browser mode has no `shell` at all. */
export interface ShellBridge {
  /** The native open dialog, several at once, filtered to archive files ('files') or folders ('folders'). */
  pickPaths(kind: 'files' | 'folders'): Promise<string[]>;
  /** The path of a file dropped onto the window ('' when it has none). The DOM File is a Blob here. */
  pathForFile(file: Blob): string;
  /** The menu's File > Open Archive…; returns its own unsubscribe. */
  onOpenArchive(listener: () => void): () => void;
  /** Opens the engine's logs folder in the system's file manager. */
  openLogsFolder(): Promise<void>;
  /** Shows a replay address (on the replay origin; anything else is refused: false) in one of the shell's replay
   *  views (two, for the side-by-side view), over `bounds` (CSS pixels of the window's content area). A view is its
   *  own sandboxed page in its own session, not an iframe: the renderer calls this again as its placeholder moves or
   *  resizes, and hideReplay when it goes. */
  showReplay(url: string, bounds: { x: number; y: number; width: number; height: number }, slot?: ReplaySlot): Promise<boolean>;
  hideReplay(slot?: ReplaySlot): Promise<void>;
  /** A replay view went to another address (a link followed in the page, an archived redirect): what an iframe's
   *  helper script says by postMessage in browser mode, which a top-level view has no parent to send to. Returns its
   *  own unsubscribe. */
  onReplayNavigated(listener: (slot: ReplaySlot, url: string) => void): () => void;
}

/** The shell's replay views: 'primary' by default, 'secondary' the other side of a side-by-side view. */
export type ReplaySlot = 'primary' | 'secondary';

/** What a client (preload bridge, HTTP client) offers; the renderer sees only this. */
export interface EngineClient {
  shell?: ShellBridge;
  /** The id that this client's event stream carries (browser mode), so that the engine withdraws what the client
   *  offered when the stream closes; the Electron bridge has none (one window, whose engine goes with it). */
  readonly clientId?: string;
  /** `traceparent`: the UI span this call belongs to (W3C Trace Context), so the engine's spans join its trace. */
  invoke<M extends Method>(method: M, args: ArgsOf<M>, traceparent?: string): Promise<Reply<ResultOf<M>>>;
  /** Subscribe to an event; returns its own unsubscribe (CONTRIBUTING.md, 'Own what you start'). */
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** The method names, for validation at the engine's edge and for the preload bridge. */
export const ARCHIVE_METHODS = ['engine.info', 'archive.open', 'archive.records', 'archive.record', 'archive.raw', 'record.payload', 'app.paths', 'telemetry.recent', 'telemetry.submit', 'telemetry.export', 'telemetry.configure', 'telemetry.testExport'] as const satisfies readonly Method[];
export const EXTRACT_METHODS = ['extract.offer', 'extract.withdraw', 'extract.reply'] as const satisfies readonly Method[];
export const METHODS = [...ARCHIVE_METHODS, ...EXTRACT_METHODS, ...COLLECTION_METHODS, ...REPLAY_METHODS, ...NOTES_METHODS, ...EXPORT_METHODS] as const satisfies readonly Method[];
export const EVENTS = ['ingest.progress', 'engine.notice', 'extract.request', 'export.progress'] as const satisfies readonly EventName[];

// Compile-time proof that METHODS and EVENTS list every name of the contract.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
export const methodsComplete: Missing<Method, (typeof METHODS)[number]> = true;
export const eventsComplete: Missing<EventName, (typeof EVENTS)[number]> = true;

/** Electron IPC channel names, spelled only here. */
export const IPC_INVOKE = 'archivestream:invoke';
export const IPC_EVENT = 'archivestream:event';
export const IPC_PICK_PATHS = 'archivestream:pick-paths';
export const IPC_OPEN_LOGS = 'archivestream:open-logs';
export const IPC_MENU_OPEN_ARCHIVE = 'archivestream:menu-open-archive';
export const IPC_REPLAY_SHOW = 'archivestream:replay-show';
export const IPC_REPLAY_HIDE = 'archivestream:replay-hide';
export const IPC_REPLAY_NAVIGATED = 'archivestream:replay-navigated';
/** The preload tells the shell the path of a file the person dropped: only a real drop (or file input) yields a File
 *  with a path, and the page cannot send this itself (context isolation), so the engine may read that file. */
export const IPC_ALLOW_DROPPED = 'archivestream:allow-dropped';

/** Messages on the shell <-> engine IPC channel. */
/** 'allow' is the desktop shell's alone: the paths its native open dialog returned, which the engine may then read
 *  (src/engine/access.ts). The renderer's calls reach the engine only as 'call'. */
export type ToEngine = { kind: 'call'; id: number; method: string; args: unknown; traceparent?: string } | { kind: 'allow'; paths: string[] };
export type FromEngine =
  | { kind: 'reply'; id: number; reply: Reply<unknown> }
  | { kind: 'event'; event: EventName; payload: ApiEvents[EventName] }
  | { kind: 'ready'; pid: number };
