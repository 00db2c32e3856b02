import type { HeaderFields } from './types.js';

/** Whether two field names are equal ignoring case, as toLowerCase() says, lower-casing only names of one length
 *  that are not equal as they stand. */
export function sameName(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/** Header fields in file order; lookups compare names case-insensitively (WARC 1.1 section 4, RFC 9110 5.1). Fields
 *  made by `Fields.of(text, from)` hold their names as strings and their values as places in the text until asked
 *  for: a reader that wants three fields of a head of ten (a CDXJ line), or none of a request's, makes no string of
 *  the others' values. */
export class Fields implements HeaderFields {
  private parsed: Array<[string, string]> | undefined;
  private lines: FieldLines | undefined;

  /** `list` as given, or (with `text`) the field lines of `text` from `from` on. */
  constructor(list?: Array<[string, string]>, private readonly text = '', private readonly from = 0) {
    // No default [] for list: a head's fields (made from text, one a record) would each allocate one unused.
    this.parsed = text === '' ? (list ?? []) : undefined;
  }

  /** The fields of a header block whose field lines start at `from` of `text`. */
  static of(text: string, from: number): Fields {
    return from >= text.length ? new Fields() : new Fields(undefined, text, from);
  }

  get list(): Array<[string, string]> {
    if (this.parsed) return this.parsed;
    const lines = this.inText()!;
    return (this.parsed = lines.names.map((n, i) => [n, valueOf(this.text, lines, i)]));
  }

  /** The first line that is neither a field nor a continuation, if any (of fields made from text). */
  get bad(): string | undefined {
    return this.text === '' ? undefined : (this.lines ??= fieldLines(this.text, this.from)).bad;
  }

  /** The lines as names and value offsets; null once the fields are a list (given as one, or made by `list`). */
  private inText(): FieldLines | null {
    return this.parsed ? null : (this.lines ??= fieldLines(this.text, this.from));
  }

  get(name: string): string | undefined {
    const lines = this.inText();
    if (lines) {
      for (let i = 0; i < lines.names.length; i++) if (sameName(lines.names[i], name)) return valueOf(this.text, lines, i);
      return undefined;
    }
    for (const [n, v] of this.list) if (sameName(n, name)) return v;
    return undefined;
  }

  getAll(name: string): string[] {
    const values: string[] = [];
    const lines = this.inText();
    if (lines) {
      for (let i = 0; i < lines.names.length; i++) if (sameName(lines.names[i], name)) values.push(valueOf(this.text, lines, i));
    } else {
      for (const [n, v] of this.list) if (sameName(n, name)) values.push(v);
    }
    return values;
  }

  /** In one pass, for each slot that `slots` maps a name to (the name as written, else lower-cased; -1: none), the
   *  first value of a field of that name, or for slot `nonEmpty` the first value that is not empty. A Map lookup a
   *  field: in the interpreter, which runs a scan's first few thousand records, cheaper than a comparison a name
   *  and slot; slots, not an object's keys, keep the result's shape the same whatever the order of the fields. */
  firstValues(slots: ReadonlyMap<string, number>, count: number, nonEmpty = -1): Array<string | undefined> {
    const found: Array<string | undefined> = new Array<string | undefined>(count).fill(undefined);
    const lines = this.inText();
    const list = lines ? null : this.list;
    const fields = lines ? lines.names.length : list!.length;
    for (let i = 0; i < fields; i++) {
      const name = lines ? lines.names[i] : list![i][0];
      const slot = slots.get(name) ?? slots.get(name.toLowerCase()) ?? -1;
      if (slot < 0 || (found[slot] !== undefined && !(slot === nonEmpty && found[slot] === ''))) continue;
      found[slot] = lines ? valueOf(this.text, lines, i) : list![i][1];
    }
    return found;
  }
}

/** The field lines of a header block: each field's name (trimmed) and the colon its value follows (to the end of its
 *  line: one number a field, not two, kept two arrays of a head within their first 16 slots), or its value itself
 *  when lines continue it (`joined`); `bad`, the first line that is no field. */
interface FieldLines {
  names: string[];
  colons: number[];
  joined?: Array<string | undefined>;
  bad?: string;
}

/** The field lines of `text` from `from` (the start of a line) on. Lines end in CRLF or a bare LF (tolerated: seen in
 *  hand-made files); a line that starts with SP or HT continues the previous value (WARC 1.0 section 5, "folded"
 *  lines as in RFC 2616 2.2). */
function fieldLines(text: string, from: number): FieldLines {
  const lines: FieldLines = { names: [], colons: [] };
  for (let start = from, pos: number; start < text.length; start = pos + 1) {
    pos = text.indexOf('\n', start);
    if (pos < 0) pos = text.length;
    let end = pos;
    while (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end === start) continue;
    const c = text.charCodeAt(start);
    const last = lines.names.length - 1;
    if ((c === 32 || c === 9) && last >= 0) {
      const value = valueOf(text, lines, last);
      const more = text.slice(start, end).trim();
      (lines.joined ??= [])[last] = value && more ? value + ' ' + more : value || more;
      continue;
    }
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end || colon === start) {
      lines.bad ??= text.slice(start, end);
      continue;
    }
    lines.names.push(trimmed(text, start, colon));
    lines.colons.push(colon);
  }
  return lines;
}

/** Field i's value: from its colon to its line's LF (or the text's end), trimmed, which takes the CRs before the LF. */
function valueOf(text: string, lines: FieldLines, i: number): string {
  const joined = lines.joined?.[i];
  if (joined !== undefined) return joined;
  const colon = lines.colons[i];
  const lf = text.indexOf('\n', colon);
  return trimmed(text, colon + 1, lf < 0 ? text.length : lf);
}

/** Result of parsing the lines of a header block (WARC or HTTP). `bad` is the first line that is neither a field nor a
 *  continuation; parsing goes on past it. */
export interface ParsedLines {
  firstLine: string;
  fields: Fields;
  bad?: string;
}

/** Splits a decoded header block (without the terminating blank line) into the first line and fields (fieldLines). */
export function parseHeaderLines(text: string): ParsedLines {
  const nl = firstLineEnd(text);
  const fields = Fields.of(text, nl + 1);
  return { firstLine: firstLineOf(text, nl), fields, bad: fields.bad };
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

/** text.slice(from, to).trim(), in one slice where the ends are ASCII (the white space around a name or value is):
 *  slicing and then trimming made two strings of each value. */
function trimmed(text: string, from: number, to: number): string {
  let c = text.charCodeAt(from);
  while (from < to && (c === 32 || (c >= 9 && c <= 13))) c = text.charCodeAt(++from);
  c = text.charCodeAt(to - 1);
  while (to > from && (c === 32 || (c >= 9 && c <= 13))) c = text.charCodeAt(--to - 1);
  const s = text.slice(from, to);
  // trim() also takes non-ASCII white space (NBSP, a latin1-decoded 0xA0 byte among them).
  return from < to && (text.charCodeAt(from) > 0x7f || c > 0x7f) ? s.trim() : s;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
/** A blank line as headText accepts one: LF, then up to two CRs, then LF. */
const BLANK_LINE = /\n\r?\r?\n/;

/** A header block from `from` through the blank line that ends it, decoded as latin1 (a character a byte, so its
 *  length is the block's), or null when `buf` holds no blank line. CRLF CRLF is the rule; LF LF and CR CR LF line ends
 *  are accepted because real files have them (webrecorder+pywb missing-status-text.warc ends every line in CR CR LF). */
export function headText(buf: Buffer, from = 0): string | null {
  // Most heads end at their first CRLF CRLF, found by one search and taken when no other blank line comes before it;
  // before the reader is compiled, a search a line cost many times more. The head's first blank line is found by one
  // RegExp search (three indexOf of each form cost three times as much, two of them reading the whole head).
  const crlf = buf.indexOf(CRLF_CRLF, from);
  if (crlf >= 0) {
    const head = buf.toString('latin1', from, crlf + 4);
    if (head.search(BLANK_LINE) === crlf + 1 - from) return head;
  }
  const end = blankLineEnd(buf, from);
  return end < 0 ? null : buf.toString('latin1', from, end);
}

/** Index just past the blank line that ends a header block starting at `from` (headText), or -1 if `buf` holds none. */
export function headerEnd(buf: Buffer, from = 0): number {
  const head = headText(buf, from);
  return head === null ? -1 : from + head.length;
}

/** headerEnd line by line: the first LF followed by LF, CR LF or CR CR LF. */
function blankLineEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(0x0a, from);
  while (i >= 0) {
    let j = i + 1;
    while (buf[j] === 0x0d && j < i + 3) j++;
    if (buf[j] === 0x0a) return j + 1;
    i = buf.indexOf(0x0a, j);
  }
  return -1;
}
