import { FileSource } from './file-source.js';
import { MmapSource } from './mmap-source.js';
import type { ByteSource, SourceKind } from './types.js';

/** Opens `path` as the asked kind; a mapping that fails (no binding, exotic filesystem) falls back to positional reads.
 *  Errors opening the file itself (ENOENT, EACCES) propagate. */
export function openSource(path: string, kind: SourceKind = 'mmap'): ByteSource {
  if (kind === 'file') return new FileSource(path);
  try {
    return new MmapSource(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw e;
    return new FileSource(path);
  }
}
