// Reading one per-record-gzip file on several threads (src/core/warc/parallel.ts) gives, byte for byte, what one pass
// gives: on every file of the real corpus (../shared/corpus/warc, MANIFEST.tsv; skipped when absent) and on a file
// built to put a cut between a request and its response.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeRecord } from '../../../src/core/record-view.js';
import { cdxjLines } from '../../../src/core/warc/cdxj.js';
import { ArchiveError, openArchive } from '../../../src/core/warc/index.js';
import { checkWindows, readOnThreads, windowsOf } from '../../../src/core/warc/parallel.js';
import type { ReadOutput } from '../../../src/core/warc/read-protocol.js';
import { html, warcFile, type RecordSpec } from '../ingest/warc-builder.js';

const WARC = resolve(__dirname, '../../../../shared/corpus/warc');
const corpusFiles = existsSync(WARC)
  ? readFileSync(join(WARC, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))
      .map(([repo, path]) => join(WARC, repo, path)).filter((p) => existsSync(p))
  : [];

const onePass = (path: string, output: ReadOutput): string[] => {
  const file = openArchive(path, { onProblem: () => {} });
  try {
    return output === 'cdxj' ? [...cdxjLines(file)] : [...file.records()].map((r) => JSON.stringify(summarizeRecord(r)));
  } finally {
    file.close();
  }
};

/** The threads' lines for the file (3 threads, no size floor), or null where readOnThreads keeps to one pass. */
const onThreads = async (path: string, output: ReadOutput): Promise<string[] | null> => {
  let file;
  try {
    file = openArchive(path, { onProblem: () => {} });
  } catch (e) {
    if (e instanceof ArchiveError) return null;
    throw e;
  }
  try {
    return await readOnThreads(file, output, 3, 0);
  } finally {
    file.close();
  }
};

const dir = mkdtempSync(join(tmpdir(), 'as-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading one file on several threads', () => {
  it.skipIf(corpusFiles.length === 0)('gives the one-pass CDXJ and records --json lines on every corpus file it reads so', async () => {
    let threaded = 0;
    for (const path of corpusFiles) {
      for (const output of ['cdxj', 'records-json'] as const) {
        const lines = await onThreads(path, output);
        if (lines === null) continue;
        threaded++;
        expect(lines, `${path} (${output})`).toEqual(onePass(path, output));
      }
    }
    // Most per-record-gzip files of the corpus are read on threads, not only the odd one.
    expect(threaded).toBeGreaterThan(20);
  }, 600_000);

  it('does not cut between a request and its response, and keeps a POST body in the key', async () => {
    const recs: RecordSpec[] = [];
    for (let i = 0; i < 60; i++) {
      const uri = `http://example.com/form${i}`;
      recs.push({ type: 'request', uri, date: '2020-01-01T00:00:00Z', method: 'POST', body: `q=${i}&page=${i % 3}` });
      recs.push({ uri, date: '2020-01-01T00:00:00Z', body: html(`Result ${i}`, `answer ${i}`) });
    }
    const path = join(dir, 'pairs.warc.gz');
    writeFileSync(path, warcFile(recs, true));
    const file = openArchive(path);
    try {
      const windows = windowsOf(path, file.size, 4, 'cdxj');
      expect(windows.length).toBe(4);
      const lines = await readOnThreads(file, 'cdxj', 4, 0);
      expect(lines).toEqual(onePass(path, 'cdxj'));
      expect(lines!.filter((l) => l.includes('__wb_method=post')).length).toBe(60);
    } finally {
      file.close();
    }
  });

  it('refuses windows that do not meet, or that meet between two records of one URL', () => {
    const w = (start: number, end: number) => ({ path: 'x', start, end, output: 'cdxj' as const });
    const r = (first: number, uriIn: string, end: number, uriOut: string) =>
      ({ lines: [], problems: [], first: { offset: first, uri: uriIn }, last: { end, uri: uriOut } });
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'c', 20, 'd')])).toBe(true);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 9, 'b'), r(10, 'c', 20, 'd')])).toBe(false);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'b', 20, 'd')])).toBe(false);
    const damaged = { ...r(10, 'c', 20, 'd'), problems: [{ code: 'gzip-corrupt' as const, file: 'x', offset: 12, message: '' }] };
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), damaged])).toBe(false);
  });
});
