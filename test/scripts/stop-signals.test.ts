// `npm start` in browser mode stops as a whole, however it is told to: SIGTERM or SIGHUP to any process of its tree
// (npm, its shell, scripts/start.mjs, the engine), Ctrl+C (SIGINT to the process group), or its script killed outright.
// Real processes: afterwards no process of the tree is left, the port is closed, and the collection's database was
// closed cleanly (an ingest was running; SQLite removes the -wal file only when the last connection closes).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, warcFile } from '../core/ingest/warc-builder.js';

const ROOT = join(__dirname, '..', '..');
const BUILT = ['out/node/engine.mjs', 'out/renderer/index.html', 'out/main/index.js', 'out/preload/index.cjs'];
const scratch = mkdtempSync(join(tmpdir(), 'as-stop-'));
const archives = join(scratch, 'archives');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  // `npm start` builds what is missing first; the test should time the stop, not a build.
  if (!BUILT.every((f) => existsSync(join(ROOT, f)))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync('mkdir', ['-p', archives]);
  // Enough pages that the ingest is still running when the signal comes.
  for (let f = 0; f < 4; f++) {
    const records = Array.from({ length: 400 }, (_, i) => ({
      uri: `https://example.org/${f}/${i}`,
      date: '2024-01-01T00:00:00Z',
      body: html(`page ${i}`, `<p>${'words to index '.repeat(400)}${i}</p>`),
    }));
    writeFileSync(join(archives, `f${f}.warc.gz`), warcFile(records, true));
  }
}, 180_000);

/** Every process whose parent chain leads to `pid` (the tree `npm start` made), from /proc. */
function tree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone while listing
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parents) if (pp === out[i]) out.push(p);
  return out.filter((p) => parents.has(p));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

async function api(url: string, method: string, args: unknown): Promise<unknown> {
  const token = new URL(url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${method}`, url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const reply = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
  return reply.value;
}

type Target = 'npm' | 'start.mjs' | 'engine' | 'process group';

const CASES: Array<[Target, NodeJS.Signals]> = [
  ['npm', 'SIGTERM'],
  ['npm', 'SIGHUP'],
  ['process group', 'SIGINT'], // Ctrl+C in the terminal
  ['start.mjs', 'SIGTERM'],
  ['start.mjs', 'SIGKILL'], // the engine notices its parent is gone
  ['engine', 'SIGTERM'],
  ['engine', 'SIGHUP'],
];

describe('stopping `npm start` (browser mode)', () => {
  it.each(CASES)('%s given %s: no process left, port closed, database closed cleanly', async (target, signal) => {
    const dataDir = mkdtempSync(join(scratch, 'data-'));
    const npm = spawn('npm', ['start', '--', '--browser', '--data-dir', dataDir, '--allow-dir', archives], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (c) => (out += String(c)));
    npm.stderr.on('data', (c) => (out += String(c)));
    try {
      await expect.poll(() => /running in browser mode: (\S+)/.exec(out)?.[1], { timeout: 60_000 }).toBeTruthy();
      const url = /running in browser mode: (\S+)/.exec(out)![1];
      await api(url, 'collections.create', { name: 'c' });
      await api(url, 'files.add', { collection: 'c', paths: [archives] });
      await api(url, 'ingest.start', { collection: 'c', backend: 'cpu' });
      const db = readdirSync(dataDir).find((f) => f.endsWith('.db') || f.endsWith('.sqlite'));
      expect(db, `a database in ${readdirSync(dataDir).join(', ')}`).toBeTruthy();
      expect(existsSync(join(dataDir, `${db}-wal`))).toBe(true); // open, mid-ingest
      const pids = tree(npm.pid!);
      const engine = pids.find((p) => cmdline(p).includes('engine.mjs'))!;
      const start = pids.find((p) => cmdline(p).includes('scripts/start.mjs'))!;
      expect(engine).toBeGreaterThan(0);
      expect(start).toBeGreaterThan(0);

      if (target === 'process group') process.kill(-npm.pid!, signal);
      else process.kill(target === 'npm' ? npm.pid! : target === 'engine' ? engine : start, signal);

      await expect.poll(() => pids.filter(alive), { timeout: 30_000, interval: 200 }).toEqual([]);
      await expect(fetch(url)).rejects.toThrow();
      expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal'))).toEqual([]);
    } finally {
      for (const p of tree(npm.pid!)) if (alive(p)) process.kill(p, 'SIGKILL');
    }
  }, 120_000);
});

describe('`npm start -- --help`', () => {
  it('prints the flags and exits, starting nothing', () => {
    const out = execFileSync('npm', ['start', '--silent', '--', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    for (const flag of ['--allow-dir DIR', '--data-dir DIR', '--port N', '--replay-port N', '--browser', '--rebuild']) expect(out).toContain(flag);
    expect(out).not.toContain('running in browser mode');
  });
});
