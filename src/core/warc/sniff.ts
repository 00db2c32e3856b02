// What a file is, from its first bytes: whether it starts as an archive this reader opens (WARC, ARC, either gzipped,
// or a zip for WACZ), and, when not, what it is in words ("PNG image"), so a file added by mistake is refused at once
// with a sentence a person understands instead of failing at ingest with escaped bytes.
import { constants, gunzipSync } from 'node:zlib';
import { closeSync, openSync, readSync } from 'node:fs';
import { isGzipMagic } from './gzip.js';
import { isArcStart } from './heads.js';

/** Bytes read to decide: the first gzip member's head inflates from far fewer. */
export const SNIFF_BYTES = 64 * 1024;

/** Uncompressed bytes that start a WARC or an ARC (leading blank lines allowed), else null. */
export function sniffPlain(buf: Buffer): 'warc' | 'arc' | null {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  const text = buf.toString('latin1', i, i + 16);
  if (/^WARC\/\d/.test(text)) return 'warc';
  if (text.toLowerCase().startsWith('filedesc:') || isArcStart(buf, i)) return 'arc';
  return null;
}

/** Magic numbers of files people mistake for archives or drop in the same folders (file(1)'s magic for each). */
const SIGNATURES: Array<[bytes: number[], what: string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP file'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed file'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed file'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed file'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7-Zip file'],
  [[0x7f, 0x45, 0x4c, 0x46], 'program (ELF)'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], 'SQLite database'],
  [[0x1a, 0x45, 0xdf, 0xa3], 'video (Matroska/WebM)'],
];

/** A file's first bytes in words, for one that is not an archive: "PNG image", "HTML page", "text file". */
export function describeContent(head: Buffer): string {
  if (head.length === 0) return 'empty file';
  for (const [bytes, what] of SIGNATURES) if (bytes.every((b, i) => head[i] === b)) return what;
  if (head.toString('latin1', 4, 8) === 'ftyp') return 'video or image (ISO media)';
  if (head.toString('latin1', 0, 4) === 'RIFF') return head.toString('latin1', 8, 12) === 'WEBP' ? 'WebP image' : 'RIFF media file';
  if (isGzipMagic(head)) return 'gzip file holding no WARC or ARC';
  const text = head.toString('utf8', 0, Math.min(head.length, 4096));
  if (text.includes('\uFFFD') || /[\x00-\x08\x0e-\x1f]/.test(text)) return 'binary data';
  const start = text.trimStart().slice(0, 100).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'HTML page';
  if (start.startsWith('<?xml') || start.startsWith('<svg')) return 'XML file';
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON or other text file';
  return 'text file';
}

export type Sniffed = { archive: true; format: 'warc' | 'arc' | 'wacz'; gzip: boolean } | { archive: false; what: string };

/** What `head` (a file's first SNIFF_BYTES) holds. A gzip's first member is inflated as far as these bytes go, so a
 *  file cut short still sniffs as what it starts as; a zip is taken for a WACZ (its package is checked when opened). */
export function sniffHead(head: Buffer): Sniffed {
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PK\x03\x04') return { archive: true, format: 'wacz', gzip: false };
  if (isGzipMagic(head)) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return { archive: false, what: 'damaged gzip file' };
    }
    const format = sniffPlain(inflated);
    return format ? { archive: true, format, gzip: true } : { archive: false, what: `gzip file holding a ${describeContent(inflated)}` };
  }
  const format = sniffPlain(head);
  return format ? { archive: true, format, gzip: false } : { archive: false, what: describeContent(head) };
}

/** sniffHead over a file's first `bytes` (a folder listing reads fewer: a gzip member's first 4 KB show its start). */
export function sniffFile(path: string, bytes = SNIFF_BYTES): Sniffed {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(bytes);
    return sniffHead(head.subarray(0, readSync(fd, head, 0, bytes, 0)));
  } finally {
    closeSync(fd);
  }
}
