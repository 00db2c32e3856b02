// decodeHtml (src/core/decode/charset.ts): where the charset comes from (BOM, HTTP, meta prescan, UTF-8 validity,
// chardet, windows-1252) and that legacy encodings decode right. Small byte fixtures are generated here; real cases
// come from ../shared/corpus (skipped when absent): readability pages (qq.html, aktualne.html) and WARC records
// with Big5 and ISO-8859-1 labels (the MANIFEST.tsv "non-utf8" notes).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charsetFromContent, charsetParam, decodeHtml, resolveLabel } from '../../../src/core/decode/charset.js';
import { extractText } from '../../../src/core/extract/index.js';
import { openArchive } from '../../../src/core/warc/index.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus');

const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
/** windows-1251 bytes for Russian text (А..я are 0xC0..0xFF there), generated rather than stored. */
const cp1251 = (s: string) => Uint8Array.from([...s].map((c) => {
  const u = c.charCodeAt(0);
  return u >= 0x410 && u <= 0x44f ? u - 0x410 + 0xc0 : u;
}));
const RUSSIAN = 'Москва является столицей России и крупнейшим городом страны. В городе проживает более двенадцати ' +
  'миллионов человек, и это один из самых больших городов мира.';

describe('labels (Encoding standard)', () => {
  it('resolves aliases as TextDecoder does', () => {
    expect(resolveLabel('iso-8859-1')).toBe('windows-1252');
    expect(resolveLabel('ASCII')).toBe('windows-1252');
    expect(resolveLabel(' gb2312 ')).toBe('gbk');
    expect(resolveLabel('x-sjis')).toBe('shift_jis');
    expect(resolveLabel('big5_solaris')).toBeUndefined();
  });
  it('reads the charset parameter and a meta content value', () => {
    expect(charsetParam('text/html; charset="Big5"')).toBe('Big5');
    expect(charsetParam('text/html;charset=utf-8;foo=bar')).toBe('utf-8');
    expect(charsetParam('text/html')).toBeUndefined();
    expect(charsetFromContent('text/html; charset=windows-1251')).toBe('windows-1251');
    expect(charsetFromContent("text/html; CHARSET='koi8-r'")).toBe('koi8-r');
  });
});

describe('where the charset comes from', () => {
  it('a BOM wins over the HTTP header (HTML 13.2.3.1)', () => {
    const d = decodeHtml(concat(Uint8Array.of(0xef, 0xbb, 0xbf), Buffer.from('<p>é</p>')), 'text/html; charset=big5');
    expect(d).toEqual({ text: '<p>é</p>', charset: 'utf-8', source: 'bom' });
    expect(decodeHtml(Uint8Array.of(0xff, 0xfe, 0x41, 0, 0x42, 0)).text).toBe('AB');
  });
  it('the HTTP header wins over meta', () => {
    const bytes = concat(ascii('<meta charset="utf-8"><p>'), cp1251('Привет'));
    const d = decodeHtml(bytes, 'text/html; charset=windows-1251');
    expect([d.source, d.charset]).toEqual(['http', 'windows-1251']);
    expect(extractText(d.text).text).toBe('Привет');
  });
  it('an unknown HTTP label is skipped, meta decides', () => {
    const d = decodeHtml(concat(ascii('<meta charset=big5><title>'), Uint8Array.of(0xa4, 0xa4, 0xa4, 0xe5)),
      'text/html;charset=Big5_Solaris');
    expect([d.source, d.charset, extractText(d.text).title]).toEqual(['meta', 'big5', '中文']);
  });
  it('finds <meta charset> and <meta http-equiv content> in the first 1024 bytes', () => {
    const sjis = decodeHtml(concat(ascii('<html><head><META CHARSET="Shift_JIS"><p>'), Uint8Array.of(0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea)));
    expect([sjis.source, sjis.charset, extractText(sjis.text).text]).toEqual(['meta', 'shift_jis', '日本語']);
    const euc = decodeHtml(concat(ascii('<meta http-equiv="Content-Type" content="text/html; charset=euc-jp">'),
      Uint8Array.of(0xc6, 0xfc, 0xcb, 0xdc, 0xb8, 0xec)));
    expect([euc.charset, extractText(euc.text).text]).toEqual(['euc-jp', '日本語']);
    const gb = decodeHtml(concat(ascii("<meta http-equiv=content-type content='text/html;charset=gb2312'>"),
      Uint8Array.of(0xd6, 0xd0, 0xce, 0xc4)));
    expect([gb.charset, extractText(gb.text).text]).toEqual(['gbk', '中文']);
    const latin2 = decodeHtml(concat(ascii('<meta charset=iso-8859-2>'), Uint8Array.of(0xb1, 0xe6)));
    expect([latin2.charset, latin2.text.endsWith('ąć')]).toEqual(['iso-8859-2', true]);
  });
  it('ignores a meta inside a comment or after the first 1024 bytes', () => {
    const body = cp1251(RUSSIAN);
    const commented = decodeHtml(concat(ascii('<!-- <meta charset="big5"> --><meta charset="windows-1251"><p>'), body));
    expect(commented.charset).toBe('windows-1251');
    const late = decodeHtml(concat(ascii(`<!--${' '.repeat(1100)}--><meta charset="koi8-r"><p>`), body));
    expect(late.source).toBe('detected');
    expect(late.charset).toBe('windows-1251');
  });
  it('a meta cannot declare UTF-16: UTF-8 is used (HTML 13.2.3.2)', () => {
    expect(decodeHtml(ascii('<meta charset="utf-16"><p>x')).charset).toBe('utf-8');
  });
  it('without a label: valid UTF-8, else chardet, and iso-8859-1 means windows-1252', () => {
    expect(decodeHtml(Buffer.from('<p>Ünïcödé</p>'))).toMatchObject({ charset: 'utf-8', source: 'utf8-valid' });
    const ru = decodeHtml(concat(ascii('<p>'), cp1251(RUSSIAN)));
    expect([ru.source, ru.charset]).toEqual(['detected', 'windows-1251']);
    expect(extractText(ru.text).text).toBe(RUSSIAN);
    const fr = decodeHtml(Buffer.from('<p>Le château est situé près de la rivière, où les gens aiment se promener.</p>', 'latin1'));
    expect([fr.source, fr.charset]).toEqual(['detected', 'windows-1252']);
    expect(extractText(fr.text).text).toContain('château est situé près');
  });
  it('reads 0x80-0x9F as windows-1252 under an iso-8859-1 label', () => {
    const d = decodeHtml(concat(ascii('<p>'), Uint8Array.of(0x93, 0x41, 0x94, 0x20, 0x80)), 'text/html; charset=ISO-8859-1');
    expect(extractText(d.text).text).toBe('\u201cA\u201d \u20ac');
  });
  it('reads valid non-ASCII UTF-8 as UTF-8 whatever a legacy label says (documented deviation)', () => {
    const d = decodeHtml(Buffer.from('<p>naïve café</p>'), 'text/html; charset=iso-8859-1');
    expect([d.source, d.charset, d.text]).toEqual(['utf8-valid', 'utf-8', '<p>naïve café</p>']);
  });
});

describe.skipIf(!existsSync(CORPUS))('real pages and records from the corpus', () => {
  const page = (f: string) => readFileSync(resolve(CORPUS, 'html/readability-test-pages', f));

  it('qq.html: declares gb2312 but was saved as UTF-8; the Chinese words come out', () => {
    const d = decodeHtml(page('qq.html'));
    expect(d.source).toBe('utf8-valid');
    const ex = extractText(d.text);
    expect(ex.title).toContain('人工智能迈上新台阶');
    expect(ex.text).toContain('腾讯');
  });
  it('aktualne.html (Czech, meta utf-8)', () => {
    const d = decodeHtml(page('aktualne.html'));
    expect([d.source, d.charset]).toEqual(['meta', 'utf-8']);
    expect(extractText(d.text).title).toContain('Aktuálně.cz');
    expect(extractText(d.text).text).toContain('Zahraničí');
  });

  function htmlRecords(file: string) {
    const archive = openArchive(resolve(CORPUS, 'warc', file));
    try {
      return [...archive.records()].filter((r) => r.type === 'response').map((r) => {
        const ct = r.http()?.headers.get('content-type') ?? '';
        return { uri: r.targetUri ?? '', contentType: ct, decoded: decodeHtml(r.payload(), ct) };
      }).filter((r) => /html/i.test(r.contentType));
    } finally {
      archive.close();
    }
  }

  it('jwat invalid-warcfile-encoding-headers.warc.gz: Big5 pages under the unknown label Big5_Solaris', () => {
    const recs = htmlRecords('netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-encoding-headers.warc.gz');
    const big5 = recs.filter((r) => /Big5_Solaris/i.test(r.contentType));
    expect(big5.length).toBe(2);
    for (const r of big5) {
      expect([r.decoded.source, r.decoded.charset]).toEqual(['meta', 'big5']);
      const ex = extractText(r.decoded.text);
      expect(ex.title).toBe('中國信託法人信託部-紀念品');
      expect(ex.text).toContain('除權(現金增資)歷年資料');
    }
  });
  it('pywb example.warc: an iso-8859-1 label decodes as windows-1252', () => {
    const recs = htmlRecords('webrecorder+pywb/sample_archive/warcs/example.warc');
    const latin = recs.find((r) => /iso-8859-1/i.test(r.contentType))!;
    expect([latin.decoded.source, latin.decoded.charset]).toEqual(['http', 'windows-1252']);
    expect(extractText(latin.decoded.text).title).toBe('302 Found');
  });
  it('jwat blackbook WARC: a page labelled ISO-8859-1 whose bytes are UTF-8 keeps its curly quotes', () => {
    const recs = htmlRecords('netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz');
    const about = recs.find((r) => r.uri === 'http://www.archive.org/about/about.php')!;
    expect(about.contentType).toMatch(/ISO-8859-1/);
    expect(about.decoded.source).toBe('utf8-valid');
    expect(extractText(about.decoded.text).text).toContain('Library’');
  });
});
