// The scanning loops: plain records in a window of a source, and per-record gzip members. Both report damage through
// the context and resynchronise; neither throws for bad data nor copies a block.
import { BufferSource } from './buffer-source.js';
import { escapeBytes } from './errors.js';
import { findGzipMagic, inflateMember, inflateMembers, KEEP, type Member } from './gzip.js';
import { InflatedSource } from './inflated-source.js';
import { final, isArcStart, isWarcStart, parseArcHead, parseWarcHead, type FinalHead, type Head } from './heads.js';
import { Record } from './record.js';
import type { ByteSource, WarcProblem, WarcProblemCode } from './types.js';

export interface ReadContext {
  file: string;
  onProblem?: (p: WarcProblem) => void;
}

type Format = 'warc' | 'arc';
const WINDOW = 64 * 1024;
const MAX_HEAD = 4 * 1024 * 1024;
const SCAN_CHUNK = 1024 * 1024;
const ARC_OVERLAP = 17 * 1024;

function report(ctx: ReadContext, code: WarcProblemCode, offset: number, message: string): void {
  ctx.onProblem?.({ code, file: ctx.file, offset, message });
}

const parserFor = (format: Format) => (format === 'warc' ? parseWarcHead : parseArcHead);

export function makeRecord(ctx: ReadContext, head: Head & { ok: true }, offset: number, length: number, source: ByteSource, blockStart: number): Record {
  const home = { source, start: blockStart, headerLength: head.headerLength };
  return head.format === 'warc'
    ? Record.warc(ctx.file, offset, length, head.version, head.fields, head.values ?? {}, head.contentLength, home, ctx.onProblem)
    : Record.arc(ctx.file, offset, length, head.fields, head.contentLength, home, ctx.onProblem);
}

function isBlank(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

function skipBlank(src: ByteSource, pos: number, end: number): number {
  while (pos < end) {
    const buf = src.read(pos, Math.min(256, end - pos));
    if (buf.length === 0) return end; // the source holds less than it said (a file cut under us): nothing more here
    let i = 0;
    while (i < buf.length && isBlank(buf[i])) i++;
    pos += i;
    if (i < buf.length) break;
  }
  return pos;
}

/** Next record start at or after `from`, at the start of a line; -1 if none. */
export function findRecordStart(src: ByteSource, from: number, end: number, format: Format): number {
  const overlap = format === 'warc' ? 6 : ARC_OVERLAP;
  for (let p = from; p < end; p += SCAN_CHUNK - overlap) {
    const buf = src.read(p, Math.min(SCAN_CHUNK, end - p));
    const last = p + buf.length >= end;
    // s: a candidate line start in buf. At `from` itself only if a line starts there.
    const atLineStart = p === from && (from === 0 || src.read(from - 1, 1)[0] === 0x0a);
    let s = atLineStart ? 0 : buf.indexOf(0x0a) + 1;
    while (s > 0 || atLineStart) {
      if (!last && s > buf.length - overlap) break;
      if (format === 'warc' ? isWarcStart(buf, s) : isArcStart(buf, s)) return p + s;
      s = buf.indexOf(0x0a, s) + 1;
      if (s === 0) break;
    }
    if (last) break;
  }
  return -1;
}

/** The bytes from `pos` a head is first looked for in: most heads are under 2 KB, and a positional-read source copies
 *  what it reads, so a small window there. */
function headWindow(src: ByteSource, pos: number, end: number): Buffer {
  return src.read(pos, headWant(src, end - pos));
}

const headWant = (src: ByteSource, avail: number) => Math.min(src.cheapRead >= WINDOW ? WINDOW : 8 * 1024, avail);

/** Parses the head at `pos` from `first` (headWindow's bytes), widening the window until the head is complete. */
function readHead(src: ByteSource, pos: number, end: number, format: Format, first = headWindow(src, pos, end)): FinalHead {
  const parse = parserFor(format);
  const avail = end - pos;
  let want = headWant(src, avail);
  let win = first;
  // A read that comes back short is the end of the data too (a source that holds less than it said).
  let head = parse(win, want === avail || win.length < want);
  while (!head.ok && head.more) {
    if (win.length >= MAX_HEAD)
      return { ok: false, more: false, code: 'warc-bad-header', message: `no end of header within ${MAX_HEAD} bytes` };
    want = Math.min(avail, want * 4);
    win = src.read(pos, want);
    head = parse(win, want === avail || win.length < want);
  }
  return final(head);
}

/** Records of an uncompressed WARC or ARC lying in [start, end) of `src`; offsets are offsets in `src`. */
/** What the scanners yield: a record, or null after a stretch read past without one (damage, a bomb, an empty member),
 *  where a caller that must stay responsive may give way (ArchiveFile.steps). */
export type Step = Record | null;

export function* scanPlain(src: ByteSource, start: number, end: number, format: Format, ctx: ReadContext): Generator<Step> {
  let pos = start;
  for (;;) {
    if (pos >= end) return;
    // One read a record where it can be: the head's window also shows whether blank lines come first and, for a
    // record of up to its size, the bytes after the block.
    const win = headWindow(src, pos, end);
    if (win.length === 0) return; // the source holds less than it said (a file cut under us): nothing more here
    if (isBlank(win[0])) {
      pos = skipBlank(src, pos, end);
      continue;
    }
    const head = readHead(src, pos, end, format, win);
    if (!head.ok) {
      report(ctx, head.code, pos, head.message);
      if (head.code === 'warc-truncated') return;
      const next = findRecordStart(src, pos + 1, end, format);
      if (next < 0) return;
      pos = next;
      yield null;
      continue;
    }
    if (head.warning) report(ctx, head.warning.code, pos, head.warning.message);
    const blockStart = pos + head.headerLength;
    if (head.contentLength < 0) {
      const found = findRecordStart(src, blockStart, end, format);
      const stop = found < 0 ? end : found;
      const contentLength = stop - trailingBlank(src, blockStart, stop) - blockStart;
      yield makeRecord(ctx, { ...head, contentLength }, pos, stop - pos, src, blockStart);
      if (found < 0) return;
      pos = found;
      continue;
    }
    const blockEnd = blockStart + head.contentLength;
    if (blockEnd > end) {
      report(ctx, 'warc-truncated', pos, `record declares a ${head.contentLength}-byte block; the data ends ${end - blockStart} bytes into it`);
      return;
    }
    const next = afterBlock(src, pos, blockStart, blockEnd, end, format, ctx, win);
    const record = next.blockEnd === blockEnd ? head : { ...head, contentLength: next.blockEnd - blockStart };
    yield makeRecord(ctx, record, pos, next.recordEnd - pos, src, blockStart);
    if (next.pos < 0) return;
    pos = next.pos;
  }
}

/** CR/LF bytes (at most 4: one record terminator) that end [from, to). */
function trailingBlank(src: ByteSource, from: number, to: number): number {
  const t = src.read(Math.max(from, to - 4), Math.min(4, to - from));
  let n = 0;
  while (n < t.length && isBlank(t[t.length - 1 - n])) n++;
  return n;
}

/** What follows a block should be CRLF CRLF for WARC (WARC 1.1 section 4), LF for ARC. Extra or missing CR/LF before
 *  the next record or the end is let pass here (check reports it: real writers do it, and no byte is lost). Anything
 *  else: if a record starts inside the declared block, Content-Length was too long; otherwise the bytes up to the next
 *  record are garbage. Either way, reading resumes at the next record start. */
function afterBlock(
  src: ByteSource,
  pos: number,
  blockStart: number,
  blockEnd: number,
  end: number,
  format: Format,
  ctx: ReadContext,
  near: Buffer,
): { pos: number; recordEnd: number; blockEnd: number } {
  const want = format === 'warc' ? 4 : 1;
  // `near` holds the bytes from `pos` on; past its end, they are read.
  const inNear = blockEnd - pos + want <= near.length;
  const t = inNear ? near : src.read(blockEnd, want);
  const at = inNear ? blockEnd - pos : 0;
  let i = 0;
  while (i < want && at + i < t.length && t[at + i] === (i % 2 === 0 && format === 'warc' ? 0x0d : 0x0a)) i++;
  if (i === want) return { pos: blockEnd + want, recordEnd: blockEnd + want, blockEnd };
  const rest = skipBlank(src, blockEnd, end);
  if (rest >= end) return { pos: end, recordEnd: end, blockEnd };
  if (format === 'arc' ? isArcStart(src.read(rest, ARC_OVERLAP), 0) : isWarcStart(src.read(rest, 8), 0))
    return { pos: rest, recordEnd: rest, blockEnd };
  const found = findRecordStart(src, blockStart, end, format);
  if (found >= 0 && found < blockEnd) {
    // The block is taken as it really is: up to the next record, less its terminator.
    report(ctx, 'warc-bad-length', pos, `Content-Length ${blockEnd - blockStart} runs into the next record, which starts at ${found}`);
    return { pos: found, recordEnd: found, blockEnd: found - trailingBlank(src, blockStart, found) };
  }
  const stop = found < 0 ? end : found;
  report(ctx, 'warc-garbage', rest, `${stop - rest} bytes after the record at ${pos} belong to no record: "${escapeBytes(src.read(rest, 40))}"`);
  return { pos: found, recordEnd: rest, blockEnd };
}

/** Reports a member that does not inflate and returns where the next member starts (-1: nowhere). Bytes that are no
 *  gzip at all are garbage (internetarchive+gowarc corrupted-trailing-bytes.warc.gz.open ends in plain text). */
export function reportBadMember(src: ByteSource, pos: number, end: number, m: Member & { ok: false }, ctx: ReadContext): number {
  if (m.code === 'gzip-truncated') {
    report(ctx, m.code, pos, m.message);
    return -1;
  }
  const next = findGzipMagic(src, m.resumeAt ?? pos + 1, end);
  const stop = next < 0 ? end : next;
  if (m.notGzip) report(ctx, 'warc-garbage', pos, `${stop - pos} bytes that are no gzip member: "${escapeBytes(src.read(pos, 40))}"`);
  else report(ctx, m.code, pos, m.message);
  return next;
}

function startsRecord(data: Buffer, format: Format): boolean {
  let i = 0;
  while (i < data.length && isBlank(data[i])) i++;
  return format === 'warc' ? isWarcStart(data, i) : isArcStart(data, i);
}

/** Gzip members read as one stream of inflated bytes (a record's head or block may go on in the next member; a
 *  single-member file is one stream). The bytes are kept in memory while they are at most `keep`; past that only the
 *  first `keep` are, and the rest is inflated again when read, so a record of any size costs flat memory. */
export class MemberRun {
  /** The compressed ranges read, in order (consecutive members share one). */
  private readonly ranges: Array<[start: number, end: number]> = [];
  size = 0;
  /** The stream's first bytes; all of them while `whole`. */
  prefix: Buffer = Buffer.alloc(0);
  whole = true;
  /** The stream's last (up to 4) bytes: where a record's terminator is looked for. */
  tail: Buffer = Buffer.alloc(0);

  constructor(private readonly keep = KEEP) {}

  /** Adds what the member(s) at [start, end) inflate to (a cut member: what it held before the cut). */
  add(m: { data: Buffer; size: number; tail: Buffer }, start: number, end: number): this {
    if (this.whole) {
      const room = this.keep - this.prefix.length;
      this.prefix = this.prefix.length === 0 ? m.data.subarray(0, room) : Buffer.concat([this.prefix, m.data.subarray(0, room)]);
      this.whole = m.data.length === m.size && m.size <= room;
    }
    this.size += m.size;
    this.tail = Buffer.concat([this.tail, m.tail]).subarray(-4);
    const last = this.ranges.at(-1);
    if (last && last[1] === start) last[1] = end;
    else this.ranges.push([start, end]);
    return this;
  }

  get end(): number {
    return this.ranges.at(-1)?.[1] ?? 0;
  }

  /** Blank bytes (CR/LF, at most 4) that end the stream, not reaching back before `from`. */
  trailingBlank(from: number): number {
    let n = 0;
    while (n < this.tail.length && this.size - n > from && isBlank(this.tail[this.tail.length - 1 - n])) n++;
    return n;
  }

  source(src: ByteSource, file: string): ByteSource {
    if (this.whole) return new BufferSource(file, this.prefix);
    const ranges = this.ranges.map(([a, b]) => [a, b] as const);
    return new InflatedSource(file, this.size, this.prefix, function* () {
      for (const [a, b] of ranges) yield* inflateMembers(src, a, b);
    });
  }
}

/** Records of a per-record gzip file in [start, end). A record's (offset, length) cover the member(s) holding it. */
export function* scanMembers(src: ByteSource, start: number, end: number, format: Format, ctx: ReadContext): Generator<Step> {
  const parse = parserFor(format);
  let pos = start;
  while (pos < end) {
    const m = inflateMember(src, pos, end);
    if (!m.ok) {
      const next = reportBadMember(src, pos, end, m, ctx);
      if (next < 0) return;
      pos = next;
      yield null;
      continue;
    }
    if (m.isize !== m.size % 2 ** 32)
      report(ctx, 'gzip-corrupt', pos, `gzip trailer says ${m.isize} bytes, the member inflates to ${m.size}`);
    const run = new MemberRun().add(m, pos, m.end);
    let off = 0;
    while (off < m.data.length && isBlank(m.data[off])) off++;
    if (off === m.size) {
      pos = m.end; // an empty member, or one holding only the previous record's CRLF CRLF
      yield null;
      continue;
    }
    const headOf = (atEof: boolean): Head =>
      !run.whole && off >= run.prefix.length - MAX_HEAD && !atEof
        ? { ok: false, more: false, code: 'warc-bad-header', message: `no end of header within ${MAX_HEAD} bytes` }
        : parse(run.prefix.subarray(off), atEof);
    let head = headOf(false);
    // A head or block may go on in the next members (webrecorder+warcio example-wrong-chunks.warc.gz splits a response
    // after its HTTP headers): append members until the record is whole.
    while ((!head.ok && head.more) || (head.ok && off + head.headerLength + Math.max(0, head.contentLength) > run.size)) {
      const n = run.end < end ? inflateMember(src, run.end, end) : null;
      // A member that opens with a record is no continuation: this record's Content-Length is wrong instead.
      if (n?.ok && startsRecord(n.data, format)) break;
      if (!n || !n.ok) {
        if (n?.partial) run.add(n.partial, run.end, end);
        if (n && n.code !== 'gzip-truncated') report(ctx, n.code, run.end, n.message);
        if (!head.ok) head = headOf(true);
        break;
      }
      run.add(n, run.end, n.end);
      if (!head.ok) head = headOf(false);
    }
    const memberEnd = run.end;
    if (!head.ok) {
      const bad = final(head) as FinalHead & { ok: false };
      report(ctx, bad.code, pos, bad.message);
      pos = memberEnd;
      yield null;
      continue;
    }
    if (head.warning) report(ctx, head.warning.code, pos, head.warning.message);
    const blockStart = off + head.headerLength;
    if (head.contentLength < 0) head = { ...head, contentLength: run.size - run.trailingBlank(blockStart) - blockStart };
    if (blockStart + head.contentLength > run.size) {
      const held = run.size - blockStart;
      if (memberEnd >= end) {
        report(ctx, 'warc-truncated', pos, `record declares a ${head.contentLength}-byte block; the data ends ${held} bytes into it`);
        pos = memberEnd;
        yield null;
        continue;
      }
      // Content-Length too long, and the next member holds the next record: take the block as the member has it.
      report(ctx, 'warc-bad-length', pos, `Content-Length ${head.contentLength} is more than the ${held} bytes its gzip member holds`);
      head = { ...head, contentLength: run.size - run.trailingBlank(blockStart) - blockStart };
    }
    const inflated = run.source(src, ctx.file);
    yield makeRecord(ctx, head, pos, memberEnd - pos, inflated, blockStart);
    // More records in the same member: a file that mixes the layouts. They are read, but share the member's address.
    let rest = blockStart + head.contentLength;
    // Only the record's terminator left (the usual case): known from the run's tail, without reading back into it.
    if (run.trailingBlank(rest) === run.size - rest) rest = run.size;
    while (rest < run.size) {
      rest = skipBlank(inflated, rest, run.size);
      if (rest >= run.size) break;
      const h = readHead(inflated, rest, run.size, format);
      if (!h.ok || h.contentLength < 0 || rest + h.headerLength + h.contentLength > run.size) {
        report(ctx, h.ok ? 'warc-truncated' : h.code, pos, `inside the gzip member: ${h.ok ? 'record cut short' : h.message}`);
        break;
      }
      yield makeRecord(ctx, h, pos, memberEnd - pos, inflated, rest + h.headerLength);
      rest += h.headerLength + h.contentLength;
    }
    pos = memberEnd;
  }
}
