// Record heads: the WARC header block and the ARC URL-record line. Both parse from a Buffer that starts at the record,
// and say whether they need more bytes, so one scanning loop serves plain files, inflated gzip members and ARC.
import { escapeBytes, quoteBytes } from './errors.js';
import { Fields, firstLineEnd, firstLineOf, headText } from './headers.js';
import type { WarcProblemCode } from './types.js';

export type Head =
  | {
      ok: true;
      format: 'warc' | 'arc';
      version: string;
      fields: Fields;
      headerLength: number;
      /** -1: unknown (missing or malformed Content-Length); the scanner infers it. */
      contentLength: number;
      /** A fault that did not stop the record from being read (a malformed field line, an ARC dash). */
      warning?: { code: WarcProblemCode; message: string };
      /** Of a WARC head: the fields every reader asks for. */
      values?: WarcValues;
    }
  | { ok: false; more: true }
  | { ok: false; more: false; code: WarcProblemCode; message: string };

/** The fields of a WARC head that a record copies out (Record.warc) and the scanner needs (Content-Length): the first
 *  of each name, but the first WARC-Type that is not empty. */
export interface WarcValues {
  type?: string;
  targetUri?: string;
  date?: string;
  recordId?: string;
  contentType?: string;
  contentLength?: string;
  payloadDigest?: string;
  blockDigest?: string;
  refersToUri?: string;
  refersToDate?: string;
}

/** The names of WarcValues' fields in their order (its slots), and WARC 1.1's other field names (section 5). */
const KEPT = ['WARC-Type', 'WARC-Target-URI', 'WARC-Date', 'WARC-Record-ID', 'Content-Type', 'Content-Length',
  'WARC-Payload-Digest', 'WARC-Block-Digest', 'WARC-Refers-To-Target-URI', 'WARC-Refers-To-Date'];
const OTHERS = ['WARC-Concurrent-To', 'WARC-IP-Address', 'WARC-Refers-To', 'WARC-Truncated', 'WARC-Warcinfo-ID', 'WARC-Filename',
  'WARC-Profile', 'WARC-Identified-Payload-Type', 'WARC-Segment-Number', 'WARC-Segment-Origin-ID', 'WARC-Segment-Total-Length'];

/** Each name in the spec's spelling and in lower case to its slot (-1: not kept): a name is lower-cased only when
 *  written otherwise, and a lower-cased copy of every name was garbage. */
const SLOT_OF = new Map<string, number>(
  [...KEPT.map((name, slot) => [name, slot] as const), ...OTHERS.map((name) => [name, -1] as const)]
    .flatMap(([name, slot]) => [[name, slot], [name.toLowerCase(), slot]] as const),
);

function warcValues(fields: Fields): WarcValues {
  const v = fields.firstValues(SLOT_OF, KEPT.length, 0);
  return { type: v[0], targetUri: v[1], date: v[2], recordId: v[3], contentType: v[4], contentLength: v[5],
    payloadDigest: v[6], blockDigest: v[7], refersToUri: v[8], refersToDate: v[9] };
}

export type FinalHead = Exclude<Head, { more: true }>;

/** A head parsed with all the data there is: 'need more' becomes truncation. */
export function final(h: Head): FinalHead {
  return h.ok || !h.more ? h : { ok: false, more: false, code: 'warc-truncated', message: 'data ends inside a record header' };
}

const NEED_MORE: Head = { ok: false, more: true };
const VERSION = /^WARC\/\d+\.\d+$/i;

/** 'WARC/' and a digit; the letters in either case (jwat's valid-warcfile-upper-lower-case.warc writes 'warc/1.0'). */
export function isWarcStart(buf: Buffer, i: number): boolean {
  return (
    (buf[i] | 0x20) === 0x77 &&
    (buf[i + 1] | 0x20) === 0x61 &&
    (buf[i + 2] | 0x20) === 0x72 &&
    (buf[i + 3] | 0x20) === 0x63 &&
    buf[i + 4] === 0x2f &&
    buf[i + 5] >= 0x30 &&
    buf[i + 5] <= 0x39
  );
}

/** `buf` starts at a record; `atEof` says whether it reaches the end of the data. */
export function parseWarcHead(buf: Buffer, atEof: boolean): Head {
  if (!isWarcStart(buf, 0)) {
    if (atEof && buf.length < 6 && 'WARC/1'.startsWith(buf.toString('latin1')))
      return { ok: false, more: false, code: 'warc-truncated', message: 'file ends inside a WARC version line' };
    return { ok: false, more: false, code: 'warc-garbage', message: `not a record: ${quoteBytes(buf)}` };
  }
  const latin1 = headText(buf);
  if (latin1 === null) {
    if (!atEof) return NEED_MORE;
    return {
      ok: false,
      more: false,
      code: 'warc-truncated',
      message: `file ends inside a record header (${buf.length} bytes, no blank line): "${escapeBytes(buf)}"`,
    };
  }
  // WARC 1.1 section 4: header values are UTF-8; a head of ASCII (most are) reads the same in latin1. A latin1 text is
  // ASCII when its UTF-8 takes a byte a character (a fifth of the cost of isAscii over a new view of the bytes).
  const end = latin1.length;
  const text = Buffer.byteLength(latin1, 'utf8') === end ? latin1 : buf.toString('utf8', 0, end);
  const nl = firstLineEnd(text);
  const fields = Fields.of(text, nl + 1);
  const version = firstLineOf(text, nl).trim().toUpperCase();
  if (!VERSION.test(version))
    return { ok: false, more: false, code: 'warc-bad-header', message: `bad version line "${escapeBytes(buf)}"` };
  const values = warcValues(fields);
  const cl = values.contentLength;
  // Without a usable Content-Length the block cannot be delimited by it: contentLength -1 tells the scanner to end
  // the block where the next record starts (jwat's invalid-warcfile-lonely-*.warc and -fields-*.warc are such).
  if (cl === undefined || !/^\d+$/.test(cl) || !Number.isSafeInteger(Number(cl)))
    return {
      ok: true, format: 'warc', version, fields, values, headerLength: end, contentLength: -1,
      warning: cl === undefined
        ? { code: 'warc-missing-field', message: `${version} record without Content-Length; block taken up to the next record` }
        : { code: 'warc-bad-length', message: `Content-Length "${cl.slice(0, 40)}" is not a number; block taken up to the next record` },
    };
  const head: Head = { ok: true, format: 'warc', version, fields, values, headerLength: end, contentLength: Number(cl) };
  const bad = fields.bad;
  if (bad !== undefined)
    head.warning = { code: 'warc-bad-header', message: `header line without a colon: "${bad.slice(0, 40)}"` };
  return head;
}

const ARC_LINE_MAX = 16 * 1024;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** ARC 1.0 (v1: `URL IP-address Archive-date Content-type Archive-length`) and v2 (`URL IP date mime result-code
 *  checksum location offset filename length`). A URL containing spaces (webrecorder+warcio example-space-in-url.arc)
 *  is recovered by reading the last fields from the right. `-` stands for an unknown value (jwat's
 *  test-arc-1.0-dashed-fields.arc) and is accepted with a warning, except for the length. */
export function parseArcHead(buf: Buffer, atEof: boolean): Head {
  const nl = buf.indexOf(0x0a);
  if (nl < 0) {
    if (!atEof && buf.length < ARC_LINE_MAX) return NEED_MORE;
    return atEof
      ? { ok: false, more: false, code: 'warc-truncated', message: `file ends inside an ARC header line "${escapeBytes(buf)}"` }
      : { ok: false, more: false, code: 'arc-bad-header', message: `ARC header line too long "${escapeBytes(buf)}"` };
  }
  const line = buf.toString('latin1', 0, nl).replace(/\r$/, '');
  const parts = line.split(' ').filter((p) => p !== '');
  const bad = (why: string): Head => ({
    ok: false,
    more: false,
    code: 'arc-bad-header',
    message: `${why}: "${escapeBytes(buf, 0, Math.min(nl, 80))}"`,
  });
  if (parts.length < 5 || !SCHEME.test(parts[0])) return bad('not an ARC URL-record line');
  let names: string[];
  let values: string[];
  if (parts.length === 10 && /^(\d{3}|-)$/.test(parts[4]) && /^\d+$/.test(parts[9])) {
    names = ['URL', 'IP-address', 'Archive-date', 'Content-type', 'Result-code', 'Checksum', 'Location', 'Offset', 'Filename', 'Archive-length'];
    values = parts;
  } else {
    names = ['URL', 'IP-address', 'Archive-date', 'Content-type', 'Archive-length'];
    values = [parts.slice(0, -4).join(' '), ...parts.slice(-4)];
  }
  const length = values[values.length - 1];
  if (!/^\d+$/.test(length)) return bad(`Archive-length "${length}" is not a number`);
  const date = values[2];
  let warning: { code: WarcProblemCode; message: string } | undefined;
  if (date === '-' || values[1] === '-' || values[3] === '-')
    warning = { code: 'arc-bad-header', message: `dashed (unknown) fields in "${line.slice(0, 80)}"` };
  else if (!/^\d{14}$/.test(date)) return bad(`Archive-date "${date}" is not 14 digits`);
  const fields = new Fields(names.map((n, i) => [n, values[i]] as [string, string]));
  return { ok: true, format: 'arc', version: 'ARC/1', fields, headerLength: nl + 1, contentLength: Number(length), warning };
}

/** Does a line starting at buf[i] look like an ARC URL-record line? Used to resynchronise after damage. */
export function isArcStart(buf: Buffer, i: number): boolean {
  const nl = buf.indexOf(0x0a, i);
  const end = nl < 0 ? Math.min(buf.length, i + ARC_LINE_MAX) : nl;
  if (end - i > ARC_LINE_MAX || end - i < 10) return false;
  const h = parseArcHead(buf.subarray(i, end + 1), true);
  return h.ok;
}
