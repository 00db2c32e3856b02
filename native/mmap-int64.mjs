// @riaskov/mmap-io 1.4.3 converts map()'s size and offset with Nan::To<int>: a 32-bit int. Sizes from 2 GiB fail,
// larger ones wrap, and an offset of 4 GiB silently maps offset 0 (measured: a 5 GiB file mapped as 1 GiB). Web
// archives are often larger than that, so after install we widen those conversions to int64 and rebuild the binding
// from source (it builds from source anyway where no prebuilt binary downloads). Idempotent; when the rebuild cannot
// run (no compiler), the binding stays as it was and src/core/warc/mmap-source.ts probes for that and falls back to
// positional reads for offsets past 2 GiB.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The prefix whose include/node holds this Node's headers (a system or nvm install has them), or null. */
function nodeHeadersDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
}

export function patchMmapIo(projectRoot) {
  const require = createRequire(join(projectRoot, 'package.json'));
  let dir;
  try {
    dir = dirname(require.resolve('@riaskov/mmap-io/package.json'));
  } catch {
    return 'absent';
  }
  const src = join(dir, 'src', 'mmap-io.cc');
  if (!existsSync(src)) return 'absent';
  const text = readFileSync(src, 'utf8');
  const patched = text
    .replace('static_cast<size_t>(get_v<int>(info[0]))', 'static_cast<size_t>(get_v<int64_t>(info[0]))')
    .replace('static_cast<size_t>(get_v<int>(info[4], 0))', 'static_cast<size_t>(get_v<int64_t>(info[4], static_cast<int64_t>(0)))');
  if (patched === text) return text.includes('get_v<int64_t>(info[0])') ? 'already' : 'unknown-source';
  writeFileSync(src, patched);
  const preGyp = join(dirname(require.resolve('@mapbox/node-pre-gyp/package.json')), 'bin', 'node-pre-gyp');
  // Build against the running Node's own headers, as npm does for every native module (npm_config_nodedir).
  const nodedir = process.env.npm_config_nodedir ?? nodeHeadersDir();
  const args = [preGyp, 'rebuild', '--build-from-source', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const r = spawnSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) {
    writeFileSync(src, text); // keep source and binary in step
    return 'rebuild-failed';
  }
  return 'patched';
}
