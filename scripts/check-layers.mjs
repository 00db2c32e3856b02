#!/usr/bin/env node
// Fails when a layer imports against the grain, or when source files import each other in a circle (ARCHITECTURE.md,
// "Layers"):
//   shared -> core -> engine/cli; shared -> renderer; shared -> main/preload; the renderer may also import the
//   browser-safe folders of core (BROWSER_SAFE), which import nothing Node.
// An import is any `import`/`export ... from`/`import()` in a .ts, .tsx, .mts or .mjs file, and also a file named as
// a worker or bundle entry: `new URL('./x.mjs', import.meta.url)`, or a 'src/...' path (relative to the project root,
// as esbuild's entryPoints take it). Code that bundles or starts a file depends on it as much as code importing it.
// Usage: node scripts/check-layers.mjs [srcDir]   (exit 1 with one line per violation)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const srcDir = resolve(process.argv[2] ?? 'src');
const rootDir = dirname(srcDir);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Folders and files of core written for any JavaScript platform: the text transform, the WebGL extractor with its
 *  page, and the parts of replay the UI shares with the replay server (the replay URL scheme, the helper script the
 *  server injects into replayed pages, the ledger's rows and exports, and the timestamp arithmetic they use).
 *  The renderer may import these and no other part of core; they import only each other, src/shared and
 *  BROWSER_PACKAGES, so whatever the renderer or the GPU page bundles from them runs in a browser. */
const BROWSER_SAFE = [
  'core/extract',
  'core/extract-webgl',
  'core/cite',
  'core/replay/urls.ts',
  'core/replay/frame.ts',
  'core/replay/client-rewrite.ts',
  'core/replay/ledger.ts',
  'core/replay/types.ts',
  'core/search/timestamp.ts',
];
const BROWSER_PACKAGES = new Set(['gpu.js']);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

const IMPORT = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const URL_ENTRY = /new\s+URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,/g; // the base: import.meta.url, or a name for it
const PATH_ENTRY = /['"`](src\/[^'"`\s]+\.(?:ts|tsx|mts|mjs))['"`]/g;

/** Every dependency a file states: { spec, typeOnly, how, target } with target the resolved file for local ones
 *  (null when outside the tree), undefined for packages. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    const target = spec.startsWith('.') ? resolveLocal(resolve(dirname(file), spec)) : undefined;
    out.push({ spec, typeOnly: Boolean(m[2]), target, how: 'imports' });
  }
  for (const m of text.matchAll(URL_ENTRY)) {
    out.push({ spec: m[1], typeOnly: false, target: resolveLocal(resolve(dirname(file), m[1])), how: 'starts' });
  }
  for (const m of text.matchAll(PATH_ENTRY)) {
    out.push({ spec: m[1], typeOnly: false, target: resolveLocal(resolve(rootDir, m[1])), how: 'names as an entry' });
  }
  return out;
}

const layerOf = (file) => relative(srcDir, file).split(sep)[0];
const rel = (file) => relative(process.cwd(), file);
const isBrowserSafe = (file) => BROWSER_SAFE.some((d) => (relative(srcDir, file).split(sep).join('/') + '/').startsWith(d + '/'));

/** The source file an import names ('./x.js' is x.ts in the sources), or null when it is none in the tree (a bundle's
 *  output file, package.json; a missing source file is the type-checker's to report). */
function resolveLocal(path) {
  if (relative(srcDir, path).startsWith('..')) return null;
  const base = path.replace(/\.js$/, '');
  for (const candidate of [path, base + '.ts', base + '.tsx', base + '.mjs', base + '/index.ts']) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

// What each layer may import from our own tree (by layer), and from packages.
const allowedLayers = {
  shared: ['shared'],
  core: ['shared', 'core'],
  engine: ['shared', 'core', 'engine'],
  cli: ['shared', 'core', 'cli'],
  main: ['shared', 'main'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer', 'core'], // core only in its BROWSER_SAFE folders: checked below
};

const violations = [];
const files = [...walk(srcDir)];
const graph = new Map();

for (const file of files) {
  const layer = layerOf(file);
  const browserSafe = isBrowserSafe(file);
  const local = [];
  for (const { spec, typeOnly, target, how } of importsOf(file)) {
    const where = `${rel(file)}: ${how} '${spec}'`;
    if (target !== undefined) {
      if (!target) continue;
      if (target !== file) local.push(target);
      const to = layerOf(target);
      if (allowedLayers[layer] && !allowedLayers[layer].includes(to) && !(typeOnly && to === 'shared')) {
        violations.push(`${where} — the ${layer} layer may not import from src/${to}`);
      } else if (layer === 'renderer' && to === 'core' && !isBrowserSafe(target)) {
        violations.push(`${where} — the renderer may import from src/core only ${BROWSER_SAFE.map((d) => `src/${d}`).join(', ')}`);
      } else if (browserSafe && to !== 'shared' && !isBrowserSafe(target)) {
        violations.push(`${where} — browser-safe code (src/${BROWSER_SAFE.join(', src/')}) imports only itself and src/shared`);
      }
      continue;
    }
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (layer === 'shared' && !typeOnly) violations.push(`${where} — src/shared holds types only and imports nothing but itself`);
    if (pkg === 'electron' && !['main', 'preload'].includes(layer)) violations.push(`${where} — only src/main and src/preload may import electron`);
    if ((pkg === 'react' || pkg === 'react-dom' || pkg === 'zustand') && layer !== 'renderer') violations.push(`${where} — React belongs to src/renderer`);
    if (pkg === 'better-sqlite3' && !rel(file).includes(`core${sep}store${sep}`)) violations.push(`${where} — only src/core/store may import better-sqlite3`);
    if ((pkg === '@riaskov/mmap-io' || pkg === 'mmap-io') && !file.endsWith(join('core', 'warc', 'mmap-source.ts'))) {
      violations.push(`${where} — only src/core/warc/mmap-source.ts may import the mmap binding`);
    }
    if (layer === 'renderer' && builtins.has(spec)) violations.push(`${where} — the renderer runs in a browser: no Node modules`);
    if (browserSafe && !typeOnly && !BROWSER_PACKAGES.has(pkg)) {
      violations.push(`${where} — browser-safe code runs in a browser too: no Node modules, and of packages only ${[...BROWSER_PACKAGES].join(', ')}`);
    }
  }
  graph.set(file, local);
}

// Import cycles (type-only imports count: a circle of types is the same knot for the reader), by Tarjan's strongly
// connected components; each is reported once, as one circle through it.
{
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set();
    for (let w; w !== v; ) {
      w = stack.pop();
      onStack.delete(w);
      component.add(w);
    }
    if (component.size === 1) return;
    const circle = circleThrough(v, component);
    const knot = component.size > circle.length - 1 ? ` (one circle of a knot of ${[...component].map(rel).join(', ')})` : '';
    violations.push(`import cycle: ${circle.map(rel).join(' -> ')}${knot}`);
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
}

/** A shortest path from `start` back to itself inside its component (breadth-first). */
function circleThrough(start, component) {
  const from = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w) || from.has(w)) continue;
      from.set(w, v);
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)) path.unshift(u);
        return [start, ...path];
      }
      queue.push(w);
    }
  }
  return [start];
}

const unique = [...new Set(violations)];
for (const v of unique) console.error(v);
if (unique.length) {
  console.error(`layer check: ${unique.length} import(s) against the grain`);
  process.exit(1);
}
console.log(`layer check: ${files.length} files, imports follow the layers, no import cycles`);
