// Gzip members (RFC 1952), inflated one at a time with Node's zlib.
import { constants, inflateRawSync } from 'node:zlib';
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

export type Member =
  | { ok: true; data: Buffer; end: number; headerLength: number; crc: number; isize: number }
  | { ok: false; code: 'gzip-truncated' | 'gzip-corrupt'; message: string; partial?: Buffer; notGzip?: boolean };

/** Inflates the member starting at `pos`. One inflateRawSync per member: its engine's bytesWritten says where the
 *  deflate stream ended, which is where the 8-byte trailer (CRC32, ISIZE) starts. Z_SYNC_FLUSH makes a cut stream
 *  return what it holds instead of throwing, so truncation keeps its readable prefix. */
export function inflateMember(src: ByteSource, pos: number, end: number): Member {
  const avail = end - pos;
  let win = src.read(pos, Math.min(avail, src.cheapRead));
  for (;;) {
    const canGrow = win.length < avail;
    const h = gzipHeaderLength(win);
    if (h === -2) return { ok: false, code: 'gzip-corrupt', message: 'no gzip member header here', notGzip: true };
    if (h === -1) {
      if (canGrow) {
        win = src.read(pos, Math.min(avail, win.length * 4));
        continue;
      }
      return { ok: false, code: 'gzip-truncated', message: 'file ends inside a gzip member header' };
    }
    let data: Buffer;
    let used: number;
    try {
      const r = inflateRawSync(win.subarray(h), { finishFlush: constants.Z_SYNC_FLUSH, info: true }) as unknown as {
        buffer: Buffer;
        engine: { bytesWritten: number };
      };
      data = r.buffer;
      used = r.engine.bytesWritten;
    } catch (e) {
      return { ok: false, code: 'gzip-corrupt', message: `deflate data does not inflate (${(e as Error).message})` };
    }
    const memberEnd = h + used + 8;
    if (memberEnd > win.length) {
      if (canGrow) {
        win = src.read(pos, Math.min(avail, win.length * 4));
        continue;
      }
      return {
        ok: false,
        code: 'gzip-truncated',
        message: `file ends inside a gzip member (${data.length} bytes inflated before the end)`,
        partial: data,
      };
    }
    const crc = win.readUInt32LE(h + used);
    const isize = win.readUInt32LE(h + used + 4);
    return { ok: true, data, end: pos + memberEnd, headerLength: h, crc, isize };
  }
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
