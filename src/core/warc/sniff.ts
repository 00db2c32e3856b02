// What a file is, from its first bytes: whether it starts as an archive this reader opens (WARC, ARC, either gzipped,
// or a zip for WACZ), and, when not, what it is in words ("PNG image"), so a file added by mistake is refused at once
// with a sentence a person understands instead of failing at ingest with escaped bytes.
import { constants, gunzipSync } from 'node:zlib';
import { closeSync, openSync, readSync } from 'node:fs';
import { isGzipMagic } from './gzip.js';
import { isArcStart } from './heads.js';
import { describeContent } from './magic.js';

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
    // Too little inflated to tell (a head cut inside the first deflate block's tables): taken for what it claims to
    // be, and ingest says otherwise if it is not.
    if (inflated.length < 8) return { archive: true, format: 'warc', gzip: true };
    const format = sniffPlain(inflated);
    return format ? { archive: true, format, gzip: true } : { archive: false, what: `gzip file holding ${describeContent(inflated)}` };
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

/** What a file is when it is not an archive ("PNG image", "empty file", "unreadable (EACCES)"), or null when its first
 *  `bytes` are an archive's: what files.add and the folder browser say about a file. */
export function notAnArchive(path: string, bytes = SNIFF_BYTES): string | null {
  try {
    const sniffed = sniffFile(path, bytes);
    return sniffed.archive ? null : sniffed.what;
  } catch (e) {
    return `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}
