// The layer check (ARCHITECTURE.md, 'Layers') must fail on each kind of import against the grain, and pass the real tree.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts/check-layers.mjs');
let dir: string;

function tree(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  return join(dir, 'src');
}
const run = (src: string) => spawnSync(process.execPath, [SCRIPT, src], { encoding: 'utf8' });

afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('layer check', () => {
  it('passes the project itself', () => {
    const r = run(join(ROOT, 'src'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each([
    ['core importing electron', { 'core/a.ts': "import { app } from 'electron';" }, 'only src/main and src/preload may import electron'],
    ['renderer importing node:fs', { 'renderer/a.ts': "import { readFileSync } from 'node:fs';" }, 'no Node modules'],
    ['sqlite outside the store', { 'core/search/a.ts': "import Database from 'better-sqlite3';" }, 'only src/core/store'],
    ['mmap outside its source module', { 'core/warc/reader.ts': "import mmap from '@riaskov/mmap-io';" }, 'mmap binding'],
    ['core importing the engine', { 'core/a.ts': "import { x } from '../engine/b.js';", 'engine/b.ts': 'export const x = 1;' }, 'may not import from src/engine'],
    ['shared importing a package', { 'shared/a.ts': "import z from 'zod';" }, 'types only'],
    [
      'renderer reaching Node through core',
      { 'renderer/a.ts': "import { f } from '../core/extract/b.js';", 'core/extract/b.ts': "import { readFileSync } from 'node:fs'; export const f = 1;" },
      'reached from the renderer',
    ],
  ])('rejects %s', (_name, files, message) => {
    const r = run(tree(files));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
