// One suite, both ByteSource implementations: the mmap source and the positional-read source must
// return the same bytes for the same reads, clip at end of file, and handle an empty file.
import { afterAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/core/warc/file-source.js';
import { closeSync, ftruncateSync, openSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openArchive } from '../../../src/core/warc/index.js';
import { MmapSource, mmapHandlesWideOffsets } from '../../../src/core/warc/mmap-source.js';
import { openSource } from '../../../src/core/warc/source.js';
import type { ByteSource } from '../../../src/core/warc/types.js';
import { httpResponse, responseRecord, tempDir } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) & 0xff));
const path = tmp.write('data.bin', bytes);
const empty = tmp.write('empty.bin', '');

const kinds: Array<[string, (p: string) => ByteSource]> = [
  ['mmap', (p) => new MmapSource(p)],
  ['file', (p) => new FileSource(p)],
];

describe.each(kinds)('%s source', (_name, open) => {
  it('reports the path and size', () => {
    const s = open(path);
    expect(s.path).toBe(path);
    expect(s.size).toBe(bytes.length);
    s.close();
  });

  it('reads exact ranges, anywhere', () => {
    const s = open(path);
    for (const [o, n] of [[0, 1], [0, 10_000], [4095, 3], [4096, 4096], [9_999, 1], [1234, 0]]) {
      expect(Buffer.compare(s.read(o, n), bytes.subarray(o, o + n))).toBe(0);
    }
    s.close();
  });

  it('clips reads at end of file and past it', () => {
    const s = open(path);
    expect(s.read(9_990, 100).length).toBe(10);
    expect(s.read(20_000, 10).length).toBe(0);
    s.close();
  });

  it('opens a 0-byte file without mapping it', () => {
    const s = open(empty);
    expect(s.size).toBe(0);
    expect(s.read(0, 10).length).toBe(0);
    s.close();
  });

  it('refuses reads after close', () => {
    const s = open(path);
    s.close();
    expect(() => s.read(0, 1)).toThrow(/after close/);
  });

  it('throws ENOENT for a missing file', () => {
    expect(() => open(tmp.dir + '/missing')).toThrow(/ENOENT/);
  });
});

describe('the mmap source is zero-copy', () => {
  it('returns views of one mapping', () => {
    const s = new MmapSource(path);
    const a = s.read(100, 10);
    const b = s.read(105, 10);
    expect(a.buffer).toBe(b.buffer); // same ArrayBuffer: subarray views, nothing copied
    expect(s.cheapRead).toBe(s.size);
    s.close();
  });
});

describe('openSource', () => {
  it('gives the asked kind', () => {
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const m = openSource(path, 'mmap');
    const f = openSource(path, 'file');
    expect(m).toBeInstanceOf(MmapSource);
    expect(f).toBeInstanceOf(FileSource);
    m.close();
    f.close();
  });

  it('reads a file modified in the last seconds (perhaps still being written) with positional reads, never mapped', () => {
    const fresh = tmp.write('fresh.bin', bytes);
    const s = openSource(fresh, 'mmap');
    expect(s).toBeInstanceOf(FileSource);
    s.close();
  });
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A file cut or rewritten under a mapping raises SIGBUS at the next read of a vanished page; the sources look at the
// file first and report the change. Reads here stay inside what is left of the file, so that a source that did not
// look would return stale bytes (and the test fail) rather than take the test runner down with a SIGBUS.
describe.each(kinds)('%s source, file changed under it', (_name, open) => {
  it('reports a file truncated since it was opened, with the offset of the read', async () => {
    const p = tmp.write(`cut-${_name}.bin`, bytes);
    const s = open(p);
    expect(s.read(0, 10).length).toBe(10);
    truncateSync(p, 5000);
    await pause(80); // past the interval between looks
    expect(() => s.read(4000, 100)).toThrow(expect.objectContaining({ code: 'file-changed', file: p, offset: 4000 }));
    s.close();
  });

  it('reports a file rewritten in place with the same size', async () => {
    const p = tmp.write(`rewritten-${_name}.bin`, bytes);
    utimesSync(p, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const s = open(p);
    writeFileSync(p, Buffer.alloc(bytes.length, 0x41));
    await pause(80);
    expect(() => s.read(0, 100)).toThrow(/changed while being read \(was 10000 bytes.*now 10000 bytes/);
    s.close();
  });
});

describe('the positional-read source, file cut between looks', () => {
  it('reports a read that comes back short as a change, not as the end of the data', () => {
    const p = tmp.write('short.bin', bytes);
    const s = new FileSource(p);
    truncateSync(p, 5000);
    expect(() => s.read(4000, 2000)).toThrow(expect.objectContaining({ code: 'file-changed', file: p }));
    s.close();
  });
});

// Web archives are often larger than 4 GiB. The published mmap binding truncated sizes and offsets to 32 bits, so a
// record past 4 GiB read the file's first bytes instead (native/mmap-int64.mjs widens it at install). A sparse file
// costs no disk: both sources must agree on bytes and records far past 4 GiB.
describe('files larger than 4 GiB', () => {
  const big = join(tmp.dir, 'big.warc');
  const first = responseRecord('http://example.com/first', httpResponse(200, [['Content-Type', 'text/plain']], 'first'));
  const far = responseRecord('http://example.com/far', httpResponse(200, [['Content-Type', 'text/plain']], 'far away'));
  const farAt = 2 ** 32 + 12_345;
  const fd = openSync(big, 'w+');
  writeSync(fd, first, 0, first.length, 0);
  writeSync(fd, far, 0, far.length, farAt);
  ftruncateSync(fd, farAt + far.length + 1000);
  closeSync(fd);

  it('the mmap binding handles offsets past 4 GiB (it was built with native/mmap-int64.mjs)', () => {
    expect(mmapHandlesWideOffsets()).toBe(true);
  });

  it.each(kinds)('%s source reads the same bytes everywhere', (_name, open) => {
    const s = open(big);
    expect(s.size).toBe(farAt + far.length + 1000);
    expect(s.read(farAt, far.length).equals(far)).toBe(true);
    expect(s.read(0, first.length).equals(first)).toBe(true);
    // Across the boundaries of mmap windows (every 512 MiB) and at 2^31, 2^32.
    for (const at of [2 ** 29 - 3, 2 ** 31 - 3, 2 ** 32 - 3, 3 * 2 ** 29 - 3]) expect(s.read(at, 6).length).toBe(6);
    s.close();
  });

  it('reads a record past 4 GiB by its offset', () => {
    const archive = openArchive(big, { source: 'mmap' });
    const r = archive.readRecord(farAt, far.length);
    expect(r.targetUri).toBe('http://example.com/far');
    expect(r.payload().toString()).toBe('far away');
    archive.close();
  });
});
