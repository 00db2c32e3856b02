import type { HeaderFields } from './types.js';

/** Header fields in file order; lookups compare names case-insensitively (WARC 1.1 section 4, RFC 9110 5.1). */
export class Fields implements HeaderFields {
  constructor(readonly list: Array<[string, string]> = []) {}

  get(name: string): string | undefined {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const n = list[i][0];
      if (n.length === name.length && (n === name || n.toLowerCase() === name.toLowerCase())) return list[i][1];
    }
    return undefined;
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.list.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
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
  const list: Array<[string, string]> = [];
  let bad: string | undefined;
  let pos = text.indexOf('\n');
  const firstLine = (pos < 0 ? text : text.slice(0, pos)).replace(/\r+$/, '');
  while (pos >= 0 && pos < text.length) {
    const start = pos + 1;
    pos = text.indexOf('\n', start);
    let end = pos < 0 ? text.length : pos;
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
    list.push([text.slice(start, colon).trim(), text.slice(colon + 1, end).trim()]);
  }
  return { firstLine, fields: new Fields(list), bad };
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
