// Valid UTF-8 bytes -> text, twice as fast as TextDecoder on real pages. V8 (which Buffer's and, in Node 20,
// TextDecoder's UTF-8 decoding come down to) copies an ASCII prefix fast, but from the first non-ASCII byte on it
// walks a byte-at-a-time state machine to the end, twice (once to size the string, once to fill it). Real pages are
// mostly ASCII markup with a curly quote or a © near the top, so nearly all of a 57 KB page took the slow walk (0.12 ms
// a page, a tenth of an ingest worker's time). ICU's converter (buffer.transcode) turns the bytes into UTF-16 at
// memory speed, and a string is made of those by a copy (one byte a character when they all fit). Invalid bytes are
// left to TextDecoder, whose replacement characters the callers' output has always had.
import { isAscii, isUtf8, transcode } from 'node:buffer';

/** The text of `bytes` if they are valid UTF-8 (a leading byte order mark dropped, as TextDecoder does), else
 *  undefined: the same as `new TextDecoder('utf-8', { fatal: true })` without the thrown error. */
export function validUtf8(bytes: Uint8Array): string | undefined {
  return validUtf8Pieces(bytes, Infinity)?.[0];
}

/** validUtf8's text in pieces, in order: one piece when the bytes are at most `most`, else pieces of at most `most`
 *  bytes each, cut between characters (so the pieces joined are validUtf8's text). */
export function validUtf8Pieces(bytes: Uint8Array, most: number): string[] | undefined {
  if (!isUtf8(bytes)) return undefined;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom);
  if (b.length <= most) return [text(b)];
  const pieces: string[] = [];
  for (let start = 0; start < b.length;) {
    let end = Math.min(start + most, b.length);
    // Back to the first byte of a character: a continuation byte is 10xxxxxx, and a character has at most three.
    while (end < b.length && end > start && (b[end] & 0xc0) === 0x80) end--;
    pieces.push(text(b.subarray(start, end)));
    start = end;
  }
  return pieces;
}

function text(b: Buffer): string {
  if (isAscii(b)) return b.toString('latin1');
  // transcode exists wherever Node has ICU (official builds, Electron); without it, V8's decoding, slower.
  return typeof transcode === 'function' ? transcode(b, 'utf8', 'ucs2').toString('ucs2') : b.toString('utf8');
}
