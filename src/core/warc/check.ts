// Validation of every record against WARC 1.1 (ISO 28500:2017) and of every gzip member's trailer. Reading problems
// (truncation, garbage, bad lengths) come from the reader itself; this adds what a reader may let pass.
import { digestMatches, parseDigest } from './digest.js';
import { ArchiveError, scanUntilChanged } from './errors.js';
import { inflateMember } from './gzip.js';
import { openArchive } from './index.js';
import { Record } from './record.js';
import { openSource } from './source.js';
import type { ArchiveRecord, ByteSource, SourceKind, WarcProblem, WarcProblemCode } from './types.js';

export interface CheckOptions {
  source?: SourceKind;
}

export interface CheckReport {
  records: number;
  /** In file order (by offset). */
  problems: WarcProblem[];
  /** The file is missing, empty or no archive at all: `problems` holds that one error. */
  unreadable: boolean;
}

/** Every problem in one archive. A file that is no archive at all yields its ArchiveError as the one problem. */
export function checkArchive(path: string, opts: CheckOptions = {}): CheckReport {
  const problems: WarcProblem[] = [];
  const onProblem = (p: WarcProblem) => void problems.push(p);
  let records = 0;
  let file;
  try {
    file = openArchive(path, { source: opts.source, onProblem });
  } catch (e) {
    if (e instanceof ArchiveError) return { records: 0, problems: [e.toProblem()], unreadable: true };
    throw e;
  }
  try {
    let first = true;
    scanUntilChanged(() => {
      for (const r of file.records()) {
        records++;
        if (r.format === 'warc') checkWarcRecord(r, onProblem);
        else if (first && r.type !== 'warcinfo')
          onProblem({ code: 'arc-bad-header', file: r.file, offset: r.offset, message: 'ARC file does not start with a filedesc:// record' });
        first = false;
      }
      if (file.compression !== 'none' && file.format !== 'wacz') {
        const src = openSource(path, opts.source);
        try {
          checkGzipMembers(src, 0, src.size, onProblem);
        } finally {
          src.close();
        }
      }
    }, onProblem);
  } finally {
    file.close();
  }
  return { records, problems: reportProblems(problems), unreadable: false };
}

/** The problems a pass reported, as the report gives them: in file order, and a problem reported twice in a row said
 *  once (the digest check and the decoding check may read the same bad chunking). */
export function reportProblems(reported: readonly WarcProblem[]): WarcProblem[] {
  const problems: WarcProblem[] = [];
  const same = (a: WarcProblem, b: WarcProblem | undefined) => b && a.code === b.code && a.offset === b.offset && a.message === b.message;
  for (const p of reported) if (!same(p, problems.at(-1))) problems.push(p);
  return problems.sort((a, b) => a.offset - b.offset);
}

/** Fields that WARC 1.1 section 5 allows once per record (WARC-Concurrent-To may repeat). */
const SINGLE = ['warc-record-id', 'content-length', 'warc-date', 'warc-type', 'content-type', 'warc-target-uri', 'warc-block-digest', 'warc-payload-digest', 'warc-ip-address', 'warc-refers-to', 'warc-truncated', 'warc-warcinfo-id', 'warc-filename', 'warc-profile', 'warc-identified-payload-type', 'warc-segment-number', 'warc-segment-origin-id', 'warc-segment-total-length'];
const NEEDS_URI = new Set(['response', 'request', 'revisit', 'resource', 'conversion', 'continuation']);
// WARC 1.1 5.4: W3C-ISO8601 in UTC; RFC 3339 5.6 lets 't' and 'z' be lower case (jwat valid-warcfile-upper-lower-case.warc).
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/i;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]*$/;
const BRACKETED_URI = /^<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+>$/;
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*(;.*)?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function checkWarcRecord(r: ArchiveRecord, report: (p: WarcProblem) => void): void {
  const problem = (code: WarcProblemCode, message: string) => report({ code, file: r.file, offset: r.offset, message });
  const h = r.headers;
  const type = r.type;

  // The names counted in one pass (a getAll a field of SINGLE compared every name eighteen times).
  const times = new Map<string, number>();
  for (const [name] of h.list) {
    const lower = name.toLowerCase();
    times.set(lower, (times.get(lower) ?? 0) + 1);
  }
  for (const name of SINGLE) {
    const n = times.get(name) ?? 0;
    if (n > 1) problem('warc-bad-field', `${name} appears ${n} times`);
  }
  // Content-Length is the reader's to report; the other mandatory fields (WARC 1.1 section 5.1):
  for (const name of ['WARC-Record-ID', 'WARC-Date', 'WARC-Type']) {
    if (!h.get(name)) problem('warc-missing-field', `${r.version} record without ${name}`);
  }
  const id = h.get('WARC-Record-ID');
  if (id && !BRACKETED_URI.test(id)) problem('warc-bad-field', `WARC-Record-ID "${id.slice(0, 60)}" is not a URI in angle brackets`);
  const date = h.get('WARC-Date');
  if (date && !DATE.test(date)) problem('warc-bad-field', `WARC-Date "${date.slice(0, 40)}" is not a UTC W3C-ISO8601 date`);
  const uri = r.targetUri;
  const rawUri = h.get('WARC-Target-URI');
  if (NEEDS_URI.has(type) && !uri) problem('warc-missing-field', `${type} record without WARC-Target-URI`);
  else if (rawUri?.startsWith('<'))
    // WARC 1.0's grammar put the URI in angle brackets by mistake; 1.1 section 5.3 says plain (wget wrote brackets).
    problem('warc-bad-field', `WARC-Target-URI "${rawUri.slice(0, 60)}" is in angle brackets`);
  else if (uri && !URI.test(uri)) problem('warc-bad-field', `WARC-Target-URI "${uri.slice(0, 60)}" is not a URI`);
  const ct = h.get('Content-Type');
  if (ct !== undefined && !MEDIA_TYPE.test(ct)) problem('warc-bad-field', `Content-Type "${ct.slice(0, 40)}" is not a media type`);
  // 5.6: Content-Type SHOULD be present on records with a block, except continuations; warcinfo's is application/warc-fields.
  if (ct === undefined && r.contentLength > 0 && type !== 'continuation')
    problem('warc-missing-field', `${type || 'untyped'} record with a block but no Content-Type`);
  if (type === 'warcinfo' && ct && !ct.toLowerCase().startsWith('application/warc-fields'))
    problem('warc-bad-field', `warcinfo Content-Type "${ct.slice(0, 40)}" should be application/warc-fields`);
  const ip = h.get('WARC-IP-Address');
  if (ip !== undefined && !IPV4.test(ip) && !(ip.includes(':') && /^[0-9A-Fa-f:.]+$/.test(ip)))
    problem('warc-bad-field', `WARC-IP-Address "${ip.slice(0, 40)}" is not an IP address`);
  for (const name of ['WARC-Concurrent-To', 'WARC-Refers-To', 'WARC-Warcinfo-ID', 'WARC-Segment-Origin-ID']) {
    for (const v of h.getAll(name)) if (!BRACKETED_URI.test(v)) problem('warc-bad-field', `${name} "${v.slice(0, 60)}" is not a URI in angle brackets`);
  }
  const seg = h.get('WARC-Segment-Number');
  if (type === 'continuation') {
    if (!h.get('WARC-Segment-Origin-ID')) problem('warc-missing-field', 'continuation record without WARC-Segment-Origin-ID');
    if (!seg) problem('warc-missing-field', 'continuation record without WARC-Segment-Number');
    else if (!/^\d+$/.test(seg) || Number(seg) < 2) problem('warc-bad-field', `continuation WARC-Segment-Number "${seg}" must be 2 or more`);
  } else if (seg !== undefined && seg !== '1') {
    problem('warc-bad-field', `WARC-Segment-Number "${seg.slice(0, 20)}" on a ${type} record must be 1`);
  }
  if (type === 'revisit' && !h.get('WARC-Profile')) problem('warc-missing-field', 'revisit record without WARC-Profile');

  // Content-Length against the bytes: the block must be followed by CRLF CRLF (section 4).
  if (r instanceof Record && r.contentLength >= 0) {
    const t = r.afterBlock(4);
    if (t.toString('latin1') !== '\r\n\r\n')
      problem('warc-bad-length', `the ${r.contentLength}-byte block is followed by "${JSON.stringify(t.toString('latin1')).slice(1, -1)}", not CRLF CRLF`);
  }
  checkDigests(r, problem);
  // Transfer and content decoding; its problems (http-bad-chunking, http-bad-encoding, decompression-bomb) go to the
  // reader's onProblem.
  if (r.http()) for (const _ of r.payloadPieces());
}

function checkDigests(r: ArchiveRecord, problem: (code: WarcProblemCode, message: string) => void): void {
  const bd = r.blockDigest;
  const pd = r.payloadDigest;
  if (bd !== undefined && !parseDigest(bd)) problem('warc-bad-field', `WARC-Block-Digest "${bd.slice(0, 60)}" is not algorithm:value`);
  if (pd !== undefined && !parseDigest(pd)) problem('warc-bad-field', `WARC-Payload-Digest "${pd.slice(0, 60)}" is not algorithm:value`);
  if (!bd && !pd) return;
  // Read in pieces: a record of any size is checked in flat memory.
  if (bd && digestMatches(bd, r.blockPieces()) === false) problem('warc-block-digest', `WARC-Block-Digest ${bd} does not match the block`);
  // A revisit's payload digest names the payload it did not store; a truncated record's cannot match.
  if (!pd || r.type === 'revisit' || r.headers.get('WARC-Truncated')) return;
  if (digestMatches(pd, r.payloadPieces('none'))) return;
  // Writers differ on whether the payload is taken before or after removing chunked transfer coding: accept both.
  const te = r.http()?.headers.get('transfer-encoding') ?? '';
  if (/chunked/i.test(te) && digestMatches(pd, r.payloadPieces('transfer'))) return;
  if (parseDigest(pd)) problem('warc-payload-digest', `WARC-Payload-Digest ${pd} does not match the payload`);
}

/** RFC 1952 2.3.1: the CRC32 of every member in [start, end) of `src`. */
export function checkGzipMembers(src: ByteSource, start: number, end: number, report: (p: WarcProblem) => void): void {
  let pos = start;
  while (pos < end) {
    const m = inflateMember(src, pos, end, { keep: 0, crc: true });
    if (!m.ok) return; // the reader has reported it already
    if (m.crc !== m.dataCrc) report({ code: 'gzip-corrupt', file: src.path, offset: pos, message: 'gzip member CRC32 does not match its data' });
    pos = m.end;
  }
}
