import { fstatSync, statSync, type Stats } from 'node:fs';
import { ArchiveError } from './errors.js';

/** How often a source looks again at its file's size and mtime: a stat costs a system call, so not on every read, but
 *  often enough that a read after a pause (a record opened minutes after the scan) always looks first. */
const RECHECK_MS = 50;

/** A file's size and mtime when a source opened it, and the check that they still hold. A file truncated under a
 *  mapping raises SIGBUS on the next read of a vanished page, which no JavaScript can catch; looking first turns the
 *  common cases (a file rewritten or cut between reads, a record read after the file changed) into a 'file-changed'
 *  problem instead. A truncation landing between a look and the read after it can still raise SIGBUS in a mapping:
 *  files still being written are read with positional reads for that reason (openSource). */
export class FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  private lookedAt: number;

  constructor(
    readonly path: string,
    fd: number,
  ) {
    const st = fstatSync(fd);
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    this.lookedAt = Date.now();
  }

  /** Throws ArchiveError 'file-changed' (at `offset`, the read about to be made) when the file on disk is no longer
   *  what was opened; looks at most every RECHECK_MS. */
  check(offset: number): void {
    // Date.now(), not performance.now(): a scan reads several times a record, and before the reader is compiled the
    // latter costs three times as much. A clock set back looks at once.
    const now = Date.now();
    if (now - this.lookedAt < RECHECK_MS && now >= this.lookedAt) return;
    this.lookedAt = now;
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (!st || st.size !== this.size || st.mtimeMs !== this.mtimeMs) throw this.changed(offset, st);
  }

  /** The error for a file found changed at `offset` (a positional read that came back short is one). */
  changed(offset: number, now: Stats | undefined = statSync(this.path, { throwIfNoEntry: false })): ArchiveError {
    const was = `${this.size} bytes, modified ${new Date(this.mtimeMs).toISOString()}`;
    const is = now ? `${now.size} bytes, modified ${new Date(now.mtimeMs).toISOString()}` : 'gone';
    return new ArchiveError('file-changed', this.path, offset, `changed while being read (was ${was}; now ${is})`);
  }
}

/** Files modified this recently may still be written: they are read with positional reads, never mapped. */
export const FRESH_MS = 5000;

/** True when `st` says the file was modified within FRESH_MS. */
export function isFresh(st: Stats): boolean {
  return Date.now() - st.mtimeMs < FRESH_MS;
}
