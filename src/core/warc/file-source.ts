import { closeSync, openSync, readSync } from 'node:fs';
import { FileStamp } from './file-stamp.js';
import type { ByteSource } from './types.js';

/** Positional reads (pread): fresh Buffers, no mapping. Works everywhere, including where mmap is unavailable, and
 *  cannot fault on a file cut under it: a read that comes back short, or a size or mtime that moved (FileStamp), is
 *  reported as 'file-changed'. */
export class FileSource implements ByteSource {
  readonly size: number;
  /** Most records' heads and most gzip members fit in 64 KiB; larger ones grow the window 4x at a time. */
  readonly cheapRead = 64 * 1024;
  private fd: number;
  private readonly stamp: FileStamp;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      this.stamp = new FileStamp(path, this.fd);
      this.size = this.stamp.size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  read(offset: number, length: number): Buffer {
    if (this.fd < 0) throw new Error(`${this.path}: read after close`);
    this.stamp.check(offset);
    const start = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - start));
    const buf = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const got = readSync(this.fd, buf, done, n - done, start + done);
      if (got === 0) throw this.stamp.changed(start + done); // the file shrank under us
      done += got;
    }
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
