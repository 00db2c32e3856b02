// File types from their first bytes, in words ("PNG image", "HTML page", "binary data"), for messages about bytes
// that are not what they should be: a file added that is not an archive (sniff.ts), bytes between records. A leaf
// module below the reader's modules: it imports only the gzip magic test.
import { isGzipMagic } from './gzip.js';

/** Whether bytes are binary rather than text: a control byte other than tab, CR, LF, or a sequence that is not UTF-8
 *  (a cut at the end of `head` is allowed). */
export function isBinary(head: Buffer): boolean {
  const text = head.toString('utf8', 0, Math.min(head.length, 4096));
  return /[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(text) || text.slice(0, -3).includes('\uFFFD');
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
  if (isBinary(head)) return 'binary data';
  const text = head.toString('utf8', 0, Math.min(head.length, 4096));
  const start = text.trimStart().slice(0, 100).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'HTML page';
  if (start.startsWith('<?xml') || start.startsWith('<svg')) return 'XML file';
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON or other text file';
  return 'text file';
}

