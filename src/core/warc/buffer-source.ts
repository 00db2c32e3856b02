import type { ByteSource } from './types.js';

/** Bytes already in memory (an inflated single-member gzip stream, a test fixture) behind the ByteSource interface. */
export class BufferSource implements ByteSource {
  readonly size: number;
  readonly cheapRead: number;
  constructor(
    readonly path: string,
    private buf: Buffer,
  ) {
    this.size = buf.length;
    this.cheapRead = buf.length;
  }
  read(offset: number, length: number): Buffer {
    const start = Math.max(0, Math.min(offset, this.size));
    return this.buf.subarray(start, Math.min(this.size, start + Math.max(0, length)));
  }
  close(): void {}
}
