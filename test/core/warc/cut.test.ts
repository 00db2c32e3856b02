// As jwarc's test does: cut real files one byte at a time at every length and read each prefix. Every prefix must give
// the whole records that fit in it, then either end cleanly (cut between records) or report truncation — never
// throw from the iterator, never call a cut "corrupt", never hang. Uses ../shared/corpus (skipped when absent):
// webrecorder+warcio example.warc (plain), example.warc.gz (per-record gzip), iipc+jwarc cc.warc.gz (one member).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/warc/buffer-source.js';
import { ArchiveError, openArchiveSource } from '../../../src/core/warc/index.js';
import type { ArchiveRecord, WarcProblem } from '../../../src/core/warc/types.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc');
const FILES = ['webrecorder+warcio/test/data/example.warc', 'webrecorder+warcio/test/data/example.warc.gz', 'iipc+jwarc/test-resources/org/netpreserve/jwarc/cc.warc.gz'];

function readAll(data: Buffer): { records: ArchiveRecord[]; problems: WarcProblem[]; openError?: ArchiveError } {
  const problems: WarcProblem[] = [];
  let file;
  try {
    file = openArchiveSource(new BufferSource('cut', data), { onProblem: (p) => problems.push(p) });
  } catch (e) {
    if (e instanceof ArchiveError) return { records: [], problems, openError: e };
    throw e;
  }
  const records = [...file.records()];
  for (const r of records) r.block();
  return { records, problems };
}

describe.skipIf(!existsSync(CORPUS))('cutting a file at every length', () => {
  it.each(FILES)('%s', (name) => {
    const whole = readFileSync(resolve(CORPUS, name));
    const full = readAll(whole);
    expect(full.problems).toEqual([]);
    const started = Date.now();
    for (let n = 0; n < whole.length; n++) {
      const { records, problems, openError } = readAll(whole.subarray(0, n));
      if (openError) {
        // Only a prefix too short to recognise may fail to open, and it does so with a typed whole-file error.
        expect(['empty-file', 'not-an-archive']).toContain(openError.code);
        expect(n).toBeLessThan(10);
        continue;
      }
      // The records read are the full file's first ones, byte for byte.
      expect(records.length).toBeLessThanOrEqual(full.records.length);
      records.forEach((r, i) => {
        expect([r.offset, r.recordId]).toEqual([full.records[i].offset, full.records[i].recordId]);
        // Only the last record read may have lost (part of) its CRLF CRLF terminator to the cut.
        if (i < records.length - 1) expect(r.length).toBe(full.records[i].length);
        else expect(r.length).toBeGreaterThanOrEqual(full.records[i].length - 4);
        expect(Buffer.compare(r.block(), full.records[i].block())).toBe(0);
      });
      // A cut is truncation, never corruption.
      for (const p of problems) expect(['warc-truncated', 'gzip-truncated'], `${n}: ${p.code} ${p.message}`).toContain(p.code);
      if (records.length < full.records.length) {
        const next = full.records[records.length];
        const atBoundary = records.length > 0 && n <= next.offset && n >= records[records.length - 1].offset + records[records.length - 1].length - 4;
        if (!atBoundary) expect(problems.length, `cut at ${n} lost a record silently`).toBeGreaterThan(0);
      }
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
