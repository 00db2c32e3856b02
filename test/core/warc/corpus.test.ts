// The real corpus (needs ../shared/corpus, read-only; skipped when absent): every WARC/ARC file listed in
// warc/MANIFEST.tsv is read through the public API and through the built `records` CLI, under a timeout.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkArchive } from '../../../src/core/warc/check.js';
import { ArchiveError, openArchive } from '../../../src/core/warc/index.js';
import type { WarcProblem } from '../../../src/core/warc/types.js';

const ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const WARC = resolve(CORPUS, 'warc');

interface Row {
  path: string;
  name: string;
  compression: string;
  format: string;
  warcioCount: number;
  strict: string;
  notes: string;
}

function manifest(): Row[] {
  if (!existsSync(WARC)) return [];
  return readFileSync(resolve(WARC, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .map(([repo, path, , compression, format, warcio, strict, , notes]) => ({
      path: resolve(WARC, repo, path),
      name: `${repo}/${path}`,
      compression,
      format,
      warcioCount: Number(warcio),
      strict,
      notes: notes ?? '',
    }));
}

/** Where MANIFEST's two readers disagree or count wrong, the bytes decide. Each entry: the count a careful reader gets,
 *  and why. */
const DECIDED: Record<string, [count: number, why: string]> = {
  'cbeams+warc/src/test/resources/io/webgraph/warc/multi-with-garbage-on-last-line.warc': [3, 'three WARC/1.0 records; the last line "GARBAGE" is no record (warcio makes it a 4th)'],
  'internetarchive+gowarc/testdata/warcs/corrupted-mid-record.warc.gz.open': [12, 'one whole gzip member holding 12 records, then 34 bytes of plain text; gunzip gives up on the tail and so on the file'],
  'internetarchive+gowarc/testdata/warcs/corrupted-trailing-bytes.warc.gz.open': [30, 'one whole gzip member holding 30 records, then 55 bytes of text'],
  'netarchivesuite+jwat/jwat-arc/src/test/resources/invalid-arcfile-record-then-garbage.arc': [1, 'one whole URL record (no filedesc), then a cut header line'],
  'netarchivesuite+jwat/jwat-arc/src/test/resources/test-arc-1.0-invalid-fields.arc': [1, 'the filedesc line is unusable (length "one"); the http record after it is whole'],
  'netarchivesuite+jwat/jwat-common/src/test/resources/test-utf8.warc': [1, 'one WARC/0.17 record whose fields are folded ("Content-Length:\\r\\n\\t483"); warcio does not unfold, reads length 0 and turns the block into a 2nd record'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-utf8.warc': [1, 'same file as test-utf8.warc'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-continuation.warc': [1, 'one record with folded fields (see test-utf8.warc)'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-metainfo.warc': [1, 'one record with folded fields'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-warcinfo.warc': [1, 'one record with folded fields'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-fields-empty.warc': [1, 'one WARC/1.0 line; Content-Length is empty, so the block runs to the end'],
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-record-then-garbage.warc': [1, 'one record, then text that is no record'],
  'sing-group+WARCProcessor/src/test/resources/in/warc/test.warc': [2, 'LF line ends: three record starts, the second\'s Content-Length runs into the third, the third is cut (declares 57608 bytes)'],
  'sing-group+WARCProcessor/src/test/resources/in/warccsv/test1/en0000/test.warc': [2, 'three record starts, the last cut short'],
  'sing-group+WARCProcessor/src/test/resources/in/warccsv/test1/en0001/test.warc': [2, 'same file as in/warc/test.warc'],
  'webrecorder+warcio/test/data/example-space-in-url.arc': [1, 'the second record declares 1591 bytes and the file ends 1579 bytes into it: truncated, not a record'],
  'webrecorder+warcio/test/data/example-wrong-chunks.warc.gz': [2, 'a response split over members 1-2 and a request in member 3 after the response\'s CRLF CRLF; warcio stops after the first'],
};

/** Files both MANIFEST readers pass but whose bytes hold damage a reader should report. */
const ALSO_DAMAGED: Record<string, string> = {
  'webrecorder+pywb/sample_archive/warcs/example-extra.warc': 'a response declared application/http whose block starts "HTTPX/1.1 200 OK" (http-bad-message)',
};

const rows = manifest().filter((r) => r.format !== 'WACZ');
const damaged = (r: Row) => /problems/.test(r.strict) || /corrupt|truncated/.test(r.compression) || /parse-error|gunzip-error/.test(r.notes) || r.format === 'other' || r.name in DECIDED || r.name in ALSO_DAMAGED;

describe.skipIf(!existsSync(WARC))('corpus: record counts (uses ../shared/corpus/warc, MANIFEST.tsv)', () => {
  it('lists the files', () => expect(rows.length).toBeGreaterThan(100));

  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const problems: WarcProblem[] = [];
    let count = 0;
    try {
      const f = openArchive(row.path, { onProblem: (p) => problems.push(p) });
      for (const r of f.records()) {
        count++;
        r.http();
      }
      f.close();
    } catch (e) {
      expect(e).toBeInstanceOf(ArchiveError);
      expect(row.warcioCount).toBe(0); // only the empty file may not open
      return;
    }
    const expected = DECIDED[row.name]?.[0] ?? row.warcioCount;
    expect(count).toBe(expected);
    if (!damaged(row)) expect(problems).toEqual([]);
    for (const p of problems) {
      expect(p.file).toBe(row.path);
      expect(p.offset).toBeGreaterThanOrEqual(0);
    }
  });
});

describe.skipIf(!existsSync(WARC))('corpus: deliberately invalid files get their problems reported by check', () => {
  // Not counted as invalid: blackbook-truncated.arc is a whole ARC cut at a record boundary, and in
  // invalid-warcfile-encoding-headers.warc.gz every field, length and digest checks out: its target URIs hold literal
  // '?' where the writer lost Big5 bytes, which is still a legal query.
  const invalid = rows.filter((r) => /invalid|bad|trunc|corrupt|garbage|malformed|dashed|missing-status/i.test(r.name) && !/blackbook-truncated|encoding-headers/.test(r.name));
  it.each(invalid.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const report = checkArchive(row.path);
    expect(report.problems.length).toBeGreaterThan(0);
    for (const p of report.problems) {
      expect(p.offset).toBeGreaterThanOrEqual(0);
      expect(p.file).toBe(row.path);
    }
  });

  it('names the right offsets and codes in known files', () => {
    const at = (name: string) => checkArchive(resolve(WARC, name)).problems.map((p) => `${p.code}@${p.offset}`);
    expect(at('cbeams+warc/src/test/resources/io/webgraph/warc/multi-with-malformed-record.warc')).toContain('warc-garbage@386');
    expect(at('webrecorder+warcio/test/data/example-space-in-url.arc')).toEqual(['warc-truncated@151']);
    expect(at('internetarchive+gowarc/testdata/warcs/corrupted-trailing-bytes.warc.gz.open')).toEqual(['warc-garbage@2362']);
    expect(at('netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-duplicate-fields.warc')).toContain('warc-bad-field@0');
    expect(at('webrecorder+warcio/test/data/example-digest.warc')).toEqual(['warc-payload-digest@0']);
    expect(at('webrecorder+pywb/sample_archive/warcs/bad.arc')).toContain('arc-bad-header@0');
  });
});

describe.skipIf(!existsSync(WARC))('corpus: the records command never crashes or hangs', () => {
  it('runs on every file with exit 0, 1 (damage) or 2 (no archive), problems as file/offset/code lines', () => {
    // One child process for all files (records-driver.ts), killed after 120 s: a hang fails the test and the last
    // "start" line names the file.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/core/warc/records-driver.ts', ...manifest().map((m) => m.path)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(r.signal, `hung on ${lines.at(-1)?.start}`).toBeNull();
    const results = lines.filter((l) => 'status' in l);
    expect(results.length).toBe(manifest().length);
    for (const x of results) {
      expect([0, 1, 2], `${x.path}: ${x.crash}`).toContain(x.status);
      if (x.status === 2) expect(x.out).toBe(0);
      for (const line of x.err) {
        const [file, offset, code] = line.split('\t');
        expect(file).toBe(x.path);
        expect(Number(offset)).toBeGreaterThanOrEqual(0);
        expect(code).toMatch(/^[a-z]+(-[a-z]+)+$/);
      }
    }
  }, 150_000);
});

describe.skipIf(!existsSync(WARC))('the built archivestream binary', () => {
  beforeAll(() => {
    const b = spawnSync(process.execPath, ['scripts/build-node.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  }, 60_000);
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/archivestream.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });

  it('records: exit 0 and one tab-separated line per record on a good file', () => {
    const r = run('records', resolve(WARC, 'webrecorder+warcio/test/data/example.warc.gz'));
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(6);
    expect(lines[2].split('\t')).toEqual(['784', '1228', 'response', 'http://example.com/', '2017-03-06T04:02:06Z', '<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>', 'application/http; msgtype=response', '200', 'sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK']);
  });

  it('records --json: JSON Lines with the contract keys', () => {
    const r = run('records', '--json', resolve(WARC, 'webrecorder+pywb/sample_archive/warcs/example.arc'));
    expect(r.status).toBe(0);
    const [, resp] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(resp)).toEqual(['offset', 'length', 'type', 'uri', 'date', 'id', 'contentType', 'status', 'digest']);
    expect(resp).toMatchObject({ type: 'response', uri: 'http://example.com/', status: 200, id: null });
  });

  it('records: damage prints the readable records, each problem on stderr, exit 1', () => {
    const path = resolve(WARC, 'webrecorder+warcio/test/data/example-trunc.warc');
    const r = run('records', path);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n').length).toBe(4);
    expect(r.stderr.trim()).toBe(`${path}\t2560\twarc-garbage\t6 bytes after the record at 1197 belong to no record: "\\x00\\x00\\r\\n\\r\\nWARC/1.0\\r\\nWARC-Type: request\\r\\nWARC"`);
  });

  it('records and check: a missing file or no archive is one line naming the file, exit 2, no stack trace', () => {
    for (const cmd of ['records', 'check']) {
      const r = run(cmd, '/nonexistent/file.warc');
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(/^\/nonexistent\/file\.warc\t0\tfile-not-found\t[^\n]*$/);
      const t = run(cmd, resolve(WARC, 'MANIFEST.tsv'));
      expect(t.status).toBe(2);
      expect(t.stderr.trim().split('\n')).toHaveLength(1);
      expect(t.stderr).toContain('not-an-archive');
    }
  });

  it('check: exit 0 on a clean file, 1 with one line per problem', () => {
    expect(run('check', resolve(WARC, 'webrecorder+warcio/test/data/example.warc.gz')).status).toBe(0);
    const path = resolve(WARC, 'webrecorder+warcio/test/data/example-digest.warc');
    const r = run('check', path);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([`${path}\t0\twarc-payload-digest\tWARC-Payload-Digest sha1:1112H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ does not match the payload`]);
  });

  it('check with no file: usage error, exit 2', () => {
    expect(run('check').status).toBe(2);
  });
});
