// The project's root folder, for files the build puts beside the sources (out/node's page script, out/native's
// ranking extension), found the same way from the sources (the tests) and from the bundle (out/node).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder up from this module (src/core, or out/node once bundled) whose package.json
 *  is ours. */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'archivestream') return dir;
    if (dirname(dir) === dir) throw new Error(`no archivestream package.json above ${from}`);
  }
}
