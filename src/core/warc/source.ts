import { statSync } from 'node:fs';
import { isFresh } from './file-stamp.js';
import { FileSource } from './file-source.js';
import { MmapSource } from './mmap-source.js';
import type { ByteSource, SourceKind } from './types.js';

/** Opens `path` as the asked kind. A mapping that fails (no binding, exotic filesystem) falls back to positional
 *  reads, and so does a file modified in the last seconds: one still being written or cut would raise SIGBUS in a
 *  mapping, where a positional read just comes back short. Errors opening the file itself (ENOENT, EACCES) propagate. */
export function openSource(path: string, kind: SourceKind = 'mmap'): ByteSource {
  if (kind === 'file' || isFresh(statSync(path))) return new FileSource(path);
  try {
    return new MmapSource(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw e;
    return new FileSource(path);
  }
}
