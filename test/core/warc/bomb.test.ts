// Decompression bombs and packages built to break the reader (issue 13, defects 1 and 2). Every file is made here:
// bombs of zeros that inflate about 1028:1 (bomb-fixtures.ts), a WACZ whose datapackage.json inflates to 600 MB, and a
// 247-byte WACZ whose zip64 extra field has length 0. Owed: problems naming file and offset, reading going on past
// them, bounded memory (the child-process test measures peak RSS), and the CLI exiting 1 or 2 without a stack trace.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cdxj } from '../../../src/cli/commands/cdxj.js';
import { check } from '../../../src/cli/commands/check.js';
import { records } from '../../../src/cli/commands/records.js';
import { ArchiveError, openArchive } from '../../../src/core/warc/index.js';
import type { WarcProblem } from '../../../src/core/warc/types.js';
import { deflatedEntry, gzipOf, makeZip, MIB, zerosDeflated } from './bomb-fixtures.js';
import { gzipMember, httpResponse, responseRecord, tempDir, warcRecord } from './fixtures.js';

const tmp = tempDir('archivestream-bomb-');
afterAll(() => tmp.cleanup());

const GIB = zerosDeflated(1024); // 1 GiB of zeros in about 1 MB

function readAll(path: string) {
  const problems: WarcProblem[] = [];
  const file = openArchive(path, { onProblem: (p) => problems.push(p) });
  try {
    const recs = [...file.records()].map((r) => ({ offset: r.offset, id: r.recordId, payload: r.payload().length }));
    return { records: recs, problems };
  } finally {
    file.close();
  }
}

const first = warcRecord({ type: 'resource', uri: 'http://a.example/', contentType: 'text/plain', block: 'before' });
const last = warcRecord({ type: 'resource', uri: 'http://b.example/', contentType: 'text/plain', block: 'after' });
const bombMember = gzipOf(GIB);
const bombWarcGz = tmp.write('bomb.warc.gz', Buffer.concat([gzipMember(first), bombMember, gzipMember(last)]));

describe('gzip members', () => {
  it('a member of 1 GiB of zeros between two records is a bomb at its offset; both records are read', () => {
    const { records: recs, problems } = readAll(bombWarcGz);
    expect(recs.map((r) => r.payload)).toEqual([6, 5]);
    expect(problems).toEqual([
      { code: 'decompression-bomb', file: bombWarcGz, offset: gzipMember(first).length, message: expect.stringMatching(/gzip member inflates past \d+ bytes from \d+ \(more than 1000:1\)/) },
    ]);
  });

  it('a file that is one bomb member opens, reports the bomb at 0 and has no records', () => {
    const path = tmp.write('only-bomb.warc.gz', bombMember);
    const { records: recs, problems } = readAll(path);
    expect(recs).toEqual([]);
    expect(problems.map((p) => `${p.code}@${p.offset}`)).toEqual(['decompression-bomb@0']);
  });

  it('peak memory stays flat: records on the 1 GiB bomb in a child process', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'bomb-rss-driver.ts'), 'records', bombWarcGz], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.problems).toEqual(['decompression-bomb']);
    expect(out.records).toBe(2);
    // A Node process with tsx starts near 100 MB; holding the member inflated would take over 1000 MB.
    expect(out.maxRssMb).toBeLessThan(250);
    console.log(`peak RSS reading a 1 GiB gzip bomb: ${out.maxRssMb} MB`);
  }, 90_000);
});

describe('HTTP Content-Encoding', () => {
  const body = gzipOf(GIB);
  const http = httpResponse(200, [['Content-Type', 'text/html'], ['Content-Encoding', 'gzip'], ['Content-Length', String(body.length)]], body);
  const path = tmp.write('encoding-bomb.warc', Buffer.concat([responseRecord('http://bomb.example/', http), last]));

  it('a gzip payload of 1 GiB of zeros stops at the bomb, reported at the record, and the next record is read', () => {
    const problems: WarcProblem[] = [];
    const file = openArchive(path, { onProblem: (p) => problems.push(p) });
    const [bomb, next] = [...file.records()];
    let n = 0;
    for (const piece of bomb.payloadPieces()) n += piece.length;
    const after = next.payload().toString();
    file.close();
    expect(n).toBeGreaterThan(64 * MIB);
    expect(n).toBeLessThan(66 * MIB);
    expect(after).toBe('after');
    expect(problems.map((p) => `${p.code}@${p.offset}`)).toEqual(['decompression-bomb@0']);
    expect(problems[0].message).toMatch(/Content-Encoding 'gzip' inflates past/);
  });

  it('check reports it once and goes on', async () => {
    const lines: string[] = [];
    const status = await check.run([path], { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false });
    expect(status).toBe(1);
    expect(lines.filter((l) => l.includes('decompression-bomb'))).toHaveLength(1);
  });
});

const warc = Buffer.concat([first, last]);
const pages = '{"format": "json-pages-1.0"}\n{"url": "http://a.example/"}\n';
// Defect 2's first file: 600 KB on disk, datapackage.json inflating to 600 MB ("Cannot create a string longer than
// 0x1fffffe8" when read whole).
const bigPackage = tmp.write(
  'big-datapackage.wacz',
  makeZip([deflatedEntry('datapackage.json', zerosDeflated(608)), { name: 'pages/pages.jsonl', data: pages }, { name: 'archive/data.warc', data: warc }]),
);
// Defect 2's second file: a zip64 entry whose extra field (id 1) has length 0, at the very end of the directory.
const zip64Extra = Buffer.from([1, 0, 0, 0]);
const shortZip64 = tmp.write('short-zip64.wacz', makeZip([{ name: 'datapackage.json', data: '{}' }], { zip64: true, zip64Extra }));

describe('WACZ packages', () => {
  it('the 600 MB datapackage.json is a reported bomb, and the WARC inside is still read', () => {
    const { records: recs, problems } = readAll(bigPackage);
    expect(recs.map((r) => r.id)).toHaveLength(2);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'decompression-bomb', file: bigPackage, offset: 0, message: expect.stringMatching(/datapackage\.json/) }));
  });

  it('a deflated WARC entry that is a bomb is reported with the package and its offset', () => {
    const path = tmp.write('warc-bomb.wacz', makeZip([{ name: 'datapackage.json', data: '{"resources": []}' }, deflatedEntry('archive/bomb.warc', GIB)]));
    const { records: recs, problems } = readAll(path);
    expect(recs).toEqual([]);
    const bomb = problems.find((p) => p.code === 'decompression-bomb');
    expect(bomb).toMatchObject({ file: path, message: expect.stringMatching(/archive\/bomb\.warc/) });
    expect(bomb!.offset).toBeGreaterThan(0); // the entry's local header, after datapackage.json's
  });

  it('a zip64 extra field of length 0 is a clean ArchiveError naming the file and offset', () => {
    expect(() => openArchive(shortZip64)).toThrowError(ArchiveError);
    try {
      openArchive(shortZip64);
    } catch (e) {
      expect(e).toMatchObject({ code: 'wacz-bad-package', file: shortZip64 });
      expect((e as ArchiveError).message).toMatch(/zip64 extra field of 0 bytes/);
      expect((e as ArchiveError).offset).toBeGreaterThan(0);
    }
  });

  it.each([
    ['records', records],
    ['check', check],
    ['cdxj', cdxj],
  ] as const)('%s: both packages give problem lines and exit 1 or 2, never a throw (exit 70)', async (_, command) => {
    for (const [path, want] of [
      [bigPackage, 1],
      [shortZip64, 2],
    ] as const) {
      const out: string[] = [];
      const err: string[] = [];
      const status = await command.run([path], { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
      expect(status).toBe(want);
      const problemLines = [...out, ...err].filter((l) => l.startsWith(`${path}\t`));
      expect(problemLines.length).toBeGreaterThan(0);
      for (const line of problemLines) expect(line).toMatch(/^[^\t]+\t\d+\t[a-z-]+\t./);
    }
  });
});
