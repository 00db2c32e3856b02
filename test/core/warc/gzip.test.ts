// Gzip members inflated one after another share a few pooled decoders (gzip.ts Decoder.take/release): whatever the
// member before did (ended, failed, was cut, inflated past its output buffer), the next inflates to its own bytes.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/warc/buffer-source.js';
import { inflateMember } from '../../../src/core/warc/gzip.js';

describe('inflating members one after another', () => {
  it('gives each good member its own bytes after corrupt, cut and large members', () => {
    const text = (i: number) => Buffer.from(`member ${i} `.repeat(200 + i));
    // Larger than the decoder's 256 KiB output buffer: inflated in several steps, and not compressible to nothing.
    const large = randomBytes(700 * 1024);
    const corrupt = gzipSync(text(99));
    corrupt.fill(0xff, 10, 30); // the deflate data, not the header
    const members: Array<{ bytes: Buffer; want: Buffer | 'gzip-corrupt' | 'gzip-truncated' }> = [];
    for (let i = 0; i < 6; i++) {
      members.push({ bytes: gzipSync(text(i)), want: text(i) });
      if (i === 1) members.push({ bytes: corrupt, want: 'gzip-corrupt' });
      if (i === 2) members.push({ bytes: gzipSync(text(i)).subarray(0, 40), want: 'gzip-truncated' });
      if (i === 3) members.push({ bytes: gzipSync(large), want: large });
    }
    // Twice over: the second pass takes decoders the first released.
    for (let pass = 0; pass < 2; pass++) {
      for (const [k, m] of members.entries()) {
        const got = inflateMember(new BufferSource('x.warc.gz', m.bytes), 0, m.bytes.length, { crc: true });
        if (typeof m.want === 'string') {
          expect(got.ok ? 'ok' : got.code, `member ${k}`).toBe(m.want);
        } else {
          expect(got.ok, `member ${k}`).toBe(true);
          if (!got.ok) continue;
          expect(got.data.equals(m.want), `member ${k}`).toBe(true);
          expect(got.dataCrc).toBe(got.crc);
          expect(got.size).toBe(m.want.length);
        }
      }
    }
  });
});
