// Issue 15: a file's first bytes say whether it is an archive, and when not, what it is, in words; bytes quoted in a
// problem's message are text in quotes or, when binary, described instead of escaped.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { quoteBytes } from '../../../src/core/warc/errors.js';
import { describeContent } from '../../../src/core/warc/magic.js';
import { sniffHead } from '../../../src/core/warc/sniff.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const WARC = Buffer.from('WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n');

describe('describeContent (the signatures file(1) knows these by)', () => {
  it('names common files by their magic numbers', () => {
    expect(describeContent(hex('89504e470d0a1a0a0000000d49484452'))).toBe('PNG image');
    expect(describeContent(hex('ffd8ffe000104a464946'))).toBe('JPEG image');
    expect(describeContent(Buffer.from('%PDF-1.7\n%âãÏÓ'))).toBe('PDF document');
    expect(describeContent(Buffer.from('GIF89a\x01\x00'))).toBe('GIF image');
    expect(describeContent(hex('504b0304140000000800'))).toBe('ZIP file');
    expect(describeContent(Buffer.from('SQLite format 3\0'))).toBe('SQLite database');
    expect(describeContent(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 '))).toBe('WebP image');
  });
  it('tells text kinds from binary data', () => {
    expect(describeContent(Buffer.from('  <!DOCTYPE html><html><body>hi'))).toBe('HTML page');
    expect(describeContent(Buffer.from('{"a": 1}'))).toBe('JSON or other text file');
    expect(describeContent(Buffer.from('Meeting notes\nLine two, café\n'))).toBe('text file');
    expect(describeContent(hex('000102030405ff10'))).toBe('binary data');
    expect(describeContent(Buffer.alloc(0))).toBe('empty file');
  });
});

describe('sniffHead', () => {
  it('knows WARC, ARC and a zip (WACZ) by their start, plain or gzipped, also cut short', () => {
    expect(sniffHead(WARC)).toEqual({ archive: true, format: 'warc', gzip: false });
    expect(sniffHead(Buffer.concat([Buffer.from('\r\n'), WARC]))).toEqual({ archive: true, format: 'warc', gzip: false });
    expect(sniffHead(Buffer.from('filedesc://crawl.arc 0.0.0.0 20050101000000 text/plain 77\n'))).toEqual({ archive: true, format: 'arc', gzip: false });
    let seed = 1;
    const text = Array.from({ length: 20_000 }, () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 26))).join('');
    const gz = gzipSync(Buffer.concat([WARC, Buffer.from(text)]));
    expect(gz.length).toBeGreaterThan(4096);
    expect(sniffHead(gz.subarray(0, 4096))).toEqual({ archive: true, format: 'warc', gzip: true }); // a folder listing's read
    expect(sniffHead(hex('504b030414000000'))).toEqual({ archive: true, format: 'wacz', gzip: false });
  });
  it('says what a file is instead, gzipped or not', () => {
    expect(sniffHead(hex('89504e470d0a1a0a0000000d49484452'))).toEqual({ archive: false, what: 'PNG image' });
    expect(sniffHead(gzipSync(Buffer.from('<html><body>x</body></html>')))).toEqual({ archive: false, what: 'gzip file holding HTML page' });
    expect(sniffHead(gzipSync(hex('89504e470d0a1a0a0000000d49484452')))).toEqual({ archive: false, what: 'gzip file holding PNG image' });
  });
});

describe('quoteBytes', () => {
  it('quotes text escaped, and describes binary instead of escaping it', () => {
    expect(quoteBytes(Buffer.from('HTTP/1.1 OK\r\n'))).toBe('"HTTP/1.1 OK\\r\\n"');
    expect(quoteBytes(hex('0b30557a9fc4e90e33587da2c7ec'))).toBe('binary data (14 bytes)');
    expect(quoteBytes(hex('89504e470d0a1a0a0000000d49484452'))).toBe('PNG image (16 bytes)');
  });
});
