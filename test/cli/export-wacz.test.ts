// `archivestream export <db> --format wacz` as a user runs it: the built binary (built first) over a collection of
// pywb's iana.warc.gz and example.warc from ../shared/corpus (skipped without it). The library's behaviour is
// test/core/export/wacz-export.test.ts; here: the flags, the summary line, the exit codes, nothing left on failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../src/core/ingest/index.js';
import { openWacz } from '../../src/core/warc/wacz.js';

const ROOT = resolve(__dirname, '../..');
const BIN = resolve(ROOT, 'bin/archivestream.mjs');
const WARCS = resolve(ROOT, '../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs');
const FILES = [join(WARCS, 'iana.warc.gz'), join(WARCS, 'example.warc')];

let dir: string;
let db: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'export', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!FILES.every(existsSync))('archivestream export --format wacz', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [resolve(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'as-cli-wacz-'));
    db = join(dir, 'c.sqlite');
    await ingestCollection(db, FILES, { workers: 1 });
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports a search, a URL at a time, and a host in a date range', () => {
    for (const [name, sel] of [
      ['q', ['--query', 'example']],
      ['u', ['--url', 'http://www.iana.org/', '--at', '2014']],
      ['h', ['--host', 'iana.org', '--from', '2014', '--to', '2014']],
    ] as const) {
      const out = join(dir, `${name}.wacz`);
      const r = run(db, '--format', 'wacz', ...sel, '-o', out);
      expect(r.status, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`^${out.replace(/[.]/g, '\\.')}\\t\\d+ records\\t\\d+ pages\\t\\d+ bytes\\t`));
      const wacz = openWacz(out);
      try {
        expect(wacz.pages().length, name).toBeGreaterThan(0);
        expect([...wacz.records()].length, name).toBeGreaterThan(0);
      } finally {
        wacz.close();
      }
    }
  });

  it('exits 2 on a usage error and writes nothing', () => {
    expect(run(db, '--format', 'wacz', '-o', join(dir, 'none.wacz')).err).toMatch(/exactly one of a query, a URL or a host/);
    expect(run(db, '--format', 'wacz', '--query', 'x').status).toBe(2);
    expect(run(db, '--format', 'wacz', '--url', 'http://www.iana.org/', '--at', 'yesterday', '-o', join(dir, 'none.wacz')).status).toBe(2);
    expect(readdirSync(dir).filter((n) => n.includes('none'))).toEqual([]);
  });

  it('fails in one line naming the problem when the selection is empty, leaving no file', () => {
    const r = run(db, '--format', 'wacz', '--query', 'zqxjvbnotaword', '-o', join(dir, 'empty.wacz'));
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/no captures to export/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).filter((n) => n.includes('empty'))).toEqual([]);
  });
});
