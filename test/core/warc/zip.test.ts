// The zip reader under WACZ (APPNOTE.TXT 4.3 layout, 4.5.3 zip64 extra field), on generated zips and on the real
// WACZ packages from py-wacz's test fixtures (corpus; skipped when ../shared/corpus is absent).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/warc/buffer-source.js';
import { ArchiveError } from '../../../src/core/warc/errors.js';
import { openZip } from '../../../src/core/warc/zip.js';
import { makeZip } from './zip-fixture.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc');
const text = 'WARC/1.0\r\n'.repeat(50);
const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
const FILES = [
  { name: 'datapackage.json', data: '{"profile":"data-package"}', deflate: true },
  { name: 'archive/a.warc', data: text },
  { name: 'archive/ünïcode.bin', data: binary, deflate: true },
  { name: 'empty', data: '' },
];

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ArchiveError ? `${e.code}@${e.offset}` : `untyped: ${String(e)}`;
  }
  return undefined;
}

describe('openZip', () => {
  for (const variant of [{}, { zip64: true }, { comment: 'a comment with PK\x05\x06 inside' }, { prefix: Buffer.from('junk') }]) {
    it(`lists and reads stored and deflated entries (${JSON.stringify(variant)})`, () => {
      const zip = openZip(new BufferSource('t.zip', makeZip(FILES, variant)));
      expect(zip.entries.map((e) => e.name)).toEqual(FILES.map((f) => f.name));
      for (const f of FILES) expect(zip.read(zip.entry(f.name)!).equals(Buffer.from(f.data))).toBe(true);
      const stored = zip.entry('archive/a.warc')!;
      expect(stored.method).toBe(0);
      // A stored entry's bytes sit at dataOffset in the file itself: the property WACZ relies on for in-place reads.
      expect(zip.source.read(stored.dataOffset, stored.size).toString()).toBe(text);
      expect(zip.entry('archive/ünïcode.bin')!.method).toBe(8);
    });
  }

  it('refuses files that are not zips, with a typed error and an offset', () => {
    expect(errorCode(() => openZip(new BufferSource('x', Buffer.from('WARC/1.0\r\n\r\n'))))).toBe('wacz-bad-package@12');
    expect(errorCode(() => openZip(new BufferSource('x', Buffer.alloc(0))))).toBe('wacz-bad-package@0');
  });

  it('reports truncation and corruption as typed errors, never a crash (every cut of a small zip)', () => {
    const whole = makeZip(FILES);
    for (let cut = 0; cut < whole.length; cut++) {
      const code = errorCode(() => {
        const zip = openZip(new BufferSource('x', whole.subarray(0, cut)));
        for (const e of zip.entries) zip.read(e);
      });
      expect(code, `cut at ${cut}`).toMatch(/^wacz-bad-package@\d+$/);
    }
  });

  it('catches a damaged deflated entry by its CRC or inflate error', () => {
    const whole = Buffer.from(makeZip(FILES));
    const zip = openZip(new BufferSource('x', whole));
    const e = zip.entry('archive/ünïcode.bin')!;
    whole[e.dataOffset + 10] ^= 0xff;
    expect(errorCode(() => zip.read(e))).toMatch(/^wacz-bad-package@/);
  });
});

describe.skipIf(!existsSync(CORPUS))('openZip on corpus WACZ files (py-wacz fixtures)', () => {
  it('reads valid_example_1.wacz: stored WARC and index, deflated datapackage and pages', () => {
    const path = resolve(CORPUS, 'webrecorder+py-wacz/tests/fixtures/valid_example_1.wacz');
    const zip = openZip(new BufferSource(path, readFileSync(path)));
    expect(zip.entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['indexes/index.cdx.gz', 0, 194],
      ['indexes/index.idx', 8, 122],
      ['archive/example-collection.warc', 0, 2730],
      ['pages/pages.jsonl', 8, 178],
      ['datapackage.json', 8, 972],
    ]);
    expect(JSON.parse(zip.read(zip.entry('datapackage.json')!).toString()).wacz_version).toBe('1.0.0');
    // The stored WARC entry begins with a gzip member (the file is per-record gzip despite its name).
    const warc = zip.entry('archive/example-collection.warc')!;
    expect([...zip.source.read(warc.dataOffset, 2)]).toEqual([0x1f, 0x8b]);
  });
});
