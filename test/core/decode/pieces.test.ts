// decodeHtmlPieces (src/core/decode/charset.ts) gives a payload's text in pieces for the ingest worker, so that a
// large page is never one large string: joined, the pieces must be decodeHtml's text, with the same charset found
// the same way, each piece small enough, and no character cut in two.
import { describe, expect, it } from 'vitest';
import { decodeHtml, decodeHtmlPieces } from '../../../src/core/decode/charset.js';
import { validUtf8, validUtf8Pieces } from '../../../src/core/decode/utf8.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** decodeHtmlPieces and decodeHtml agree, and each piece holds at most `most` bytes' worth of text (unless the
 *  page is to be one piece: `count` 1). */
function expectPieces(bytes: Uint8Array, contentType: string | undefined, most: number, count?: number): string[] {
  const whole = decodeHtml(bytes, contentType);
  const d = decodeHtmlPieces(bytes, contentType, most);
  expect(d.pieces.join('')).toBe(whole.text);
  expect({ charset: d.charset, source: d.source }).toEqual({ charset: whole.charset, source: whole.source });
  if (count !== 1) for (const p of d.pieces) expect(p.length).toBeLessThanOrEqual(most);
  if (count !== undefined) expect(d.pieces.length).toBe(count);
  return d.pieces;
}

describe('decodeHtmlPieces', () => {
  it('cuts UTF-8 between characters of 1 to 4 bytes, wherever the cut falls', () => {
    for (const ch of ['é', '’', '中', '😀']) {
      for (let lead = 0; lead < 8; lead++) {
        const s = '<p>' + 'a'.repeat(lead) + (ch + 'b').repeat(1500) + '</p>';
        for (const most of [5, 64, 1000, 4096]) {
          const pieces = expectPieces(utf8(s), 'text/html; charset=utf-8', most);
          expect(pieces.length).toBeGreaterThan(1);
          // A piece that began or ended inside a character would hold U+FFFD or a lone surrogate.
          for (const p of pieces) expect(p).not.toMatch(/\ufffd|^[\udc00-\udfff]|[\ud800-\udbff]$/);
        }
      }
    }
  });

  it('finds the charset as decodeHtml does: undeclared UTF-8, a byte order mark, a meta, windows-1252, a legacy label', () => {
    const page = '<html><head><meta charset="windows-1252"></head><body>' + 'caf\u00e9 '.repeat(3000) + '</body></html>';
    const latin1 = Uint8Array.from(Buffer.from(page, 'latin1'));
    const withC1 = Uint8Array.from([...latin1.subarray(0, 100), 0x93, 0x41, 0x94, ...latin1.subarray(100)]);
    expect(expectPieces(withC1, undefined, 1000).join('')).toContain('\u201cA\u201d');
    expectPieces(latin1, 'text/html; charset=iso-8859-1', 777);
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('<p>' + 'ü'.repeat(4000))]);
    expect(expectPieces(bom, undefined, 1000)[0].startsWith('<p>')).toBe(true);
    expectPieces(utf8('<p>' + '中文'.repeat(3000)), undefined, 2000);
    expectPieces(utf8('<p>' + '中文'.repeat(3000)), 'text/html; charset=gb2312', 2000); // valid UTF-8 wins (declared)
    // Other encodings are decoded whole.
    expectPieces(Uint8Array.from(Buffer.from('<p>' + 'x'.repeat(5000), 'utf16le')), 'text/html; charset=utf-16le', 100, 1);
  });

  it('keeps a page of at most `most` bytes, or an empty one, as one piece', () => {
    expectPieces(utf8('<p>' + 'é'.repeat(1000)), undefined, 2003, 1);
    expectPieces(new Uint8Array(0), undefined, 100, 1);
    expect(validUtf8Pieces(utf8('x'.repeat(10)), 10)).toEqual(['x'.repeat(10)]);
    expect(validUtf8Pieces(Uint8Array.of(0xff, 0x41), 1)).toBeUndefined();
    expect(validUtf8Pieces(utf8('ab\u00e9cd'), 2)).toEqual(['ab', '\u00e9', 'cd']);
    expect(validUtf8(utf8('ab\u00e9cd'))).toBe('ab\u00e9cd');
  });

  it('cuts a large page into pieces under V8\'s large-object size by default', () => {
    const s = '<p>' + '“quoted” text, '.repeat(20_000) + '</p>';
    const d = decodeHtmlPieces(utf8(s), undefined);
    expect(d.pieces.join('')).toBe(s);
    expect(d.pieces.length).toBeGreaterThan(4);
    for (const p of d.pieces) expect(p.length * 2).toBeLessThanOrEqual(120 * 1024);
  });
});
