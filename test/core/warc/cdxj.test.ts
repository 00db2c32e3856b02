// The CDXJ writer on a WARC generated here: request/response pairing in both orders, POST/PUT bodies of every kind
// warcio.js keys (form, JSON, multipart, binary), revisits, warc-fields metadata, warcinfo. Checked line for line against
// the peer, `warcio cdx-index`, run on the same bytes, and on the rules themselves (key order, skipped records).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cdxjLines, formatCdxj, sha1Base32 } from '../../../src/core/warc/cdxj.js';
import { openArchive } from '../../../src/core/warc/index.js';

const WARCIO = resolve(__dirname, '../../../node_modules/.bin/warcio');
const dir = mkdtempSync(join(tmpdir(), 'cdxj-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function record(type: string, uri: string | null, block: string | Buffer, extra: Record<string, string> = {}): Buffer {
  const body = Buffer.isBuffer(block) ? block : Buffer.from(block);
  const fields: Record<string, string> = {
    'WARC-Type': type,
    'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-${String(++n).padStart(12, '0')}>`,
    'WARC-Date': `2024-01-02T03:04:${String(n % 60).padStart(2, '0')}Z`,
    ...(uri ? { 'WARC-Target-URI': uri } : {}),
    ...extra,
    'Content-Length': String(body.length),
  };
  const head = 'WARC/1.1\r\n' + Object.entries(fields).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n\r\n')]);
}
const HTTP_RES = { 'Content-Type': 'application/http; msgtype=response', 'WARC-Payload-Digest': 'sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH' };
const HTTP_REQ = { 'Content-Type': 'application/http; msgtype=request' };
const res = (status: string, ct: string, body: string) =>
  `HTTP/1.1 ${status}\r\nContent-Type: ${ct}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const req = (method: string, path: string, ct: string | null, body: string | Buffer) =>
  Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: example.com\r\n${ct ? `Content-Type: ${ct}\r\n` : ''}Content-Length: ${body.length}\r\n\r\n`),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);

const multipart = '--B0undary\r\nContent-Disposition: form-data; name="q"\r\n\r\nhello world\r\n--B0undary--\r\n';
const records = [
  record('warcinfo', null, 'software: test\r\n', { 'Content-Type': 'application/warc-fields' }),
  record('response', 'http://www.Example.com/a?b=2&a=1', res('200 OK', 'text/html; charset=utf-8', '<p>hi</p>'), HTTP_RES),
  record('request', 'http://www.Example.com/a?b=2&a=1', req('GET', '/a?b=2&a=1', null, ''), HTTP_REQ),
  record('request', 'https://example.com/form', req('POST', '/form', 'application/x-www-form-urlencoded', 'x=1&y=%20two'), HTTP_REQ),
  record('response', 'https://example.com/form', res('302 Found', 'text/plain', ''), HTTP_RES),
  record('request', 'https://example.com/api?v=1', req('POST', '/api?v=1', 'application/json', '{"b": [1, 2], "a": {"c": null}}'), HTTP_REQ),
  record('response', 'https://example.com/api?v=1', res('200 OK', 'application/json', '{}'), HTTP_RES),
  record('request', 'https://example.com/upload', req('POST', '/upload', 'multipart/form-data; boundary=B0undary', multipart), HTTP_REQ),
  record('response', 'https://example.com/upload', res('201 Created', 'text/plain', 'ok'), HTTP_RES),
  record('request', 'https://example.com/blob', req('PUT', '/blob', 'application/octet-stream', Buffer.from([0, 255, 7])), HTTP_REQ),
  record('response', 'https://example.com/blob', res('204 No Content', 'text/plain', ''), HTTP_RES),
  record('revisit', 'http://www.Example.com/a?b=2&a=1', res('200 OK', 'text/html', ''), {
    ...HTTP_RES,
    'WARC-Profile': 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest',
  }),
  record('metadata', 'http://www.Example.com/a?b=2&a=1', 'via: x\r\n', { 'Content-Type': 'application/warc-fields' }),
  record('metadata', 'http://www.Example.com/a?b=2&a=1', '{"outlinks": []}', { 'Content-Type': 'application/json' }),
  record('resource', 'urn:test:resource', 'plain text', { 'Content-Type': 'text/plain' }),
  record('response', 'dns:example.com', '20240102030405\r\nexample.com.\t300\tIN\tA\t192.0.2.1\r\n', { 'Content-Type': 'text/dns' }),
];

function ours(path: string): string[] {
  const file = openArchive(path);
  try {
    return [...cdxjLines(file)];
  } finally {
    file.close();
  }
}
function peer(path: string): string[] {
  return execFileSync(WARCIO, ['cdx-index', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('cdxjLines on a generated WARC', () => {
  const plain = join(dir, 'gen.warc');
  writeFileSync(plain, Buffer.concat(records));
  const gz = join(dir, 'gen.warc.gz');
  writeFileSync(gz, Buffer.concat(records.map((r) => gzipSync(r))));

  it('equals warcio cdx-index, except the dns: record (WARC type as mime, no status; see cdxj.ts)', () => {
    for (const path of [plain, gz]) {
      const mine = ours(path);
      const theirs = peer(path);
      expect(mine.filter((l) => !l.startsWith('dns:'))).toEqual(theirs.filter((l) => !l.startsWith('dns:')));
      expect(mine.find((l) => l.startsWith('dns:'))).toMatch(/^dns:example\.com \d{14} \{"url":"dns:example.com","mime":"text\/dns","length"/);
    }
  });

  it('keys POSTs by their bodies and skips warcinfo, requests and warc-fields metadata', () => {
    const mine = ours(plain).map((l) => l.slice(0, l.indexOf(' ')));
    expect(mine).toEqual([
      'com,example)/a?a=1&b=2',
      'com,example)/form?__wb_method=post&x=1&y=%20two',
      'com,example)/api?__wb_method=post&b.2_=2&b=1&c=null&v=1', // nested keys flatten; sorted as strings
      'com,example)/upload?__wb_method=post&q=hello+world',
      'com,example)/blob?__wb_method=put&__wb_post_data=ap8h',
      'com,example)/a?a=1&b=2',
      'com,example)/a?a=1&b=2',
      'urn:test:resource',
      'dns:example.com',
    ]);
  });

  it('gives an uncompressed record the length of its header and block, without the CRLF CRLF after it (pywb, warcio)', () => {
    const [first] = ours(plain);
    const j = JSON.parse(first.slice(first.indexOf('{'))) as { offset: string; length: string };
    expect(Number(j.offset)).toBe(records[0].length);
    expect(Number(j.length)).toBe(records[1].length - 4);
  });
});

describe('cdxjLines and the request heads it skips', () => {
  // A request starting `GET ` and a character that is no white space is not parsed (it adds nothing to the key); one
  // that only looks so must still be read: a method that merely starts with GET keys the capture, and a request line
  // with two spaces is no HTTP message, reported as such.
  const path = join(dir, 'get-like.warc');
  writeFileSync(path, Buffer.concat([
    record('request', 'https://example.com/x', req('GETS', '/x', 'application/x-www-form-urlencoded', 'k=v'), HTTP_REQ),
    record('response', 'https://example.com/x', res('200 OK', 'text/plain', 'x'), HTTP_RES),
    record('request', 'https://example.com/y', 'GET  /y HTTP/1.1\r\nHost: example.com\r\n\r\n', HTTP_REQ),
    record('response', 'https://example.com/y', res('200 OK', 'text/plain', 'y'), HTTP_RES),
    record('request', 'https://example.com/z', 'GET /z HTTP/1.1\r\nHost: example.com\r\n\r\n', HTTP_REQ),
    record('response', 'https://example.com/z', res('200 OK', 'text/plain', 'z'), HTTP_RES),
  ]));

  it('keys a method that starts with GET, and reports a request line that does not parse', () => {
    const problems: string[] = [];
    const file = openArchive(path, { onProblem: (p) => problems.push(`${p.code} ${p.offset}`) });
    const keys = [...cdxjLines(file)].map((l) => l.slice(0, l.indexOf(' ')));
    file.close();
    expect(keys).toEqual(['com,example)/x?__wb_method=gets&k=v', 'com,example)/y', 'com,example)/z']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^http-bad-message \d+$/);
  });
});

describe('formatCdxj', () => {
  it('writes warcio.js key order, numbers as strings, absent fields left out', () => {
    expect(
      formatCdxj({ urlkey: 'k', timestamp: '20240102030405', url: 'u', status: '200', length: 10, offset: 0, filename: 'f', method: 'POST' }),
    ).toBe('k 20240102030405 {"url":"u","status":"200","length":"10","offset":"0","filename":"f","method":"POST"}');
  });

  it('escapes a field as JSON.stringify of the entry does (warcio.js writes that), whatever characters it holds', () => {
    const odd = ['plain', 'q"uote', 'back\\slash', 'tab\there', 'nul\u0000', 'del\u007f', 'sep\u2028', 'lone\ud800',
      'low\udc00x', 'pair\ud83d\ude00', 'latin1 \u00e9\u00ff', ''];
    for (const s of odd) {
      const line = formatCdxj({ urlkey: 'k', timestamp: 't', url: s, mime: s, status: s, digest: s, length: 1, offset: 2, filename: s,
        method: s, requestBody: s });
      const json = JSON.stringify({ url: s, mime: s, status: s, digest: s, length: '1', offset: '2', filename: s, method: s, requestBody: s });
      expect(line, JSON.stringify(s)).toBe(`k t ${json}`);
    }
  });

  it('computes base32 SHA-1 as CDX digests are written (RFC 4648)', () => {
    expect(sha1Base32(Buffer.from(''))).toBe('3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ');
  });
});
