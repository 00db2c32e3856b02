// One large file read in windows by several workers (IngestOptions.windowBytes, ARCHITECTURE.md "One large file on
// several workers") stores exactly what one worker reading it whole stores: the same captures (request/response pairs,
// revisits), pages, problems (file and offset) and search results; a run stopped mid-file resumes to that same end.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCollection, type IngestOptions } from '../../../src/core/ingest/index.js';
import { search } from '../../../src/core/search/index.js';
import type { IngestProgress } from '../../../src/shared/records.js';
import { Collection } from '../../../src/core/store/index.js';
import { windowsOf } from '../../../src/core/warc/parallel.js';
import { html, revisitOf, warcFile, warcRecord, type RecordSpec } from './warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 600;
const body = (i: number) => html(`Page ${i} of site ${i % 7}`, `alpha${i} common words ${'filler text '.repeat(20 + (i % 13))} omega${i % 17}`);

/** Responses with requests paired after some (POST, so that the pair shows in the capture key), revisits of earlier
 *  pages, and payloads repeated at other URLs far apart in the file (in other windows). */
function records(): RecordSpec[] {
  const out: RecordSpec[] = [];
  for (let i = 0; i < N; i++) {
    const date = `2021-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`;
    const uri = `http://site${i % 7}.example/p${i}`;
    const same = i >= N / 2 && i % 10 === 3 ? body(i - N / 2) : body(i); // a payload seen half a file earlier
    out.push({ uri, date, body: same });
    if (i % 5 === 0) out.push({ type: 'request', uri, date, method: 'POST', body: `q=${i}` });
    if (i % 9 === 4 && i > 20) {
      const old = i - 20;
      out.push(revisitOf(`http://site${old % 7}.example/p${old}`, body(old), date, '2021-01-10T10:00:00Z'));
    }
  }
  return out;
}

/** Everything ingest stored, without the ids (which depend on the order batches were committed in). */
function stored(db: string) {
  const coll = Collection.open(db, { readonly: true });
  try {
    const q = <T>(sql: string) => coll.all<T>({ sql, params: {} });
    // Hits of equal score come in page id order, and page ids are given in the order batches are committed (so too
    // with two files on two workers): within a score, by URL.
    const hits = ['common', 'alpha123', 'omega5', 'filler', 'site:site3.example', 'alpha1*'].map((query) =>
      search(coll, query, { limit: 1000 }).hits.map(({ pageId: _p, capture: { id: _c, ...capture }, ...hit }) => ({ ...hit, capture }))
        .sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || a.url.localeCompare(b.url)));
    return {
      files: q('SELECT path, size, status, records, error_count, format FROM warc_files ORDER BY path'),
      captures: q(`SELECT offset, length, type, uri, urlkey, rhost, timestamp, status, mime, digest, record_id, refers_to_uri,
        refers_to_date, method FROM captures ORDER BY offset`),
      pages: q('SELECT digest, url, title, description, text, lang, main_lines, main_found, page_count FROM pages ORDER BY digest'),
      errors: q('SELECT offset, code, message FROM errors ORDER BY offset, code, message'),
      hits,
    };
  } finally {
    coll.close();
  }
}

/** Each part of what was stored equal, named when not. */
function expectSame(got: ReturnType<typeof stored>, want: ReturnType<typeof stored>): void {
  for (const k of Object.keys(want) as Array<keyof typeof want>) expect(got[k], k).toEqual(want[k]);
}

let nth = 0;
async function ingest(path: string, opts: IngestOptions) {
  const db = join(dir, `c${nth++}.sqlite`);
  const summary = await ingestCollection(db, [path], { batchRecords: 50, ...opts });
  return { db, summary };
}

/** The file read whole by one worker, and in about 5 windows by 2. */
async function bothWays(path: string) {
  const windowBytes = Math.floor(statSync(path).size / 5);
  const one = await ingest(path, { workers: 1 });
  const two = await ingest(path, { workers: 2, windowBytes });
  expect(one.summary.windows).toBe(0);
  expect(two.summary.windows).toBeGreaterThanOrEqual(4);
  return { one, two, windowBytes };
}

describe('one large file on several workers', () => {
  for (const gzip of [false, true]) {
    it(`stores what one worker stores (${gzip ? 'gzip per record' : 'plain'} WARC)`, async () => {
      const path = join(dir, `pages${gzip ? '.warc.gz' : '.warc'}`);
      writeFileSync(path, warcFile(records(), gzip));
      const { one, two } = await bothWays(path);
      expect(two.summary.filesReadAgain).toBe(0);
      const a = stored(one.db);
      const b = stored(two.db);
      expect(a.captures.length).toBeGreaterThan(N);
      expect(a.captures.filter((c) => (c as { type: string; method: string | null }).type === 'response' &&
        (c as { method: string | null }).method === 'POST')).toHaveLength(N / 5);
      expect(a.captures.filter((c) => (c as { type: string }).type === 'revisit').length).toBeGreaterThan(20);
      expect(a.hits[0].length).toBeGreaterThan(100);
      expectSame(b, a);
    });
  }

  it('stores the same problems, at the same offsets, for damage inside a window', async () => {
    const path = join(dir, 'damaged.warc.gz');
    const bytes = warcFile(records(), true);
    // Garble the deflate data of members a quarter and two thirds into the file, and cut the last one short.
    for (const at of [0.25, 0.66]) {
      const member = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), Math.floor(bytes.length * at));
      bytes.fill(0x55, member + 40, member + 60);
    }
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    const { one, two } = await bothWays(path);
    expect(two.summary.filesReadAgain).toBe(0);
    const a = stored(one.db);
    expect(a.errors.length).toBeGreaterThanOrEqual(3);
    expectSame(stored(two.db), a);
  });

  it('reads the file again in one pass when damage at a cut makes a window read otherwise than one pass', async () => {
    const path = join(dir, 'long-record.warc.gz');
    const raw = records().map(warcRecord);
    const write = () => {
      const members = raw.map((r) => gzipSync(r));
      writeFileSync(path, Buffer.concat(members));
      return members.map((m, k) => members.slice(0, k).reduce((n, x) => n + x.length, 0));
    };
    let offsets = write();
    const cutAt = () => windowsOf(path, statSync(path).size, 5, 'cdxj', true)[1].start;
    const cut = offsets.indexOf(cutAt());
    expect(cut).toBeGreaterThan(0);
    // The record before the second window declares a block longer than its member holds: one pass reads it on into
    // the members after (a record may span members), its window alone ends in a record cut short.
    const head = raw[cut - 1].toString('latin1');
    const declared = /Content-Length: (\d+)\r\n\r\n/.exec(head)!;
    raw[cut - 1] = Buffer.from(head.replace(declared[0], `Content-Length: ${Number(declared[1]) + 3000}\r\n\r\n`), 'latin1');
    offsets = write();
    expect(cutAt()).toBe(offsets[cut]); // still cut there
    const windowBytes = Math.floor(statSync(path).size / 5);
    const last: Record<number, IngestProgress> = {};
    const told: Record<number, Record<string, number>> = { 1: {}, 2: {} };
    const tell = (n: number) => (codes: Record<string, number>) => {
      for (const [code, k] of Object.entries(codes)) told[n][code] = (told[n][code] ?? 0) + k;
    };
    const one = await ingest(path, { workers: 1, onProgress: (p) => void (last[1] = p), onErrors: tell(1) });
    const two = await ingest(path, { workers: 2, windowBytes, onProgress: (p) => void (last[2] = p), onErrors: tell(2) });
    expect(two.summary.filesReadAgain).toBe(1);
    const a = stored(one.db);
    expect(a.errors.length).toBeGreaterThan(0);
    expectSame(stored(two.db), a);
    // What the windows had counted is taken back before the file is read again.
    const counts = (p: IngestProgress) => ({ records: p.records, pages: p.pages, errors: p.errors, bytesDone: p.bytesDone });
    expect(counts(last[2])).toEqual(counts(last[1]));
    expect(two.summary).toMatchObject({ records: one.summary.records, errors: one.summary.errors, bytes: one.summary.bytes });
    // The errors-by-code metric tells each stored problem once: not also those of the windows read before.
    const byCode: Record<string, number> = {};
    for (const e of a.errors as { code: string }[]) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
    expect(told[1]).toEqual(byCode);
    expect(told[2]).toEqual(byCode);
  });

  it('a run stopped mid-file leaves it to be redone, and the next run ends as one worker does', async () => {
    const path = join(dir, 'resume.warc.gz');
    writeFileSync(path, warcFile(records(), true));
    const windowBytes = Math.floor(statSync(path).size / 5);
    const one = await ingest(path, { workers: 1 });
    const db = join(dir, 'resumed.sqlite');
    const stop = new AbortController();
    const first = await ingestCollection(db, [path], {
      workers: 2, windowBytes, batchRecords: 20, signal: stop.signal,
      onProgress: (p) => {
        if (p.records > 150) stop.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    const coll = Collection.open(db, { readonly: true });
    expect(coll.files().map((f) => f.status)).toEqual(['indexing']);
    coll.close();
    const second = await ingestCollection(db, [path], { workers: 2, windowBytes });
    expect(second.filesIndexed).toBe(1);
    expectSame(stored(db), stored(one.db));
  });

  it('a file that changes while its windows are read ends changed, once, and is read again by the next run', async () => {
    const path = join(dir, 'changing.warc');
    writeFileSync(path, warcFile(records()));
    const windowBytes = Math.floor(statSync(path).size / 5);
    const db = join(dir, 'changing.sqlite');
    let grown = false;
    const s = await ingestCollection(db, [path], {
      workers: 2, windowBytes, batchRecords: 20,
      onProgress: (p) => {
        if (!grown && p.records > 0) {
          grown = true;
          appendFileSync(path, warcFile([{ uri: 'http://late.example/', date: '2022-01-01T00:00:00Z', body: html('Late', 'appended') }]));
        }
      },
    });
    expect(s.windows).toBeGreaterThanOrEqual(4);
    expect(s.changed).toHaveLength(1);
    expect(s).toMatchObject({ filesFailed: 1, filesIndexed: 0 });
    const coll = Collection.open(db, { readonly: true });
    expect(coll.files().map((f) => f.status)).toEqual(['changed']);
    coll.close();
    const again = await ingestCollection(db, [path], { workers: 2, windowBytes });
    expect(again).toMatchObject({ filesIndexed: 1, changed: [] });
    const one = await ingest(path, { workers: 1 });
    expectSame(stored(db), stored(one.db));
  });

  it('cuts only the run\'s long pole: not files of about one size, which keep every worker busy anyway', async () => {
    const a = join(dir, 'even-a.warc');
    const b = join(dir, 'even-b.warc');
    writeFileSync(a, warcFile(records()));
    writeFileSync(b, warcFile(records()));
    const small = join(dir, 'small.warc');
    writeFileSync(small, warcFile(records().slice(0, 50)));
    const windowBytes = Math.floor(statSync(a).size / 5);
    const even = await ingest(a, { workers: 2, windowBytes });
    expect(even.summary.windows).toBeGreaterThanOrEqual(4); // alone, it is cut
    const both = await ingestCollection(join(dir, 'even.sqlite'), [a, b], { workers: 2, windowBytes });
    expect(both).toMatchObject({ filesIndexed: 2, windows: 0 });
    const pole = await ingestCollection(join(dir, 'pole.sqlite'), [a, small], { workers: 2, windowBytes });
    expect(pole).toMatchObject({ filesIndexed: 2 });
    expect(pole.windows).toBeGreaterThanOrEqual(4);
  });

  it('counts progress over all the windows of the file', async () => {
    const path = join(dir, 'progress.warc');
    writeFileSync(path, warcFile(records()));
    const size = readFileSync(path).length;
    const seen: Array<{ bytesDone: number; records: number }> = [];
    const s = await ingestCollection(join(dir, 'progress.sqlite'), [path], {
      workers: 2, windowBytes: Math.floor(size / 5), batchRecords: 40,
      onProgress: (p) => seen.push({ bytesDone: p.bytesDone, records: p.records }),
    });
    expect(s.windows).toBeGreaterThanOrEqual(4);
    expect(s.bytes).toBe(size);
    const last = seen[seen.length - 1];
    expect(last.bytesDone).toBe(size);
    expect(last.records).toBe(s.records);
    // Never more than the file, never backwards.
    for (let k = 1; k < seen.length; k++) expect(seen[k].bytesDone).toBeGreaterThanOrEqual(seen[k - 1].bytesDone);
    expect(Math.max(...seen.map((p) => p.bytesDone))).toBe(size);
  });
});
