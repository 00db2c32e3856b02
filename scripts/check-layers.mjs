#!/usr/bin/env node
// Fails when a layer imports against the grain (ARCHITECTURE.md, "Layers"):
//   shared -> core -> engine/cli; shared -> renderer; shared -> main/preload.
// Usage: node scripts/check-layers.mjs [srcDir]   (exit 1 with one line per violation)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const srcDir = resolve(process.argv[2] ?? 'src');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

const IMPORT = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) out.push({ spec: m[3] ?? m[4], typeOnly: Boolean(m[2]) });
  return out;
}

const layerOf = (file) => relative(srcDir, file).split(sep)[0];
const rel = (file) => relative(process.cwd(), file);

function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx', '/index.ts']) {
    try {
      if (statSync(base + ext).isFile()) return base + ext;
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
  renderer: ['shared', 'renderer', 'core'], // core only where it runs in a browser: checked transitively below
};

const violations = [];
const files = [...walk(srcDir)];
const graph = new Map();

for (const file of files) {
  const layer = layerOf(file);
  const local = [];
  for (const { spec, typeOnly } of importsOf(file)) {
    const where = `${rel(file)}: imports '${spec}'`;
    if (spec.startsWith('.')) {
      const target = resolveLocal(file, spec);
      if (!target) continue; // the type-checker reports missing files
      local.push(target);
      const to = layerOf(target);
      if (allowedLayers[layer] && !allowedLayers[layer].includes(to) && !(typeOnly && to === 'shared')) {
        violations.push(`${where} — the ${layer} layer may not import from src/${to}`);
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
  }
  graph.set(file, local);
}

// Renderer code may reuse platform-neutral core modules (the text transform's spec), but nothing it reaches may touch
// Node or native modules.
for (const file of files.filter((f) => layerOf(f) === 'renderer')) {
  const seen = new Set([file]);
  const stack = [file];
  while (stack.length) {
    const f = stack.pop();
    for (const t of graph.get(f) ?? []) if (!seen.has(t)) seen.add(t), stack.push(t);
  }
  for (const f of seen) {
    if (layerOf(f) !== 'core') continue;
    for (const { spec, typeOnly } of importsOf(f)) {
      if (typeOnly || spec.startsWith('.')) continue;
      violations.push(`${rel(f)}: imports '${spec}' and is reached from the renderer (${rel(file)}) — browser code may not depend on it`);
    }
  }
}

const unique = [...new Set(violations)];
for (const v of unique) console.error(v);
if (unique.length) {
  console.error(`layer check: ${unique.length} import(s) against the grain`);
  process.exit(1);
}
console.log(`layer check: ${files.length} files, imports follow the layers`);
