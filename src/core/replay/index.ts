// Replay: URL + time -> the archived response, rewritten so that nothing it leads to leaves the archive, and the
// provenance ledger's formats. The replay server (server.ts) and Electron's protocol handler build on this.
export { resolve, canonicalVariants, type ResolveOptions } from './resolve.js';
export { replayResponse, parseRange } from './response.js';
export { ArchivePool, type RecordReader } from './records.js';
export { ledgerToJson, ledgerToCsv, servedEntry, blockedEntry, dropEntry, LEDGER_COLUMNS, TEMPORAL_DRIFT_SECONDS } from './ledger.js';
export { replayCsp, policyHeaders } from './headers.js';
export { rewriteHtml, type HtmlRewriteOptions } from './html.js';
export { rewriteCss } from './css.js';
export { archiveUrl, rewriteUrl, type ArchiveTarget } from './archive-url.js';
export { FRAME_SCRIPT, FRAME_MESSAGE_SOURCE, UI_MESSAGE_SOURCE } from './frame.js';
export * from './urls.js';
export type * from './types.js';
