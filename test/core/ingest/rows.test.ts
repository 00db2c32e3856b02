// Record -> row mapping (issue: captures carry urlkey/timestamp/status/mime/digest/refers-to; pages only for 2xx HTML
// responses; digest computed when WARC-Payload-Digest is absent; charset decoded once; language if cheap).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPieces, extractText } from '../../../src/core/extract/index.js';
import { captureRow, htmlPage, htmlPieces, isHtmlPage, pageRow, timestamp14 } from '../../../src/core/ingest/rows.js';
import { openArchive } from '../../../src/core/warc/index.js';
import type { ArchiveRecord } from '../../../src/core/warc/types.js';
import { html, payloadDigest, warcFile, type RecordSpec } from './warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function records(specs: RecordSpec[]): ArchiveRecord[] {
  const p = join(dir, `r${Math.random().toString(36).slice(2)}.warc`);
  writeFileSync(p, warcFile(specs));
  return [...openArchive(p).records()];
}

describe('rows', () => {
  it('timestamp14 takes WARC-Date (with or without fractions) to 14 digits', () => {
    expect(timestamp14('2008-04-30T20:48:25Z')).toBe('20080430204825');
    expect(timestamp14('2008-04-30T20:48:25.123456Z')).toBe('20080430204825');
    expect(timestamp14(undefined)).toBeNull();
  });

  it('maps a response to a capture row and its HTML to a page row', () => {
    const body = html('Grüße', 'Ein Text über Straßen.').replace('lang="en"', 'lang="de-DE"');
    const [r] = records([{ uri: 'http://Example.com/A?b=2&a=1', date: '2020-05-06T07:08:09Z', body }]);
    const c = captureRow(r, 3);
    expect(c).toMatchObject({
      fileId: 3, offset: 0, type: 'response', uri: 'http://Example.com/A?b=2&a=1', urlkey: 'com,example)/a?a=1&b=2',
      timestamp: '20200506070809', status: 200, mime: 'text/html', digest: payloadDigest(body), method: null,
    });
    expect(isHtmlPage(c)).toBe(true);
    const p = pageRow(r, c);
    expect(p).toMatchObject({ digest: c.digest, url: c.uri, title: 'Grüße', lang: 'de-de', ftsTitle: null, ftsMain: null });
    expect(p.text).toContain('Ein Text über Straßen.');
  });

  it('reads a page in pieces (the worker\'s CPU path) as whole: same text, same <html lang> across a cut', () => {
    const body = html('Grüße', 'Ein Text über Straßen, '.repeat(400)).replace('lang="en"', 'lang="de-AT"');
    const [r] = records([{ uri: 'http://example.com/', date: '2021-01-02T03:04:05Z', body }]);
    const c = captureRow(r, 1);
    const whole = htmlPage(r, c);
    expect(whole.lang).toBe('de-at');
    for (const most of [20, 700]) { // 20: the <html lang> is cut across pieces
      const p = htmlPieces(r, c, undefined, undefined, most);
      expect(p.pieces.length).toBeGreaterThan(10);
      expect(p.pieces.join('')).toBe(whole.html);
      expect(p.lang).toBe('de-at');
      expect(extractPieces(p.pieces)).toEqual(extractText(whole.html));
    }
  });

  it('computes a sha1 digest when the record has none, and keeps 4xx/non-HTML out of pages', () => {
    const body = html('x', 'y');
    const [noDigest, notFound, image] = records([
      { uri: 'http://a.com/', date: '2020-01-01T00:00:00Z', body, digest: null },
      { uri: 'http://a.com/404', date: '2020-01-01T00:00:00Z', body, status: 404 },
      { uri: 'http://a.com/i.png', date: '2020-01-01T00:00:00Z', body: 'PNG', contentType: 'image/png' },
    ]);
    expect(captureRow(noDigest, 1).digest).toBe(payloadDigest(body));
    expect(isHtmlPage(captureRow(notFound, 1))).toBe(false);
    expect(isHtmlPage(captureRow(image, 1))).toBe(false);
  });

  it('revisits keep refers-to URI and date (14 digits); requests keep their method', () => {
    const [rev, req] = records([
      { type: 'revisit', uri: 'http://a.com/', date: '2021-01-01T00:00:00Z', digest: 'sha1:ABC', refersToUri: 'http://a.com/', refersToDate: '2020-01-01T00:00:00Z' },
      { type: 'request', uri: 'http://a.com/', date: '2021-01-01T00:00:00Z', method: 'POST', body: 'a=1' },
    ]);
    expect(captureRow(rev, 1)).toMatchObject({ type: 'revisit', digest: 'sha1:ABC', refersToUri: 'http://a.com/', refersToDate: '20200101000000' });
    expect(isHtmlPage(captureRow(rev, 1))).toBe(false);
    expect(captureRow(req, 1)).toMatchObject({ type: 'request', method: 'POST', status: null });
  });

  it('stores a segmented copy for FTS only when the text needs it', () => {
    const body = html('日本語', '東京大学で勉強します');
    const [r] = records([{ uri: 'http://jp.example/', date: '2020-01-01T00:00:00Z', body }]);
    const p = pageRow(r, captureRow(r, 1));
    expect(p.text).toContain('東京大学で勉強します');
    expect(p.ftsMain).toMatch(/東京 大学 で 勉強/);
  });
});
