// The provenance ledger's export formats. One row a request, the same fields in both.
import { timestampSeconds } from '../search/timestamp.js';
import type { LedgerEntry, LedgerRecord, ReplayCapture, Resolution, RewriteDrop } from './types.js';

export const LEDGER_COLUMNS = ['url', 'how', 'viaRevisit', 'status', 'file', 'offset', 'length', 'recordId',
  'captureTime', 'driftSeconds', 'temporalDrift', 'blockedBy', 'revisitFile', 'revisitOffset', 'revisitRecordId'] as const;

/** A day: resources captured further than this from their page may not be what the page showed. */
export const TEMPORAL_DRIFT_SECONDS = 86_400;

export function ledgerToJson(entries: LedgerEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}

function flatten(e: LedgerEntry): Record<(typeof LEDGER_COLUMNS)[number], string | number | boolean | null> {
  return {
    url: e.url, how: e.how, viaRevisit: e.viaRevisit, status: e.status,
    file: e.record?.file ?? null, offset: e.record?.offset ?? null, length: e.record?.length ?? null,
    recordId: e.record?.recordId ?? null, captureTime: e.captureTime, driftSeconds: e.driftSeconds,
    temporalDrift: e.temporalDrift, blockedBy: e.blockedBy,
    revisitFile: e.revisit?.file ?? null, revisitOffset: e.revisit?.offset ?? null, revisitRecordId: e.revisit?.recordId ?? null,
  };
}

/** RFC 4180: fields holding a comma, quote or line break are quoted, quotes doubled; CRLF line ends. A field that
 *  starts with = + - @ gets a leading apostrophe, so a spreadsheet opening the file does not run archived text as a
 *  formula. */
function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ledgerToCsv(entries: LedgerEntry[]): string {
  const lines = [LEDGER_COLUMNS.join(',')];
  for (const e of entries) {
    const row = flatten(e);
    lines.push(LEDGER_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function ledgerRecord(c: ReplayCapture): LedgerRecord {
  return { file: c.file, offset: c.offset, length: c.length, recordId: c.recordId };
}

/** The ledger row of a request answered from the archive. `pageTime` is the page's own capture time (14 digits):
 *  drift is measured from it, not from the time asked. */
export function servedEntry(r: Resolution, status: number, pageTime: string): LedgerEntry {
  const served = r.payload;
  const revisit = r.viaRevisit ? r.capture : null;
  const time = r.capture?.timestamp ?? null;
  const drift = time ? timestampSeconds(time) - timestampSeconds(pageTime) : null;
  return {
    url: r.askedUrl,
    how: r.how,
    viaRevisit: r.viaRevisit,
    record: served ? ledgerRecord(served) : null,
    revisit: revisit ? ledgerRecord(revisit) : null,
    captureTime: time,
    driftSeconds: drift,
    temporalDrift: drift !== null && Math.abs(drift) > TEMPORAL_DRIFT_SECONDS,
    blockedBy: null,
    status,
  };
}

/** The ledger row of a request that was refused before it could leave the archive. */
export function blockedEntry(url: string, blockedBy: string): LedgerEntry {
  return { url, how: 'blocked', viaRevisit: false, record: null, revisit: null, captureTime: null, driftSeconds: null, temporalDrift: false, blockedBy, status: null };
}

/** The ledger row of something the rewriter dropped from a document: blocked by 'rewrite:<what>'. */
export function dropEntry(d: RewriteDrop): LedgerEntry {
  return blockedEntry(d.url, `rewrite:${d.what}`);
}
