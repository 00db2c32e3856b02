// Decompression bombs made by the tests themselves, without ever holding what they inflate to: 16 MiB of zeros is
// deflated once, its sync-flushed blocks are repeated (each compressed afresh, so no block refers back into another),
// and a final empty block ends the stream (RFC 1951 3.2.3). 1 GiB of zeros is about 1 MB on disk.
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { makeZip, type FixtureEntry } from './zip-fixture.js';

export const MIB = 1024 * 1024;
const UNIT = 16 * MIB;
const zeros = Buffer.alloc(UNIT);
let unit: Buffer | undefined;

export interface Deflated {
  raw: Buffer;
  size: number;
  crc: number;
}

const made = new Map<number, Deflated>();

/** A raw deflate stream of `mib` MiB of zeros (a multiple of 16); made once per size. */
export function zerosDeflated(mib: number): Deflated {
  if (mib % 16 !== 0) throw new Error('a multiple of 16 MiB');
  let d = made.get(mib);
  if (!d) {
    unit ??= deflateRawSync(zeros, { finishFlush: constants.Z_SYNC_FLUSH });
    let crc = 0;
    for (let i = 0; i < mib / 16; i++) crc = crc32(zeros, crc);
    d = { raw: Buffer.concat([...Array<Buffer>(mib / 16).fill(unit), deflateRawSync(Buffer.alloc(0))]), size: mib * MIB, crc };
    made.set(mib, d);
  }
  return d;
}

/** One gzip member (RFC 1952) around a raw deflate stream. */
export function gzipOf(d: Deflated): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(d.crc >>> 0, 0);
  trailer.writeUInt32LE(d.size % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]), d.raw, trailer]);
}

/** A zip entry whose deflated bytes are given (see makeZip). */
export function deflatedEntry(name: string, d: Deflated): FixtureEntry {
  return { name, data: Buffer.alloc(0), compressed: { body: d.raw, size: d.size, crc: d.crc } };
}

export { makeZip };
