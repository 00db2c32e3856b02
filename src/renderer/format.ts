// Display formatting shared by the views: pure functions, tested in test/renderer.
import type { TimeZoneChoice } from '../shared/api-collections.js';
import { timestampText } from '../shared/timestamp.js';

import { captureInstant } from '../core/search/timestamp.js';

export { captureInstant };

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one, and lists format many times. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    formatters.set(key, f);
  }
  return f;
}

function wallClock(t: number, timeZone: string | undefined): { text: string; offset: string } {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatterFor(timeZone).formatToParts(t)) parts[p.type] = p.value;
  return { text: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`, offset: parts.timeZoneName ?? '' };
}

/**
 * A capture time as 'YYYY-MM-DD HH:MM:SS', in UTC or in local time (the runtime's zone, or `timeZone`, an IANA name,
 * for tests). Takes a 14-digit WARC timestamp or an ISO 8601 WARC-Date. A partial timestamp ('201401') keeps its
 * precision and stays as written: shifting a month into another zone would invent an hour it never had.
 */
export function formatTimestamp(value: string | null | undefined, zone: TimeZoneChoice = 'utc', timeZone?: string): string {
  if (!value) return '';
  const t = captureInstant(value);
  if (t !== null) return wallClock(t, zone === 'utc' ? 'UTC' : timeZone).text;
  return timestampText(value);
}

/** What a shown time's tooltip says: the same instant in the other zone, so the UTC value is always a hover away. */
export function timestampTitle(value: string | null | undefined, zone: TimeZoneChoice, timeZone?: string): string | undefined {
  const t = captureInstant(value);
  if (t === null) return undefined;
  if (zone === 'local') return `${wallClock(t, 'UTC').text} UTC`;
  const local = wallClock(t, timeZone);
  return `${local.text} local time (${local.offset})`;
}

/** ISO 8601 in UTC ('2014-01-26T20:06:24Z'), for citations and <time datetime>; null when not a full time. */
export function isoUtc(value: string | null | undefined): string | null {
  const t = captureInstant(value);
  return t === null ? null : new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

/** A day from a date field ('2014-02-01') as the 14-digit UTC timestamp of its first second, or with `end` of its
 *  last, the day taken in the zone times are shown in: a range of days then holds exactly the captures listed on
 *  them. undefined for an empty or malformed field (no bound). */
export function dayTimestamp(day: string, zone: TimeZoneChoice, end = false): string | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day);
  if (!m) return undefined;
  const [y, month, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)];
  const next = zone === 'utc' ? Date.UTC(y, month, d) : new Date(y, month, d).getTime();
  return new Date(next - (end ? 1000 : 0)).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** A name for a new collection holding `paths`: the first archive's or folder's name without its archive extension,
 *  made unique against `taken` ('iana', 'iana 2', ...). */
export function suggestCollectionName(paths: string[], taken: Iterable<string>): string {
  const last = (paths[0] ?? '').replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  const base = last.replace(/\.(warc|arc)(\.gz)?$|\.wacz$/i, '').trim() || 'Archives';
  const used = new Set(taken);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base} ${i}`;
  return name;
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

/** How far a resource's capture is from its page's, signed (+ after, − before): '0 s', '+45 s', '−12 min',
 *  '+3 h 5 min', '+412 d 3 h'. Days rather than months or years: months differ in length, and a day is the line
 *  between in step and temporal drift. */
export function formatDrift(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.round(Math.abs(seconds));
  const sign = s === 0 ? '' : seconds < 0 ? '−' : '+';
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = d > 0 ? `${formatCount(d)} d${h ? ` ${h} h` : ''}` : h > 0 ? `${h} h${m ? ` ${m} min` : ''}` : m > 0 ? `${m} min` : `${s} s`;
  return sign + text;
}

/** One formatter for every count: `toLocaleString('en-US')` builds one a call (a facet list's counts took ~1 ms a
 *  render that way). */
const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return countFormat.format(n);
}

const pluralRules = new Intl.PluralRules('en-US');

/** A count and its noun in the form the language's plural rules pick: '1 request', '0 requests', '1,200 requests'.
 *  `many` is for nouns that do not just take an s. Every count shown beside a noun goes through here, so that the UI
 *  never says "1 results" and a translation can follow by giving its own forms to Intl.PluralRules' categories. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${pluralRules.select(n) === 'one' ? one : many}`;
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

/** Captures per month of a URL's timeline, months without captures included so gaps show. The months are those of
 *  the zone the times are shown in, so that a capture listed on 31 December is counted in December. */
export function monthlySeries(captures: Array<{ timestamp: string | null }>, zone: TimeZoneChoice = 'utc', timeZone?: string): { labels: string[]; values: number[] } {
  const months = captures
    .map((c) => formatTimestamp(c.timestamp, zone, timeZone).slice(0, 7))
    .filter((m) => /^\d{4}-\d{2}$/.test(m))
    .map((m) => m.replace('-', ''))
    .sort();
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
