// Header parsing as the hot path does it (names compared without lower-cased copies, values sliced once, HTTP fields
// split when first asked for) against what the plain rules give: toLowerCase() equality, slice().trim(), the
// WARC-Date digits by regular expression.
import { describe, expect, it } from 'vitest';
import { timestampOf } from '../../../src/core/warc/cdxj.js';
import { Fields, headerEnd, parseHeaderLines, sameName } from '../../../src/core/warc/headers.js';
import { parseWarcHead } from '../../../src/core/warc/heads.js';
import { parseHttp } from '../../../src/core/warc/http.js';

describe('sameName', () => {
  // Pairs whose ASCII codes differ by 0x20 without being letters ('@' and '`', '[' and '{'), non-ASCII letters with
  // a case (the Kelvin sign lower-cases to an ASCII 'k'), and names of one length that differ.
  const names = ['Content-Type', 'content-type', 'CONTENT-TYPE', 'Content-Typf', 'Content_Type', 'content-type ',
    'a@b', 'a`b', 'a[b', 'a{b', 'WARC-Block-Digest', 'warc-bloc\u212a-digest', 'Ä-x', 'ä-x', 'İd', 'id', ''];
  it('agrees with comparing the lower-cased names, for every pair', () => {
    let matches = 0;
    for (const a of names) {
      for (const b of names) {
        const same = a.length === b.length && a.toLowerCase() === b.toLowerCase();
        expect(sameName(a, b), `${a} / ${b}`).toBe(same);
        if (same && a !== b) matches++;
      }
    }
    expect(matches).toBeGreaterThanOrEqual(8); // the list holds case variants, not only distinct names
  });
});

describe('parseHeaderLines', () => {
  it('trims names and values as trim() does, non-ASCII white space included', () => {
    const text = 'WARC/1.1\r\nA:  one \r\nB\t: two\t\r\nC:\u00a0three\u00a0\r\nD:\u00a0 \u00a0\r\nE:\r\nF: x\r\n  folded \r\n\r\n';
    const { firstLine, fields } = parseHeaderLines(text);
    expect(firstLine).toBe('WARC/1.1');
    expect(fields.list).toEqual([['A', 'one'], ['B', 'two'], ['C', 'three'], ['D', ''], ['E', ''], ['F', 'x folded']]);
  });
});

describe('Fields.of', () => {
  it('gives the fields of the lines from where it is told, as parseHeaderLines does', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Bad\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\n';
    const lazy = Fields.of(text, text.indexOf('\n') + 1);
    expect(lazy.get('CONTENT-TYPE')).toBe('text/html');
    expect(lazy.getAll('Set-Cookie')).toEqual(['a=1', 'b=2']);
    expect(lazy.list).toEqual(parseHeaderLines(text).fields.list);
    expect(Fields.of(text, text.length).list).toEqual([]);
  });

  it('backs an HTTP message: the start line at once, the fields when asked', () => {
    const msg = parseHttp(Buffer.from('GET /a?b HTTP/1.1\r\r\nHost: example.com\r\nContent-Type: text/plain\r\n\r\nbody'));
    expect(msg?.startLine).toBe('GET /a?b HTTP/1.1');
    expect(msg?.method).toBe('GET');
    expect(msg?.headers.list).toEqual([['Host', 'example.com'], ['Content-Type', 'text/plain']]);
    expect(msg?.bodyOffset).toBe(msg && Buffer.byteLength('GET /a?b HTTP/1.1\r\r\nHost: example.com\r\nContent-Type: text/plain\r\n\r\n'));
  });
});

describe('timestampOf', () => {
  it('is the first 14 characters of the date without - : T, for dates as written and as not', () => {
    const cases: Array<[string, string]> = [
      ['2024-01-15T08:00:07Z', '20240115080007'],
      ['2024-01-15T08:00:07.123456Z', '20240115080007'],
      ['2024-01-15t08:00:07z', '20240115t08000'], // a lower-case t stays, as in warcio.js
      ['2024-01-15', '20240115'],
      ['2024-01-15T08:00Z', '202401150800Z'],
      ['20240115080007', '20240115080007'],
      ['2024-1-15T08:00:07Z', '2024115080007Z'],
      ['', ''],
    ];
    for (const [date, want] of cases) {
      expect(timestampOf(date), date).toBe(want);
      expect(timestampOf(date), date).toBe(date.replace(/[-:T]/g, '').slice(0, 14));
    }
  });
});

describe('headerEnd', () => {
  // The reference: the first LF followed by LF, CR LF or CR CR LF, found line by line.
  const byLines = (buf: Buffer, from: number) => {
    for (let i = buf.indexOf(0x0a, from); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
      let j = i + 1;
      while (buf[j] === 0x0d && j < i + 3) j++;
      if (buf[j] === 0x0a) return j + 1;
    }
    return -1;
  };
  it('finds the first blank line of any form, CRLF CRLF or another before it', () => {
    const heads = ['A: b\r\n\r\nbody', 'A: b\n\nx\r\n\r\n', 'A: b\r\r\n\r\r\nx\r\n\r\n', 'A: b\n\r\nx\r\n\r\n', 'A\r\n\r\r\nB\r\n\r\n',
      '\r\n\r\n', 'A: b\r\nC: d\r\n', 'x\r\n\r\r\r\n\r\n', 'A: b\r\n\r\n'];
    let fast = 0;
    for (const text of heads) {
      for (const from of [0, 1, 3]) {
        const buf = Buffer.from(text, 'latin1');
        expect(headerEnd(buf, from), JSON.stringify(text) + ' from ' + from).toBe(byLines(buf, from));
        if (text.indexOf('\r\n\r\n', from) >= 0 && byLines(buf, from) === text.indexOf('\r\n\r\n', from) + 4) fast++;
      }
    }
    expect(fast).toBeGreaterThan(3);
  });
});

describe('parseHttp start lines', () => {
  it('reads the words as split(\' \') gives them: a status only in the second, a request target that may be absent', () => {
    const at = (line: string) => parseHttp(Buffer.from(line + '\r\nA: b\r\n\r\n', 'latin1'));
    expect(at('HTTP/1.1 200 OK')?.status).toBe(200);
    expect(at('HTTP/1.0 404')?.status).toBe(404);
    expect(at('HTTP/1.1  200 OK')).toBeNull(); // the second word is empty
    expect(at('HTTP/1.1 99 Low')).toBeNull();
    expect(at('HTTPS/1.1 200 OK')).toBeNull();
    const post = at('POST /form?a=1 HTTP/1.1');
    expect([post?.kind, post?.method, post?.requestTarget]).toEqual(['request', 'POST', '/form?a=1']);
    const bare = at('DELETE x');
    expect([bare?.method, bare?.requestTarget]).toEqual(['DELETE', 'x']);
  });
});

describe('folded field lines', () => {
  it('join a value with the lines that continue it, whichever way the fields are read', () => {
    const text = 'WARC/1.0\r\nA: one\r\n  two \r\n\tthree\r\nB:\r\n  more\r\nC: c\r\n';
    const want = [['A', 'one two three'], ['B', 'more'], ['C', 'c']];
    const parsed = parseHeaderLines(text);
    expect(parsed.fields.get('a')).toBe('one two three');
    expect(parsed.fields.getAll('B')).toEqual(['more']);
    expect(parsed.fields.list).toEqual(want);
    const lazy = Fields.of(text, text.indexOf('\n') + 1);
    expect(lazy.firstValues(new Map([['A', 0], ['C', 1]]), 2)).toEqual(['one two three', 'c']);
    expect(lazy.list).toEqual(want);
    expect(lazy.bad).toBeUndefined();
    expect(Fields.of('X\r\nno colon\r\nD: d\r\n', 3).bad).toBe('no colon');
  });
});

describe('WARC head text', () => {
  const head = (uri: Buffer) =>
    Buffer.concat([Buffer.from('WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: '), uri, Buffer.from('\r\nContent-Length: 0\r\n\r\n')]);
  it('reads a head as UTF-8 (WARC 1.1 section 4) when any byte is not ASCII, and as it stands when all are', () => {
    const utf8 = parseWarcHead(head(Buffer.from('http://example.com/café', 'utf8')), true);
    const ascii = parseWarcHead(head(Buffer.from('http://example.com/cafe')), true);
    const notUtf8 = parseWarcHead(head(Buffer.from('http://example.com/caf\xe9', 'latin1')), true);
    expect(utf8.ok && utf8.values?.targetUri).toBe('http://example.com/café');
    expect(utf8.ok && utf8.headerLength).toBe(head(Buffer.from('http://example.com/café', 'utf8')).length);
    expect(ascii.ok && ascii.values?.targetUri).toBe('http://example.com/cafe');
    expect(notUtf8.ok && notUtf8.values?.targetUri).toBe('http://example.com/caf\ufffd');
  });
});
