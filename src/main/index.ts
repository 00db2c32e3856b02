// The Electron shell: windows, menus and dialogs; every piece of work is the engine's (a plain Node child process).
import { app, BrowserWindow, ipcMain, Menu, shell } from 'electron';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT, IPC_INVOKE, METHODS } from '../shared/api.js';
import { EngineProcess } from './engine-process.js';
import { engineCommand, externalLinkAction, mayNavigate, windowOptions } from './shell.js';

function findNode(): string | null {
  try {
    const cmd = process.platform === 'win32' ? 'where' : 'which';
    return execFileSync(cmd, ['node'], { encoding: 'utf8' }).split(/\r?\n/)[0]?.trim() || null;
  } catch {
    return null;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let engine: EngineProcess | null = null;

function createWindow(): void {
  win = new BrowserWindow(windowOptions(join(here, '../preload/index.cjs')));
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (externalLinkAction(url).openExternally) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const appUrl = process.env.ELECTRON_RENDERER_URL ?? `file://${join(here, '../renderer/index.html')}`;
  win.webContents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url, appUrl)) event.preventDefault();
  });
  win.once('ready-to-show', () => win?.show());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.whenReady().then(async () => {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
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
  engine = new EngineProcess({ ...command, args: [...command.args, '--data-dir', app.getPath('userData')] }, {
    event: (name, payload) => win?.webContents.send(IPC_EVENT, name, payload),
    restart: ({ attempt }) =>
      win?.webContents.send(IPC_EVENT, 'engine.notice', {
        level: 'warn',
        message: `The engine stopped unexpectedly and was restarted (attempt ${attempt}).`,
      }),
  });
  ipcMain.handle(IPC_INVOKE, (_event, method: unknown, args: unknown) => {
    if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
      return { ok: false, error: { code: 'unknown-method', message: `no method '${String(method)}'` } };
    }
    return engine!.call(method, args);
  });
  await engine.start();
});

app.on('window-all-closed', () => {
  void engine?.stop().finally(() => app.quit());
});
