// Small WARC files built in the test (no data in the tree): responses, revisits, requests, damage.
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sha1Base32 } from '../../../src/core/warc/cdxj.js';

export interface RecordSpec {
  type?: 'response' | 'revisit' | 'request' | 'resource' | 'metadata' | 'warcinfo';
  uri: string;
  date: string; // ISO
  /** HTTP body for responses; the whole block for others. */
  body?: string | Buffer;
  contentType?: string;
  status?: number;
  method?: string;
  /** Payload digest override (revisits carry the original's). */
  digest?: string | null;
  refersToUri?: string;
  refersToDate?: string;
}

export function payloadDigest(body: string | Buffer): string {
  return 'sha1:' + sha1Base32(Buffer.from(body));
}

/** A revisit dated `date` of the response at `uri` with payload `body`, captured at `refersToDate`: the payload's
 *  digest and the original's URI and date, as a crawler that found the payload unchanged writes it. */
export function revisitOf(uri: string, body: string | Buffer, date: string, refersToDate: string): RecordSpec {
  return { type: 'revisit', uri, date, digest: payloadDigest(body), refersToUri: uri, refersToDate };
}

export function warcRecord(r: RecordSpec): Buffer {
  const type = r.type ?? 'response';
  let block: Buffer;
  const headers: Array<[string, string]> = [
    ['WARC-Type', type],
    ['WARC-Target-URI', r.uri],
    ['WARC-Date', r.date],
    ['WARC-Record-ID', `<urn:uuid:${randomUUID()}>`],
  ];
  const body = Buffer.from(r.body ?? '');
  if (type === 'response' || type === 'revisit') {
    const head = `HTTP/1.1 ${r.status ?? 200} OK\r\nContent-Type: ${r.contentType ?? 'text/html; charset=utf-8'}\r\n` +
      (type === 'response' ? `Content-Length: ${body.length}\r\n` : '') + '\r\n';
    block = type === 'revisit' ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]);
    headers.push(['Content-Type', 'application/http; msgtype=response']);
    if (type === 'revisit') {
      headers.push(['WARC-Profile', 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest']);
      if (r.refersToUri) headers.push(['WARC-Refers-To-Target-URI', r.refersToUri]);
      if (r.refersToDate) headers.push(['WARC-Refers-To-Date', r.refersToDate]);
    }
    const digest = r.digest === undefined ? payloadDigest(body) : r.digest;
    if (digest) headers.push(['WARC-Payload-Digest', digest]);
  } else if (type === 'request') {
    block = Buffer.concat([
      Buffer.from(`${r.method ?? 'GET'} ${new URL(r.uri).pathname} HTTP/1.1\r\nHost: ${new URL(r.uri).host}\r\n` +
        (body.length ? `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` : '') + '\r\n'),
      body,
    ]);
    headers.push(['Content-Type', 'application/http; msgtype=request']);
  } else {
    block = body;
    headers.push(['Content-Type', r.contentType ?? 'text/plain']);
  }
  headers.push(['WARC-Block-Digest', 'sha1:' + sha1Base32(block)]);
  headers.push(['Content-Length', String(block.length)]);
  const head = 'WARC/1.1\r\n' + headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(head), block, Buffer.from('\r\n\r\n')]);
}

/** A WARC of the records, plain or gzip per record. */
export function warcFile(records: RecordSpec[], gzip = false): Buffer {
  return Buffer.concat(records.map((r) => (gzip ? gzipSync(warcRecord(r)) : warcRecord(r))));
}

export function html(title: string, body: string, extraHead = ''): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title>${extraHead}</head><body><p>${body}</p></body></html>`;
}

export const sha1hex = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** 6000 responses of about 2 KB of HTML each: written plain, a file long enough to cut or rewrite in the middle of its
 *  reading, whose `records` prints far more lines than a pipe holds. */
export function longPages(): RecordSpec[] {
  return Array.from({ length: 6000 }, (_, i) => ({
    uri: `http://example.com/page/${i}`,
    date: '2020-01-01T00:00:00Z',
    body: html(`Page ${i}`, `word${i} `.repeat(200)),
  }));
}
