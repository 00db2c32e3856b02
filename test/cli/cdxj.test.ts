// `archivestream cdxj` as a user runs it: the built binary as a child process (built first). Output equals
// `warcio cdx-index` on a corpus file it reads correctly; problems go to stderr one line each (file, offset, code);
// exit 0 clean, 1 problems in the input, 2 usage or unreadable input, never a stack trace. Uses ../shared/corpus
// (pywb's example.warc.gz and example.warc, py-wacz's invalid_example_1.wacz); those cases skip when it is absent.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CORPUS = resolve(ROOT, '../shared/corpus/warc');
const BIN = resolve(ROOT, 'bin/archivestream.mjs');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'cdxj', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [resolve(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
});

describe('archivestream cdxj', () => {
  it('exits 2 with a usage line when no file is given', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/usage: archivestream cdxj/);
  });

  it('exits 2 with one line naming a missing file, no stack', () => {
    const r = run('does/not/exist.warc');
    expect(r.status).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^does\/not\/exist\.warc\t0\tfile-not-found\t/)]);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a file that is no archive', () => {
    const r = run('package.json');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^package\.json\t0\tnot-an-archive\t/);
  });
});

describe.skipIf(!existsSync(CORPUS))('archivestream cdxj on the corpus', () => {
  it('prints what warcio cdx-index prints, exit 0', () => {
    const f = '../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/example.warc.gz';
    const peer = execFileSync(resolve(ROOT, 'node_modules/.bin/warcio'), ['cdx-index', f], { cwd: ROOT, encoding: 'utf8' });
    const r = run(f);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe(peer);
  });

  it('reports damage one line each and exits 1, still printing every record (pywb example.warc: a bad Content-Length)', () => {
    const r = run('../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/example.warc');
    expect(r.status).toBe(1);
    expect(r.out.trim().split('\n')).toHaveLength(3);
    for (const line of r.err.trim().split('\n')) expect(line).toMatch(/^\.\.\/shared\/corpus\/\S+example\.warc\t\d+\t[a-z-]+\t/);
  });

  it('reads WACZ packages and reports invalid ones as wacz-bad-package', () => {
    const r = run('../shared/corpus/warc/webrecorder+py-wacz/tests/fixtures/invalid_example_1.wacz');
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/invalid_example_1\.wacz\t\d+\twacz-bad-package\t/);
    const ok = run('../shared/corpus/warc/webrecorder+py-wacz/tests/fixtures/valid_example_1.wacz');
    expect(ok.status).toBe(0);
    expect(ok.out).toMatch(/^com,example\)\/ 20201007212236 \{.*"filename":"valid_example_1\.wacz"\}\n$/);
  });
});
