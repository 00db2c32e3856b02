// validUtf8 (src/core/decode/utf8.ts) decodes through ICU's converter instead of TextDecoder: it must give exactly
// what a fatal TextDecoder gives, for characters of every length and kind, for real pages (../shared/corpus, skipped
// when absent), and refuse what TextDecoder refuses.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHtml } from '../../../src/core/decode/charset.js';
import { validUtf8 } from '../../../src/core/decode/utf8.js';

const PAGES = resolve(__dirname, '../../../../shared/corpus/html/readability-test-pages');
const fatal = new TextDecoder('utf-8', { fatal: true });
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('validUtf8', () => {
  it('decodes characters of 1 to 4 bytes wherever they fall', () => {
    for (const ch of ['é', '’', '中', '😀']) {
      for (let lead = 0; lead < 8; lead++) {
        const s = 'a'.repeat(lead) + ch + 'b'.repeat(700) + ch.repeat(300) + 'z';
        expect(validUtf8(utf8(s))).toBe(s);
      }
    }
  });

  it('decodes every kind of code point as TextDecoder does, noncharacters and the last plane included', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const special = [0, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0xfdd0, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x10fffe, 0x10ffff];
    for (let round = 0; round < 200; round++) {
      const points = Array.from({ length: 64 }, (_, i) => {
        if (i % 4 === 0) return special[next() % special.length];
        const cp = next() % 0x110000;
        return cp >= 0xd800 && cp <= 0xdfff ? cp - 0x800 : cp; // not a surrogate: those are not UTF-8
      });
      const bytes = utf8('x' + String.fromCodePoint(...points)); // 'x': a leading U+FEFF would be taken for a BOM
      expect(validUtf8(bytes)).toBe(fatal.decode(bytes));
    }
  });

  it('gives what a fatal TextDecoder gives for every real page', () => {
    if (!existsSync(PAGES)) return;
    const files = readdirSync(PAGES).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(100);
    let decoded = 0;
    for (const f of files) {
      const bytes = readFileSync(resolve(PAGES, f));
      let want: string | undefined;
      try {
        want = fatal.decode(bytes);
      } catch {
        want = undefined;
      }
      expect(validUtf8(bytes), f).toBe(want);
      if (want !== undefined && bytes.length > 2048) decoded++;
    }
    expect(decoded).toBeGreaterThan(50);
  });

  it('drops a leading byte order mark, as TextDecoder does, and keeps one further in', () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    expect(validUtf8(Uint8Array.from([...bom, ...utf8('x'.repeat(600) + 'é')]))).toBe('x'.repeat(600) + 'é');
    expect(validUtf8(Uint8Array.from([...utf8('ab'), ...bom]))).toBe('ab\ufeff');
  });

  it('refuses bytes that are not UTF-8: a stray continuation, a cut sequence, an overlong form, a surrogate', () => {
    const long = utf8('y'.repeat(1000));
    for (const bad of [[0x80], [0xe2, 0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const bytes = Uint8Array.from([...long, ...bad, ...long]);
      expect(() => fatal.decode(bytes)).toThrow();
      expect(validUtf8(bytes)).toBeUndefined();
    }
  });
});

describe('decodeHtml with invalid UTF-8 under a UTF-8 label', () => {
  it('still replaces the bad bytes as TextDecoder does', () => {
    const bytes = Uint8Array.from([...utf8('<p>' + 'é'.repeat(400)), 0xe2, 0x80, 0x41, 0xff, ...utf8('ok</p>')]);
    const d = decodeHtml(bytes, 'text/html; charset=utf-8');
    expect(d.text).toBe('<p>' + 'é'.repeat(400) + '\ufffdA\ufffdok</p>');
    expect(d.source).toBe('http');
  });
});
