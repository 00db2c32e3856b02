// The streaming zip writer against two readers: Debian's unzip and our own (zip.ts). Entries are written in pieces and
// their headers patched afterwards; more than 65535 entries take the zip64 end records.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '../../../src/core/warc/source.js';
import { openZip } from '../../../src/core/warc/zip.js';
import { ZipWriter } from '../../../src/core/warc/zip-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'as-zip-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, fill: (z: ZipWriter) => void): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const z = new ZipWriter(fd, new Date(Date.UTC(2024, 4, 6, 7, 8, 10)));
  fill(z);
  z.finish();
  closeSync(fd);
  return path;
}

describe('ZipWriter', () => {
  it('writes stored entries, in pieces, that unzip tests and both readers read back with their hash', () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'archive ');
    let written: ReturnType<ReturnType<ZipWriter['entry']>['end']> | undefined;
    const path = write('a.zip', (z) => {
      const e = z.entry('archive/data.warc.gz');
      for (let i = 0; i < big.length; i += 65536) e.write(big.subarray(i, i + 65536));
      written = e.end();
      z.add('pages/päges.jsonl', Buffer.from('{"format":"json-pages-1.0"}\n'));
      z.add('empty.json', Buffer.alloc(0));
    });
    const t = spawnSync('unzip', ['-t', path]);
    expect(t.status, t.stdout.toString()).toBe(0);
    expect(written).toEqual({ name: 'archive/data.warc.gz', size: big.length, sha256: `sha256:${createHash('sha256').update(big).digest('hex')}` });
    expect(Buffer.compare(execFileSync('unzip', ['-p', path, 'archive/data.warc.gz'], { maxBuffer: 64 << 20 }), big)).toBe(0);
    const zip = openZip(openSource(path));
    try {
      expect(zip.entries.map((e) => [e.name, e.method, e.size])).toEqual([
        ['archive/data.warc.gz', 0, big.length],
        ['pages/päges.jsonl', 0, 28],
        ['empty.json', 0, 0],
      ]);
      // A stored entry is addressable in place: its bytes start at dataOffset in the file.
      expect(Buffer.compare(zip.read(zip.entries[0]), big)).toBe(0);
      expect(zip.read(zip.entries[1]).toString()).toBe('{"format":"json-pages-1.0"}\n');
    } finally {
      zip.source.close();
    }
    expect(execFileSync('unzip', ['-Z', path]).toString()).toMatch(/2024 May  6 07:08|24-May-06 07:08/);
  });

  it('writes zip64 end records for more than 65535 entries', () => {
    const N = 65_600;
    const path = write('many.zip', (z) => {
      for (let i = 0; i < N; i++) z.add(`f/${i}.json`, Buffer.from(String(i)));
    });
    const t = spawnSync('unzip', ['-tq', path]);
    expect(t.status, t.stdout.toString()).toBe(0);
    const zip = openZip(openSource(path));
    try {
      expect(zip.entries.length).toBe(N);
      expect(zip.read(zip.entry('f/65599.json')!).toString()).toBe('65599');
    } finally {
      zip.source.close();
    }
  }, 60_000);

  it('refuses a second entry while one is open', () => {
    write('b.zip', (z) => {
      const e = z.entry('a');
      expect(() => z.entry('b')).toThrow(/before the previous entry ended/);
      e.end();
    });
  });
});
