import type { HeaderFields } from './types.js';

/** Whether two field names are equal ignoring ASCII case, without making a lower-cased copy of either: a lookup per
 *  field of every record, and a copy each was a string to collect. Non-ASCII names compare as toLowerCase does. */
export function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 0x7f || y > 0x7f) return a.toLowerCase() === b.toLowerCase();
    // ASCII letters differ in case by 0x20 alone; any other pair that differs so (e.g. '@' and '`') is no match.
    if ((x | 0x20) !== (y | 0x20) || (x | 0x20) < 0x61 || (x | 0x20) > 0x7a) return false;
  }
  return true;
}

/** Header fields in file order; lookups compare names case-insensitively (WARC 1.1 section 4, RFC 9110 5.1). Fields
 *  made by `Fields.of(text)` are split into lines only when first looked at: a reader that wants one thing of an HTTP
 *  head (a request's method, say) never pays for the rest of it. */
export class Fields implements HeaderFields {
  private parsed: Array<[string, string]> | undefined;

  /** `list` as given, or (with `text`) the field lines of `text` from `from` on, split when first looked at. */
  constructor(list: Array<[string, string]> = [], private readonly text?: string, private readonly from = 0) {
    this.parsed = text === undefined ? list : undefined;
  }

  /** The fields of a header block whose field lines start at `from` of `text`, split when first looked at. */
  static of(text: string, from: number): Fields {
    return new Fields(undefined, text, from);
  }

  get list(): Array<[string, string]> {
    return (this.parsed ??= parseFieldLines(this.text!, this.from).list);
  }

  get(name: string): string | undefined {
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (sameName(list[i][0], name)) return list[i][1];
    return undefined;
  }

  getAll(name: string): string[] {
    const values: string[] = [];
    for (const [n, v] of this.list) if (sameName(n, name)) values.push(v);
    return values;
  }
}

/** Result of parsing the lines of a header block (WARC or HTTP). `bad` is the first line that is neither a field nor a
 *  continuation; parsing goes on past it. */
export interface ParsedLines {
  firstLine: string;
  fields: Fields;
  bad?: string;
}

/** Splits a decoded header block (without the terminating blank line) into the first line and fields. Lines end in CRLF
 *  or a bare LF (tolerated: seen in hand-made files); a line that starts with SP or HT continues the previous value
 *  (WARC 1.0 section 5, "folded" lines as in RFC 2616 2.2). */
export function parseHeaderLines(text: string): ParsedLines {
  const nl = firstLineEnd(text);
  const { list, bad } = parseFieldLines(text, nl + 1);
  return { firstLine: firstLineOf(text, nl), fields: new Fields(list), bad };
}

/** Where the first line of a header block ends: its LF, or the text's end. */
export function firstLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  return nl < 0 ? text.length : nl;
}

/** The first line, without the CRs before its LF at `nl`. */
export function firstLineOf(text: string, nl: number): string {
  let end = nl;
  while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(0, end);
}

/** The field lines of `text` from `from` (the start of a line) on. */
function parseFieldLines(text: string, from: number): { list: Array<[string, string]>; bad?: string } {
  const list: Array<[string, string]> = [];
  let bad: string | undefined;
  for (let start = from, pos: number; start < text.length; start = pos + 1) {
    pos = text.indexOf('\n', start);
    if (pos < 0) pos = text.length;
    let end = pos;
    while (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end === start) continue;
    const c = text.charCodeAt(start);
    if ((c === 32 || c === 9) && list.length > 0) {
      const last = list[list.length - 1];
      const more = text.slice(start, end).trim();
      last[1] = last[1] && more ? last[1] + ' ' + more : last[1] || more;
      continue;
    }
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end || colon === start) {
      bad ??= text.slice(start, end);
      continue;
    }
    list.push([trimmed(text, start, colon), trimmed(text, colon + 1, end)]);
  }
  return { list, bad };
}

const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** text.slice(from, to).trim() in one slice where the ends are ASCII (the white space around a name or value is):
 *  slicing and then trimming made two strings of each value. */
function trimmed(text: string, from: number, to: number): string {
  while (from < to && isAsciiSpace(text.charCodeAt(from))) from++;
  while (to > from && isAsciiSpace(text.charCodeAt(to - 1))) to--;
  const s = text.slice(from, to);
  // trim() also takes non-ASCII white space (NBSP, a latin1-decoded 0xA0 byte among them).
  return from < to && (text.charCodeAt(from) > 0x7f || text.charCodeAt(to - 1) > 0x7f) ? s.trim() : s;
}

/** Index just past the blank line that ends a header block starting at `from`, or -1 if `buf` holds no blank line.
 *  CRLF CRLF is the rule; LF LF and CR CR LF line ends are accepted because real files have them
 *  (webrecorder+pywb missing-status-text.warc ends every line in CR CR LF). */
export function headerEnd(buf: Buffer, from = 0): number {
  let i = buf.indexOf(0x0a, from);
  while (i >= 0) {
    let j = i + 1;
    while (buf[j] === 0x0d && j < i + 3) j++;
    if (buf[j] === 0x0a) return j + 1;
    i = buf.indexOf(0x0a, j);
  }
  return -1;
}
