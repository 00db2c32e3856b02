// A WACZ's own records among the hits: a page snapshot stored at file:///dom-snapshot.html beside the page it was
// taken of is found by the same words, and the hit says what it is (core/search/internal.ts), while the page's hit
// says nothing. Built as the WACZ writers store it: a resource record in archive/data.warc of a zip.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveInternal } from '../../src/core/search/internal.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { makeZip } from '../core/warc/zip-fixture.js';
import { testEngine } from './harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-internal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hits that are a crawler’s own records', () => {
  it('marks a WACZ page snapshot, not the page it was taken of', async () => {
    const page = html('Lighthouse keepers', 'The lighthouse keepers of the northern coast kept a log of every ship.');
    const warc = warcFile([
      { uri: 'https://example.org/keepers', date: '2023-05-01T10:00:00Z', body: page },
      // The DOM as the browser held it after scripts ran: the same words, not the same bytes.
      { type: 'resource', uri: 'file:///dom-snapshot.html', date: '2023-05-01T10:00:01Z', body: page.replace('</body>', '<div id="cookie-banner"></div></body>'), contentType: 'text/html' },
    ]);
    const wacz = join(dir, 'keepers.wacz');
    writeFileSync(
      wacz,
      makeZip([
        { name: 'datapackage.json', data: JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', resources: [{ name: 'data.warc', path: 'archive/data.warc' }] }) },
        { name: 'archive/data.warc', data: warc },
      ]),
    );
    const engine = testEngine({ dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [dir] });
    try {
      await engine.ingested('w', [wacz]);
      const { hits } = await engine.call('search.query', { collection: 'w', q: 'lighthouse keepers' });
      const byUrl = new Map(hits.map((h) => [h.url, h.internal]));
      expect(byUrl).toEqual(
        new Map([
          ['https://example.org/keepers', null],
          ['file:///dom-snapshot.html', 'WACZ page snapshot'],
        ]),
      );
    } finally {
      engine.close();
    }
  });

  it('names each kind of record by its URL, and leaves web pages alone', () => {
    const cases: Array<[string, string, string | null]> = [
      ['https://example.org/', 'a.wacz', null],
      ['HTTP://EXAMPLE.ORG/', 'a.warc.gz', null],
      ['file:///dom-snapshot.html', '/data/crawl.wacz', 'WACZ page snapshot'],
      ['file:///dom-snapshot.html', '/data/crawl.warc', 'Local file of the crawler'],
      ['urn:pageinfo:https://example.org/', 'a.wacz', 'Crawler page info'],
      ['urn:text:https://example.org/', 'a.wacz', 'Crawler page text'],
      ['urn:view:https://example.org/', 'a.wacz', 'Crawler page snapshot'],
      ['urn:uuid:1234', 'a.warc', 'Crawler record'],
      ['ftp://example.org/readme.txt', 'a.warc', 'ftp: record, not a web page'],
      ['example.org/no-scheme', 'a.warc', null],
    ];
    for (const [url, file, label] of cases) expect(archiveInternal(url, file), url).toBe(label);
  });
});
