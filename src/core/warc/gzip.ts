// Gzip members (RFC 1952), inflated one at a time with Node's zlib, in bounded memory.
import { crc32, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { ByteSource } from './types.js';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

export function isGzipMagic(buf: Buffer, i = 0): boolean {
  return buf[i] === 0x1f && buf[i + 1] === 0x8b && buf[i + 2] === 0x08;
}

/** Length of the member header at buf[0] (RFC 1952 2.3.1, with FEXTRA/FNAME/FCOMMENT/FHCRC); -1 if `buf` ends
 *  inside it, -2 if it is no gzip header. */
export function gzipHeaderLength(buf: Buffer): number {
  if (buf.length < 10) return buf.length === 0 || isGzipMagicPrefix(buf) ? -1 : -2;
  if (!isGzipMagic(buf)) return -2;
  const flags = buf[3];
  if (flags & 0xe0) return -2; // reserved bits must be zero
  let p = 10;
  if (flags & FEXTRA) {
    if (p + 2 > buf.length) return -1;
    p += 2 + buf.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const z = buf.indexOf(0, p);
    if (z < 0) return -1;
    p = z + 1;
  }
  if (flags & FHCRC) p += 2;
  return p > buf.length ? -1 : p;
}

function isGzipMagicPrefix(buf: Buffer): boolean {
  const magic = [0x1f, 0x8b, 0x08];
  for (let i = 0; i < Math.min(3, buf.length); i++) if (buf[i] !== magic[i]) return false;
  return true;
}

/** A member or zip entry may inflate past this only at a believable ratio (see isBomb). */
export const BOMB_FLOOR = 64 * 1024 * 1024;
/** Deflate cannot do much better than 1032:1; real data, even runs of zeros inside a record, stays far below this. */
export const BOMB_RATIO = 1000;

/** Past BOMB_FLOOR bytes out, more than BOMB_RATIO bytes out for each byte in: a decompression bomb. */
export function isBomb(bytesIn: number, bytesOut: number): boolean {
  return bytesOut > BOMB_FLOOR && bytesOut > BOMB_RATIO * Math.max(1, bytesIn);
}

export function bombMessage(what: string, bytesIn: number, bytesOut: number): string {
  return `${what} inflates past ${bytesOut} bytes from ${bytesIn} (more than ${BOMB_RATIO}:1): a decompression bomb, not read further`;
}

interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number) => void;
  reset(): void;
  close(): void;
}

export type Coding = 'deflate-raw' | 'zlib' | 'gzip' | 'br';

const OUT_CHUNK = 256 * 1024;

/**
 * A decoder fed synchronously, piece by piece, with bounded output per step. Node offers whole-buffer sync calls
 * (which hold the whole output: a 3 MB bomb becomes 3 GB) or asynchronous streams (the reader's API is synchronous);
 * so this drives the zlib binding's handle the way zlib.inflateRawSync does inside (lib/zlib.js processChunkSync),
 * one output chunk at a time, and keeps the handle open between pieces (minizlib, which tar uses, does the same).
 */
export class Decoder {
  private readonly stream: ReturnType<typeof createInflateRaw>;
  private readonly handle: NativeHandle;
  private readonly state: Uint32Array;
  private readonly flush: number;
  private readonly finishFlush: number;
  private readonly out = Buffer.allocUnsafe(OUT_CHUNK);
  private error: string | null = null;
  /** Input bytes taken and output bytes given so far. */
  bytesIn = 0;
  bytesOut = 0;
  used = 0;
  more = false;
  ended = false;

  constructor(private readonly coding: Coding) {
    const s =
      coding === 'deflate-raw' ? createInflateRaw() : coding === 'zlib' ? createInflate() : coding === 'gzip' ? createGunzip() : createBrotliDecompress();
    const internals = s as unknown as { _handle: NativeHandle; _writeState: Uint32Array; _defaultFlushFlag: number; _finishFlushFlag: number };
    this.stream = s as ReturnType<typeof createInflateRaw>;
    this.handle = internals._handle;
    this.state = internals._writeState;
    this.flush = internals._defaultFlushFlag;
    this.finishFlush = internals._finishFlushFlag;
    this.handle.onerror = (message) => {
      this.error = message;
    };
  }

  /** One step: decodes from input[off..] into at most 256 KiB, returned as a view of a reused buffer (copy what you
   *  keep). Afterwards `used` says how much input it took; `more` that the output filled up, so call again (with the
   *  input left, which may be none) before feeding more; `ended` that the compressed stream is complete. Throws on
   *  corrupt data. */
  step(input: Uint8Array, off = 0, flush = this.flush): Buffer {
    const left = input.length - off;
    this.handle.writeSync(flush, input, off, left, this.out, 0, OUT_CHUNK);
    if (this.error !== null) throw new Error(this.error);
    const outLeft = this.state[0];
    const inLeft = this.state[1];
    this.used = left - inLeft;
    this.bytesIn += this.used;
    this.bytesOut += OUT_CHUNK - outLeft;
    this.more = outLeft === 0;
    // Room left in the output and input left over: the stream ended before its input did.
    if (outLeft > 0 && inLeft > 0) this.ended = true;
    return this.out.subarray(0, OUT_CHUNK - outLeft);
  }

  /** Every output piece of `input` (views of a reused buffer), up to where the stream ends; `used` is then the
   *  input taken from `input`. */
  *pieces(input: Uint8Array): Generator<Buffer> {
    let off = 0;
    do {
      const out = this.step(input, off);
      off += this.used;
      if (out.length > 0) yield out;
    } while (!this.ended && (this.more || off < input.length));
    this.used = off;
  }

  /** The output still held once all input is in; throws ('unexpected end of file') when the stream is incomplete. */
  *finish(): Generator<Buffer> {
    const none = Buffer.alloc(0);
    do {
      const out = this.step(none, 0, this.finishFlush);
      if (out.length > 0) yield out;
    } while (this.more);
  }

  /** A decoder of `coding` that ended cleanly before (see release), or a new one. Building one costs a Transform
   *  stream, a native handle and a 256 KiB output buffer: per gzip member of a per-record-gzip WARC, that was a tenth
   *  of a scan's time; and a thread ended while it builds one aborts the process (src/core/threads.ts). */
  static take(coding: Coding): Decoder {
    return idle[coding].pop() ?? new Decoder(coding);
  }

  /** Done with it: a decoder whose stream ended cleanly is reset and kept for the next take() (a few per coding),
   *  any other is closed. The pieces it gave are overwritten by its next user. */
  release(): void {
    const pool = idle[this.coding];
    if (this.closed || this.error !== null || !this.ended || pool.length >= IDLE_PER_CODING) return this.close();
    this.handle.reset();
    if (this.error !== null) return this.close();
    this.bytesIn = this.bytesOut = this.used = 0;
    this.more = this.ended = false;
    pool.push(this);
  }

  close(): void {
    // The native handle is closed here and now, as zlib's own close does inside, rather than by stream.close(): that
    // destroys the stream on the next tick, so a synchronous scan that never yields (the CLI's commands, the fuzz
    // driver) held every member's closed decoder to its end (a cut gzip file's 6 members, scanned 400 times: 55 MB).
    if (this.closed) return;
    this.closed = true;
    this.handle.close();
    (this.stream as unknown as { _handle: NativeHandle | null })._handle = null;
  }

  private closed = false;
}

/** Decoders released clean, per coding, for take(); per thread, as modules are. */
const IDLE_PER_CODING = 4;
const idle: Record<Coding, Decoder[]> = { 'deflate-raw': [], zlib: [], gzip: [], br: [] };

export type Member =
  | {
      ok: true;
      /** The inflated bytes when there are at most `keep` of them; else their first `keep` bytes (see `size`). */
      data: Buffer;
      /** All the inflated bytes (data.length unless the member was larger than `keep`). */
      size: number;
      /** The last (up to 4) inflated bytes, wherever data stops. */
      tail: Buffer;
      end: number;
      headerLength: number;
      crc: number;
      isize: number;
      /** CRC-32 of the inflated bytes, when asked for. */
      dataCrc?: number;
    }
  | {
      ok: false;
      code: 'gzip-truncated' | 'gzip-corrupt' | 'decompression-bomb';
      message: string;
      /** What a cut member inflates to before the cut (its first `keep` bytes, all it holds, its last bytes). */
      partial?: { data: Buffer; size: number; tail: Buffer };
      notGzip?: boolean;
      /** Where to look for the next member when this one cannot be read to its end (a bomb). */
      resumeAt?: number;
    };

/** Members up to this size are kept whole in memory; larger ones keep their first KEEP bytes and are inflated again
 *  when more is read (InflatedSource), so memory stays flat whatever a member holds. */
export const KEEP = 8 * 1024 * 1024;
const IN_CHUNK = 64 * 1024;

export interface MemberOptions {
  /** Inflated bytes to keep in `data` (default KEEP). */
  keep?: number;
  /** Compute dataCrc. */
  crc?: boolean;
  /** Called with every piece of inflated output, in order (a view: copy what you keep). */
  onData?: (piece: Buffer) => void;
}

/** gzipHeaderLength of the member at `pos`, reading as far as its header needs. */
function memberHeaderLength(src: ByteSource, pos: number, end: number): number {
  const avail = end - pos;
  let want = Math.min(avail, 64 * 1024);
  let win = src.read(pos, want);
  let h = gzipHeaderLength(win);
  // Grown while the reads come back whole (a short one means the data ends there).
  while (h === -1 && win.length === want && want < avail) {
    want = Math.min(avail, want * 4);
    win = src.read(pos, want);
    h = gzipHeaderLength(win);
  }
  return h;
}

/** The inflated bytes of the raw deflate stream at [start, end), piece by piece (views of a reused buffer); returns
 *  the compressed bytes it took. Corrupt data throws when `strict`; otherwise it ends the pieces early (for callers
 *  that read these bytes whole once already, where this means the file changed since). */
export function* inflateRaw(src: ByteSource, start: number, end: number, strict = false): Generator<Buffer, number> {
  const decoder = new Decoder('deflate-raw');
  try {
    while (!decoder.ended && start + decoder.bytesIn < end) {
      const p = start + decoder.bytesIn;
      yield* decoder.pieces(src.read(p, Math.min(IN_CHUNK, end - p)));
      if (start + decoder.bytesIn === p) break; // no progress (the source shrank)
    }
  } catch (e) {
    if (strict) throw e;
  } finally {
    decoder.close();
  }
  return decoder.bytesIn;
}

/** The inflated bytes of the consecutive gzip members in [start, end), one after the other, piece by piece. */
export function* inflateMembers(src: ByteSource, start: number, end: number): Generator<Buffer> {
  let pos = start;
  while (pos < end) {
    const h = memberHeaderLength(src, pos, end);
    if (h < 0) return;
    const used = yield* inflateRaw(src, pos + h, end);
    pos += h + used + 8;
  }
}

/** Inflates the member starting at `pos` in bounded memory: input in 64 KiB pieces, output kept up to `keep` bytes,
 *  the rest counted (and handed to onData). The decoder's input count says where the deflate stream ended, which is
 *  where the 8-byte trailer (CRC32, ISIZE) starts. A cut member keeps its readable prefix. A member that inflates
 *  like a bomb is stopped at once. */
export function inflateMember(src: ByteSource, pos: number, end: number, opts: MemberOptions = {}): Member {
  const keep = opts.keep ?? KEEP;
  const h = memberHeaderLength(src, pos, end);
  if (h === -2) return { ok: false, code: 'gzip-corrupt', message: 'no gzip member header here', notGzip: true };
  if (h === -1) return { ok: false, code: 'gzip-truncated', message: 'file ends inside a gzip member header' };

  const decoder = Decoder.take('deflate-raw');
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let tail = Buffer.alloc(0);
  let crc = 0;
  let bomb = false;
  const take = (piece: Buffer) => {
    if (keptBytes < keep) {
      const part = piece.subarray(0, keep - keptBytes);
      kept.push(Buffer.from(part));
      keptBytes += part.length;
    }
    if (opts.crc) crc = crc32(piece, crc);
    opts.onData?.(piece);
    tail = Buffer.concat([tail, piece.subarray(Math.max(0, piece.length - 4))]).subarray(-4);
    bomb = isBomb(decoder.bytesIn, decoder.bytesOut);
  };
  const data = () => (kept.length === 1 ? kept[0] : Buffer.concat(kept));
  let p = pos + h;
  let ended: boolean;
  let size: number;
  try {
    while (!decoder.ended && p < end && !bomb) {
      for (const piece of decoder.pieces(src.read(p, Math.min(IN_CHUNK, end - p)))) {
        take(piece);
        if (bomb) break;
      }
      const before = p;
      p = pos + h + decoder.bytesIn;
      if (p === before && !bomb) break; // no progress: the source returned less than it holds (it shrank)
    }
  } catch (e) {
    return { ok: false, code: 'gzip-corrupt', message: `deflate data does not inflate (${(e as Error).message})` };
  } finally {
    // Read before release(), which resets them.
    ended = decoder.ended;
    size = decoder.bytesOut;
    decoder.release();
  }
  if (bomb) return { ok: false, code: 'decompression-bomb', message: bombMessage('gzip member', p - pos, size), resumeAt: p };
  if (!ended)
    return {
      ok: false,
      code: 'gzip-truncated',
      message: `file ends inside a gzip member (${size} bytes inflated before the end)`,
      partial: { data: data(), size, tail },
    };
  const trailer = src.read(p, 8);
  if (trailer.length < 8)
    return { ok: false, code: 'gzip-truncated', message: `file ends inside a gzip member's trailer`, partial: { data: data(), size, tail } };
  const member: Member & { ok: true } = {
    ok: true,
    data: data(),
    size,
    tail,
    end: p + 8,
    headerLength: h,
    crc: trailer.readUInt32LE(0),
    isize: trailer.readUInt32LE(4),
  };
  if (opts.crc) member.dataCrc = crc;
  return member;
}

/** Gunzips `data` (one member or several) whole, in pieces, throwing as soon as it would give more than `max` bytes
 *  or turns out a bomb (then the error's code is 'decompression-bomb'). */
export function gunzipUpTo(data: Buffer, max: number): Buffer {
  const decoder = new Decoder('gzip');
  const parts: Buffer[] = [];
  let n = 0;
  const take = (piece: Buffer) => {
    n += piece.length;
    if (isBomb(decoder.bytesIn, n)) throw Object.assign(new Error(bombMessage('gzip data', decoder.bytesIn, n)), { code: 'decompression-bomb' });
    if (n > max) throw new Error(`inflates to more than ${max} bytes`);
    parts.push(Buffer.from(piece));
  };
  try {
    for (const piece of decoder.pieces(data)) take(piece);
    if (!decoder.ended) for (const piece of decoder.finish()) take(piece);
  } finally {
    decoder.close();
  }
  return Buffer.concat(parts);
}

/** Next offset >= from where a gzip member header starts, or -1. */
export function findGzipMagic(src: ByteSource, from: number, end: number): number {
  const CHUNK = 1024 * 1024;
  for (let p = from; p < end; p += CHUNK - 2) {
    const buf = src.read(p, Math.min(CHUNK, end - p));
    let i = buf.indexOf(0x1f);
    while (i >= 0) {
      if (i + 2 >= buf.length && p + buf.length < end) break; // magic cut by the chunk edge: the next chunk overlaps
      if (isGzipMagic(buf, i)) return p + i;
      i = buf.indexOf(0x1f, i + 1);
    }
    if (p + buf.length >= end) break;
  }
  return -1;
}
