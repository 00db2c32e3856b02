// A tiny zip writer for tests: stored and deflated entries, optional zip64 records and archive comment, so that the
// reader is tested on bytes we generate and know (APPNOTE.TXT 4.3, 4.5.3) as well as on the real WACZ files.
import { crc32, deflateRawSync } from 'node:zlib';

export interface FixtureEntry {
  name: string;
  data: Buffer | string;
  deflate?: boolean;
  /** Deflated bytes made elsewhere (a bomb too large to hold inflated), with the size and CRC-32 they inflate to;
   *  `data` is then unused. */
  compressed?: { body: Buffer; size: number; crc: number };
}

/** `zip64Extra` replaces the zip64 extra field written for each entry (to make it damaged). */
export function makeZip(files: FixtureEntry[], opts: { zip64?: boolean; comment?: string; prefix?: Buffer; zip64Extra?: Buffer } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = opts.prefix?.length ?? 0;
  if (opts.prefix) parts.push(opts.prefix);
  for (const f of files) {
    const plain = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data);
    const deflated = f.deflate || f.compressed !== undefined;
    const body = f.compressed?.body ?? (f.deflate ? deflateRawSync(plain) : plain);
    const data = { length: f.compressed?.size ?? plain.length };
    const name = Buffer.from(f.name);
    const crc = f.compressed?.crc ?? crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(deflated ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);

    let extra: Buffer = Buffer.alloc(0);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    cen.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    cen.writeUInt16LE(0x800, 8);
    cen.writeUInt16LE(deflated ? 8 : 0, 10);
    cen.writeUInt32LE(crc, 16);
    if (opts.zip64) {
      // Every 32-bit field saturated; the real values live in the zip64 extra field.
      cen.writeUInt32LE(0xffffffff, 20);
      cen.writeUInt32LE(0xffffffff, 24);
      cen.writeUInt32LE(0xffffffff, 42);
      extra = Buffer.alloc(28);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
      if (opts.zip64Extra) extra = opts.zip64Extra;
    } else {
      cen.writeUInt32LE(body.length, 20);
      cen.writeUInt32LE(data.length, 24);
      cen.writeUInt32LE(offset, 42);
    }
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt16LE(extra.length, 30);
    central.push(cen, name, extra);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(central);
  const dirOffset = offset;
  parts.push(dir);
  if (opts.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(files.length), 24);
    rec.writeBigUInt64LE(BigInt(files.length), 32);
    rec.writeBigUInt64LE(BigInt(dir.length), 40);
    rec.writeBigUInt64LE(BigInt(dirOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(dirOffset + dir.length), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const comment = Buffer.from(opts.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.zip64 ? 0xffff : files.length, 8);
  end.writeUInt16LE(opts.zip64 ? 0xffff : files.length, 10);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : dir.length, 12);
  end.writeUInt32LE(opts.zip64 ? 0xffffffff : dirOffset, 16);
  end.writeUInt16LE(comment.length, 20);
  parts.push(end, comment);
  return Buffer.concat(parts);
}
