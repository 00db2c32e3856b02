import type { ByteSource } from './types.js';

/** Bytes held after a read, behind the furthest point read: the steps back a scan takes (a record's block after its
 *  head and terminator were read) stay in memory without decompressing from the start again. */
const RETAIN = 8 * 1024 * 1024;

/**
 * Decompressed bytes too many to keep, behind the ByteSource interface: the first `prefix.length` bytes stay in memory;
 * past them, bytes are decompressed again from the start (`restart` gives the pieces anew) and read forward, keeping
 * the last RETAIN bytes. Memory stays flat whatever the size; a read that goes back further than RETAIN costs a pass
 * from the start, so readers of large records go forward (Record.blockPieces).
 */
export class InflatedSource implements ByteSource {
  readonly cheapRead = 64 * 1024;
  /** Consecutive copies of decompressed bytes ending at `frontier`. */
  private held: Array<{ start: number; buf: Buffer }> = [];
  private frontier = 0;
  private pieces: Iterator<Buffer> | null = null;

  constructor(
    readonly path: string,
    readonly size: number,
    private readonly prefix: Buffer,
    private readonly restart: () => Iterator<Buffer>,
  ) {}

  read(offset: number, length: number): Buffer {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.min(this.size, start + Math.max(0, length));
    if (end <= this.prefix.length) return this.prefix.subarray(start, end);
    const heldStart = this.held[0]?.start ?? this.frontier;
    if (!this.pieces || start < heldStart) {
      this.pieces?.return?.();
      this.pieces = this.restart();
      this.frontier = 0;
      this.held = [];
    }
    while (this.frontier < end) {
      const next = this.pieces.next();
      if (next.done) break; // fewer bytes than the scan counted: the file changed; return what there is
      const at = this.frontier;
      this.frontier += next.value.length;
      // Only what the read needs and the last RETAIN bytes before its end are copied out of the decoder's buffer.
      if (this.frontier > start || this.frontier > end - RETAIN) this.held.push({ start: at, buf: Buffer.from(next.value) });
      this.trim(Math.min(start, this.frontier - RETAIN));
    }
    const parts: Buffer[] = [];
    for (const { start: s, buf } of this.held) {
      if (s >= end) break;
      if (s + buf.length <= start) continue;
      parts.push(buf.subarray(Math.max(0, start - s), Math.min(buf.length, end - s)));
    }
    const out = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.trim(this.frontier - RETAIN);
    return out;
  }

  /** Lets go of held bytes that end at or before `before`. */
  private trim(before: number): void {
    let k = 0;
    while (k < this.held.length && this.held[k].start + this.held[k].buf.length <= before) k++;
    if (k > 0) this.held.splice(0, k);
  }

  close(): void {
    this.pieces?.return?.();
    this.pieces = null;
    this.held = [];
  }
}
