// The desktop shell's decisions (issue "The workstation UI", part 3) as plain functions, without Electron: the open
// dialog and what it returns, the remembered window, the theme the native chrome follows, the menus.
import { describe, expect, it } from 'vitest';
import { isArchivePath, menuTemplate, openDialogOptions, pickedPaths, restoreWindowState, themeFromReply } from '../../src/main/shell.js';

const SCREEN = { x: 0, y: 0, width: 1920, height: 1080 };

describe('open dialog', () => {
  it('offers several files filtered to archives, or several folders (Windows/Linux cannot mix the two)', () => {
    const files = openDialogOptions('files');
    expect(files.properties).toEqual(['openFile', 'multiSelections']);
    expect(files.filters![0].extensions).toEqual(['warc', 'gz', 'arc', 'wacz']);
    expect(openDialogOptions('folders').properties).toEqual(['openDirectory', 'multiSelections']);
  });

  it('keeps only archives among picked files, since the filter cannot say .warc.gz', () => {
    expect(['a.warc', 'b.WARC.GZ', 'c.arc', 'd.arc.gz', 'e.wacz', 'f.tar.gz', 'g.gz', 'h.warc.gz.part'].filter(isArchivePath)).toEqual([
      'a.warc',
      'b.WARC.GZ',
      'c.arc',
      'd.arc.gz',
      'e.wacz',
    ]);
    expect(pickedPaths('files', { canceled: false, filePaths: ['/x/a.warc.gz', '/x/notes.gz'] })).toEqual(['/x/a.warc.gz']);
    expect(pickedPaths('folders', { canceled: false, filePaths: ['/x', '/y'] })).toEqual(['/x', '/y']);
    expect(pickedPaths('files', { canceled: true, filePaths: ['/x/a.warc'] })).toEqual([]);
  });
});

describe('window state', () => {
  it('restores size and position that still fit a screen', () => {
    expect(restoreWindowState({ width: 1000, height: 700, x: 50, y: 40, maximized: true }, [SCREEN])).toEqual({ width: 1000, height: 700, x: 50, y: 40, maximized: true });
  });

  it('drops a position on a screen that is gone, and shrinks a size larger than any screen', () => {
    expect(restoreWindowState({ width: 3000, height: 700, x: 2500, y: 40 }, [SCREEN])).toEqual({ width: 1920, height: 700 });
    expect(restoreWindowState({ width: 1000, height: 700, x: 100, y: -500 }, [SCREEN])).toEqual({ width: 1000, height: 700 });
  });

  it('ignores a garbled file', () => {
    for (const bad of [null, 'x', 42, {}, { width: 'wide', height: 700 }, { width: 50, height: 50 }, { width: 1.5, height: 700 }]) {
      expect(restoreWindowState(bad, [SCREEN])).toBeUndefined();
    }
  });
});

describe('native theme', () => {
  it('follows the theme in the settings the renderer reads or writes, and nothing else', () => {
    expect(themeFromReply('settings.get', { ok: true, value: { theme: 'dark' } })).toBe('dark');
    expect(themeFromReply('settings.update', { ok: true, value: { theme: 'system' } })).toBe('system');
    expect(themeFromReply('settings.update', { ok: false, error: { code: 'bad-request', message: '' } })).toBeNull();
    expect(themeFromReply('settings.update', { ok: true, value: { theme: 'purple' } })).toBeNull();
    expect(themeFromReply('collections.get', { ok: true, value: { theme: 'dark' } })).toBeNull();
  });
});

describe('menus', () => {
  it('has File > Open Archive… on Ctrl/Cmd+O and Help > Open Logs Folder, wired to their actions', () => {
    const calls: string[] = [];
    const menu = menuTemplate('linux', { openArchive: () => calls.push('open'), openLogsFolder: () => calls.push('logs') });
    type Item = { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
    const items = menu as Item[];
    const file = items.find((m) => m.label === '&File')!;
    const open = file.submenu!.find((i) => i.label === 'Open Archive…')!;
    expect(open.accelerator).toBe('CmdOrCtrl+O');
    open.click!();
    items.find((m) => m.role === 'help')!.submenu!.find((i) => i.label === 'Open Logs Folder')!.click!();
    expect(calls).toEqual(['open', 'logs']);
    // The usual menus come by role, with their platform shortcuts.
    expect(items.map((m) => m.role).filter(Boolean)).toEqual(['editMenu', 'viewMenu', 'windowMenu', 'help']);
    expect((menuTemplate('darwin', { openArchive() {}, openLogsFolder() {} }) as Item[])[0].role).toBe('appMenu');
  });
});
