// `records` and `cdxj` on a WARC that is cut or rewritten while they read it, in a child process (a SIGBUS
// would kill the test runner too). The file was written just now, so the reader uses positional reads, never a mapping:
// the change must come out as a 'file-changed' problem line (file, offset, code) and exit 1, not as an internal error
// (exit 70) or a collection error (exit 3); the lines read before the change stay printed, and `cdxj` goes on with the
// next file. The child's stdout is a pipe the test stops reading, so the child waits, mid-file, until the change is made.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { longPages, warcFile } from '../core/ingest/warc-builder.js';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'as-cli-changed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records = longPages();
const whole = warcFile(records, false);
const CUT = Math.floor(whole.length / 3);
/** The same length, other bytes: only the mtime and the content tell it from the original. */
const rewritten = Buffer.from(whole.toString('latin1').replace(/word/g, 'WORD'), 'latin1');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; at its first line of output, stops reading (the child blocks on the full pipe), calls `change`,
 *  and reads on after a pause longer than the reader's 50 ms between looks at the file. */
function runChanging(args: string[], change: () => void): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let changed = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (changed) return;
      changed = true;
      child.stdout.pause();
      change();
      setTimeout(() => child.stdout.resume(), 200);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    // 'close', not 'exit': the output still in the pipe is read first.
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

function fresh(name: string): string {
  const file = join(dir, name);
  writeFileSync(file, whole);
  return file;
}

/** The problem lines of stderr naming `file` as changed. */
const changedLines = (run: Run, file: string) =>
  run.stderr.split('\n').filter((l) => l.startsWith(`${file}\t`) && l.split('\t')[2] === 'file-changed');

function expectChanged(run: Run, file: string): void {
  expect(run.signal).toBeNull();
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  const lines = changedLines(run, file);
  expect(lines).toHaveLength(1);
  const [, offset, , message] = lines[0].split('\t');
  expect(Number(offset)).toBeGreaterThan(0);
  expect(Number(offset)).toBeLessThanOrEqual(whole.length);
  expect(message).toMatch(new RegExp(`^changed while being read \\(was ${whole.length} bytes.*; run the same command again`));
  expect(run.code).toBe(1);
}

describe('a WARC that changes while the CLI reads it', () => {
  it('records: a cut is reported as file-changed with file and offset, exit 1; the records read before it stay printed', async () => {
    const file = fresh('records-cut.warc');
    const run = await runChanging(['records', file], () => truncateSync(file, CUT));
    expectChanged(run, file);
    const printed = run.stdout.trim().split('\n');
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.length).toBeLessThan(records.length);
    expect(printed[0]).toMatch(/^0\t\d+\tresponse\thttp:\/\/example\.com\/page\/0\t/);
  }, 120_000);

  it('records: a file rewritten to the same length is reported as changed, exit 1', async () => {
    const file = fresh('records-rewritten.warc');
    // Written over in place, never shorter, so only the mtime (and the bytes) say it changed.
    const run = await runChanging(['records', file], () => {
      const fd = openSync(file, 'r+');
      writeSync(fd, rewritten, 0, rewritten.length, 0);
      closeSync(fd);
    });
    expectChanged(run, file);
    expect(run.stderr).toMatch(new RegExp(`now ${whole.length} bytes`));
  }, 120_000);

  it('cdxj: the changed file is reported, exit 1, and the next file is still indexed whole', async () => {
    const file = fresh('cdxj-cut.warc');
    const next = join(dir, 'cdxj-next.warc');
    writeFileSync(next, warcFile(records.slice(0, 3), false));
    const run = await runChanging(['cdxj', file, next], () => truncateSync(file, CUT));
    expectChanged(run, file);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeLessThan(records.length + 3);
    // The next file's three captures, each with its own file name, at the end.
    expect(lines.slice(-3).map((l) => JSON.parse(l.slice(l.indexOf('{'))).filename)).toEqual(['cdxj-next.warc', 'cdxj-next.warc', 'cdxj-next.warc']);
  }, 120_000);

});
