// Builds native/fts-rank.c, ArchiveStream's ranking function for FTS5 (a SQLite loadable extension), into
// out/native with the system's C compiler, against the sqlite3 headers better-sqlite3 builds its own SQLite from.
// Run after install (scripts/postinstall.mjs) and by every build (scripts/build-node.mjs); builds again only when the
// source or the headers are newer than the library. Where no compiler runs, the library is absent and search ranks
// with FTS5's own bm25 (src/core/store/fts-rank.ts): the same order, slower at a million pages.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the library is built, relative to the project root (src/core/store/fts-rank.ts loads it from there). */
export const FTS_RANK_LIBRARY = `out/native/fts-rank.${process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so'}`;

/** Builds the library when it is missing or stale: 'built', 'current', or why it could not be built. */
export function buildFtsRank(projectRoot) {
  const source = join(projectRoot, 'native', 'fts-rank.c');
  const lib = join(projectRoot, FTS_RANK_LIBRARY);
  let headers;
  try {
    headers = join(dirname(createRequire(join(projectRoot, 'package.json')).resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
  } catch {
    return 'better-sqlite3 is not installed';
  }
  if (!existsSync(join(headers, 'sqlite3ext.h'))) return `no sqlite3ext.h in ${headers}`;
  const mtime = (p) => statSync(p).mtimeMs;
  if (existsSync(lib) && mtime(lib) >= Math.max(mtime(source), mtime(join(headers, 'sqlite3ext.h')))) return 'current';
  mkdirSync(dirname(lib), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  const r = spawnSync(cc, ['-O2', '-fPIC', '-shared', '-I', headers, source, '-o', lib, '-lm'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    rmSync(lib, { force: true });
    return `${cc} failed: ${(r.error?.message ?? r.stderr).trim().split('\n')[0]}`;
  }
  return 'built';
}
