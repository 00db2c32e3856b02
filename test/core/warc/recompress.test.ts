// recompress: any readable archive becomes per-record gzip whose records are the same, byte for byte, each in its own
// member (WARC 1.1 Annex D.2). Uses generated fixtures, plus ../shared/corpus when present.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { recompress as recompressCommand } from '../../../src/cli/commands/recompress.js';
import { openArchive } from '../../../src/core/warc/index.js';
import { recompress } from '../../../src/core/warc/recompress.js';
import { httpResponse, responseRecord, tempDir, warcRecord } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc');

function summary(path: string) {
  const f = openArchive(path);
  const out = [...f.records()].map((r) => ({ type: r.type, id: r.recordId, uri: r.targetUri, headers: r.headers.list, block: r.block().toString('base64') }));
  const compression = f.compression;
  f.close();
  return { out, compression };
}

describe('recompress', () => {
  const plain = Buffer.concat([
    warcRecord({ type: 'warcinfo', contentType: 'application/warc-fields', block: 'a: b\r\n' }),
    responseRecord('http://a/', httpResponse(200, [['Content-Type', 'text/plain']], 'hi')),
  ]);

  it.each([
    ['plain', plain],
    ['single-member gzip', gzipSync(plain)],
  ])('rewrites a %s WARC as one member per record, records unchanged', (name, data) => {
    const input = tmp.write(`in-${name.replace(/\W/g, '')}.warc`, data);
    const output = tmp.dir + `/out-${name.replace(/\W/g, '')}.warc.gz`;
    const r = recompress(input, output);
    expect(r).toMatchObject({ records: 2, problems: [] });
    const before = summary(input);
    const after = summary(output);
    expect(after.compression).toBe('gzip-members');
    expect(after.out).toEqual(before.out);
    const bytes = readFileSync(output);
    const f = openArchive(output);
    for (const rec of f.records()) expect(bytes[rec.offset]).toBe(0x1f); // every record starts a member
    f.close();
  });

  it.skipIf(!existsSync(CORPUS))('rewrites a corpus ARC and a WARC/0.17 file (webrecorder+pywb example.arc, jwat test-utf8.warc)', () => {
    for (const name of ['webrecorder+pywb/sample_archive/warcs/example.arc', 'netarchivesuite+jwat/jwat-common/src/test/resources/test-utf8.warc']) {
      const out = tmp.dir + '/corpus.gz';
      recompress(resolve(CORPUS, name), out);
      expect(summary(out).out).toEqual(summary(resolve(CORPUS, name)).out);
    }
  });

  it('CLI: exit 0 and a summary line; exit 2 for no archive; usage error for the same path', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l), isTTY: false };
    const input = tmp.write('cli.warc', plain);
    expect(await recompressCommand.run([input, tmp.dir + '/cli.warc.gz'], io)).toBe(0);
    expect(err[0]).toMatch(/2 records/);
    expect(await recompressCommand.run([tmp.write('text.txt', 'hello'), tmp.dir + '/x.gz'], io)).toBe(2);
    expect(err[1]).toMatch(/not-an-archive/);
    expect(() => recompressCommand.run([input, input], io)).toThrow(/must differ/);
  });
});
