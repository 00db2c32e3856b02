// The WARC core's entry points: open a file (or a window of a source) as an archive, whatever its layout.
import { statSync } from 'node:fs';
import { Archive } from './archive.js';
import { ArchiveError } from './errors.js';
import { openSource } from './source.js';
import type { ArchiveFile, OpenOptions } from './types.js';
import { openWacz } from './wacz.js';

export type * from './types.js';
export { ArchiveError, scanUntilChanged } from './errors.js';
export { openSource } from './source.js';
export { describeContent } from './magic.js';
export { notAnArchive, sniffFile, type Sniffed } from './sniff.js';
export { openArchiveSource, type SourceWindowOptions } from './archive.js';

/** Opens an archive file. Throws ArchiveError ('file-not-found', 'empty-file', 'not-an-archive') when the file as a
 *  whole cannot be read as one; damage inside a readable archive goes to opts.onProblem instead. */
export function openArchive(path: string, opts: OpenOptions = {}): ArchiveFile {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ArchiveError('not-an-archive', path, 0, 'is a directory');
    size = st.size;
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError('file-not-found', path, 0, `cannot open (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (size === 0) throw new ArchiveError('empty-file', path, 0, 'file is empty');
  const source = openSource(path, opts.source);
  try {
    const magic = source.read(0, 4);
    if (magic.toString('latin1') === 'PK\x03\x04') {
      source.close();
      return openWacz(path, opts); // wacz.ts opens its own source
    }
    return new Archive(source, 0, source.size, opts, path, true);
  } catch (e) {
    source.close();
    throw e;
  }
}
