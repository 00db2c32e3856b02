// WACZ subset export over real captures from ../shared/corpus (skipped without it):
//  - IAH-...-blackbook.warc.gz (netarchivesuite+jwat: a 2008 Heritrix crawl, per-record gzip, 273 responses),
//  - example-collection-with-lists.warc (py-wacz's fixtures: per-record gzip under a .warc name, content-encoded),
//  - iana.warc.gz (pywb: the iana.org home page with stylesheets, fonts, images and revisits),
//  - example.warc (pywb: an uncompressed WARC, so its records are gzipped one member each on export).
// The package is checked by independent tools (Debian's unzip and sha256sum, Node's zlib on every CDXJ line), read
// back by our reader, opened again as a collection whose search needs no extraction, and replayed on its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWacz, type WaczExportSummary } from '../../../src/core/export/wacz.js';
import { referencedUrls } from '../../../src/core/export/select.js';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { resolve as resolveCapture } from '../../../src/core/replay/resolve.js';
import { startReplayServer, type ReplayServer } from '../../../src/core/replay/server.js';
import { search } from '../../../src/core/search/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { openPortableIndex, PORTABLE_INDEX_PATH } from '../../../src/core/store/portable-index.js';
import { openArchive } from '../../../src/core/warc/index.js';
import { openWacz } from '../../../src/core/warc/wacz.js';
import { ZipWriter } from '../../../src/core/warc/zip-writer.js';
import { html, warcFile } from '../ingest/warc-builder.js';

const CORPUS = resolve(__dirname, '../../..', '../shared/corpus/warc');
const FILES = [
  'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz',
  'webrecorder+py-wacz/tests/fixtures/example-collection-with-lists.warc',
  'webrecorder+pywb/sample_archive/warcs/iana.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/example.warc',
].map((f) => join(CORPUS, f));
const QUERY = 'example';

let dir: string;
let coll: Collection;

const unzipText = (wacz: string, entry: string) => execFileSync('unzip', ['-p', wacz, entry], { maxBuffer: 256 << 20 });
const sha256sum = (bytes: Buffer) => execFileSync('sha256sum', [], { input: bytes }).toString().split(/\s/)[0];

describe.skipIf(!FILES.every(existsSync))('WACZ subset export', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-wacz-export-'));
    await ingestCollection(join(dir, 'source.sqlite'), FILES, { workers: 1 });
    coll = Collection.open(join(dir, 'source.sqlite'), { readonly: true });
  }, 120_000);

  afterAll(() => {
    coll?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("a search's results", () => {
    let out: string;
    let summary: WaczExportSummary;
    let hitUrls: string[];

    beforeAll(async () => {
      hitUrls = search(coll, QUERY, { limit: 1000 }).hits.map((h) => h.url);
      out = join(dir, 'results.wacz');
      summary = await exportWacz(coll, { query: QUERY }, out, { title: `Search: ${QUERY}`, extraFiles: { 'notes/notes.json': [{ note: 'from the test' }] } });
    }, 120_000);

    it('passes unzip -t, and every file matches the sha256 and size datapackage.json gives it', () => {
      expect(hitUrls.length).toBeGreaterThan(5);
      const t = spawnSync('unzip', ['-t', out]);
      expect(t.status, t.stdout.toString()).toBe(0);
      expect(t.stdout.toString()).toMatch(/No errors detected/);

      const dp = JSON.parse(unzipText(out, 'datapackage.json').toString()) as { wacz_version: string; profile: string; resources: Array<{ path: string; hash: string; bytes: number }> };
      expect(dp.wacz_version).toBe('1.1.1');
      expect(dp.profile).toBe('data-package');
      const listed = dp.resources.map((r) => r.path).sort();
      const inZip = execFileSync('unzip', ['-Z1', out]).toString().trim().split('\n').filter((n) => !n.startsWith('datapackage')).sort();
      expect(listed).toEqual(inZip);
      expect(listed).toEqual(expect.arrayContaining(['archive/data.warc.gz', 'indexes/index.cdxj', 'pages/pages.jsonl', PORTABLE_INDEX_PATH, 'notes/notes.json', 'citations/citations.bib']));
      for (const r of dp.resources) {
        const bytes = unzipText(out, r.path);
        expect(bytes.length, r.path).toBe(r.bytes);
        expect(`sha256:${sha256sum(bytes)}`, r.path).toBe(r.hash);
      }
      const digest = JSON.parse(unzipText(out, 'datapackage-digest.json').toString()) as { path: string; hash: string };
      expect(digest.path).toBe('datapackage.json');
      expect(digest.hash).toBe(`sha256:${sha256sum(unzipText(out, 'datapackage.json'))}`);
    });

    it('has CDXJ lines whose offset and length each read one whole record with zlib, tiling the WARC, copied as stored', () => {
      const warc = unzipText(out, 'archive/data.warc.gz');
      const lines = unzipText(out, 'indexes/index.cdxj').toString().trim().split('\n');
      expect(lines.length).toBeGreaterThan(hitUrls.length);
      expect([...lines].sort()).toEqual(lines);
      const spans: Array<[number, number]> = [];
      let asStored = 0;
      for (const line of lines) {
        const [urlkey, ts, json] = [line.slice(0, line.indexOf(' ')), line.split(' ')[1], line.slice(line.indexOf('{'))];
        const e = JSON.parse(json) as { url: string; offset: string; length: string; filename: string; digest?: string };
        expect(e.filename).toBe('data.warc.gz');
        const offset = Number(e.offset);
        const length = Number(e.length);
        spans.push([offset, length]);
        const record = gunzipSync(warc.subarray(offset, offset + length));
        const text = record.toString('latin1');
        expect(text, `${urlkey} ${ts}`).toMatch(/^WARC\/\d\.\d+\r\n/); // the 2008 crawl writes WARC/0.17
        const head = text.slice(0, text.indexOf('\r\n\r\n'));
        expect(head).toContain(`WARC-Target-URI: ${e.url}`);
        const contentLength = Number(/\r\nContent-Length: *(\d+)/i.exec(head)![1]);
        // The whole record: head, blank line, block, and the two CRLFs that end it.
        expect(record.length, e.url).toBe(head.length + 4 + contentLength + 4);
        // A record from a per-record gzip source is its member, byte for byte.
        const src = coll.all<{ file: string; offset: number; length: number }>({
          sql: `SELECT f.path AS file, c.offset, c.length FROM captures c JOIN warc_files f ON f.id = c.file_id WHERE c.uri = @u AND c.timestamp = @ts`,
          params: { u: e.url, ts },
        }).find((c) => c.length === length);
        if (src && src.file.endsWith('.gz')) {
          expect(Buffer.compare(readFileSync(src.file).subarray(src.offset, src.offset + src.length), warc.subarray(offset, offset + length))).toBe(0);
          asStored++;
        }
      }
      expect(asStored).toBeGreaterThan(0);
      // Request records have no CDXJ line; the others tile what is left between them.
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][0] + spans[i - 1][1]);
      expect(spans.at(-1)![0] + spans.at(-1)![1]).toBeLessThanOrEqual(warc.length);
    });

    it('has a valid pages.jsonl: the header, then every hit with url, ISO ts, title and its text', () => {
      const lines = unzipText(out, 'pages/pages.jsonl').toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ format: 'json-pages-1.0', id: 'pages', hasText: true });
      const pages = lines.slice(1);
      expect(pages.map((p) => p.url).sort()).toEqual([...hitUrls].sort());
      for (const p of pages) {
        expect(typeof p.id).toBe('string');
        expect(p.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(typeof p.title).toBe('string');
        expect(p.text as string).toMatch(/example/i);
      }
    });

    it('is read back by our own reader with no problem', () => {
      const problems: string[] = [];
      const wacz = openWacz(out, { onProblem: (p) => problems.push(`${p.code} ${p.offset} ${p.message}`) });
      try {
        expect(wacz.pages().map((p) => p.url).sort()).toEqual([...hitUrls].sort());
        let n = 0;
        for (const r of wacz.records()) {
          n++;
          // O(1) read back at the offset the scan gave.
          expect(wacz.readRecord(r.offset, r.length).recordId).toBe(r.recordId);
        }
        expect(n).toBe(summary.records);
        expect(wacz.indexLines().length).toBeGreaterThan(0);
      } finally {
        wacz.close();
      }
      expect(problems).toEqual([]);
    });

    it('carries a full-text index any SQLite reads, and citations naming URL, time, file and digest', () => {
      const index = openPortableIndex(unzipText(out, PORTABLE_INDEX_PATH))!;
      try {
        expect(index.count).toBeGreaterThan(0);
        expect(index.match('example').length).toBe(index.count);
        expect(index.match('zqxjvbnotaword')).toEqual([]);
      } finally {
        index.close();
      }
      const csl = JSON.parse(unzipText(out, 'citations/citations.json').toString()) as Array<Record<string, unknown>>;
      expect(csl.map((c) => c.URL).sort()).toEqual([...hitUrls].sort());
      expect(csl[0]).toMatchObject({ type: 'webpage', archive: 'data.warc.gz' });
      expect(String(csl[0].archive_location)).toMatch(/sha1:/);
      // Each citation's offset is where the record is in the package: reading there gives the page's record.
      const warc = unzipText(out, 'archive/data.warc.gz');
      for (const c of csl) {
        const offset = Number(/offset (\d+)/.exec(String(c.archive_location))![1]);
        const record = gunzipSync(warc.subarray(offset, offset + 64 * 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('latin1');
        expect(record, String(c.URL)).toContain(`WARC-Target-URI: ${c.URL}`);
      }
      const bib = unzipText(out, 'citations/citations.bib').toString();
      expect(bib.match(/@misc\{/g)!.length).toBe(hitUrls.length);
    });

    it('opens again as a collection that finds the same pages by full text without extracting them', async () => {
      const db = join(dir, 'reopened.sqlite');
      const s = await ingestCollection(db, [out], { workers: 1 });
      // Every page the package lists took its text from the package, not from the extractor.
      expect(s.textsFromPackage).toBe(new Set(hitUrls).size);
      const again = Collection.open(db, { readonly: true });
      try {
        expect(search(again, QUERY, { limit: 1000 }).hits.map((h) => h.url).sort()).toEqual([...hitUrls].sort());
      } finally {
        again.close();
      }
    }, 60_000);
  });

  it('uses the text of a pages.jsonl from another tool instead of extracting again', async () => {
    // A package as py-wacz --text writes it: no full-text file, pages.jsonl with text. The text there holds a word
    // the HTML does not, so finding it proves where the page's text came from.
    const wacz = join(dir, 'other-tool.wacz');
    const fd = openSync(wacz, 'w');
    const zip = new ZipWriter(fd);
    const url = 'http://other.example/page';
    zip.add('archive/data.warc', warcFile([{ uri: url, date: '2021-03-04T05:06:07Z', body: html('Other tool', 'what the HTML says') }]));
    zip.add('pages/pages.jsonl', Buffer.from([
      JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages', hasText: true }),
      JSON.stringify({ id: 'p1', url, ts: '2021-03-04T05:06:07Z', title: 'Other tool', text: 'what the package says: zebrafishmarker' }),
    ].join('\n') + '\n'));
    zip.add('datapackage.json', Buffer.from(JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', resources: [] })));
    zip.finish();
    closeSync(fd);
    const other = await ingestCollection(join(dir, 'other.sqlite'), [wacz], { workers: 1 });
    expect(other.textsFromPackage).toBe(1);
    const c = Collection.open(join(dir, 'other.sqlite'), { readonly: true });
    try {
      expect(search(c, 'zebrafishmarker').hits.map((h) => h.url)).toEqual([url]);
      expect(search(c, '"what the HTML says"').hits).toEqual([]);
    } finally {
      c.close();
    }

    // py-wacz's own fixture has pages.jsonl without text: its pages are extracted.
    const plain = join(CORPUS, 'webrecorder+py-wacz/tests/fixtures/valid_example_1.wacz');
    const s = await ingestCollection(join(dir, 'plain.sqlite'), [plain], { workers: 1 });
    expect(s.textsFromPackage).toBe(0);
    expect(s.pages).toBeGreaterThan(0);
  }, 60_000);

  it('leaves nothing behind when cancelled, and refuses an extra file that takes a package name', async () => {
    const out = join(dir, 'cancelled.wacz');
    const abort = new AbortController();
    const run = exportWacz(coll, { query: 'the', limit: 200 }, out, { signal: abort.signal, onProgress: () => abort.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('cancelled'))).toEqual([]);
    await expect(exportWacz(coll, { query: QUERY }, join(dir, 'x.wacz'), { extraFiles: { 'datapackage.json': {} } })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(exportWacz(coll, { query: QUERY }, join(dir, 'x.wacz'), { extraFiles: { '../x.json': {} } })).rejects.toMatchObject({ code: 'bad-request' });
  }, 60_000);

  describe('a page with its resources', () => {
    const PAGE = 'http://www.iana.org/';
    let replay: ReplayServer;
    let exported: Collection;

    beforeAll(async () => {
      const out = join(dir, 'page.wacz');
      await exportWacz(coll, { url: PAGE, at: '2014' }, out);
      // The package alone: a collection of nothing but it.
      await ingestCollection(join(dir, 'page.sqlite'), [out], { workers: 1 });
      exported = Collection.open(join(dir, 'page.sqlite'), { readonly: true });
      expect(exported.files().map((f) => f.path)).toEqual([out]);
      replay = await startReplayServer({ openCollection: (name) => (name === 'source' ? coll : exported) });
    }, 120_000);

    afterAll(async () => {
      await replay?.close();
      exported?.close();
    });

    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: Buffer }>((ok, fail) => {
        const { port } = new URL(replay.origin);
        request({ host: '127.0.0.1', port, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks) }));
        }).on('error', fail).end();
      });

    it('replays from the exported WACZ alone as from the collection: the page and every resource it loads', async () => {
      const page = resolveCapture(coll, PAGE, '2014');
      const archive = openArchive(page.payload!.file);
      const urls = referencedUrls(page.payload!, archive.readRecord(page.payload!.offset, page.payload!.length));
      const held = urls.filter((u) => resolveCapture(coll, u, '2014').how !== 'missing');
      // What the stylesheets load (fonts, background images) is the page's too.
      for (const css of held.filter((u) => u.endsWith('.css'))) {
        const c = resolveCapture(coll, css, '2014').payload!;
        const cssArchive = openArchive(c.file);
        held.push(...referencedUrls(c, cssArchive.readRecord(c.offset, c.length)).filter((u) => !held.includes(u) && resolveCapture(coll, u, '2014').how !== 'missing'));
        cssArchive.close();
      }
      archive.close();
      expect(held.length).toBeGreaterThan(5); // stylesheets, scripts, images, fonts
      const doc = { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };
      for (const url of [PAGE, ...held]) {
        const headers = url === PAGE ? doc : { referer: `${replay.origin}/x/2014/${PAGE}`, 'sec-fetch-dest': 'image' };
        const want = await get(`/source/2014/${url}`, headers);
        const got = await get(`/wacz/2014/${url}`, headers);
        expect(got.status, url).toBe(want.status);
        expect(want.status, url).toBeLessThan(400);
        // Rewritten HTML and CSS name their collection, and the helper script's nonce is new each time; everything
        // else must be the same bytes.
        const same = (b: Buffer, name: string) => b.toString('latin1').replaceAll(`/${name}/`, '/c/').replace(/nonce="[^"]*"/g, '');
        expect(same(got.body, 'wacz'), url).toBe(same(want.body, 'source'));
      }
    });
  });

  it('puts ARC records in archive/data.arc.gz, each gzipped alone, indexed there', async () => {
    // pywb's example.arc: an uncompressed ARC with the example.com page.
    const arc = join(CORPUS, 'webrecorder+pywb/sample_archive/warcs/example.arc');
    await ingestCollection(join(dir, 'arc.sqlite'), [arc], { workers: 1 });
    const c = Collection.open(join(dir, 'arc.sqlite'), { readonly: true });
    const out = join(dir, 'arc.wacz');
    try {
      await exportWacz(c, { host: 'example.com' }, out);
    } finally {
      c.close();
    }
    expect(spawnSync('unzip', ['-t', out]).status).toBe(0);
    const lines = unzipText(out, 'indexes/index.cdxj').toString().trim().split('\n');
    expect(lines).toHaveLength(1);
    const e = JSON.parse(lines[0].slice(lines[0].indexOf('{'))) as { offset: string; length: string; filename: string };
    expect(e.filename).toBe('data.arc.gz');
    const data = unzipText(out, 'archive/data.arc.gz');
    const record = gunzipSync(data.subarray(Number(e.offset), Number(e.offset) + Number(e.length))).toString('latin1');
    expect(record).toMatch(/^http:\/\/example\.com\/ [\d.]+ 20140216050221 text\/html \d+\n/);
    // The original's bytes, unchanged inside the member.
    const source = readFileSync(arc, 'latin1');
    expect(source.includes(record.trimEnd())).toBe(true);
  }, 60_000);

  it("carries the notes and tags of what it exports, and none of another page's", async () => {
    const PAGE = 'http://www.iana.org/';
    const writable = Collection.open(join(dir, 'source.sqlite'));
    try {
      const page = resolveCapture(writable, PAGE, '2014').capture!;
      const elsewhere = search(writable, QUERY, { limit: 50 }).hits.find((h) => !h.url.startsWith('http://www.iana.org/'))!;
      const other = resolveCapture(writable, elsewhere.url, elsewhere.timestamp ?? '').capture!;
      writable.setNote(`page:${page.digest}`, 'the home page as the 2014 crawl saw it');
      writable.addTag(`page:${page.digest}`, 'homepage');
      writable.addTag(`page:${other.digest}`, 'elsewhere');
      const out = join(dir, 'annotated.wacz');
      await exportWacz(writable, { url: PAGE, at: '2014' }, out);
      const a = JSON.parse(unzipText(out, 'annotations/annotations.json').toString()) as { pages: Array<{ url: string; note: string | null; tags: string[] }> };
      expect(a.pages).toEqual([expect.objectContaining({ url: page.uri, note: 'the home page as the 2014 crawl saw it', tags: ['homepage'] })]);
      const dp = JSON.parse(unzipText(out, 'datapackage.json').toString()) as { resources: Array<{ path: string }> };
      expect(dp.resources.map((r) => r.path)).toContain('annotations/annotations.json');
    } finally {
      writable.close();
    }
  });

  it('writes the file atomically: an existing output stays whole until the new one is complete', async () => {
    const out = join(dir, 'atomic.wacz');
    writeFileSync(out, 'previous');
    const abort = new AbortController();
    await expect(exportWacz(coll, { query: QUERY }, out, { signal: abort.signal, onProgress: () => abort.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });
});
