import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { LaunchOptions } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

/** A configured path, Debian's /usr/bin/chromium, or Playwright's own build; never downloaded by us. */
export function chromiumLaunchOptions(): LaunchOptions {
  const candidates = [process.env.ARCHIVESTREAM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const executablePath = candidates.find((p) => existsSync(p));
  if (!executablePath && !process.env.PLAYWRIGHT_BROWSERS_PATH) {
    throw new Error('No Chromium found for the end-to-end tests: install one (Debian: `apt-get install -y chromium`) or set ARCHIVESTREAM_CHROMIUM to its path.');
  }
  return {
    executablePath,
    args: [
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  };
}

export interface RunningEngine {
  url: string;
  origin: string;
  process: ChildProcess;
  /** The last code the engine printed on its terminal to confirm a folder to allow (engine/access.ts). */
  lastCode(): string | null;
  stop(): Promise<void>;
}

/** Starts the built engine in browser mode, as `npm start` does here, and waits for the URL it prints. `allowDirs`
 *  go on its command line (--allow-dir), as a person allows folders there. */
export async function startEngine(opts: { allowDirs?: string[] } = {}): Promise<RunningEngine> {
  const args = [join(ROOT, 'out/node/engine.mjs'), '--data-dir', mkdtempSync(join(tmpdir(), 'as-e2e-'))];
  for (const d of opts.allowDirs ?? []) args.push('--allow-dir', d);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let terminal = '';
  child.stderr!.on('data', (d: Buffer) => {
    terminal += d.toString();
    process.stderr.write(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited (${code}) before printing its URL: ${out}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    process: child,
    lastCode: () => [...terminal.matchAll(/type this code where it asks: ([0-9A-F]+)/g)].at(-1)?.[1] ?? null,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;

/** What the Electron end-to-end test needs: the binary (require('electron') gives its path once downloaded) and, on
 *  Linux without a display, Xvfb; `skipReason` says in one line why the test cannot run here, or is null. */
export function electronSetup(): { electron: string | null; xvfb: string | null; skipReason: string | null } {
  let electron: string | null = null;
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    electron = typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    electron = null;
  }
  const needsX = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const xvfb = needsX ? onPath('Xvfb') : null;
  const skipReason = !electron
    ? "no Electron binary (require('electron') fails: its download is blocked here)"
    : needsX && !xvfb
      ? 'no display: DISPLAY is unset and Xvfb is not installed'
      : null;
  return { electron, xvfb, skipReason };
}

/** A call to the engine's API from the page's context (its cookie), throwing the error's message. */
export async function callApi<T>(page: Page, engine: RunningEngine, method: string, args: object): Promise<T> {
  const res = await page.request.post(`${engine.origin}/api/${method}`, { data: args });
  const reply = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
  return reply.value;
}

/** A collection of `paths` made and ingested through the API, to the end (the UI's own ingest flow has its test). */
export async function ingestViaApi(page: Page, engine: RunningEngine, collection: string, paths: string[]): Promise<void> {
  type Detail = { ingest: { running: boolean }; captures: number };
  await callApi(page, engine, 'collections.create', { name: collection });
  await callApi(page, engine, 'files.add', { collection, paths });
  await callApi(page, engine, 'ingest.start', { collection });
  await expect.poll(async () => (await callApi<Detail>(page, engine, 'collections.get', { collection })).captures, { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await callApi<Detail>(page, engine, 'collections.get', { collection })).ingest.running, { timeout: 60_000 }).toBe(false);
}

/** No serious or critical WCAG 2.1 A/AA violations in the UI; archived pages in replay frames are the archive's. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('.replay-frame').analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
