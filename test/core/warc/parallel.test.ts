// Reading one WARC (plain or per-record gzip) on several threads (src/core/warc/parallel.ts) gives, byte for byte,
// what one pass gives (CDXJ, records --json, check's report): on every file of the real corpus (../shared/corpus/warc,
// MANIFEST.tsv; skipped when absent) and on files built to put a cut between a request and its response.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeRecord } from '../../../src/core/record-view.js';
import { cdxjLines } from '../../../src/core/warc/cdxj.js';
import { ArchiveError, openArchive } from '../../../src/core/warc/index.js';
import { checkArchive } from '../../../src/core/warc/check.js';
import { checkReportOf, checkWindows, readOnThreads, readWindows, windowsOf } from '../../../src/core/warc/parallel.js';
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

/** What the file's windows read on 3 threads (no size floor), or null where readWindows keeps to one pass. */
const onThreads = async (path: string, output: ReadOutput) => {
  let file;
  try {
    file = openArchive(path, { onProblem: () => {} });
  } catch (e) {
    if (e instanceof ArchiveError) return null;
    throw e;
  }
  try {
    return await readWindows(file, output, 3, 0);
  } finally {
    file.close();
  }
};

const dir = mkdtempSync(join(tmpdir(), 'as-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading one file on several threads', () => {
  it.skipIf(corpusFiles.length === 0)('gives the one-pass CDXJ, records --json and check report on every corpus file it reads so', async () => {
    const threaded = { cdxj: 0, 'records-json': 0, check: 0, plain: 0 };
    for (const path of corpusFiles) {
      for (const output of ['cdxj', 'records-json', 'check'] as const) {
        const windows = await onThreads(path, output);
        if (windows === null) continue;
        threaded[output]++;
        if (output === 'check') expect(checkReportOf(windows), path).toEqual(checkArchive(path));
        else expect(windows.flatMap((w) => w.lines), `${path} (${output})`).toEqual(onePass(path, output));
        if (output === 'cdxj' && !path.endsWith('.gz')) threaded.plain++;
      }
    }
    // Most WARCs of the corpus, plain ones too, are read on threads, not only the odd one.
    expect(threaded.cdxj).toBeGreaterThan(20);
    expect(threaded.check).toBeGreaterThan(20);
    expect(threaded.plain).toBeGreaterThan(5);
  }, 600_000);

  it.each([true, false])('does not cut between a request and its response, and keeps a POST body in the key (gzip: %s)', async (gzip) => {
    const recs: RecordSpec[] = [];
    for (let i = 0; i < 60; i++) {
      const uri = `http://example.com/form${i}`;
      recs.push({ type: 'request', uri, date: '2020-01-01T00:00:00Z', method: 'POST', body: `q=${i}&page=${i % 3}` });
      recs.push({ uri, date: '2020-01-01T00:00:00Z', body: html(`Result ${i}`, `answer ${i}`) });
    }
    const path = join(dir, gzip ? 'pairs.warc.gz' : 'pairs.warc');
    writeFileSync(path, warcFile(recs, gzip));
    const file = openArchive(path);
    try {
      const windows = windowsOf(path, file.size, 4, 'cdxj', gzip);
      expect(windows.length).toBe(4);
      const lines = await readOnThreads(file, 'cdxj', 4, 0);
      expect(lines).toEqual(onePass(path, 'cdxj'));
      expect(lines!.filter((l) => l.includes('__wb_method=post')).length).toBe(60);
    } finally {
      file.close();
    }
  });

  it.each([true, false])("gives check's report, problems in every window, as one pass does (gzip: %s)", async (gzip) => {
    // Every seventh response's payload digest is wrong: check reports it, the reader does not.
    const recs: RecordSpec[] = [];
    for (let i = 0; i < 80; i++) {
      recs.push({ uri: `http://example.com/p${i}`, date: '2020-01-01T00:00:00Z', body: html(`Page ${i}`, `text ${i}`),
        digest: i % 7 === 3 ? 'sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : undefined });
    }
    const path = join(dir, gzip ? 'digests.warc.gz' : 'digests.warc');
    writeFileSync(path, warcFile(recs, gzip));
    const file = openArchive(path);
    try {
      const windows = await readWindows(file, 'check', 4, 0);
      expect(windows?.length).toBe(4);
      expect(windows!.every((w) => w.checked.length > 0)).toBe(true);
      const report = checkReportOf(windows!);
      expect(report.problems.filter((p) => p.code === 'warc-payload-digest').length).toBe(11);
      expect(report).toEqual(checkArchive(path));
    } finally {
      file.close();
    }
  });

  it('refuses windows that do not meet, or that meet between two records of one URL', () => {
    const w = (start: number, end: number) => ({ path: 'x', start, end, output: 'cdxj' as const });
    const r = (first: number, uriIn: string, end: number, uriOut: string) =>
      ({ lines: [], problems: [], records: 1, checked: [], crc: [], first: { offset: first, uri: uriIn }, last: { end, uri: uriOut } });
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'c', 20, 'd')])).toBe(true);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 9, 'b'), r(10, 'c', 20, 'd')])).toBe(false);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'b', 20, 'd')])).toBe(false);
    const damaged = { ...r(10, 'c', 20, 'd'), problems: [{ code: 'gzip-corrupt' as const, file: 'x', offset: 12, message: '' }] };
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), damaged])).toBe(false);
  });
});
