// Display formatting shared by the views: pure functions, tested in test/renderer.

/** '20140126200624' -> '2014-01-26 20:06:24' (UTC, as WARC dates are). */
export function formatTimestamp(ts: string | null): string {
  if (!ts || !/^\d{4,14}$/.test(ts)) return ts ?? '';
  const p = ts.padEnd(14, '0');
  return `${p.slice(0, 4)}-${p.slice(4, 6)}-${p.slice(6, 8)} ${p.slice(8, 10)}:${p.slice(10, 12)}:${p.slice(12, 14)}`;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number | null): string {
  if (n === null) return '';
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Splits a snippet on the U+0002/U+0003 marks into parts to render as text (never as HTML): odd parts matched. */
export function snippetParts(snippet: string): Array<{ text: string; mark: boolean }> {
  const parts: Array<{ text: string; mark: boolean }> = [];
  let mark = false;
  let buf = '';
  for (const ch of snippet) {
    if (ch === '\u0002' || ch === '\u0003') {
      if (buf) parts.push({ text: buf, mark });
      buf = '';
      mark = ch === '\u0002';
    } else buf += ch;
  }
  if (buf) parts.push({ text: buf, mark });
  return parts;
}

export interface HexRow {
  /** Absolute file offset of the row's first byte. */
  offset: number;
  hex: string;
  ascii: string;
}

/** A classic 16-bytes-a-row dump; `base` is the file offset of bytes[0]. */
export function hexRows(bytes: Uint8Array, base: number, width = 16): HexRow[] {
  const rows: HexRow[] = [];
  for (let i = 0; i < bytes.length; i += width) {
    const slice = bytes.subarray(i, i + width);
    let hex = '';
    let ascii = '';
    for (let j = 0; j < width; j++) {
      if (j < slice.length) {
        hex += slice[j].toString(16).padStart(2, '0');
        ascii += slice[j] >= 0x20 && slice[j] < 0x7f ? String.fromCharCode(slice[j]) : '.';
      } else hex += '  ';
      if (j < width - 1) hex += j === 7 ? '  ' : ' ';
    }
    rows.push({ offset: base + i, hex, ascii });
  }
  return rows;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** What a person should read for an engine error: its message, plus the file and offset when it names them. */
export function describeError(e: unknown): string {
  const api = (e as { apiError?: { message: string; file?: string; offset?: number } }).apiError;
  if (!api) return e instanceof Error ? e.message : String(e);
  const where = api.file && !api.message.includes(api.file) ? ` (${api.file}${api.offset !== undefined ? ` at byte ${api.offset}` : ''})` : '';
  return api.message + where;
}

/** Captures per month of a URL's timeline, months without captures included so gaps show. */
export function monthlySeries(captures: Array<{ timestamp: string | null }>): { labels: string[]; values: number[] } {
  const months = captures.map((c) => c.timestamp?.slice(0, 6)).filter((m): m is string => !!m && m.length === 6).sort();
  if (months.length === 0) return { labels: [], values: [] };
  const counts = new Map<string, number>();
  for (const m of months) counts.set(m, (counts.get(m) ?? 0) + 1);
  const labels: string[] = [];
  const values: number[] = [];
  let y = Number(months[0].slice(0, 4));
  let mo = Number(months[0].slice(4, 6));
  const end = months.at(-1)!;
  for (let i = 0; i < 600; i++) {
    const key = `${y}${String(mo).padStart(2, '0')}`;
    labels.push(`${y}-${String(mo).padStart(2, '0')}`);
    values.push(counts.get(key) ?? 0);
    if (key >= end) break;
    if (++mo > 12) {
      mo = 1;
      y++;
    }
  }
  return { labels, values };
}
