// Runs after `npm install`. Two jobs:
// 1. Electron's own install script (skipped by npm via package.json "allowScripts") downloads its binary. We run it
//    ourselves so that a failed download (no network to its host, as on CI machines) does not fail the whole install:
//    the app then runs in browser mode. On a user's machine the download happens as usual.
// 2. Widen the mmap binding's 32-bit size/offset conversions (native/mmap-int64.mjs) so multi-GB archives map.
// 3. Build the Node side (engine, CLI, workers) so that `npx archivestream` works straight after install, and the
//    ranking function for FTS5 (native/fts-rank.mjs) where a C compiler runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchMmapIo } from '../native/mmap-int64.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function installElectron() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return; // production install without devDependencies
  }
  if (existsSync(join(dir, 'path.txt'))) return;
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (r.status !== 0 || !existsSync(join(dir, 'path.txt'))) {
    console.log('archivestream: the Electron binary could not be downloaded; the desktop shell is unavailable and `npm start` will use browser mode.');
  }
}

installElectron();
const mmap = patchMmapIo(root);
if (mmap === 'rebuild-failed' || mmap === 'unknown-source') {
  console.log(`archivestream: could not widen the mmap binding to 64-bit offsets (${mmap}); archives over 2 GiB are read with positional reads instead.`);
}
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
