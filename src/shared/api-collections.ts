// The collections part of the contract: create and fill collections, ingest, search, browse captures, stats,
// settings and the folder browser. Merged into Api in api.ts; the method list below feeds validation and the preload
// bridge. Types only, plus the method list.
import type { IngestProblemCode } from './errors.js';
import type { FileState, IngestProgress } from './records.js';

export interface CollectionSummary {
  name: string;
  createdAt: string;
  files: number;
  captures: number;
  pages: number;
  errors: number;
  /** Bytes of the collection's database on disk (with its WAL). */
  diskBytes: number;
  ingesting: boolean;
}

export interface CollectionFile {
  path: string;
  /** 'pending' until ingest reaches the file; 'missing' when it is no longer on disk. */
  state: FileState;
  size: number | null;
  records: number;
  errors: number;
  format: string | null;
  indexedAt: string | null;
  /** The problem that says most about the file (not an archive, cut short, ...; else its first), null without any. */
  problem: { code: IngestProblemCode; offset: number; message: string } | null;
}

/** Where an ingest run extracts page text: 'cpu' is the CPU extractor in the ingest threads (the default), 'gpu' a
 *  client's GPU extractor (extract.offer), 'auto' measures both on the first pages and keeps the faster. */
export type TextBackendKind = 'cpu' | 'gpu' | 'auto';

/** The text backend of a run and why, for the ingest panel's status line and the engine log. */
export interface IngestTextStatus {
  requested: TextBackendKind;
  /** The backend in use; null while 'auto' is still measuring. */
  choice: 'cpu' | 'gpu' | null;
  /** MB/s of decoded text on the measured sample (millions of UTF-16 code units a second); null when not measured. */
  cpuMBps: number | null;
  gpuMBps: number | null;
  /** Why the GPU was not measured under 'auto' (no extractor offered, ...), else null. */
  note: string | null;
  /** 'auto' with no measurement for this machine and renderer yet: the run extracts on the CPU while both are
   *  measured beside it (true until that ends); the result is remembered for the next runs. */
  measuring?: boolean;
  /** When the figures were measured, for figures remembered from an earlier run (ISO 8601); absent when measured now. */
  measuredAt?: string;
}

/** What 'auto' measured on one machine and GPU renderer, remembered (Settings) and used until either changes or the
 *  user asks to measure again. */
export interface TextMeasurement {
  /** The machine (host name and CPU) and the window's WebGL renderer string it was measured with. */
  machine: string;
  renderer: string;
  choice: 'cpu' | 'gpu';
  cpuMBps: number;
  gpuMBps: number;
  measuredAt: string;
}

export interface IngestState {
  running: boolean;
  /** The last progress event of the running or last finished run (null before the first run of this engine). */
  progress: IngestProgress | null;
  /** Why the last run stopped early, in words ('cancelled', or the error's message). */
  stopped: string | null;
  /** The text backend of the running or last run (null before the first run of this engine). */
  text: IngestTextStatus | null;
}

export interface CollectionDetail extends CollectionSummary {
  fileList: CollectionFile[];
  ingest: IngestState;
}

export interface IngestErrorView {
  file: string;
  offset: number;
  code: IngestProblemCode;
  message: string;
}

/** One capture as the UI shows it: enough to read the record back (file, offset, length). */
export interface CaptureView {
  id: number;
  file: string;
  offset: number;
  length: number;
  type: string;
  uri: string | null;
  /** 14-digit UTC timestamp. */
  timestamp: string | null;
  status: number | null;
  mime: string | null;
  digest: string | null;
  refersToUri: string | null;
  refersToDate: string | null;
}

/** CaptureView's fields as data, so that one function (shared/pick.ts) cuts a stored capture down to them. */
export const CAPTURE_VIEW_FIELDS = Object.keys({
  id: 1, file: 1, offset: 1, length: 1, type: 1, uri: 1, timestamp: 1, status: 1, mime: 1, digest: 1, refersToUri: 1, refersToDate: 1,
} satisfies Record<keyof CaptureView, 1>) as Array<keyof CaptureView>;

/** A capture with, for a revisit, the record holding its payload (null when that is not in the collection). */
export interface ResolvedCapture extends CaptureView {
  original: CaptureView | null;
}

export interface SearchHitView {
  pageId: number;
  title: string;
  /** The best capture's URL and 14-digit time (newest within the filters). */
  url: string;
  timestamp: string | null;
  /** Matched terms wrapped in U+0002 ... U+0003: split on them and render the parts as text, never as HTML. */
  snippet: string;
  /** bm25 with title weighted over description over body; lower is better (FTS5 convention); null in date order. For
   *  a query of one word or phrase, ranked with the ranking extension (ARCHITECTURE.md, "A ranking function of our
   *  own"), bm25 over that word's IDF: the same order. Orders one query's hits; not comparable across queries. */
  score: number | null;
  captureCount: number;
  capture: CaptureView;
  /** Set when the hit is a crawler's own record rather than a page of the web (a WACZ page snapshot at
   *  file:///dom-snapshot.html, urn:text:…): what it is, as a short label (core/search/internal.ts). */
  internal: string | null;
}

export type SortOrder = 'relevance' | 'date';
export type FacetName = 'site' | 'mime' | 'status' | 'year';

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchFacetsView {
  total: number;
  /** True when the match set was too large to count through the filters and `total` was scaled from a sample. */
  totalIsEstimate: boolean;
  facets: Record<FacetName, FacetCount[]>;
  /** True when facets were counted over a sample of the match set. */
  facetsAreSample: boolean;
  tookMs: number;
}

export interface CollectionStats {
  /** What was counted: captures of the collection, or pages matching a query (the facets of that query). */
  scope: 'collection' | 'query';
  mime: Array<{ value: string; count: number }>;
  status: Array<{ value: string; count: number }>;
  hosts: Array<{ value: string; count: number }>;
  /** 'YYYY-MM' -> count (collection scope only). */
  months: Array<{ value: string; count: number }>;
  years: Array<{ value: string; count: number }>;
}

export type IngestMode = 'new' | 'reextract';

export interface RecordText {
  title: string;
  text: string;
  /** The main content (the article): the whole text when none was found. */
  main: string;
  /** Whether an article was found; null when the page was extracted before main content was (an ingest with mode
   *  'reextract' extracts it again). */
  mainFound: boolean | null;
  /** A document's number of pages (PDF); null for HTML and plain text. */
  pageCount: number | null;
  /** The capture whose payload the text came from (the original, for a revisit). */
  from: CaptureView;
}

export type DiffOp = { op: 'same' | 'add' | 'del'; text: string };

export interface TextDiff {
  a: CaptureView;
  b: CaptureView;
  /** Line operations turning a's text into b's. */
  ops: DiffOp[];
  added: number;
  removed: number;
  /** True when the texts were too long to diff line by line and ops is a coarse replace. */
  coarse: boolean;
}

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportResult {
  format: ExportFormat;
  rows: number;
  /** True when the result had more rows than one export carries. */
  truncated: boolean;
  content: string;
}

export type Theme = 'system' | 'light' | 'dark';

/** How times are shown: in the researcher's local time (the default) or in UTC, the zone WARC records are written in
 *  (citations and exports are UTC either way). */
export type TimeZoneChoice = 'local' | 'utc';

export interface Settings {
  /** Folders whose files the API may open and the folder browser show: those given with --allow-dir, those
   *  confirmed here, and (in the desktop app) those picked in its open dialog this run. */
  allowedRoots: string[];
  /** The subset that came from the command line (cannot be removed from the UI). */
  commandLineRoots: string[];
  theme: Theme;
  lastCollection: string | null;
  /** What the UI's Start/Resume ingest asks for (default 'auto'). */
  textBackend: TextBackendKind;
  timeZone: TimeZoneChoice;
  /** How much of one payload text extraction reads, in MB (default 16; 1 to 4096): a longer payload's text is taken
   *  from its start and the cut is reported ('payload-truncated-for-text'). */
  maxTextMb: number;
  /** What 'auto' last measured (null: not yet, or forgotten with remeasureText). */
  textMeasurement: TextMeasurement | null;
}

export interface BrowseEntry {
  name: string;
  path: string;
  /** 'not-archive': named like an archive, but its first bytes are something else (`what` says what). */
  kind: 'dir' | 'archive' | 'not-archive';
  size: number | null;
  what?: string;
}

export interface BrowseResult {
  /** The folder listed, or null when listing the allowed roots themselves. */
  path: string | null;
  parent: string | null;
  entries: BrowseEntry[];
}

type Named = { collection: string };
type UrlLookup = Named & { url: string; limit?: number; offset?: number };

/** Method name -> [arguments, result]. */
export interface CollectionsApi {
  'collections.list': [Record<string, never>, CollectionSummary[]];
  'collections.create': [{ name: string }, CollectionSummary];
  'collections.get': [Named, CollectionDetail];
  'collections.rename': [Named & { to: string }, CollectionSummary];
  'collections.delete': [Named, { deleted: string }];
  'collections.diskUsage': [Named, { databaseBytes: number; archiveBytes: number }];
  /** Adds archive files, or every archive file under a folder; returns the collection's files. */
  'files.add': [Named & { paths: string[] }, CollectionFile[]];
  'files.remove': [Named & { paths: string[] }, CollectionFile[]];
  /** Points a file that moved at its new place, keeping what was indexed when the content is the same. */
  'files.relink': [Named & { from: string; to: string }, CollectionFile[]];
  /** Starts (or resumes: indexed files are skipped) ingest of every file; progress comes as 'ingest.progress'. */
  /** mode 'new' (the default) indexes new and changed files; 'reextract' reads every file again and replaces each
   *  page's extracted text (e.g. to give main content to pages stored before it), with the same progress events. */
  'ingest.start': [Named & { workers?: number; backend?: TextBackendKind; mode?: IngestMode }, IngestState];
  'ingest.cancel': [Named, IngestState];
  'ingest.errors': [Named & { file?: string; limit?: number; offset?: number }, IngestErrorView[]];
  'search.query': [Named & { q: string; sort?: SortOrder; limit?: number; offset?: number }, { hits: SearchHitView[]; tookMs: number }];
  'search.facets': [Named & { q: string }, SearchFacetsView];
  'captures.byUrl': [UrlLookup, ResolvedCapture[]];
  'captures.byPrefix': [UrlLookup, ResolvedCapture[]];
  'captures.byHost': [UrlLookup, ResolvedCapture[]];
  /** Every capture of one URL, oldest first, revisits resolved: the timeline and the version list. */
  'captures.timeline': [Named & { url: string }, ResolvedCapture[]];
  'record.text': [Named & { captureId: number }, RecordText];
  'record.diff': [Named & { a: number; b: number }, TextDiff];
  'stats.get': [Named & { q?: string }, CollectionStats];
  'export.results': [Named & { q: string; format: ExportFormat; sort?: SortOrder; limit?: number }, ExportResult];
  'settings.get': [Record<string, never>, Settings];
  /** addRoot alone fails with 'needs-confirmation' after the engine prints a code where only the person sees it (its
   *  terminal); addRoot with that code as confirmCode adds the folder. */
  'settings.update': [
    {
      theme?: Theme;
      lastCollection?: string;
      addRoot?: string;
      confirmCode?: string;
      removeRoot?: string;
      textBackend?: TextBackendKind;
      timeZone?: TimeZoneChoice;
      maxTextMb?: number;
      /** Forgets textMeasurement: the next 'auto' ingest measures again. */
      remeasureText?: boolean;
    },
    Settings,
  ];
  'fs.browse': [{ path?: string }, BrowseResult];
}

export const COLLECTION_METHODS = [
  'collections.list',
  'collections.create',
  'collections.get',
  'collections.rename',
  'collections.delete',
  'collections.diskUsage',
  'files.add',
  'files.remove',
  'files.relink',
  'ingest.start',
  'ingest.cancel',
  'ingest.errors',
  'search.query',
  'search.facets',
  'captures.byUrl',
  'captures.byPrefix',
  'captures.byHost',
  'captures.timeline',
  'record.text',
  'record.diff',
  'stats.get',
  'export.results',
  'settings.get',
  'settings.update',
  'fs.browse',
] as const satisfies ReadonlyArray<keyof CollectionsApi>;
