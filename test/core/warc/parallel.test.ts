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
import { checkArchiveOnThreads, checkReportOf, checkWindows, readOnThreads, readWindows, windowsOf } from '../../../src/core/warc/parallel.js';
import type { ReadOutput } from '../../../src/core/warc/read-protocol.js';
import type { ArchiveFile, WarcProblem } from '../../../src/core/warc/types.js';
import { html, warcFile, warcRecord, type RecordSpec } from '../ingest/warc-builder.js';

const WARC = resolve(__dirname, '../../../../shared/corpus/warc');
const corpusFiles = existsSync(WARC)
  ? readFileSync(join(WARC, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))
      .map(([repo, path]) => join(WARC, repo, path)).filter((p) => existsSync(p))
  : [];

const linesOf = (file: ArchiveFile, output: ReadOutput): string[] =>
  output === 'cdxj' ? [...cdxjLines(file)] : [...file.records()].map((r) => JSON.stringify(summarizeRecord(r)));

const onePass = (path: string, output: ReadOutput, problems: WarcProblem[] = []): string[] => {
  const file = openArchive(path, { onProblem: (p) => problems.push(p) });
  try {
    return linesOf(file, output);
  } finally {
    file.close();
  }
};

/** The lines of readOnThreads' blocks (each block whole lines joined by '\n'). */
const linesOfBlocks = (blocks: string[]): string[] => blocks.flatMap((b) => b.split('\n'));

/** What `cdxj` / `records --json` print and report for the file, as the CLI reads it on 3 threads (no size floor):
 *  the threads' lines where readOnThreads accepts them, else one pass. */
const asTheCliReads = async (path: string, output: ReadOutput) => {
  const problems: WarcProblem[] = [];
  const file = openArchive(path, { onProblem: (p) => problems.push(p) });
  try {
    const blocks = await readOnThreads(file, output, 3, 0);
    const lines = blocks ? linesOfBlocks(blocks) : linesOf(file, output);
    return { lines, problems };
  } finally {
    file.close();
  }
};

/** The one-pass lines and problems, for comparing with asTheCliReads. */
const asOnePassReads = (path: string, output: ReadOutput) => {
  const problems: WarcProblem[] = [];
  return { lines: onePass(path, output, problems), problems };
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
        else expect(linesOfBlocks(windows.flatMap((w) => w.blocks)), `${path} (${output})`).toEqual(onePass(path, output));
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
    // 600 lines a window: more than a block of lines (read-window.ts), so blocks are joined too.
    for (let i = 0; i < 2400; i++) {
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
      const lines = linesOfBlocks((await readOnThreads(file, 'cdxj', 4, 0))!);
      expect(lines).toEqual(onePass(path, 'cdxj'));
      expect(lines.filter((l) => l.includes('__wb_method=post')).length).toBe(2400);
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
      ({ blocks: [], problems: [], records: 1, checked: [], crc: [], first: { offset: first, uri: uriIn }, last: { end, uri: uriOut } });
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'c', 20, 'd')])).toBe(true);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 9, 'b'), r(10, 'c', 20, 'd')])).toBe(false);
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), r(10, 'b', 20, 'd')])).toBe(false);
    const damaged = { ...r(10, 'c', 20, 'd'), problems: [{ code: 'gzip-corrupt' as const, file: 'x', offset: 12, message: '' }] };
    expect(checkWindows([w(0, 10), w(10, 20)], [r(0, 'a', 10, 'b'), damaged])).toBe(false);
  });
});

describe('reading a plain file on several threads, where its bytes mislead', () => {
  const page = (i: number, tag = 'p'): RecordSpec => ({ uri: `http://example.com/${tag}${i}`, date: '2020-01-01T00:00:00Z',
    body: html(`Page ${i}`, `text ${i} `.repeat(20)) });
  const pages = (n: number, tag = 'p') => Array.from({ length: n }, (_, i) => page(i, tag));
  /** The plain WARC of `recs` written at `name`: its bytes and each record's offset. */
  const written = (name: string, recs: RecordSpec[]) => {
    const records = recs.map((r) => warcRecord(r));
    let end = 0;
    const at = records.map((r) => ((end += r.length), end - r.length));
    const bytes = Buffer.concat(records);
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return { path, bytes, at };
  };

  /** The file read as the CLI reads it, on threads where it can, equals one pass: lines, problems (file, offset),
   *  and check's report. */
  const expectOnePass = async (path: string) => {
    for (const output of ['cdxj', 'records-json'] as const) expect(await asTheCliReads(path, output), output).toEqual(asOnePassReads(path, output));
    expect(await checkArchiveOnThreads(path, 3, 0)).toEqual(checkArchive(path));
  };

  it('a WARC archived inside a record\'s payload: cuts land on its records, and the threads\' reading is refused', async () => {
    // A resource record in the middle of the file whose block is a whole WARC: complete records, each a plausible
    // place to start a window (a WARC head at a line start, a block ending in CRLF CRLF, URIs that differ).
    const inner = warcFile(pages(400, 'inner'));
    const recs = [...pages(20), { type: 'resource' as const, uri: 'http://example.com/archive.warc', date: '2020-01-02T00:00:00Z',
      contentType: 'application/warc', body: inner }, ...pages(20, 'q')];
    const { path, at } = written('warc-in-warc.warc', recs);
    const [outerStart, outerEnd] = [at[20], at[21]];
    const file = openArchive(path);
    try {
      const cuts = windowsOf(path, file.size, 3, 'cdxj', false).slice(1).map((w) => w.start);
      expect(cuts.some((c) => c > outerStart && c < outerEnd)).toBe(true); // the trap is sprung
      expect(await readWindows(file, 'cdxj', 3, 0)).toBeNull();
    } finally {
      file.close();
    }
    const { lines } = asOnePassReads(path, 'cdxj');
    expect(lines.filter((l) => l.includes('inner')).length).toBe(0); // the inner records are payload, not records
    expect(lines.length).toBe(41);
    await expectOnePass(path);
  });

  it('WARC version lines in a payload around the cut are passed over for the next real record', async () => {
    // Lines that start like a record but are none: no blank line after them, a block with no CRLF CRLF after it.
    const decoys = 'WARC/1.0\r\nnot a header\r\n'.repeat(400) + 'WARC/1.1\r\nContent-Length: 5\r\n\r\nabcdeXX\r\n'.repeat(200);
    const recs = [...pages(30), { type: 'resource' as const, uri: 'http://example.com/notes.txt', date: '2020-01-02T00:00:00Z',
      body: decoys }, ...pages(30, 'q')];
    const { path, at } = written('decoys.warc', recs);
    const file = openArchive(path);
    try {
      const windows = windowsOf(path, file.size, 2, 'cdxj', false);
      // The middle of the file is inside the decoys; the cut moves to the first record after them.
      expect(file.size / 2).toBeGreaterThan(at[30]);
      expect(file.size / 2).toBeLessThan(at[31]);
      expect(windows.map((w) => w.start)).toEqual([0, at[32]]);
      expect(await readWindows(file, 'cdxj', 2, 0)).not.toBeNull();
    } finally {
      file.close();
    }
    await expectOnePass(path);
  });

  it('a file cut short inside its last record reports the truncation where one pass does', async () => {
    const { path, bytes, at } = written('cut.warc', pages(90));
    writeFileSync(path, bytes.subarray(0, bytes.length - 300));
    const { problems } = await asTheCliReads(path, 'cdxj');
    expect(problems.map((p) => [p.code, p.file, p.offset])).toEqual([['warc-truncated', path, at[89]]]);
    await expectOnePass(path);
  });

  it.each<[string, (bytes: Buffer, before: number, cut: number) => void]>([
    ['a Content-Length too long, running into the record at the cut', (bytes, before) => {
      const digit = bytes.indexOf('Content-Length: ', before) + 'Content-Length: '.length;
      bytes[digit] = bytes[digit] === 0x39 ? 0x38 : 0x39; // a larger first digit: the block runs past the record's end
    }],
    ['the record at the cut not a record', (bytes, _before, cut) => void bytes.write('WARX', cut, 'latin1')],
  ])('%s gives what one pass gives', async (_name, damage) => {
    const { path, bytes, at } = written('seam.warc', pages(80));
    const cut = windowsOf(path, bytes.length, 2, 'cdxj', false)[1].start;
    const k = at.indexOf(cut);
    expect(k).toBeGreaterThan(0);
    damage(bytes, at[k - 1], cut);
    writeFileSync(path, bytes);
    expect(asOnePassReads(path, 'cdxj').problems.length).toBeGreaterThan(0);
    await expectOnePass(path);
  });
});
