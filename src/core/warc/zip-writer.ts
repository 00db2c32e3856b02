// A streaming zip writer for WACZ packages: STORED entries only (the WACZ spec wants archive/ WARCs stored, so a
// reader can address records inside the package, and the other files are small), each written as it comes with its
// CRC-32 and SHA-256 computed on the way, then its local header patched in place: nothing is held whole, whatever the
// entry's size. Zip64 fields are written where a size, an offset or the entry count needs them (APPNOTE 4.5.3).
// The reader's half is zip.ts.
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export interface WrittenEntry {
  name: string;
  size: number;
  /** 'sha256:<hex>', as WACZ's datapackage.json writes a resource's hash. */
  sha256: string;
}

/** One entry being written: bytes go in with write(), end() patches its header. */
export interface ZipEntryWriter {
  write(bytes: Uint8Array): void;
  end(): WrittenEntry;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const MAX32 = 0xffffffff;
/** Room kept in every local header for a zip64 field (id, length, two 8-byte sizes); an entry that stays small gets
 *  an unknown id there instead, which readers skip (APPNOTE 4.5.1). */
const LOCAL_EXTRA = 20;
const PADDING_ID = 0x4153;
/** Bit 11: the name is UTF-8. */
const UTF8_NAME = 0x800;

interface Central {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** DOS date and time (APPNOTE 4.4.6), local fields of `d` read in UTC so the package is the same in any zone. */
function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((Math.max(d.getUTCFullYear(), 1980) - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export class ZipWriter {
  private at = 0;
  private readonly central: Central[] = [];
  private open = false;
  private readonly stamp: { time: number; date: number };

  /** Writes to `fd` from its start; the caller opened it and closes it after finish(). */
  constructor(private readonly fd: number, modified = new Date()) {
    this.stamp = dosTime(modified);
  }

  /** Bytes written so far. */
  get written(): number {
    return this.at;
  }

  private put(bytes: Uint8Array, position?: number): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, position === undefined ? this.at + done : position + done);
    if (position === undefined) this.at += bytes.length;
  }

  entry(name: string): ZipEntryWriter {
    if (this.open) throw new Error(`zip: ${name} started before the previous entry ended`);
    this.open = true;
    const nameBytes = Buffer.from(name, 'utf8');
    const offset = this.at;
    const header = Buffer.alloc(30 + nameBytes.length + LOCAL_EXTRA);
    this.put(header); // patched in end()
    let crc = 0;
    let size = 0;
    const hash: Hash = createHash('sha256');
    return {
      write: (bytes) => {
        crc = crc32(bytes, crc);
        hash.update(bytes);
        size += bytes.length;
        this.put(bytes);
      },
      end: () => {
        const big = size >= MAX32;
        header.writeUInt32LE(LOCAL, 0);
        header.writeUInt16LE(big ? 45 : 20, 4);
        header.writeUInt16LE(UTF8_NAME, 6);
        header.writeUInt16LE(0, 8);
        header.writeUInt16LE(this.stamp.time, 10);
        header.writeUInt16LE(this.stamp.date, 12);
        header.writeUInt32LE(crc >>> 0, 14);
        header.writeUInt32LE(big ? MAX32 : size, 18);
        header.writeUInt32LE(big ? MAX32 : size, 22);
        header.writeUInt16LE(nameBytes.length, 26);
        header.writeUInt16LE(LOCAL_EXTRA, 28);
        nameBytes.copy(header, 30);
        const x = 30 + nameBytes.length;
        header.writeUInt16LE(big ? 0x0001 : PADDING_ID, x);
        header.writeUInt16LE(16, x + 2);
        header.writeBigUInt64LE(BigInt(big ? size : 0), x + 4);
        header.writeBigUInt64LE(BigInt(big ? size : 0), x + 12);
        this.put(header, offset);
        this.central.push({ name: nameBytes, crc: crc >>> 0, size, offset });
        this.open = false;
        return { name, size, sha256: `sha256:${hash.digest('hex')}` };
      },
    };
  }

  /** A small entry whose bytes are at hand. */
  add(name: string, bytes: Uint8Array): WrittenEntry {
    const e = this.entry(name);
    e.write(bytes);
    return e.end();
  }

  /** Writes the central directory and the end records. */
  finish(): void {
    if (this.open) throw new Error('zip: finish() with an entry still open');
    const dirStart = this.at;
    for (const c of this.central) {
      const sizes64 = c.size >= MAX32;
      const offset64 = c.offset >= MAX32;
      const extraLen = sizes64 || offset64 ? 4 + (sizes64 ? 16 : 0) + (offset64 ? 8 : 0) : 0;
      const h = Buffer.alloc(46 + c.name.length + extraLen);
      h.writeUInt32LE(CENTRAL, 0);
      h.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, 4.5
      h.writeUInt16LE(extraLen ? 45 : 20, 6);
      h.writeUInt16LE(UTF8_NAME, 8);
      h.writeUInt16LE(0, 10);
      h.writeUInt16LE(this.stamp.time, 12);
      h.writeUInt16LE(this.stamp.date, 14);
      h.writeUInt32LE(c.crc, 16);
      h.writeUInt32LE(sizes64 ? MAX32 : c.size, 20);
      h.writeUInt32LE(sizes64 ? MAX32 : c.size, 24);
      h.writeUInt16LE(c.name.length, 28);
      h.writeUInt16LE(extraLen, 30);
      h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      h.writeUInt32LE(offset64 ? MAX32 : c.offset, 42);
      c.name.copy(h, 46);
      let x = 46 + c.name.length;
      if (extraLen) {
        h.writeUInt16LE(0x0001, x);
        h.writeUInt16LE(extraLen - 4, x + 2);
        x += 4;
        if (sizes64) {
          h.writeBigUInt64LE(BigInt(c.size), x);
          h.writeBigUInt64LE(BigInt(c.size), x + 8);
          x += 16;
        }
        if (offset64) h.writeBigUInt64LE(BigInt(c.offset), x);
      }
      this.put(h);
    }
    const dirSize = this.at - dirStart;
    const count = this.central.length;
    const zip64 = count >= 0xffff || dirStart >= MAX32 || dirSize >= MAX32;
    if (zip64) {
      const rec = Buffer.alloc(56);
      const recAt = this.at;
      rec.writeUInt32LE(ZIP64_EOCD, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE(45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(dirSize), 40);
      rec.writeBigUInt64LE(BigInt(dirStart), 48);
      this.put(rec);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(ZIP64_LOCATOR, 0);
      loc.writeBigUInt64LE(BigInt(recAt), 8);
      loc.writeUInt32LE(1, 16);
      this.put(loc);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(EOCD, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(Math.min(dirSize, MAX32), 12);
    end.writeUInt32LE(Math.min(dirStart, MAX32), 16);
    this.put(end);
  }
}
