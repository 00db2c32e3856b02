// The desktop app end to end (issue "The workstation UI", part 4), with Playwright's Electron support: the renderer is
// isolated (no require, only invoke/on/shell on the bridge), a generated WARC opens through the contract and lists its
// records, the settings' theme reaches nativeTheme, the window's bounds are remembered.
// Runs wherever the Electron binary exists and a display is available (on Linux without DISPLAY it starts Xvfb when
// installed); otherwise it is skipped with one line saying why.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { electronSetup, ROOT } from './support.js';


const { electron: ELECTRON, xvfb: XVFB, skipReason } = electronSetup();

test.describe.configure({ mode: 'serial' });
test.skip(skipReason !== null, skipReason ?? ''); // playwright.config.ts prints the reason in one line

/** A WARC 1.1 file of a warcinfo and two responses, made here (ISO 28500:2017 §4: CRLF after the header block and two
 *  after each record). */
function generatedWarc(): { path: string; uris: string[] } {
  const record = (type: string, uri: string | null, block: string, contentType: string) => {
    const headers = [
      'WARC/1.1',
      `WARC-Type: ${type}`,
      `WARC-Record-ID: <urn:uuid:${crypto.randomUUID()}>`,
      'WARC-Date: 2024-05-01T12:00:00Z',
      ...(uri ? [`WARC-Target-URI: ${uri}`] : []),
      `Content-Type: ${contentType}`,
      `Content-Length: ${Buffer.byteLength(block)}`,
    ];
    return `${headers.join('\r\n')}\r\n\r\n${block}\r\n\r\n`;
  };
  const page = (title: string) => {
    const body = `<html><head><title>${title}</title></head><body>${title}</body></html>`;
    return `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const uris = ['https://example.org/one', 'https://example.org/two'];
  const path = join(warcDir, 'generated.warc');
  writeFileSync(
    path,
    record('warcinfo', null, 'software: archivestream test\r\n', 'application/warc-fields') +
      uris.map((u, i) => record('response', u, page(`Page ${i + 1}`), 'application/http; msgtype=response')).join(''),
  );
  return { path, uris };
}

let xvfb: ChildProcess | null = null;
/** Allowed with --allow-dir, as a person would: the engine reads no file outside the folders allowed. */
const warcDir = mkdtempSync(join(tmpdir(), 'as-electron-warc-'));
let app: ElectronApplication;
let win: Page;
const userData = mkdtempSync(join(tmpdir(), 'as-electron-data-'));

async function launch(): Promise<void> {
  app = await _electron.launch({
    executablePath: ELECTRON!,
    // The project folder, not the script: app.getAppPath() must be the root that holds out/node/engine.mjs.
    args: [ROOT, '--allow-dir', warcDir, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, ARCHIVESTREAM_USER_DATA: userData, ...(xvfb ? { DISPLAY: ':97' } : {}) } as Record<string, string>,
  });
  win = await app.firstWindow();
  await win.waitForLoadState('domcontentloaded');
}

test.beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('the app is not built: run `npm run build` first');
  if (XVFB) {
    xvfb = spawn(XVFB, [':97', '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
  }
  await launch();
});

test.afterAll(async () => {
  await app?.close();
  xvfb?.kill();
});

test('the renderer is isolated: no require or process, and the bridge holds only invoke, on and shell', async () => {
  const seen = await win.evaluate(() => {
    const w = globalThis as unknown as Record<string, unknown>;
    const bridge = w.archivestream as Record<string, unknown>;
    return { require: typeof w.require, process: typeof w.process, keys: Object.keys(bridge).sort(), shell: Object.keys(bridge.shell as object).sort() };
  });
  expect(seen).toEqual({ require: 'undefined', process: 'undefined', keys: ['invoke', 'on', 'shell'], shell: ['onOpenArchive', 'openLogsFolder', 'pathForFile', 'pickPaths'] });
});

test('a generated WARC opens through the contract and lists its records', async () => {
  const warc = generatedWarc();
  const result = await win.evaluate(async (path) => {
    const bridge = (globalThis as unknown as { archivestream: { invoke(m: string, a: unknown): Promise<{ ok: boolean; value?: unknown }> } }).archivestream;
    const opened = await bridge.invoke('archive.open', { paths: [path] });
    const records = await bridge.invoke('archive.records', { file: path });
    return { opened, records };
  }, warc.path);
  expect(result.opened).toMatchObject({ ok: true, value: [{ path: warc.path, format: 'warc', compression: 'none' }] });
  const page = (result.records as { ok: true; value: { records: Array<{ type: string; uri: string | null }>; problems: unknown[] } }).value;
  expect(page.records.map((r) => r.type)).toEqual(['warcinfo', 'response', 'response']);
  expect(page.records.slice(1).map((r) => r.uri)).toEqual(warc.uris);
  expect(page.problems).toEqual([]);
});

test('the native theme follows the settings, and Settings offers to open the logs folder', async () => {
  await win.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await win.getByRole('radio', { name: 'Dark' }).check();
  await expect.poll(() => app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark');
  const paths = win.getByRole('region', { name: 'Data and logs' });
  await expect(paths.locator('code').nth(1)).toHaveText(join(userData, 'logs'));
  await expect(paths.getByRole('button', { name: 'Open logs folder' })).toBeVisible();
  expect(readFileSync(join(userData, 'logs', 'engine.log'), 'utf8')).toMatch(/engine \d+ started/);
});

test('the window opens again where it was left', async () => {
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].setBounds({ x: 40, y: 30, width: 1000, height: 700 }));
  await app.close();
  expect(JSON.parse(readFileSync(join(userData, 'windows.json'), 'utf8'))).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 });
  await launch();
  const bounds = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getBounds());
  expect(bounds).toMatchObject({ width: 1000, height: 700 });
});
