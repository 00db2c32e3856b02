// The Electron shell: windows, menus and dialogs; every piece of work is the engine's (a plain Node child process).
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, screen, session, shell, WebContentsView } from 'electron';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_ALLOW_DROPPED, IPC_EVENT, IPC_INVOKE, IPC_MENU_OPEN_ARCHIVE, IPC_OPEN_LOGS, IPC_PICK_PATHS, IPC_REPLAY_HIDE, IPC_REPLAY_NAVIGATED, IPC_REPLAY_SHOW, METHODS, type ReplaySlot } from '../shared/api.js';
import { EngineProcess } from './engine-process.js';
import { SHELL_REPORT_PATH } from '../shared/replay.js';
import { blockReport, freeLoopbackPort, listenDeadPort, offlineSwitches, partitionHardening, REPLAY_PARTITION, replaySlot, replayViewOptions, replayViewRequest, viewHardening } from './replay.js';
import {
  denyAllPermissions,
  engineCommand,
  guardAppContents,
  menuTemplate,
  openDialogOptions,
  pickedPaths,
  restoreWindowState,
  themeFromReply,
  windowOptions,
  type WindowState,
} from './shell.js';

function findNode(): string | null {
  try {
    const cmd = process.platform === 'win32' ? 'where' : 'which';
    return execFileSync(cmd, ['node'], { encoding: 'utf8' }).split(/\r?\n/)[0]?.trim() || null;
  } catch {
    return null;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
// A test (or a second profile) keeps its data apart; set before anything reads userData.
if (process.env.ARCHIVESTREAM_USER_DATA) app.setPath('userData', process.env.ARCHIVESTREAM_USER_DATA);

for (const [name, value] of offlineSwitches()) app.commandLine.appendSwitch(name, value);
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let engine: EngineProcess | null = null;

const windowStateFile = () => join(app.getPath('userData'), 'windows.json');

function savedWindowState(): WindowState | undefined {
  try {
    const areas = screen.getAllDisplays().map((d) => d.workArea);
    return restoreWindowState(JSON.parse(readFileSync(windowStateFile(), 'utf8')), areas);
  } catch {
    return undefined;
  }
}

function rememberWindowState(w: BrowserWindow): void {
  const bounds = w.getNormalBounds();
  try {
    writeFileSync(windowStateFile(), JSON.stringify({ ...bounds, maximized: w.isMaximized() }));
  } catch {
    // Not remembering the size is no reason to stop closing.
  }
}

function createWindow(): void {
  const state = savedWindowState();
  win = new BrowserWindow(windowOptions(join(here, '../preload/index.cjs'), state));
  if (state?.maximized) win.maximize();
  const w = win;
  w.on('close', () => rememberWindowState(w));
  const appUrl = process.env.ELECTRON_RENDERER_URL ?? `file://${join(here, '../renderer/index.html')}`;
  guardAppContents(win.webContents, appUrl, (url) => void shell.openExternal(url));
  win.once('ready-to-show', () => win?.show());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

/** The replay views: archived pages in their own partition, each laid over the area of the window the renderer names.
 *  Set up once the engine says where its replay origin is; until then (or without an engine) every view is refused. */
let replayOrigin: string | null = null;
/** Each view, and the address the renderer last asked it for: a view that has since followed a link in its page is
 *  not sent back when the renderer only moves or resizes it. */
const replayViews = new Map<ReplaySlot, { view: WebContentsView; asked: string }>();

/** Tells the replay server's ledger what the shell stopped, beside what the page's CSP stopped. */
function reportBlocked(origin: string, documentUrl: string, blockedUrl: string, reason: string): void {
  const body = blockReport(documentUrl, blockedUrl, reason);
  fetch(`${origin}${SHELL_REPORT_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => {});
}

async function setUpReplay(origin: string): Promise<void> {
  // A partition-wide refusal does not say which view it came from: the server files it under the newest page view.
  const report = (blockedUrl: string, reason: string) => reportBlocked(origin, '', blockedUrl, reason);
  const dead = await listenDeadPort(() => report('(a connection to the partition proxy)', 'proxy'));
  await partitionHardening(session.fromPartition(REPLAY_PARTITION), { replayOrigin: origin, deadPort: dead.port, onBlocked: report });
  replayOrigin = origin;
}

function showReplay(url: unknown, bounds: unknown, slot: unknown): boolean {
  if (!win || !replayOrigin) return false;
  const [width, height] = win.getContentSize();
  const asked = replayViewRequest(url, bounds, replayOrigin, { width, height }, slot);
  if (!asked) return false;
  let entry = replayViews.get(asked.slot);
  if (!entry) {
    const view = new WebContentsView(replayViewOptions());
    const origin = replayOrigin;
    const { slot } = asked;
    viewHardening(view.webContents, origin, (blockedUrl, reason) => reportBlocked(origin, view.webContents.getURL(), blockedUrl, reason));
    const navigated = (_event: unknown, url: string) => win?.webContents.send(IPC_REPLAY_NAVIGATED, slot, url);
    view.webContents.on('did-navigate', navigated);
    view.webContents.on('did-navigate-in-page', navigated);
    replayViews.set(slot, (entry = { view, asked: '' }));
  }
  win.contentView.addChildView(entry.view); // again is fine: it moves the view to the top
  entry.view.setBounds(asked.bounds);
  if (entry.asked !== asked.url) {
    entry.asked = asked.url;
    void entry.view.webContents.loadURL(asked.url);
  }
  return true;
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

async function openLogsFolder(): Promise<void> {
  const reply = await engine?.call('app.paths', {});
  const logsDir = reply?.ok ? (reply.value as { logsDir: string }).logsDir : join(app.getPath('userData'), 'logs');
  const failed = await shell.openPath(logsDir);
  if (failed) win?.webContents.send(IPC_EVENT, 'engine.notice', { level: 'error', message: `Could not open ${logsDir}: ${failed}` });
}

app.whenReady().then(async () => {
  denyAllPermissions(session.defaultSession);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        openArchive: () => win?.webContents.send(IPC_MENU_OPEN_ARCHIVE),
        openLogsFolder: () => void openLogsFolder(),
      }),
    ),
  );
  ipcMain.handle(IPC_PICK_PATHS, async (_event, kind: unknown) => {
    const k = kind === 'folders' ? 'folders' : 'files';
    const options = openDialogOptions(k);
    const paths = pickedPaths(k, win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options));
    engine?.allow(paths); // the person's own pick: the engine may read these (the API alone cannot widen that)
    return paths;
  });
  ipcMain.on(IPC_ALLOW_DROPPED, (_event, path: unknown) => {
    if (typeof path === 'string') engine?.allow([path]);
  });
  ipcMain.handle(IPC_OPEN_LOGS, () => openLogsFolder());
  ipcMain.handle(IPC_REPLAY_SHOW, (_event, url: unknown, bounds: unknown, slot: unknown) => showReplay(url, bounds, slot));
  ipcMain.handle(IPC_REPLAY_HIDE, (_event, slot: unknown) => {
    const known = replaySlot(slot);
    const entry = known && replayViews.get(known);
    if (entry) win?.contentView.removeChildView(entry.view);
  });
  const command = engineCommand({
    appRoot: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    packaged: app.isPackaged,
    nodeOnPath: findNode(),
  });
  createWindow();
  if ('error' in command) {
    win?.webContents.once('did-finish-load', () =>
      win?.webContents.send(IPC_EVENT, 'engine.notice', { level: 'error', message: command.error }),
    );
    return;
  }
  const replayPort = await freeLoopbackPort();
  // `--allow-dir DIR` given to the app goes on to the engine: folders the person allows from the command line.
  const allowDirs = process.argv.flatMap((a, i) => (a === '--allow-dir' && process.argv[i + 1] ? [a, process.argv[i + 1]] : []));
  engine = new EngineProcess({ ...command, args: [...command.args, '--data-dir', app.getPath('userData'), '--replay-port', String(replayPort), ...allowDirs] }, {
    event: (name, payload) => win?.webContents.send(IPC_EVENT, name, payload),
    restart: ({ attempt }) =>
      win?.webContents.send(IPC_EVENT, 'engine.notice', {
        level: 'warn',
        message: `The engine stopped unexpectedly and was restarted (attempt ${attempt}).`,
      }),
  });
  ipcMain.handle(IPC_INVOKE, (_event, method: unknown, args: unknown, traceparent: unknown) => {
    if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
      return { ok: false, error: { code: 'unknown-method', message: `no method '${String(method)}'` } };
    }
    return engine!.call(method, args, typeof traceparent === 'string' ? traceparent : undefined).then((reply) => {
      const theme = themeFromReply(method, reply);
      if (theme) nativeTheme.themeSource = theme;
      return reply;
    });
  });
  await engine.start();
  const reply = await engine.call('replay.origin', {});
  const origin = reply.ok ? (reply.value as { origin?: unknown }).origin : null;
  if (typeof origin === 'string') await setUpReplay(origin);
  else win?.webContents.send(IPC_EVENT, 'engine.notice', { level: 'warn', message: `Replay is unavailable: ${reply.ok ? 'the engine named no replay origin' : reply.error.message}` });
});

app.on('window-all-closed', () => {
  void engine?.stop().finally(() => app.quit());
});
