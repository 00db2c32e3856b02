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
      webSecurity: true,
      allowRunningInsecureContent: false,
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
