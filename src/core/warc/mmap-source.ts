// The only module that imports the mmap binding (CONTRIBUTING.md, 'Native code in one place').
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileStamp } from './file-stamp.js';
import type { ByteSource } from './types.js';

type Mmap = typeof import('@riaskov/mmap-io').default;
let binding: Mmap | Error | undefined;

/** Loaded on first use, not at import: a missing or unbuilt native module must leave the positional-read source
 *  working (openSource falls back to it), not break every importer of the WARC core. */
function mmapBinding(): Mmap {
  if (binding === undefined) {
    const require = createRequire(import.meta.url);
    try {
      binding = builtBinding(require) ?? (require('@riaskov/mmap-io') as Mmap);
    } catch (e) {
      binding = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (binding instanceof Error) throw binding;
  return binding;
}

/** The compiled binding loaded directly, where the package's own entry would find it: that entry asks
 *  @mapbox/node-pre-gyp, whose loading (npmlog, gauge, semver) costs ~45 ms of CPU in every process and in every
 *  thread that maps a file (parallel.ts's readers), more than finding a large file's windows. Null where it is not at
 *  that path (another layout, a future version): the package's entry then finds it. The entry's one addition,
 *  a wrapped sync(), is not used here. */
function builtBinding(require: NodeRequire): Mmap | null {
  try {
    const manifest = require.resolve('@riaskov/mmap-io/package.json');
    const { binary } = require(manifest) as { binary?: { module_name?: string; module_path?: string } };
    if (!binary?.module_name || !binary.module_path) return null;
    const dir = binary.module_path
      .replace('{configuration}', 'Release')
      .replace('{node_abi}', `node-v${process.versions.modules}`)
      .replace('{platform}', process.platform)
      .replace('{arch}', process.arch);
    const raw = require(join(dirname(manifest), dir, `${binary.module_name}.node`)) as Mmap;
    return typeof raw.map === 'function' && typeof raw.advise === 'function' ? raw : null;
  } catch {
    return null;
  }
}

/** A Buffer cannot exceed 4 GiB on Node 20, so larger files are mapped in windows of WINDOW bytes that start every
 *  STRIDE bytes. Windows overlap by half, so any read of up to STRIDE bytes lies inside one window: a view, no copy. */
const STRIDE = 512 * 1024 * 1024;
const WINDOW = 2 * STRIDE;
const EMPTY = Buffer.alloc(0);

let wideOffsets: boolean | undefined;

/** The published binding converts size and offset to a 32-bit int (a 4 GiB offset silently maps offset 0);
 *  native/mmap-int64.mjs widens it at install. Probe once, on a sparse file, before trusting offsets past 2 GiB. */
export function mmapHandlesWideOffsets(): boolean {
  if (wideOffsets !== undefined) return wideOffsets;
  const dir = mkdtempSync(join(tmpdir(), 'archivestream-mmap-'));
  const file = join(dir, 'probe');
  const fd = openSync(file, 'w+');
  try {
    const at = 2 ** 32 + 4096;
    ftruncateSync(fd, at + 4096);
    writeSync(fd, Buffer.from('WIDE'), 0, 4, at);
    const mmap = mmapBinding();
    const view = mmap.map(4096, mmap.PROT_READ, mmap.MAP_SHARED, fd, at, 0);
    wideOffsets = view.length === 4096 && view.toString('latin1', 0, 4) === 'WIDE';
  } catch {
    wideOffsets = false;
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return wideOffsets;
}

/** A read-only shared mapping; read() returns subarray views of it, so nothing is copied. The binding unmaps when a
 *  window's Buffer is garbage-collected, so close() only drops our references. Reads look at the file's size and mtime
 *  first (FileStamp), so that a file changed since it was mapped is reported rather than read into a SIGBUS. */
export class MmapSource implements ByteSource {
  readonly size: number;
  readonly cheapRead: number;
  private windows: Array<Buffer | undefined> = [];
  private fd = -1;
  private closed = false;
  private readonly stamp: FileStamp;

  constructor(readonly path: string) {
    const fd = openSync(path, 'r');
    try {
      this.stamp = new FileStamp(path, fd);
      this.size = this.stamp.size;
      this.cheapRead = Math.min(this.size, this.size <= WINDOW ? WINDOW : STRIDE);
      // mmap(2) rejects a zero length: an empty file needs no mapping.
      if (this.size === 0) this.windows = [EMPTY];
      else if (this.size <= WINDOW) this.windows = [this.mapWindow(fd, 0, this.size)];
      else if (!mmapHandlesWideOffsets()) {
        throw Object.assign(new Error(`${path}: the mmap binding cannot address offsets past 2 GiB`), { code: 'EMMAPNARROW' });
      } else {
        this.fd = fd; // windows are mapped on first use
        return;
      }
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    closeSync(fd); // the mapping outlives the descriptor
  }

  private mapWindow(fd: number, offset: number, length: number): Buffer {
    const mmap = mmapBinding();
    return mmap.map(length, mmap.PROT_READ, mmap.MAP_SHARED, fd, offset, mmap.MADV_SEQUENTIAL);
  }

  private window(k: number): Buffer {
    let w = this.windows[k];
    if (!w) {
      const start = k * STRIDE;
      w = this.windows[k] = this.mapWindow(this.fd, start, Math.min(WINDOW, this.size - start));
    }
    return w;
  }

  read(offset: number, length: number): Buffer {
    if (this.closed) throw new Error(`${this.path}: read after close`);
    this.stamp.check(offset);
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.min(this.size, start + Math.max(0, length));
    if (this.fd < 0) return this.windows[0]!.subarray(start, end);
    const k = Math.floor(start / STRIDE);
    const base = k * STRIDE;
    const w = this.window(k);
    if (end <= base + w.length) return w.subarray(start - base, end - base);
    // Longer than a stride: the one case that copies.
    const parts: Buffer[] = [];
    for (let p = start; p < end; ) {
      const part = this.read(p, Math.min(STRIDE, end - p));
      parts.push(part);
      p += part.length;
    }
    return Buffer.concat(parts);
  }

  /** Random access after a scan (replay, record viewer): tell the kernel to stop reading ahead. */
  adviseRandom(): void {
    const mmap = mmapBinding();
    for (const w of this.windows) if (w && w.length > 0) mmap.advise(w, mmap.MADV_RANDOM);
  }

  close(): void {
    this.closed = true;
    this.windows = [];
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
