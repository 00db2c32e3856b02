// `npm start` in browser mode: the built engine, killed as a SIGBUS would kill it, comes back on the same address and
// token, and the terminal says why; an engine stopped on purpose is not restarted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { exitReason, superviseEngine } from '../../scripts/engine-supervisor.mjs';

const ROOT = join(__dirname, '..', '..');
const ENGINE = join(ROOT, 'out/node/engine.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'as-supervisor-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(ENGINE)) execFileSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
});

async function engineInfo(url: string): Promise<unknown> {
  const token = new URL(url).searchParams.get('token');
  const res = await fetch(new URL('/api/engine.info', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: res.status, body: await res.json() };
}

describe('the browser-mode engine supervisor', () => {
  it('restarts an engine killed by SIGBUS on the same address and token, and says why', async () => {
    const lines: string[] = [];
    let exited: number | undefined;
    const sup = superviseEngine({
      node: process.execPath, script: ENGINE, args: ['--data-dir', dataDir], log: (l: string) => lines.push(l),
      onExit: (code: number) => (exited = code),
    });
    try {
      await expect.poll(() => sup.url, { timeout: 30_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const url: string = sup.url;
      expect(await engineInfo(url)).toMatchObject({ status: 200 });
      const first: number = sup.pid;
      process.kill(first, 'SIGBUS');
      await expect.poll(() => sup.pid !== undefined && sup.pid !== first, { timeout: 30_000 }).toBe(true);
      await expect.poll(() => engineInfo(url).then((r) => (r as { status: number }).status, () => 0), { timeout: 30_000 }).toBe(200);
      expect(sup.url).toBe(url);
      expect(lines).toEqual([expect.stringMatching(/^archivestream: the engine killed by SIGBUS: an archive file was probably cut .*; restarting it \(1 of 5\), at the same address/)]);
      expect(exited).toBeUndefined();
    } finally {
      sup.stop();
    }
    await expect.poll(() => exited, { timeout: 15_000 }).toBe(0);
    expect(lines).toHaveLength(1); // stopped on purpose: no restart
  }, 90_000);

  it('names the way an engine stopped', () => {
    expect(exitReason(null, 'SIGKILL')).toBe('killed by SIGKILL');
    expect(exitReason(70, null)).toBe('exited with code 70');
  });
});
