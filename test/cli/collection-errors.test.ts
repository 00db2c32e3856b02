// `archivestream search|errors|export|index` on a collection that cannot be used as it is, run as a user runs them
// (the built binary, built first): one line naming the file and what to do, exit 3 (README, 'Exit status'), never a
// stack trace. On read-only media the read commands work and say that nothing can be written; on a full disk what
// was committed is kept and a rerun after space is freed finishes. Those two need a private mount namespace
// (`unshare -m`, as root in CI) and skip, saying so, where it is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3'; // test-only: gives a collection a schema from the future
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, warcFile } from '../core/ingest/warc-builder.js';

const ROOT = resolve(__dirname, '../..');
const BIN = resolve(ROOT, 'bin/archivestream.mjs');
const CAN_UNSHARE = spawnSync('unshare', ['-m', 'true']).status === 0;
if (!CAN_UNSHARE) console.log('collection errors: `unshare -m` is refused here, so the read-only media and full disk cases skip');

let dir: string;
let small: string;
let big: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Runs a shell script in a mount namespace of its own (mounts made there vanish with it). */
function inNamespace(script: string) {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** A WARC of `n` HTML pages of some 8 KB of text each. */
function pages(path: string, n: number, word: string): string {
  writeFileSync(path, warcFile(Array.from({ length: n }, (_, i) => ({
    uri: `http://example.com/${word}/${i}`,
    date: '2020-01-01T00:00:00Z',
    body: html(`${word} ${i}`, `${word}${i} ${'lorem ipsum dolor sit amet '.repeat(300)}`),
  }))));
  return path;
}

function expectOneLine(r: { status: number | null; err: string }, pattern: RegExp) {
  expect(r.status).toBe(3);
  expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
  expect(r.err).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  execFileSync(process.execPath, [resolve(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'as-cli-coll-'));
  small = pages(join(dir, 'small.warc'), 5, 'small');
  big = pages(join(dir, 'big.warc'), 400, 'big');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a collection that cannot be used: one line, exit 3', () => {
  it('its folder does not exist', () => {
    const db = join(dir, 'no-such-folder', 'c.sqlite');
    for (const r of [run('search', db, 'x'), run('errors', db), run('export', db, '--format', 'cdxj'), run('index', db, small)]) {
      expectOneLine(r, new RegExp(`^archivestream \\w+: ${db}: the folder .* does not exist`));
    }
  });

  it('it does not exist', () => {
    expectOneLine(run('search', join(dir, 'none.sqlite'), 'x'), /none\.sqlite: no such collection file/);
  });

  it('it is not a SQLite file', () => {
    const db = join(dir, 'notes.sqlite');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    expectOneLine(run('search', db, 'x'), /notes\.sqlite is not an ArchiveStream collection/);
    expectOneLine(run('index', db, small), /notes\.sqlite is not an ArchiveStream collection/);
  });

  it('it is truncated', () => {
    const db = join(dir, 'cut.sqlite');
    expect(run('index', db, big).status).toBe(0);
    truncateSync(db, Math.floor(statSync(db).size / 2));
    expectOneLine(run('search', db, 'lorem'), /cut\.sqlite is damaged .*restore it from a backup/);
    expectOneLine(run('export', db, '--format', 'jsonl'), /cut\.sqlite is damaged/);
  });

  it('it is a folder', () => {
    const db = join(dir, 'folder.sqlite');
    mkdirSync(db);
    expectOneLine(run('errors', db), /folder\.sqlite is a folder, not a collection file/);
    expectOneLine(run('index', db, small), /folder\.sqlite is a folder/);
  });

  it('its schema is from a later version', () => {
    const db = join(dir, 'future.sqlite');
    expect(run('index', db, small).status).toBe(0);
    const raw = new Database(db);
    raw.pragma('user_version = 99');
    raw.close();
    expectOneLine(run('search', db, 'small'), /future\.sqlite was made by a later version of ArchiveStream \(schema 99/);
    expectOneLine(run('index', db, small), /later version/);
  });

  it.skipIf(!CAN_UNSHARE)('the disk fills up: what was committed is kept, and the same command finishes once there is room', () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    const db = join(full, 'c.sqlite');
    const r = inNamespace([
      `mount -t tmpfs -o size=3m tmpfs ${full}`,
      `node ${BIN} index ${db} ${small} >/dev/null; echo "small $?"`,
      `node ${BIN} index ${db} ${small} ${big} 2>&1 >/dev/null; echo "big $?"`,
      `node ${BIN} search ${db} small --json`,
      `mount -o remount,size=64m ${full}`,
      `node ${BIN} index ${db} ${small} ${big} >/dev/null; echo "again $?"`,
      `node ${BIN} search ${db} lorem --json`,
    ].join(' && '));
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('small 0');
    expect(lines[1]).toMatch(/^archivestream index: .*c\.sqlite: the disk is full\. What was indexed so far is kept/);
    expect(lines[2]).toBe('big 3');
    expect(JSON.parse(lines[3]).total).toBe(5); // the first run's pages, intact
    expect(lines[4]).toBe('again 0');
    expect(JSON.parse(lines[5]).total).toBe(405);
  });

  it.skipIf(!CAN_UNSHARE)('on read-only media: search, errors and export work and say nothing can be written; index of a new file refuses', () => {
    const media = join(dir, 'media');
    mkdirSync(media);
    const db = join(media, 'c.sqlite');
    expect(run('index', db, small).status).toBe(0);
    const r = inNamespace([
      `mount --bind ${media} ${media}`,
      `mount -o remount,bind,ro ${media}`,
      `node ${BIN} search ${db} small --json; echo "search $?"`,
      `node ${BIN} errors ${db}; echo "errors $?"`,
      `node ${BIN} export ${db} --format cdxj | wc -l; echo "export $?"`,
      `node ${BIN} index ${db} ${small} ${big}; echo "index $?"`,
    ].join(' && '));
    const lines = r.out.trim().split('\n');
    expect(JSON.parse(lines[0]).total).toBe(5);
    expect(lines.slice(1)).toEqual(['search 0', 'errors 0', '5', 'export 0', 'index 3']);
    const said = r.err.trim().split('\n');
    expect(said.filter((l) => /is on read-only media or not writable: reading only/.test(l))).toHaveLength(3);
    expect(said.at(-1)).toMatch(/^archivestream index: .*c\.sqlite is read-only .*copy it somewhere writable/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
