// The folder browser of browser mode: a web page cannot open a native file dialog that yields paths, so the engine
// lists folders itself, but only inside the roots the user allowed (access.ts). Paths are resolved through symlinks
// before the check, so a link cannot lead out of a root.
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BrowseEntry, BrowseResult } from '../shared/api-collections.js';
import { CodedError } from '../shared/errors.js';
import { notAnArchive } from '../core/warc/index.js';
import { rootOf } from './access.js';

/** Names of the archive files ingest reads (a file added by hand may be named anything). */
export const ARCHIVE_FILE = /\.(warc|arc|wacz)(\.gz)?$/i;

const ENTRY_LIMIT = 5000;
/** Bytes a listing reads of each file named like an archive: enough to see a gzip member's record start. */
const LIST_SNIFF_BYTES = 4096;

/** A file named like an archive is offered only when its first bytes are one. */
function sniffed(path: string): Pick<BrowseEntry, 'kind' | 'what'> {
  const what = notAnArchive(path, LIST_SNIFF_BYTES);
  return what === null ? { kind: 'archive' } : { kind: 'not-archive', what: `${what}, not an archive` };
}

export function browse(roots: readonly string[], path: string | undefined): BrowseResult {
  if (path === undefined) {
    const entries: BrowseEntry[] = roots.map((r) => ({ name: r, path: r, kind: 'dir', size: null }));
    return { path: null, parent: null, entries };
  }
  const root = rootOf(roots, path);
  if (!root) {
    throw new CodedError('not-allowed', `“${path}” is outside the folders ArchiveStream may browse. Add it in Settings or start with --allow-dir.`, path);
  }
  const dir = realpathSync(resolve(path));
  let dirents: Dirent[];
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new CodedError('file-not-found', `Cannot list “${path}”: ${(e as Error).message}`, path);
  }
  const entries: BrowseEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const full = join(dir, d.name);
    let st: Stats;
    try {
      st = statSync(full);
    } catch {
      continue; // a dangling link or a file that went away while listing
    }
    if (st.isDirectory()) entries.push({ name: d.name, path: full, kind: 'dir', size: null });
    else if (st.isFile() && ARCHIVE_FILE.test(d.name)) entries.push({ name: d.name, path: full, size: st.size, ...sniffed(full) });
    if (entries.length >= ENTRY_LIMIT) break;
  }
  const isDir = (e: BrowseEntry) => e.kind === 'dir';
  entries.sort((a, b) => (isDir(a) === isDir(b) ? a.name.localeCompare(b.name) : isDir(a) ? -1 : 1));
  return { path: dir, parent: dir === root ? null : dirname(dir), entries };
}
