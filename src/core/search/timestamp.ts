// 14-digit capture timestamps (yyyyMMddhhmmss, UTC) as numbers. Browser-safe: replay's ledger formats run in the UI.

/** Seconds since the epoch of a 1-14 digit timestamp; missing digits mean the start of the period (month and day 01). */
export function timestampSeconds(ts: string): number {
  const t = ts.padEnd(14, '0');
  const field = (from: number, to: number, least: number) => Math.max(+t.slice(from, to), least);
  return Date.UTC(+t.slice(0, 4), field(4, 6, 1) - 1, field(6, 8, 1), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14)) / 1000;
}

const FULL_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
/** WARC-Date (ISO 28500:2017 §5.4: W3C-ISO8601, UTC; WARC/1.1 allows a fraction of a second). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant of a 14-digit WARC timestamp or an ISO 8601 date, in ms since the epoch; null for anything less
 *  precise than a second (a partial timestamp) or not a date at all. */
export function captureInstant(value: string | null | undefined): number | null {
  if (!value) return null;
  const m = FULL_TIMESTAMP.exec(value);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!ISO_DATE.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
