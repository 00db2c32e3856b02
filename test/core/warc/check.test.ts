// checkArchive on generated fixtures: WARC 1.1 mandatory fields (section 5.1 and per type, sections 6-10), field
// syntax, Content-Length against the bytes (section 4: a record ends with CRLF CRLF), block and payload digests
// (section 5.8/5.9), gzip member CRC32 (RFC 1952 2.3.1).
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { checkArchive } from '../../../src/core/warc/check.js';
import { base32 } from '../../../src/core/warc/digest.js';
import { gzipMember, httpResponse, responseRecord, tempDir, warcRecord } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest();
const codes = (name: string, data: Buffer) => checkArchive(tmp.write(name, data)).problems.map((p) => `${p.code}@${p.offset}`);

describe('checkArchive', () => {
  const http = httpResponse(200, [['Content-Type', 'text/plain']], 'hello');
  const good = responseRecord('http://a/', http, [
    ['WARC-Block-Digest', `sha1:${base32(sha1(http))}`],
    ['WARC-Payload-Digest', `sha1:${sha1('hello').toString('hex')}`], // hex is accepted too
  ]);

  it('passes a valid record, plain and gzipped, and counts records', () => {
    expect(checkArchive(tmp.write('good.warc', good))).toEqual({ records: 1, problems: [], unreadable: false });
    expect(checkArchive(tmp.write('good.warc.gz', gzipMember(good))).problems).toEqual([]);
  });

  it('catches block and payload digests that do not match', () => {
    const bad = responseRecord('http://a/', http, [
      ['WARC-Block-Digest', `sha1:${base32(sha1('other'))}`],
      ['WARC-Payload-Digest', `sha256:${createHash('sha256').update('other').digest('hex')}`],
    ]);
    expect(codes('digest.warc', Buffer.concat([good, bad]))).toEqual([`warc-block-digest@${good.length}`, `warc-payload-digest@${good.length}`]);
  });

  it('accepts a payload digest taken before or after de-chunking (writers differ)', () => {
    const wire = '5\r\nhello\r\n0\r\n\r\n';
    const chunked = httpResponse(200, [['Transfer-Encoding', 'chunked']], wire);
    for (const body of [wire, 'hello']) {
      expect(codes(`chunk-${body.length}.warc`, responseRecord('http://a/', chunked, [['WARC-Payload-Digest', `sha1:${base32(sha1(body))}`]]))).toEqual([]);
    }
  });

  it('reports missing mandatory fields and malformed values', () => {
    const rec = warcRecord({ type: 'response', date: 'blue monday', id: '<zaphod>', contentType: 'gif\\image', block: 'x', fields: [['WARC-Block-Digest', 'sharif-1; omar']] });
    const got = checkArchive(tmp.write('fields.warc', rec)).problems.map((p) => p.message);
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/WARC-Record-ID "<zaphod>"/),
        expect.stringMatching(/WARC-Date "blue monday"/),
        expect.stringMatching(/without WARC-Target-URI/),
        expect.stringMatching(/Content-Type "gif\\image"/),
        expect.stringMatching(/WARC-Block-Digest "sharif-1; omar"/),
      ]),
    );
  });

  it('reports a revisit without WARC-Profile and repeated fields', () => {
    const rec = warcRecord({ type: 'revisit', uri: 'http://a/', contentType: 'application/http', fields: [['WARC-Type', 'revisit']], block: '' });
    const got = checkArchive(tmp.write('revisit.warc', rec)).problems.map((p) => `${p.code}: ${p.message}`);
    expect(got).toEqual(['warc-bad-field: warc-type appears 2 times', 'warc-missing-field: revisit record without WARC-Profile']);
  });

  it('reports a block not followed by CRLF CRLF, which reading lets pass', () => {
    const loose = warcRecord({ type: 'resource', uri: 'http://a/', contentType: 'text/plain', block: 'abc', end: '\r\n' });
    expect(codes('loose.warc', Buffer.concat([loose, good]))).toEqual(['warc-bad-length@0']);
  });

  it('checks each gzip member\'s CRC32', () => {
    const data = Buffer.concat([gzipMember(good), gzipMember(good, { badCrc: true })]);
    expect(codes('crc.warc.gz', data)).toEqual([`gzip-corrupt@${gzipMember(good).length}`]);
  });

  it('says when a file is no archive at all', () => {
    expect(checkArchive(tmp.dir + '/missing.warc')).toMatchObject({ records: 0, unreadable: true, problems: [{ code: 'file-not-found', offset: 0 }] });
  });
});
