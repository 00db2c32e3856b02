// The Electron security checklist for the app window, checked on the shell's own functions (Electron's binary cannot
// run here): context isolation, sandbox, no Node, the renderer's CSP, navigation and new-window guards, and permission
// handlers that deny, the same function the replay partition uses (test/main/replay.test.ts checks it there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { denyAllPermissions, guardAppContents, windowOptions, type AppWebContents, type PermissionSession } from '../../src/main/shell.js';

const ROOT = join(__dirname, '..', '..');

/** A WebContents that keeps the handlers the guards install, so the test can call them as Electron would. */
function recordingContents() {
  const listeners = new Map<string, Array<(...a: never[]) => unknown>>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const wc: AppWebContents = {
    setWindowOpenHandler: (h) => void (openHandler = h),
    on: (event: string, listener: (...a: never[]) => unknown) => void listeners.set(event, [...(listeners.get(event) ?? []), listener]),
  };
  /** Fires `event` for `url` and says whether a listener prevented it. */
  const fire = (event: string, url?: string): boolean => {
    let prevented = false;
    const e = { preventDefault: () => void (prevented = true) };
    const all = listeners.get(event) ?? [];
    if (all.length === 0) throw new Error(`no listener for ${event}`);
    for (const l of all) (l as (e: unknown, url?: string) => void)(e, url);
    return prevented;
  };
  return { wc, fire, open: (url: string) => openHandler!({ url }) };
}

describe('the app window', () => {
  it('has no Node, runs sandboxed and isolated, and gets nothing but its preload', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('opens no window: http(s) links go to the system browser, other schemes nowhere', () => {
    const opened: string[] = [];
    const { wc, open } = recordingContents();
    guardAppContents(wc, 'file:///app/out/renderer/index.html', (u) => opened.push(u));
    for (const url of ['https://example.org/a', 'http://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://example.org/a', 'http://example.org/']);
  });

  it('navigates and is redirected only within the app, and attaches no <webview>', () => {
    const { wc, fire } = recordingContents();
    guardAppContents(wc, 'file:///app/out/renderer/index.html', () => {});
    expect(fire('will-navigate', 'file:///app/out/renderer/index.html#/search')).toBe(false);
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(fire(event, 'https://evil.example/')).toBe(true);
      expect(fire(event, 'file:///etc/passwd')).toBe(true);
      expect(fire(event, 'http://127.0.0.1:4000/')).toBe(true); // the engine's own browser-mode origin is not the app
    }
    expect(fire('will-attach-webview')).toBe(true);

    const dev = recordingContents();
    guardAppContents(dev.wc, 'http://127.0.0.1:5173/', () => {});
    expect(dev.fire('will-navigate', 'http://127.0.0.1:5173/#/collections')).toBe(false);
    expect(dev.fire('will-navigate', 'http://127.0.0.1:5174/')).toBe(true);
  });

  it('refuses every permission a page asks for or checks, device access included, without a prompt', () => {
    let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, permission: string) => boolean) | undefined;
    let device: ((details: unknown) => boolean) | undefined;
    const ses: PermissionSession = {
      setPermissionRequestHandler: (h) => void (request = h),
      setPermissionCheckHandler: (h) => void (check = h),
      setDevicePermissionHandler: (h) => void (device = h),
    };
    denyAllPermissions(ses);
    const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'pointerLock', 'midiSysex', 'hid', 'serial', 'usb', 'window-management', 'unknown-future-permission'];
    const answers: boolean[] = [];
    for (const p of permissions) request!({}, p, (granted) => answers.push(granted));
    expect(answers).toEqual(permissions.map(() => false)); // every request answered at once, with a no
    expect(permissions.map((p) => check!({}, p))).toEqual(permissions.map(() => false));
    expect(device!({ deviceType: 'usb', origin: 'file://' })).toBe(false);
  });
});

describe("the renderer's Content-Security-Policy", () => {
  const html = readFileSync(join(ROOT, 'src/renderer/index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  const policy = new Map(
    (meta?.[1] ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
  );

  it('is set, before any script', () => {
    expect(meta).not.toBeNull();
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.search(/<script/i) === -1 ? Infinity : html.search(/<script/i));
  });

  it('runs only the app\'s own scripts: no inline script, no eval, no plugins, no <base>, no form posts', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    for (const values of policy.values()) {
      expect(values).not.toContain("'unsafe-eval'");
      expect(values).not.toContain('*');
    }
  });

  it('connects only to its own origin (the engine is reached over IPC, or same-origin in browser mode)', () => {
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    for (const d of ['img-src', 'font-src', 'worker-src']) {
      const values = policy.get(d) ?? [];
      expect(values).toContain("'self'");
      expect(values.filter((v) => !["'self'", 'data:', 'blob:'].includes(v))).toEqual([]);
    }
  });
});
