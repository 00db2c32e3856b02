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
      'browser-safe core importing Node',
      { 'renderer/a.ts': "import { f } from '../core/extract/b.js';", 'core/extract/b.ts': "import { readFileSync } from 'node:fs'; export const f = 1;" },
      'browser-safe code runs in a browser too',
    ],
    [
      'browser-safe core importing a Node-only core file',
      { 'core/extract/a.ts': "import { decodeHtml } from '../decode/charset.js';", 'core/decode/charset.ts': 'export const decodeHtml = 1;' },
      'browser-safe code (src/core/extract',
    ],
    [
      'the renderer importing a Node-only file of core, even one that imports nothing',
      { 'renderer/a.ts': "import { decodeHtml } from '../core/decode/charset.js';", 'core/decode/charset.ts': 'export const decodeHtml = 1;' },
      'the renderer may import from src/core only src/core/extract, src/core/extract-webgl',
    ],
    [
      'an import cycle',
      { 'core/a.ts': "import { b } from './b.js'; export const a = 1;", 'core/b.ts': "import { c } from './c.js'; export const b = 2;", 'core/c.ts': "import { a } from './a.js'; export const c = 3;" },
      'import cycle: ',
    ],
    [
      'an import cycle made of type imports',
      { 'engine/a.ts': "import type { B } from './b.js'; export type A = 1;", 'engine/b.ts': "import type { A } from './a.js'; export type B = A;" },
      'import cycle: ',
    ],
    [
      'an .mjs file importing against the grain',
      { 'core/store/worker.mjs': "import { x } from '../../engine/b.js';", 'engine/b.ts': 'export const x = 1;' },
      "core/store/worker.mjs: imports '../../engine/b.js' — the core layer may not import from src/engine",
    ],
    [
      'core bundling a renderer file named by its path',
      { 'core/bundle.ts': "export const PAGE = { entryPoints: ['src/renderer/gpu/page-entry.ts'] };", 'renderer/gpu/page-entry.ts': 'export {};' },
      "names as an entry 'src/renderer/gpu/page-entry.ts' — the core layer may not import from src/renderer",
    ],
    [
      'core starting a worker of the engine',
      { 'core/a.ts': "const self = import.meta.url; export const w = () => new Worker(new URL('../engine/w.mjs', self));", 'engine/w.mjs': '' },
      "starts '../engine/w.mjs' — the core layer may not import from src/engine",
    ],
  ])('rejects %s', (_name, files, message) => {
    const r = run(tree(files));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('passes what the rules allow: browser-safe code for the renderer, entries and type imports along the grain', () => {
    const r = run(tree({
      'shared/t.ts': 'export type T = 1;',
      'core/extract/fsm.ts': "import type { T } from '../../shared/t.js'; export const s: T = 1;",
      'core/extract-webgl/page.ts': "import { GPU } from 'gpu.js'; import { s } from '../extract/fsm.js'; export const p = [GPU, s];",
      'core/decode/charset.ts': "import chardet from 'chardet'; import { s } from '../extract/fsm.js'; export const c = [chardet, s];",
      'core/bundle.ts': "export const entry = 'src/core/extract-webgl/page.ts'; new Worker(new URL('./store/w.mjs', import.meta.url));",
      'core/store/w.mjs': "import { s } from '../extract/fsm.js';",
      'renderer/a.ts': "import { p } from '../core/extract-webgl/page.js'; import type { T } from '../shared/t.js';",
    }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
