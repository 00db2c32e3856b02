// The index/search/errors/export commands, run through their run() with a captured CliIo (issue: CLI --json shapes,
// `--queries` one JSON line per query, malformed query = one-line error and exit 2), and the real corpus end to end.
// Needs /work/shared/corpus (../shared/corpus from the project root) for the corpus part; skipped when absent.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/command.js';
import { index } from '../../../src/cli/commands/ingest.js';
import { search } from '../../../src/cli/commands/search.js';
import { errors } from '../../../src/cli/commands/errors.js';
import { exportCommand } from '../../../src/cli/commands/export.js';
import { Collection } from '../../../src/core/store/index.js';
import { html, warcFile } from './warc-builder.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus');

function capture(): CliIo & { lines: string[]; errLines: string[] } {
  const lines: string[] = [];
  const errLines: string[] = [];
  return { lines, errLines, out: (l) => lines.push(l), err: (l) => errLines.push(l), isTTY: false };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI commands', () => {
  let db: string;
  beforeAll(async () => {
    db = join(dir, 'c.sqlite');
    const f = join(dir, 'a.warc.gz');
    writeFileSync(f, warcFile([
      { uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('Zebra home', 'zebras, stripes, savanna') },
      { uri: 'http://example.com/b', date: '2021-01-01T00:00:00Z', body: html('Lions', 'lions hunt zebras') },
    ], true));
    const io = capture();
    expect(await index.run([db, f, '--json', '--workers', '1'], io)).toBe(0);
    expect(JSON.parse(io.lines[0])).toMatchObject({ files: 1, records: 2, pages: 2, errors: 0 });
  });

  it('search --json gives {total, tookMs, facets, hits} with url, timestamp, title, snippet, score, file, offset', async () => {
    const io = capture();
    expect(await search.run([db, 'zebras', '--json'], io)).toBe(0);
    const r = JSON.parse(io.lines[0]);
    expect(r.total).toBe(2);
    expect(typeof r.tookMs).toBe('number');
    expect(r.facets.year.map((f: { value: string }) => f.value).sort()).toEqual(['2020', '2021']);
    const home = r.hits.find((h: { url: string }) => h.url === 'http://example.com/');
    expect(home).toMatchObject({ timestamp: '20200101000000', title: 'Zebra home', offset: 0 });
    expect(home.file).toMatch(/a\.warc\.gz$/);
    for (const k of ['snippet', 'score', 'file', 'offset']) expect(r.hits[0]).toHaveProperty(k);
  });

  it('index --fts-shards writes the full-text index in that many shards; a bad count is a usage error', async () => {
    const sharded = join(dir, 'sharded.sqlite');
    const f = join(dir, 'b.warc.gz');
    writeFileSync(f, warcFile([{ uri: 'http://example.org/', date: '2020-01-01T00:00:00Z', body: html('Okapi', 'okapis in the forest') }], true));
    const io = capture();
    expect(await index.run([sharded, f, '--fts-shards', '2', '--json'], io)).toBe(0);
    expect(JSON.parse(io.lines[0])).toMatchObject({ pages: 1, ftsShards: 2, pagesRecovered: 0 });
    const found = capture();
    expect(await search.run([sharded, 'okapis', '--json'], found)).toBe(0);
    expect(JSON.parse(found.lines[0]).total).toBe(1);
    await expect(index.run([sharded, f, '--fts-shards', 'two'], capture())).rejects.toThrow(/--fts-shards needs a number/);
  });

  it('search says on stderr when an interrupted sharded ingest left pages out of the full-text index', async () => {
    const left = join(dir, 'left.sqlite');
    const coll = Collection.open(left);
    const fileId = coll.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'a' });
    coll.beginFtsShards();
    coll.writeBatch({ fileId, captures: [], pages: [{ digest: 'sha1:X', url: 'http://x.example/', title: 'okapi', description: '', text: 'okapi',
      lang: null, main: 'okapi', rest: '', mainFound: false, pageCount: null }], errors: [] }, { shards: { added: [], replaced: [] } });
    coll.close(); // as the run's process dies: its shards with it
    const io = capture();
    expect(await search.run([left, 'okapi'], io)).toBe(0);
    expect(io.errLines.join('\n')).toMatch(/interrupted ingest left some pages .* out of its full-text index/);
  });

  it('a malformed query is one line on stderr and exit 2', async () => {
    const io = capture();
    expect(await search.run([db, '"zebra'], io)).toBe(2);
    expect(io.errLines).toHaveLength(1);
    expect(io.errLines[0]).toMatch(/query-syntax: unclosed quote/);
  });

  it('--queries runs one query a line, one JSON line each with tookMs', async () => {
    const q = join(dir, 'q.txt');
    writeFileSync(q, 'zebras\nlions\n\nAND\n');
    const io = capture();
    expect(await search.run([db, '--queries', q, '--json'], io)).toBe(0);
    const rows = io.lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.query)).toEqual(['zebras', 'lions', 'AND']);
    expect(rows[1]).toMatchObject({ total: 1, hits: 1, plan: 'ranked-matches' });
    expect(typeof rows[0].tookMs).toBe('number');
    expect(rows[2].error.code).toBe('query-syntax');
  });

  it('export writes CDXJ through the one CDXJ writer, CSV with a header, pages as JSON lines', async () => {
    const cdx = capture();
    expect(await exportCommand.run([db, '--format', 'cdxj'], cdx)).toBe(0);
    expect(cdx.lines).toHaveLength(2);
    expect(cdx.lines[0]).toMatch(/^com,example\)\/ 20200101000000 \{"url":"http:\/\/example.com\/","mime":"text\/html","status":"200","digest":"[A-Z2-7]{32}","length":"\d+","offset":"0","filename":"a.warc.gz"\}$/);
    const csv = capture();
    await exportCommand.run([db, '--format', 'csv'], csv);
    expect(csv.lines[0]).toBe('urlkey,timestamp,url,type,mime,status,digest,length,offset,file,tags,page_note,capture_note');
    expect(csv.lines).toHaveLength(3);
    const jl = capture();
    await exportCommand.run([db, '--format', 'jsonl'], jl);
    expect(jl.lines.map((l) => JSON.parse(l).title).sort()).toEqual(['Lions', 'Zebra home']);
    expect(JSON.parse(jl.lines[0])).toHaveProperty('text');
  });
});

describe.skipIf(!existsSync(CORPUS))('the real corpus (../shared/corpus/warc: every file, damaged ones included)', () => {
  it('indexes every archive, stores errors with file/offset/code, finds known text, and a rerun changes nothing', async () => {
    const db = join(dir, 'corpus.sqlite');
    const io = capture();
    const code = await index.run([db, join(CORPUS, 'warc'), '--json'], io);
    const first = JSON.parse(io.lines[0]);
    expect(code).toBe(1); // the corpus holds deliberately broken files
    expect(first.files).toBeGreaterThan(100);
    expect(first.pages).toBeGreaterThan(100);
    expect(first.errors).toBeGreaterThan(10);

    const errs = capture();
    await errors.run([db, '--json'], errs);
    const rows = errs.lines.map((l) => JSON.parse(l));
    // cbeams+warc empty.warc is 0 bytes; multi-with-garbage-on-last-line.warc ends in junk (MANIFEST.tsv notes)
    expect(rows).toContainEqual(expect.objectContaining({ code: 'empty-file', offset: 0, file: expect.stringMatching(/empty\.warc$/) }));
    expect(rows.some((r) => r.code === 'warc-garbage' && /multi-with-garbage-on-last-line\.warc$/.test(r.file) && r.offset > 0)).toBe(true);

    // webrecorder+pywb sample_archive/warcs/iana.warc.gz holds www.iana.org pages from 2014
    const s = capture();
    await search.run([db, 'root zone site:iana.org', '--json'], s);
    const hits = JSON.parse(s.lines[0]).hits;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].url).toMatch(/^https?:\/\/www\.iana\.org\//);

    const again = capture();
    expect(await index.run([db, join(CORPUS, 'warc'), '--json'], again)).toBe(0);
    expect(JSON.parse(again.lines[0])).toMatchObject({ files: first.files, records: 0, pages: 0, errors: 0, skipped: first.files });
  });
});
