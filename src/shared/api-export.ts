// The WACZ export part of the contract (src/core/export/wacz.ts does the work). Merged into Api in api.ts. Types
// only, plus the method list.

/** What to export: exactly one of q (a search's results), url (one page, nearest `at`), host (from/to) or captureIds
 *  (captures a person picked). */
export interface WaczExportRequest {
  collection: string;
  q?: string;
  /** Results of q taken at most (default 1000). */
  limit?: number;
  url?: string;
  /** 1-14 digits. */
  at?: string;
  host?: string;
  from?: string;
  to?: string;
  /** Captures of the collection by id (ResolvedCapture.id), each with what its page needs to replay. */
  captureIds?: number[];
  title?: string;
}

export interface WaczExportResult {
  /** Where the package was written: the engine's data folder, exports/. */
  path: string;
  bytes: number;
  records: number;
  pages: number;
  /** Resources the pages referenced that the collection does not hold. */
  missing: number;
  /** Records that could not be copied (the engine log names each with file and offset). */
  problems: number;
}

/** Progress of a running export, as the 'export.progress' event. */
export interface WaczExportProgressEvent {
  collection: string;
  phase: 'selecting' | 'records' | 'pages' | 'finishing' | 'done';
  done: number;
  total: number;
  bytes: number;
}

export interface ExportApi {
  /** Writes a WACZ of the selection and answers when it is complete; 'cancelled' when export.cancel stopped it. One
   *  export per collection at a time ('busy' otherwise). */
  'export.wacz': [WaczExportRequest, WaczExportResult];
  'export.cancel': [{ collection: string }, { cancelled: boolean }];
}

export const EXPORT_METHODS = ['export.wacz', 'export.cancel'] as const satisfies ReadonlyArray<keyof ExportApi>;
