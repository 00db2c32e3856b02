// The Electron shell's decisions as plain functions of their inputs, so tests can check them without Electron.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineCommand } from './engine-process.js';

export interface ShellPaths {
  appRoot: string; // the project (development) or app.asar's folder (packaged)
  resourcesPath: string;
  packaged: boolean;
  /** PATH lookup result for `node`, or null. */
  nodeOnPath: string | null;
}

/** The engine runs on the Node that installed the project in development, and on the Node binary shipped in
 *  resources/ in a packaged build; never on Electron's binary (its V8 memory cage forbids mmap'd Buffers). */
export function engineCommand(p: ShellPaths): EngineCommand | { error: string } {
  const script = join(p.appRoot, 'out', 'node', 'engine.mjs');
  const shipped = join(p.resourcesPath, process.platform === 'win32' ? 'node.exe' : 'node');
  const node = p.packaged && existsSync(shipped) ? shipped : p.nodeOnPath;
  if (!node) return { error: 'No Node.js found to run the ArchiveStream engine: install Node 20 or later.' };
  if (!existsSync(script)) return { error: `The engine is not built (${script} is missing): run \`npm run build\`.` };
  return { node, script, args: [] };
}

/** Window options: the renderer gets no Node, runs sandboxed and isolated, and sees only the preload's bridge. */
export function windowOptions(preload: string, bounds?: { width: number; height: number; x?: number; y?: number }) {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 820,
    ...(bounds?.x !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'ArchiveStream',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      // A file dropped on the window is the renderer's to handle (it adds archives), never a page to navigate to.
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  } as const;
}

/** New windows are always denied; http(s) links go to the system browser, anything else nowhere. */
export function externalLinkAction(url: string): { openExternally: boolean } {
  try {
    const { protocol } = new URL(url);
    return { openExternally: protocol === 'https:' || protocol === 'http:' };
  } catch {
    return { openExternally: false };
  }
}

/** The part of Electron's Session that permission handling uses. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

/** Every permission a page asks for (camera, microphone, geolocation, notifications, devices, ...) is refused, without
 *  a prompt: the app's own UI needs none, and an archived page must get none. The one policy for every session. */
export function denyAllPermissions(ses: PermissionSession): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/** The part of Electron's WebContents that the app window's guards use. */
export interface AppWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** The app window's guards: it opens no window (an http(s) link goes to the system browser), navigates and is
 *  redirected only within the app (mayNavigate), and attaches no <webview>. Archived pages are never shown in it: they
 *  have their own views and partition (replay.ts), under the same deny-all permissions. */
export function guardAppContents(wc: AppWebContents, appUrl: string, openExternal: (url: string) => void): void {
  wc.setWindowOpenHandler(({ url }) => {
    if (externalLinkAction(url).openExternally) openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (!mayNavigate(url, appUrl)) event.preventDefault();
  };
  wc.on('will-navigate', stay);
  wc.on('will-redirect', stay);
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

/** The renderer may only navigate within the app itself: its dev-server origin, or its own index.html on disk
 *  (file: URLs all share the opaque origin "null", so there the path must match). */
export function mayNavigate(target: string, appUrl: string): boolean {
  try {
    const t = new URL(target);
    const app = new URL(appUrl);
    if (app.protocol === 'file:') return t.protocol === 'file:' && t.pathname === app.pathname;
    return t.origin === app.origin;
  } catch {
    return false;
  }
}

/** What the open dialog offers: Electron cannot filter on a double extension (.warc.gz), so the filter shows every
 *  .gz and archivePaths() keeps the archives among the chosen files. */
export const ARCHIVE_EXTENSIONS = ['.warc', '.warc.gz', '.arc', '.arc.gz', '.wacz'] as const;

export function isArchivePath(path: string): boolean {
  const lower = path.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Windows and Linux dialogs cannot pick files and folders at once (a folder picker wins), so each is its own dialog. */
export function openDialogOptions(kind: 'files' | 'folders') {
  if (kind === 'folders') return { title: 'Open folders of archives', properties: ['openDirectory', 'multiSelections'] as Array<'openDirectory' | 'multiSelections'> };
  return {
    title: 'Open archives',
    properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>,
    filters: [
      { name: 'Web archives (WARC, ARC, WACZ)', extensions: ['warc', 'gz', 'arc', 'wacz'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
}

/** The dialog's answer as the paths to add: folders as they are (the engine finds the archives inside), files only
 *  when they are archives. */
export function pickedPaths(kind: 'files' | 'folders', result: { canceled: boolean; filePaths: string[] }): string[] {
  if (result.canceled) return [];
  return kind === 'folders' ? result.filePaths : result.filePaths.filter(isArchivePath);
}

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
}

interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The saved window state (windows.json in userData), when it still fits: a garbled file or a position on a screen
 *  that is gone gives the defaults (size kept, position dropped), so the window never opens off screen. */
export function restoreWindowState(saved: unknown, workAreas: Area[]): WindowState | undefined {
  if (!saved || typeof saved !== 'object') return undefined;
  const s = saved as Record<string, unknown>;
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
  const width = int(s.width);
  const height = int(s.height);
  if (!width || !height || width < 200 || height < 150) return undefined;
  const x = int(s.x);
  const y = int(s.y);
  const maximized = s.maximized === true;
  // Visible enough: the title bar's first 100 px lie inside one of today's screens.
  const onScreen =
    x !== undefined && y !== undefined && workAreas.some((a) => x + 100 > a.x && x < a.x + a.width - 100 && y >= a.y && y < a.y + a.height - 50);
  const fit = workAreas.length ? { width: Math.min(width, Math.max(...workAreas.map((a) => a.width))), height: Math.min(height, Math.max(...workAreas.map((a) => a.height))) } : { width, height };
  return { ...fit, ...(onScreen ? { x, y } : {}), ...(maximized ? { maximized } : {}) };
}

/** nativeTheme.themeSource follows the settings' theme, learnt from the settings the renderer reads and writes. */
export function themeFromReply(method: string, reply: unknown): 'system' | 'light' | 'dark' | null {
  if (method !== 'settings.get' && method !== 'settings.update') return null;
  const r = reply as { ok?: boolean; value?: { theme?: unknown } };
  const theme = r?.ok ? r.value?.theme : undefined;
  return theme === 'system' || theme === 'light' || theme === 'dark' ? theme : null;
}

export interface MenuActions {
  openArchive(): void;
  openLogsFolder(): void;
}

/** The menus: the platform's usual ones by role (their shortcuts come with the roles), plus File > Open Archive… and
 *  Help > Open Logs Folder. Plain objects, so that a test can read them; Menu.buildFromTemplate takes them as they are. */
export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions) {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Archive…', accelerator: 'CmdOrCtrl+O', click: () => actions.openArchive() },
        { type: 'separator' as const },
        mac ? { role: 'close' as const } : { role: 'quit' as const },
      ],
    },
    { role: 'editMenu' as const },
    { role: 'viewMenu' as const },
    { role: 'windowMenu' as const },
    { role: 'help' as const, label: '&Help', submenu: [{ label: 'Open Logs Folder', click: () => actions.openLogsFolder() }] },
  ];
}
