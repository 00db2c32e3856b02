// WACZ packages (WACZ 1.1.1 spec): records of stored WARC entries read in place with offsets in the .wacz, a deflated
// entry read from memory, pages and the packaged index, and 'wacz-bad-package' problems for invalid packages. Corpus
// files are py-wacz's test fixtures (skipped when ../shared/corpus is absent); the rest is generated here.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cdxjLines } from '../../../src/core/warc/cdxj.js';
import type { WarcProblem } from '../../../src/core/warc/types.js';
import { openWacz, waczPages } from '../../../src/core/warc/wacz.js';
import { makeZip } from './zip-fixture.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc/webrecorder+py-wacz/tests/fixtures');
const dir = mkdtempSync(join(tmpdir(), 'wacz-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const warc = (uri: string) => {
  const http = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi';
  return (
    `WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:${uri.length}>\r\nWARC-Date: 2024-05-06T07:08:09Z\r\n` +
    `WARC-Target-URI: ${uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: ${http.length}\r\n\r\n${http}\r\n\r\n`
  );
};
const pages = '{"format": "json-pages-1.0", "id": "pages"}\n{"url": "http://a.example/", "ts": "2024-05-06T07:08:09Z", "title": "A"}\n';
const datapackage = (paths: string[]) =>
  JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', resources: paths.map((p) => ({ name: p, path: p })) });

function write(name: string, zip: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, zip);
  return path;
}

describe('openWacz on generated packages', () => {
  const path = write(
    'gen.wacz',
    makeZip([
      { name: 'datapackage.json', data: datapackage(['archive/a.warc', 'archive/b.warc', 'pages/pages.jsonl']), deflate: true },
      { name: 'pages/pages.jsonl', data: pages, deflate: true },
      { name: 'archive/a.warc', data: warc('http://a.example/') },
      { name: 'archive/b.warc', data: warc('http://b.example/deflated'), deflate: true },
    ]),
  );

  it('reads stored entries in place (offsets in the .wacz) and deflated ones from memory', () => {
    const problems: WarcProblem[] = [];
    const wacz = openWacz(path, { onProblem: (p) => problems.push(p) });
    const records = [...wacz.records()];
    expect(problems).toEqual([]);
    expect(records.map((r) => r.targetUri)).toEqual(['http://a.example/', 'http://b.example/deflated']);
    const a = wacz.warcs.find((e) => e.name === 'archive/a.warc')!;
    expect(records[0].offset).toBe(a.dataOffset);
    expect(records[0].file).toBe(path);
    expect(records[1].file).toBe(`${path}#archive/b.warc`);
    const again = wacz.readRecord(records[0].offset, records[0].length);
    expect(again.http()?.status).toBe(200);
    expect(again.payload().toString()).toBe('hi');
    wacz.close();
  });

  it('gives pages without the header line', () => {
    expect(waczPages(path)).toEqual([{ url: 'http://a.example/', ts: '2024-05-06T07:08:09Z', title: 'A' }]);
  });

  it('reports what is missing from an invalid package as wacz-bad-package, and still reads what is there', () => {
    const bad = write(
      'bad.wacz',
      makeZip([
        { name: 'datapackage.json', data: datapackage(['archive/a.warc', 'archive/missing.warc']) },
        { name: 'archive/a.warc', data: warc('http://a.example/') },
      ]),
    );
    const problems: WarcProblem[] = [];
    const wacz = openWacz(bad, { onProblem: (p) => problems.push(p) });
    expect([...wacz.records()]).toHaveLength(1);
    wacz.close();
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['wacz-bad-package', bad],
      ['wacz-bad-package', bad],
    ]);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/archive\/missing\.warc[\s\S]*pages\/pages\.jsonl/);
  });

  it('throws a typed error for a file that is not a zip at all', () => {
    const notZip = write('not.wacz', Buffer.from('PK\x03\x04 but nothing else'));
    expect(() => openWacz(notZip)).toThrowError(expect.objectContaining({ code: 'wacz-bad-package', file: notZip }));
    expect(() => openWacz(join(dir, 'absent.wacz'))).toThrowError(expect.objectContaining({ code: 'file-not-found' }));
  });
});

describe.skipIf(!existsSync(CORPUS))('openWacz on py-wacz fixtures', () => {
  it.each(['valid_example_1.wacz', 'valid_example_2.wacz', 'valid_signed_example_1.wacz', 'invalid_signed_example_1.wacz'])(
    '%s: our CDXJ equals the package\'s own index, offsets moved by the WARC entry\'s place in the zip',
    (name) => {
      const problems: WarcProblem[] = [];
      const wacz = openWacz(resolve(CORPUS, name), { onProblem: (p) => problems.push(p) });
      expect(problems).toEqual([]);
      const entry = wacz.warcs[0];
      const packaged = wacz.indexLines().map((l) => {
        const j = JSON.parse(l.slice(l.indexOf('{'))) as Record<string, string>;
        return [l.split(' ')[0], l.split(' ')[1], j.url, j.mime, j.status, j.digest.replace(/^sha1:/, ''), j.length, Number(j.offset) + entry.dataOffset];
      });
      const ours = [...cdxjLines(wacz)].map((l) => {
        const j = JSON.parse(l.slice(l.indexOf('{'))) as Record<string, string>;
        return [l.split(' ')[0], l.split(' ')[1], j.url, j.mime, j.status, j.digest, j.length, Number(j.offset)];
      });
      expect(ours).toEqual(packaged);
      expect(wacz.pages().length).toBeGreaterThan(0);
      wacz.close();
    },
  );

  it('invalid_example_1.wacz: wacz-bad-package problems naming the file, no records', () => {
    const path = resolve(CORPUS, 'invalid_example_1.wacz');
    const problems: WarcProblem[] = [];
    const wacz = openWacz(path, { onProblem: (p) => problems.push(p) });
    expect([...wacz.records()]).toEqual([]);
    wacz.close();
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect([p.code, p.file]).toEqual(['wacz-bad-package', path]);
  });
});
