// The WARC core reader on generated fixtures: layouts (plain, per-record gzip, single-member gzip), header and HTTP
// parsing, payload decoding, damage and resynchronisation, O(1) readRecord. Every test runs on both sources.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveError, openArchive, openArchiveSource } from '../../../src/core/warc/index.js';
import { FileSource } from '../../../src/core/warc/file-source.js';
import type { ArchiveFile, ArchiveRecord, ByteSource, SourceKind, WarcProblem } from '../../../src/core/warc/types.js';
import { gzipMember, gzipRecords, httpResponse, responseRecord, tempDir, warcRecord } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const page = '<html><title>Hi</title>' + 'x'.repeat(3000) + '</html>';
const recs = [
  warcRecord({ type: 'warcinfo', contentType: 'application/warc-fields', block: 'software: test\r\n' }),
  responseRecord('http://example.com/', httpResponse(200, [['Content-Type', 'text/html'], ['Content-Length', String(page.length)]], page)),
  warcRecord({ type: 'request', uri: 'http://example.com/', contentType: 'application/http; msgtype=request', block: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }),
  warcRecord({
    type: 'revisit',
    uri: 'http://example.com/',
    contentType: 'application/http; msgtype=response',
    fields: [
      ['WARC-Profile', 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest'],
      ['WARC-Refers-To-Target-URI', 'http://example.com/'],
      ['WARC-Refers-To-Date', '2023-01-01T00:00:00Z'],
      ['WARC-Payload-Digest', 'sha1:AAAA'],
    ],
    block: 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n',
  }),
  warcRecord({ type: 'response', uri: 'dns:example.com', contentType: 'text/dns', block: '20240102030405\nexample.com.\t300\tIN\tA\t93.184.216.34\n' }),
];
const plain = Buffer.concat(recs);

function collect(path: string, source: SourceKind): { file: ArchiveFile; records: ArchiveRecord[]; problems: WarcProblem[] } {
  const problems: WarcProblem[] = [];
  const file = openArchive(path, { source, onProblem: (p) => problems.push(p) });
  return { file, records: [...file.records()], problems };
}

describe.each<SourceKind>(['mmap', 'file'])('reader over the %s source', (source) => {
  const files = {
    plain: tmp.write(`plain-${source}.warc`, plain),
    members: tmp.write(`members-${source}.warc.gz`, gzipRecords(recs)),
    single: tmp.write(`single-${source}.warc.gz`, gzipSync(plain)),
  };

  it('detects the layout of each file', () => {
    const expected = { plain: ['none', 'direct'], members: ['gzip-members', 'direct'], single: ['gzip-single', 'sequential'] };
    for (const [k, path] of Object.entries(files)) {
      const f = openArchive(path, { source });
      expect([f.format, f.compression, f.randomAccess]).toEqual(['warc', ...expected[k as keyof typeof expected]]);
      f.close();
    }
  });

  it.each(['plain', 'members', 'single'] as const)('reads every record of the %s layout, and reads each back by (offset, length)', (k) => {
    const { file, records, problems } = collect(files[k], source);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'response', 'request', 'revisit', 'response']);
    for (const r of records) {
      const again = file.readRecord(r.offset, r.length);
      expect(again.recordId).toBe(r.recordId);
      expect(Buffer.compare(again.block(), r.block())).toBe(0);
    }
    // (offset, length) tile the file for plain and per-record gzip: each record's bytes are its own.
    if (k !== 'single') {
      let at = 0;
      for (const r of records) {
        expect(r.offset).toBe(at);
        at += r.length;
      }
      expect(at).toBe(file.size);
    }
    file.close();
  });

  it('gives typed fields, HTTP status and the payload', () => {
    const { file, records } = collect(files.members, source);
    const [info, resp, req, revisit, dns] = records;
    expect(info.version).toBe('WARC/1.1');
    expect(info.http()).toBeNull();
    expect(resp.targetUri).toBe('http://example.com/');
    expect(resp.date).toBe('2024-01-02T03:04:05Z');
    expect(resp.contentType).toBe('application/http; msgtype=response');
    expect(resp.http()?.status).toBe(200);
    expect(resp.http()?.headers.get('content-type')).toBe('text/html');
    expect(resp.payload().toString()).toBe(page);
    expect(req.http()).toMatchObject({ kind: 'request', method: 'GET', requestTarget: '/' });
    expect(revisit.refersToUri).toBe('http://example.com/');
    expect(revisit.refersToDate).toBe('2023-01-01T00:00:00Z');
    expect(revisit.payloadDigest).toBe('sha1:AAAA');
    expect(revisit.http()?.status).toBe(200);
    // dns: records are text/dns, never HTTP (the 2008 Heritrix WARC/0.17 files hold them)
    expect(dns.type).toBe('response');
    expect(dns.http()).toBeNull();
    expect(dns.payload().toString()).toContain('IN\tA');
    file.close();
  });

  it('reports a block declared application/http that is no HTTP message, once', () => {
    const problems: WarcProblem[] = [];
    const f = openArchive(tmp.write(`not-http-${source}.warc`, responseRecord('http://a/', Buffer.from('garbage, not HTTP'))), { source, onProblem: (p) => problems.push(p) });
    const [r] = [...f.records()];
    expect(r.http()).toBeNull();
    expect(r.http()).toBeNull();
    expect(problems.map((p) => [p.code, p.offset])).toEqual([['http-bad-message', 0]]);
    f.close();
  });

  it('parses http() once and caches it', () => {
    const { file, records } = collect(files.plain, source);
    expect(records[1].http()).toBe(records[1].http());
    file.close();
  });
});

describe('header fields', () => {
  it('keeps order and case, looks up case-insensitively, unfolds continuation lines (WARC 1.0 section 5)', () => {
    const rec = Buffer.from(
      'WARC/0.17\r\nwarc-type: \r\n\tresponse\r\nWARC-Target-URI:\r\n dns:example.com\r\nX-Multi: a\r\nx-multi: b\r\n' +
        'WARC-Date: 2008-04-30T20:48:25Z\r\nContent-Type: text/dns\r\nContent-Length:\r\n\t3\r\n\r\nabc\r\n\r\n',
    );
    const f = openArchive(tmp.write('folded.warc', rec));
    const [r] = [...f.records()];
    expect(r.version).toBe('WARC/0.17');
    expect(r.type).toBe('response');
    expect(r.targetUri).toBe('dns:example.com');
    expect(r.contentLength).toBe(3);
    expect(r.headers.getAll('X-MULTI')).toEqual(['a', 'b']);
    expect(r.headers.list[0][0]).toBe('warc-type');
    expect(r.http()).toBeNull();
    f.close();
  });

  it('decodes HTTP header bytes as latin1 (chfoo+warcat not_utf8_http_header.warc has such bytes)', () => {
    const http = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nX-Name: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\nbody')]);
    const f = openArchive(tmp.write('latin1.warc', responseRecord('http://a/', http)));
    const [r] = [...f.records()];
    expect(r.http()?.headers.get('x-name')).toBe('café');
    expect(r.payload().toString()).toBe('body');
    f.close();
  });
});

describe('payload decoding (RFC 9112 7.1, RFC 9110 8.4)', () => {
  const body = 'hello world '.repeat(50);
  const cases: Array<[string, Array<[string, string]>, Buffer]> = [
    ['chunked', [['Transfer-Encoding', 'chunked']], Buffer.from(`10\r\n${body.slice(0, 16)}\r\n${(body.length - 16).toString(16)};ext=1\r\n${body.slice(16)}\r\n0\r\n\r\n`)],
    ['gzip', [['Content-Encoding', 'gzip']], gzipSync(body)],
    ['deflate (zlib)', [['Content-Encoding', 'deflate']], deflateSync(body)],
    ['deflate (raw)', [['Content-Encoding', 'deflate']], deflateRawSync(body)],
    ['br', [['Content-Encoding', 'br']], brotliCompressSync(body)],
    ['chunked gzip', [['Transfer-Encoding', 'chunked'], ['Content-Encoding', 'gzip']], (() => { const g = gzipSync(body); return Buffer.concat([Buffer.from(g.length.toString(16) + '\r\n'), g, Buffer.from('\r\n0\r\n\r\n')]); })()],
    ['already de-chunked (warcio keeps the header)', [['Transfer-Encoding', 'chunked']], Buffer.from(body)],
  ];
  it.each(cases)('%s', (name, headers, wire) => {
    const problems: WarcProblem[] = [];
    const f = openArchive(tmp.write(`enc-${name.replace(/\W+/g, '-')}.warc`, responseRecord('http://a/', httpResponse(200, headers, wire))), { onProblem: (p) => problems.push(p) });
    const [r] = [...f.records()];
    expect(r.payload().toString()).toBe(body);
    expect(problems).toEqual([]);
    f.close();
  });

  it('reports bad chunking and bad encoding, and returns the raw body', () => {
    const problems: WarcProblem[] = [];
    const f = openArchive(
      tmp.write('bad-enc.warc', Buffer.concat([
        responseRecord('http://a/', httpResponse(200, [['Transfer-Encoding', 'chunked']], 'ff\r\nshort\r\n0\r\n\r\n')),
        responseRecord('http://b/', httpResponse(200, [['Content-Encoding', 'gzip']], 'not gzip at all')),
      ])),
      { onProblem: (p) => problems.push(p) },
    );
    const [a, b] = [...f.records()];
    expect(a.payload().toString()).toBe('ff\r\nshort\r\n0\r\n\r\n');
    expect(b.payload().toString()).toBe('not gzip at all');
    expect(problems.map((p) => [p.code, p.offset])).toEqual([['http-bad-chunking', a.offset], ['http-bad-encoding', b.offset]]);
    // Read again (ingest reads a payload for its digest, then for its text): told once a record, not once a read.
    expect(a.payloadUpTo(4).bytes.toString()).toBe('ff\r\n');
    expect(b.payload().toString()).toBe('not gzip at all');
    expect(problems).toHaveLength(2);
    f.close();
  });
});

describe('gzip members (RFC 1952)', () => {
  it('reads members with FEXTRA, FNAME, FCOMMENT and FHCRC (as iipc+jwarc gzip_extra_sl.warc.gz)', () => {
    const f = openArchive(tmp.write('flags.warc.gz', Buffer.concat(recs.map((r, i) => gzipMember(r, { extra: Buffer.from('sl\x08\x00abcdefgh'), name: `r${i}`, comment: 'c', headerCrc: i % 2 === 0 })))));
    expect([...f.records()].length).toBe(recs.length);
    f.close();
  });

  it('joins a record split over several members, as webrecorder+warcio example-wrong-chunks.warc.gz does', () => {
    const r = recs[1];
    const cut = r.indexOf('\r\n\r\n') + 4 + 20;
    const data = Buffer.concat([gzipMember(r.subarray(0, cut)), gzipMember(r.subarray(cut, r.length - 4)), gzipMember(Buffer.concat([Buffer.from('\r\n\r\n'), recs[2]]))]);
    const problems: WarcProblem[] = [];
    const f = openArchive(tmp.write('split.warc.gz', data), { onProblem: (p) => problems.push(p) });
    const got = [...f.records()];
    expect(got.map((x) => x.type)).toEqual(['response', 'request']);
    expect(got[0].payload().toString()).toBe(page);
    expect(got[0].offset).toBe(0);
    expect(got[1].offset).toBe(got[0].length); // the second starts at the third member
    expect(f.readRecord(got[0].offset, got[0].length).payload().toString()).toBe(page);
    expect(problems).toEqual([]);
    f.close();
  });
});

describe('damage is reported, then reading goes on', () => {
  const open: ArchiveFile[] = [];
  afterAll(() => open.forEach((f) => f.close()));
  function read(name: string, data: Buffer) {
    const problems: WarcProblem[] = [];
    const f = openArchive(tmp.write(name, data), { onProblem: (p) => problems.push(p) });
    open.push(f);
    const records = [...f.records()];
    return { records, problems, codes: problems.map((p) => `${p.code}@${p.offset}`) };
  }

  it('garbage between records', () => {
    const junk = Buffer.from('THIS IS GARBAGE\r\n');
    const { records, codes } = read('garbage.warc', Buffer.concat([recs[0], junk, recs[1]]));
    expect(records.length).toBe(2);
    expect(records[1].offset).toBe(recs[0].length + junk.length);
    expect(codes).toEqual([`warc-garbage@${recs[0].length}`]);
  });

  it('a Content-Length too long: the next record is still found', () => {
    const bad = warcRecord({ type: 'resource', uri: 'http://a/', contentType: 'text/plain', block: 'abc', contentLength: 40 });
    const { records, codes } = read('too-long.warc', Buffer.concat([bad, recs[1]]));
    expect(records.map((r) => r.type)).toEqual(['resource', 'response']);
    expect(records[0].block().toString()).toBe('abc');
    expect(codes).toEqual(['warc-bad-length@0']);
  });

  it('a Content-Length too short: the rest is reported as garbage', () => {
    const bad = warcRecord({ type: 'resource', uri: 'http://a/', contentType: 'text/plain', block: 'abcdef', contentLength: 3 });
    const { records, codes } = read('too-short.warc', Buffer.concat([bad, recs[1]]));
    expect(records.map((r) => r.type)).toEqual(['resource', 'response']);
    expect(codes).toEqual([`warc-garbage@${bad.indexOf('def')}`]);
  });

  it('no Content-Length: the block runs to the next record (jwat invalid-warcfile-lonely-*.warc)', () => {
    const bad = warcRecord({ type: 'metadata', block: 'a: b\r\n', contentLength: null });
    const { records, codes } = read('no-length.warc', Buffer.concat([bad, recs[0]]));
    expect(records.length).toBe(2);
    expect(records[0].block().toString()).toBe('a: b\r\n');
    expect(codes).toEqual(['warc-missing-field@0']);
  });

  it('per-record gzip: a Content-Length too long does not swallow the next member\'s record', () => {
    const bad = warcRecord({ type: 'resource', uri: 'http://a/', contentType: 'text/plain', block: 'abc', contentLength: 10 });
    const first = gzipMember(bad);
    const { records, codes } = read('too-long.warc.gz', Buffer.concat([first, gzipMember(recs[1])]));
    expect(records.map((r) => r.type)).toEqual(['resource', 'response']);
    expect(records[0].block().toString()).toBe('abc');
    expect(records[1].offset).toBe(first.length);
    expect(codes).toEqual(['warc-bad-length@0']);
  });

  it('a truncated record is truncation, not corruption', () => {
    const data = Buffer.concat([recs[0], recs[1].subarray(0, 500)]);
    const { records, codes } = read('trunc.warc', data);
    expect(records.length).toBe(1);
    expect(codes).toEqual([`warc-truncated@${recs[0].length}`]);
  });

  it('a truncated gzip member', () => {
    const gz = gzipRecords(recs.slice(0, 2));
    const { records, codes } = read('trunc.warc.gz', gz.subarray(0, gz.length - 30));
    expect(records.length).toBe(1);
    expect(codes).toEqual([`gzip-truncated@${records[0].length}`]);
  });

  it('a corrupt gzip member is skipped to the next member', () => {
    const members = recs.slice(0, 3).map((r) => gzipMember(r));
    const broken = Buffer.from(members[1]);
    broken.fill(0xff, 10, 30); // an invalid deflate block type
    const { records, codes } = read('corrupt.warc.gz', Buffer.concat([members[0], broken, members[2]]));
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'request']);
    expect(codes[0]).toBe(`gzip-corrupt@${members[0].length}`);
  });

  it('text after the last gzip member (gowarc corrupted-trailing-bytes.warc.gz.open)', () => {
    const gz = gzipRecords(recs.slice(0, 2));
    const { records, codes } = read('tail.warc.gz', Buffer.concat([gz, Buffer.from('GARBAGE_DATA')]));
    expect(records.length).toBe(2);
    expect(codes).toEqual([`warc-garbage@${gz.length}`]);
  });
});

describe('whole files that are no archive', () => {
  it.each([
    ['missing', null, 'file-not-found'],
    ['empty', '', 'empty-file'],
    ['text', 'hello, world\n', 'not-an-archive'],
    ['gzip of text', gzipSync('hello, world\n'), 'not-an-archive'],
  ] as const)('%s', (name, data, code) => {
    const path = data === null ? tmp.dir + '/nope.warc' : tmp.write(`${name.replace(/ /g, '-')}.bin`, data);
    try {
      openArchive(path);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArchiveError);
      expect((e as ArchiveError).code).toBe(code);
      expect((e as ArchiveError).file).toBe(path);
      expect((e as ArchiveError).offset).toBe(0);
    }
  });
});

describe('ARC v1 (ARC file format 1.0)', () => {
  const filedescBlock = '1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n';
  const http = 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi</p>';
  const arc = Buffer.from(
    `filedesc://t.arc 0.0.0.0 20240102030405 text/plain ${filedescBlock.length}\n${filedescBlock}\n` +
      `http://example.com/a b 1.2.3.4 20240102030406 text/html ${http.length}\n${http}\n`,
  );

  it('reads the filedesc and URL records, a URL with a space included (warcio example-space-in-url.arc)', () => {
    for (const [name, data] of [['t.arc', arc], ['t.arc.gz', Buffer.concat([gzipMember(arc.subarray(0, arc.indexOf('http://'))), gzipMember(arc.subarray(arc.indexOf('http://')))])]] as const) {
      const f = openArchive(tmp.write(name, data));
      const rs = [...f.records()];
      expect(f.format).toBe('arc');
      expect(rs.map((r) => [r.type, r.targetUri, r.date])).toEqual([
        ['warcinfo', 'filedesc://t.arc', '2024-01-02T03:04:05Z'],
        ['response', 'http://example.com/a b', '2024-01-02T03:04:06Z'],
      ]);
      expect(rs[1].http()?.status).toBe(200);
      expect(rs[1].payload().toString()).toBe('<p>hi</p>');
      expect(f.readRecord(rs[1].offset, rs[1].length).contentType).toBe('text/html');
      f.close();
    }
  });

  it('reads ARC v2 URL-record lines (10 fields)', () => {
    const body = 'HTTP/1.1 404 Not Found\r\n\r\n';
    const v2 = Buffer.from(
      `filedesc://v2.arc 0.0.0.0 20240102030405 text/plain 200 - - 0 v2.arc ${filedescBlock.length}\n${filedescBlock}\n` +
        `http://example.com/x 1.2.3.4 20240102030406 text/html 404 ABCDEF - 123 v2.arc ${body.length}\n${body}\n`,
    );
    const f = openArchive(tmp.write('v2.arc', v2));
    const rs = [...f.records()];
    expect(rs.map((r) => r.targetUri)).toEqual(['filedesc://v2.arc', 'http://example.com/x']);
    expect(rs[1].headers.get('Result-code')).toBe('404');
    expect(rs[1].http()?.status).toBe(404);
    f.close();
  });

  it('reports a bad URL-record line and resynchronises on the next one (pywb bad.arc)', () => {
    const bad = Buffer.concat([arc.subarray(0, arc.indexOf('http://')), Buffer.from('http://x/ 1.2.3.4 20240102030406 text/html abc\n\n'), arc.subarray(arc.indexOf('http://'))]);
    const problems: WarcProblem[] = [];
    const f = openArchive(tmp.write('bad.arc', bad), { onProblem: (p) => problems.push(p) });
    expect([...f.records()].length).toBe(2);
    expect(problems.map((p) => [p.code, p.offset])).toEqual([['arc-bad-header', arc.indexOf('http://')]]);
    f.close();
  });
});

describe('openArchiveSource reads a window of a source', () => {
  it('reports offsets relative to the whole source (a WARC stored inside a zip)', () => {
    const prefix = Buffer.alloc(1000, 0x50);
    const path = tmp.write('window.bin', Buffer.concat([prefix, plain, Buffer.alloc(500, 0x51)]));
    const src = new FileSource(path);
    const f = openArchiveSource(src, { start: 1000, end: 1000 + plain.length });
    const rs = [...f.records()];
    expect(rs.length).toBe(recs.length);
    expect(rs[0].offset).toBe(1000);
    expect(f.readRecord(rs[2].offset, rs[2].length).type).toBe('request');
    f.close();
    src.close();
  });
});

describe('readRecord is O(1)', () => {
  it('touches only the bytes of the record it reads', () => {
    const many = Buffer.concat(Array.from({ length: 200 }, (_, i) => recs[i % recs.length]));
    const path = tmp.write('many.warc', many);
    const inner = new FileSource(path);
    const reads: Array<[number, number]> = [];
    const counting: ByteSource = { path, size: inner.size, cheapRead: inner.cheapRead, read: (o, n) => (reads.push([o, n]), inner.read(o, n)), close: () => inner.close() };
    const f = openArchiveSource(counting);
    const all = [...f.records()];
    const target = all[150];
    reads.length = 0;
    const r = f.readRecord(target.offset, target.length);
    r.block();
    r.http();
    for (const [o, n] of reads) {
      expect(o).toBeGreaterThanOrEqual(target.offset);
      expect(o).toBeLessThanOrEqual(target.offset + target.length);
      expect(Math.min(n, many.length - o)).toBeLessThanOrEqual(64 * 1024);
    }
    expect(reads.length).toBeLessThan(8);
    f.close();
    inner.close();
  });
});
