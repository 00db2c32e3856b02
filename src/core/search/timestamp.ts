// 14-digit capture timestamps (yyyyMMddhhmmss, UTC) as numbers. Browser-safe: replay's ledger formats run in the UI.

/** Seconds since the epoch of a 1-14 digit timestamp; missing digits mean the start of the period (month and day 01). */
export function timestampSeconds(ts: string): number {
  const t = ts.padEnd(14, '0');
  const field = (from: number, to: number, least: number) => Math.max(+t.slice(from, to), least);
  return Date.UTC(+t.slice(0, 4), field(4, 6, 1) - 1, field(6, 8, 1), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14)) / 1000;
}
