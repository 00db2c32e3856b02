// One WARC or ARC archive in a window of a byte source, whatever its compression: the format sniffed, records read
// in order or one at an offset. openArchive (index.ts) and the WACZ reader (wacz.ts) both open archives through it.
import { ArchiveError } from './errors.js';
import { inflateMember, isGzipMagic } from './gzip.js';
import { parseArcHead, parseWarcHead } from './heads.js';
import { describeContent } from './magic.js';
import { sniffPlain } from './sniff.js';
import { MemberRun, reportBadMember, scanMembers, scanPlain, type ReadContext, type Step } from './reader.js';
import type { ArchiveFile, ArchiveFormat, ArchiveRecord, ByteSource, Compression, OpenOptions, WarcProblem } from './types.js';

export interface SourceWindowOptions extends OpenOptions {
  start?: number;
  end?: number;
  /** The name problems and records carry (e.g. 'x.wacz#archive/data.warc'); default: the source's path. */
  file?: string;
}

/** Reads an archive lying in [start, end) of `source` (a WARC stored uncompressed inside a zip, say). Offsets stay
 *  relative to the whole source. The source stays open: its owner closes it. */
export function openArchiveSource(source: ByteSource, opts: SourceWindowOptions = {}): ArchiveFile {
  const start = opts.start ?? 0;
  const end = Math.min(opts.end ?? source.size, source.size);
  return new Archive(source, start, end, opts, opts.file ?? source.path, false);
}

/** A single-member gzip's stream is kept in memory up to this size (readRecord is then O(1)); a larger one is inflated
 *  again from the start for a read more than 8 MB behind the furthest one (InflatedSource), so that memory stays flat. */
const STREAM_KEEP = 64 * 1024 * 1024;

/** An archive in [start, end) of its source; closes the source when it owns it. */
export class Archive implements ArchiveFile {
  readonly format: ArchiveFormat;
  readonly compression: Compression;
  readonly randomAccess: 'direct' | 'sequential';
  readonly size: number;
  private readonly ctx: ReadContext;
  private inflated: ByteSource | null = null;

  constructor(
    private readonly source: ByteSource,
    private readonly start: number,
    private readonly end: number,
    opts: OpenOptions,
    readonly path: string,
    private readonly ownsSource: boolean,
  ) {
    this.ctx = { file: path, onProblem: opts.onProblem };
    this.size = end - start;
    if (this.size <= 0) throw new ArchiveError('empty-file', path, start, 'no bytes to read');
    const first = source.read(start, Math.min(64 * 1024, this.size));
    if (isGzipMagic(first)) {
      const sniff = sniffGzip(source, start, end);
      if (!sniff) throw new ArchiveError('not-an-archive', path, start, 'gzip data that holds no WARC or ARC');
      this.format = sniff.format;
      this.compression = sniff.single ? 'gzip-single' : 'gzip-members';
    } else {
      const format = sniffPlain(first);
      if (!format) throw new ArchiveError('not-an-archive', path, start, `${describeContent(first)}, not an archive (WARC, ARC or WACZ)`);
      this.format = format;
      this.compression = 'none';
    }
    this.randomAccess = this.compression === 'gzip-single' ? 'sequential' : 'direct';
  }

  *records(): Generator<ArchiveRecord> {
    for (const r of this.steps()) if (r) yield r;
  }

  steps(): Iterable<ArchiveRecord | null> {
    return this.scan(this.start, this.end, this.ctx);
  }

  readRecord(offset: number, length: number): ArchiveRecord {
    const problems: WarcProblem[] = [];
    const user = this.ctx.onProblem;
    const ctx: ReadContext = {
      file: this.path,
      onProblem: (p) => {
        problems.push(p);
        user?.(p);
      },
    };
    const limit = this.compression === 'gzip-single' ? this.stream().size : this.end;
    if (offset < (this.compression === 'gzip-single' ? 0 : this.start) || length <= 0 || offset + length > limit)
      throw new ArchiveError('warc-bad-length', this.path, offset, `no record at ${offset}+${length}: outside the data`);
    // Scanning stops at the first record: only its bytes are touched, unless its Content-Length is wrong and the
    // scanner has to look for where it really ends (as records() did).
    for (const r of this.scan(offset, limit, ctx)) if (r) return r;
    const p = problems[0];
    throw new ArchiveError(p?.code ?? 'warc-bad-header', this.path, offset, p?.message ?? 'no record here');
  }

  storedBytes(offset: number, length: number): { gzip: boolean; pieces: Iterable<Buffer> } {
    const single = this.compression === 'gzip-single';
    const source = single ? this.stream() : this.source;
    if (offset < (single ? 0 : this.start) || length <= 0 || offset + length > (single ? source.size : this.end))
      throw new ArchiveError('warc-bad-length', this.path, offset, `no record at ${offset}+${length}: outside the data`);
    return { gzip: this.compression === 'gzip-members', pieces: pieces(source, offset, length) };
  }

  close(): void {
    this.inflated = null;
    if (this.ownsSource) this.source.close();
  }

  private scan(from: number, to: number, ctx: ReadContext): Generator<Step> {
    const format = this.format === 'arc' ? 'arc' : 'warc';
    if (this.compression === 'gzip-members') return scanMembers(this.source, from, to, format, ctx);
    if (this.compression === 'gzip-single') {
      const stream = this.stream();
      return from === this.start && to === this.end ? scanPlain(stream, 0, stream.size, format, ctx) : scanPlain(stream, from, to, format, ctx);
    }
    return scanPlain(this.source, from, to, format, ctx);
  }

  /** A single-member gzip: deflate streams cannot be entered in the middle without the window before, and Node exposes
   *  no inflatePrime for the bit offsets where deflate blocks start, so the stream is inflated once (kept up to
   *  STREAM_KEEP), and its records addressed by uncompressed offset. */
  private stream(): ByteSource {
    if (this.inflated) return this.inflated;
    const run = new MemberRun(STREAM_KEEP);
    let pos = this.start;
    while (pos < this.end) {
      const m = inflateMember(this.source, pos, this.end, { keep: STREAM_KEEP });
      if (m.ok) {
        run.add(m, pos, m.end);
        pos = m.end;
        continue;
      }
      if (m.partial) run.add(m.partial, pos, this.end);
      const next = reportBadMember(this.source, pos, this.end, m, this.ctx);
      if (next < 0) break;
      pos = next;
    }
    this.inflated = run.source(this.source, this.path);
    return this.inflated;
  }
}

/** Bytes [offset, offset + length) of a source a piece at a time, as the source gives them (a view of a mapping is
 *  not copied: valid while the archive is open). */
function* pieces(source: ByteSource, offset: number, length: number): Generator<Buffer> {
  const PIECE = 1024 * 1024;
  for (let at = offset; at < offset + length; at += PIECE) yield source.read(at, Math.min(PIECE, offset + length - at));
}

/** Inflates the first member: its text says WARC or ARC, and whether it holds more than one record says whether the
 *  file is one gzip member per record or a whole archive gzipped at once. */
function sniffGzip(source: ByteSource, start: number, end: number): { format: 'warc' | 'arc'; single: boolean } | null {
  const m = inflateMember(source, start, end);
  const data = m.ok ? m.data : m.partial?.data;
  if (!data) return m.ok ? null : { format: 'warc', single: false }; // damaged at once: let records() report it
  if (data.length === 0) return { format: 'warc', single: false }; // an empty gzip: an archive with no records
  // A first member cut short may not show its format yet: call it WARC and let records() report the truncation.
  const format = sniffPlain(data.subarray(0, 64 * 1024)) ?? (m.ok ? null : 'warc');
  if (!format) return null;
  let off = 0;
  while (off < data.length && (data[off] === 0x0d || data[off] === 0x0a)) off++;
  const head = (format === 'warc' ? parseWarcHead : parseArcHead)(data.subarray(off), true);
  if (!head.ok) return { format, single: false };
  let rest = off + head.headerLength + head.contentLength;
  while (rest < data.length && (data[rest] === 0x0d || data[rest] === 0x0a)) rest++;
  const { size, tail } = m.ok ? m : m.partial!;
  // Past the bytes kept of a large member only its last ones are known: the record's terminator there ends it.
  if (rest >= data.length && size - rest <= tail.length && tail.subarray(tail.length - (size - rest)).every((c) => c === 0x0d || c === 0x0a)) rest = size;
  return { format, single: rest < size };
}
