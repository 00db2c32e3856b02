// A minimal zip reader for WACZ packages: the central directory, stored and deflated entries, zip64 sizes and offsets.
// Enough for the WACZ 1.1 profile (APPNOTE.TXT 6.3.x; WACZ requires archive/ WARCs to be STORED so that they can be
// read in place). Encrypted entries, multi-disk archives and other methods are refused with a typed error.
import { crc32 } from 'node:zlib';
import { ArchiveError } from './errors.js';
import { bombMessage, inflateRaw, isBomb } from './gzip.js';
import { InflatedSource } from './inflated-source.js';
import type { ByteSource, WarcProblemCode } from './types.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (APPNOTE 4.4.5). */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
  /** Offset of the entry's first data byte in the zip file: a stored entry's bytes are [dataOffset, dataOffset+size). */
  dataOffset: number;
}

export interface ZipArchive {
  readonly source: ByteSource;
  readonly entries: readonly ZipEntry[];
  entry(name: string): ZipEntry | undefined;
  /** The entry's bytes, inflated when deflated; CRC-32 checked. A stored entry comes back as a view of the source.
   *  Throws ArchiveError when it holds more than `max` bytes ('wacz-bad-package') or is a decompression bomb
   *  ('decompression-bomb'): the entry is inflated in pieces and never past max. */
  read(entry: ZipEntry, max?: number): Buffer;
  /** A deflated entry's bytes as a source, inflated in pieces as they are read (flat memory for any size). Throws
   *  ArchiveError('decompression-bomb') for a bomb. */
  inflated(entry: ZipEntry): ByteSource;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** Reads the central directory of the zip in `source`. Throws ArchiveError('wacz-bad-package') when it is not a
 *  readable zip; entries are checked against their local headers. */
export function openZip(source: ByteSource): ZipArchive {
  const bad = (offset: number, message: string, code: WarcProblemCode = 'wacz-bad-package') => new ArchiveError(code, source.path, offset, message);
  const size = source.size;

  // The end record sits at the end, after an optional comment of up to 64 KiB (APPNOTE 4.3.16).
  const tailStart = Math.max(0, size - 22 - MAX_COMMENT);
  const tail = source.read(tailStart, size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad(size, 'no zip end-of-central-directory record');
  const eocdOffset = tailStart + eocd;
  let count = tail.readUInt16LE(eocd + 10);
  let dirSize = tail.readUInt32LE(eocd + 12);
  let dirOffset = tail.readUInt32LE(eocd + 16);
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw bad(eocdOffset, 'multi-disk zip');

  // Zip64: a locator just before the end record points at the zip64 end record with 64-bit counts (APPNOTE 4.3.14-15).
  if (eocdOffset >= 20) {
    const loc = source.read(eocdOffset - 20, 20);
    if (loc.readUInt32LE(0) === ZIP64_LOCATOR) {
      const at = num64(loc, 8);
      const rec = source.read(at, 56);
      if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) throw bad(at, 'bad zip64 end-of-central-directory record');
      count = num64(rec, 32);
      dirSize = num64(rec, 40);
      dirOffset = num64(rec, 48);
    }
  }
  if (dirOffset + dirSize > size) throw bad(eocdOffset, 'central directory lies beyond the end of the file');

  const dir = source.read(dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw bad(dirOffset + p, `central directory entry ${i} is damaged`);
    const flags = dir.readUInt16LE(p + 8);
    const method = dir.readUInt16LE(p + 10);
    const crc = dir.readUInt32LE(p + 16);
    let compressedSize = dir.readUInt32LE(p + 20);
    let uncompressedSize = dir.readUInt32LE(p + 24);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    let localHeaderOffset = dir.readUInt32LE(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > dir.length) throw bad(dirOffset + p, `central directory entry ${i} runs past the directory`);
    // Bit 11: UTF-8 names; otherwise CP437, of which ASCII is the part WACZ paths use.
    const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // Zip64 extra field: the 64-bit values present are those whose 32-bit fields hold 0xFFFFFFFF (APPNOTE 4.5.3).
    const extraEnd = p + 46 + nameLen + extraLen;
    for (let x = p + 46 + nameLen; x + 4 <= extraEnd; ) {
      const id = dir.readUInt16LE(x);
      const len = dir.readUInt16LE(x + 2);
      const fieldEnd = Math.min(x + 4 + len, extraEnd);
      if (id === 0x0001) {
        let q = x + 4;
        // A field shorter than the values it must hold (a zero length, say) is damage, not a reason to read past it.
        const next64 = (what: string) => {
          if (q + 8 > fieldEnd) throw bad(dirOffset + x, `${name}: zip64 extra field of ${len} bytes has no room for the ${what}`);
          const v = num64(dir, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next64('size');
        if (compressedSize === 0xffffffff) compressedSize = next64('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next64('local header offset');
      }
      x += 4 + len;
    }
    if (flags & 0x1) throw bad(dirOffset + p, `${name}: encrypted entries are not supported`);
    const local = source.read(localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw bad(localHeaderOffset, `${name}: no local file header`);
    const dataOffset = localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataOffset + compressedSize > size) throw bad(localHeaderOffset, `${name}: entry data runs past the end of the file`);
    entries.push({ name, method, compressedSize, size: uncompressedSize, crc32: crc, localHeaderOffset, dataOffset });
    p = end;
  }

  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    source,
    entries,
    entry: (name) => byName.get(name),
    read(entry, max = Infinity) {
      checkEntry(entry);
      if (entry.size > max) throw bad(entry.localHeaderOffset, `${entry.name}: holds ${entry.size} bytes, more than the ${max} read of it`);
      let data: Buffer;
      if (entry.method === 0) data = source.read(entry.dataOffset, entry.compressedSize);
      else {
        // In pieces, stopping one byte past the declared size: a central directory that understates the size of a
        // bomb cannot make this hold more than it declared.
        const parts: Buffer[] = [];
        let n = 0;
        const pieces = inflateRaw(source, entry.dataOffset, entry.dataOffset + entry.compressedSize, true);
        try {
          for (const piece of pieces) {
            parts.push(Buffer.from(piece.subarray(0, entry.size + 1 - n)));
            n += piece.length;
            if (n > entry.size) break;
          }
        } catch (e) {
          throw bad(entry.dataOffset, `${entry.name}: deflated data does not inflate (${(e as Error).message})`);
        }
        data = Buffer.concat(parts);
      }
      if (data.length !== entry.size || crc32(data) !== entry.crc32)
        throw bad(entry.dataOffset, `${entry.name}: size or CRC-32 does not match the central directory`);
      return data;
    },
    inflated(entry) {
      checkEntry(entry);
      if (entry.method !== 8) throw bad(entry.localHeaderOffset, `${entry.name}: not a deflated entry`);
      const { dataOffset, compressedSize } = entry;
      // One pass first, counting and checking: the source then holds exactly the bytes the directory promises.
      let n = 0;
      let crc = 0;
      try {
        for (const piece of inflateRaw(source, dataOffset, dataOffset + compressedSize, true)) {
          n += piece.length;
          if (n > entry.size) break;
          crc = crc32(piece, crc);
        }
      } catch (e) {
        throw bad(dataOffset, `${entry.name}: deflated data does not inflate (${(e as Error).message})`);
      }
      if (n !== entry.size || crc !== entry.crc32) throw bad(dataOffset, `${entry.name}: size or CRC-32 does not match the central directory`);
      return new InflatedSource(source.path, entry.size, Buffer.alloc(0), () => inflateRaw(source, dataOffset, dataOffset + compressedSize));
    },
  };

  function checkEntry(entry: ZipEntry): void {
    if (entry.method !== 0 && entry.method !== 8)
      throw bad(entry.localHeaderOffset, `${entry.name}: compression method ${entry.method} is not supported`);
    if (isBomb(entry.compressedSize, entry.size))
      throw bad(entry.localHeaderOffset, `${entry.name}: ${bombMessage('zip entry', entry.compressedSize, entry.size)}`, 'decompression-bomb');
  }
}

function num64(buf: Buffer, at: number): number {
  // Sizes beyond 2^53 do not occur in files a workstation opens; Number keeps offsets exact below that.
  return Number(buf.readBigUInt64LE(at));
}
