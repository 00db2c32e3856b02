#!/usr/bin/env node
// `npm start`: the Electron app where its binary exists, otherwise the same UI in browser mode on 127.0.0.1, with an
// engine restarted when it dies (engine-supervisor.mjs).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseEngine } from './engine-supervisor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: npm start -- [flags]
  --browser            serve the UI in a browser (browser mode) even where the Electron app can run
  --rebuild            build everything before starting
  --help               print this and exit
The engine's flags (all of them in browser mode; --allow-dir in the desktop app too):`);
  const engine = join(root, 'out/node/engine.mjs');
  if (existsSync(engine)) spawnSync(process.execPath, [engine, '--help'], { stdio: 'inherit' });
  else console.log('  (the engine is not built yet: `npm run build:node`, then ask again; --allow-dir DIR and --data-dir DIR are the main ones)');
  process.exit(0);
}

const built = ['out/node/engine.mjs', 'out/renderer/index.html', 'out/main/index.js', 'out/preload/index.cjs'].every((f) => existsSync(join(root, f)));
if (!built || args.includes('--rebuild')) {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function electronBinary() {
  try {
    const path = require('electron'); // the binary's path, or throws when it was never downloaded
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = args.includes('--browser') ? null : electronBinary();
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
let child;
if (electron && !headless) {
  // --allow-dir goes on to the engine, which the shell starts (src/main/index.ts).
  child = spawn(electron, [root, ...args.filter((a, i) => a === '--allow-dir' || args[i - 1] === '--allow-dir')], { stdio: 'inherit' });
} else {
  console.log(
    electron
      ? 'archivestream: no display found; serving browser mode instead of the desktop window.'
      : 'archivestream: the Electron binary is not installed here; serving browser mode instead of the desktop window.',
  );
  child = superviseEngine({
    node: process.execPath,
    script: join(root, 'out/node/engine.mjs'),
    args: args.filter((a) => a !== '--browser' && a !== '--rebuild'),
    onExit: (code) => process.exit(code),
  });
}
if (child instanceof ChildProcess) child.on('exit', (code) => process.exit(code ?? 0));
// Every way of being told to stop reaches the engine, which closes its databases before it exits; we exit after it.
const stop = (sig) => (child instanceof ChildProcess ? child.kill(sig) : child.stop(sig));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));
// npm passes SIGINT and SIGTERM on to its script but dies of SIGHUP alone, and a killed npm tells nobody. `npm start`
// runs us under a shell (`sh -c`), so it is our parent's parent that goes: when either is reparented, we stop too.
// (/proc is Linux's; elsewhere only our own parent is watched.)
const parentOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
};
const parent = process.ppid;
const grandparent = parentOf(parent);
setInterval(() => {
  if (process.ppid !== parent || parentOf(parent) !== grandparent) stop('SIGTERM');
}, 1000).unref();
