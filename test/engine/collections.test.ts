// The collections methods of the contract through dispatch (so validation at the edge is exercised too), over the real
// store, ingest and search. Uses the corpus's pywb sample WARCs (iana.warc.gz: 48 responses + 123 revisits of a
// handful of iana.org URLs; example.warc.gz: http://example.com?example=1 captured twice, the second a revisit); skipped without it.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, ApiEvents, ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { html, warcRecord } from '../core/ingest/warc-builder.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';

const CORPUS = resolve(__dirname, '../../../shared/corpus');
const WARCS = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs');

function engine(dataDir: string, allowDirs: string[] = []) {
  const events = new EventBus();
  /** What the engine printed on its terminal (main.ts): where a code that confirms a folder to allow appears. */
  const terminal: string[] = [];
  const progress: Array<ApiEvents['ingest.progress']> = [];
  events.subscribe((name, payload) => {
    if (name === 'ingest.progress') progress.push(payload as ApiEvents['ingest.progress']);
  });
  const handlers = createHandlers({ mode: 'http', events, dataDir, allowDirs, announce: (m) => terminal.push(m) });
  async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { apiError: r.error });
    return r.value as ResultOf<M>;
  }
  async function fail<M extends Method>(method: M, args: unknown): Promise<ApiError> {
    const r = await dispatch(handlers, method, args);
    if (r.ok) throw new Error(`${method} should have failed`);
    return r.error;
  }
  return { call, fail, events, progress, terminal, close: () => handlers.close() };
}

async function waitIngest(e: ReturnType<typeof engine>, name: string) {
  for (let i = 0; i < 600; i++) {
    const d = await e.call('collections.get', { collection: name });
    if (!d.ingest.running) return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('ingest did not finish');
}

describe('collections without the corpus', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'as-coll-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, renames, lists and deletes; names are checked and unique', async () => {
    const e = engine(join(dir, 'a'));
    mkdirSync(join(dir, 'a'));
    await e.call('collections.create', { name: '  Crawl 2024 ' });
    expect((await e.call('collections.list', {})).map((c) => c.name)).toEqual(['Crawl 2024']);
    expect((await e.fail('collections.create', { name: 'Crawl 2024' })).code).toBe('collection-exists');
    expect((await e.fail('collections.create', { name: 'a\u0001b' })).code).toBe('bad-name');
    expect((await e.fail('collections.create', { name: '' })).code).toBe('bad-request');
    await e.call('collections.rename', { collection: 'Crawl 2024', to: 'Crawl' });
    expect((await e.fail('collections.get', { collection: 'Crawl 2024' })).code).toBe('collection-not-found');
    expect((await e.call('collections.get', { collection: 'Crawl' })).fileList).toEqual([]);
    await e.call('collections.delete', { collection: 'Crawl' });
    expect(await e.call('collections.list', {})).toEqual([]);
    e.close();
  });

  it('validates enumerations and empty query text at the edge', async () => {
    mkdirSync(join(dir, 'b'));
    const e = engine(join(dir, 'b'));
    await e.call('collections.create', { name: 'c' });
    expect((await e.fail('search.query', { collection: 'c', q: 'x', sort: 'random' })).message).toContain('relevance, date');
    expect((await e.fail('export.results', { collection: 'c', q: '', format: 'xml' })).code).toBe('bad-request');
    // Empty text passes the edge (the UI sends what is typed); the query language then says what is missing.
    expect((await e.fail('search.query', { collection: 'c', q: '' })).code).toBe('query-syntax');
    expect((await e.fail('search.query', { collection: 'c', q: '"unclosed' })).code).toBe('query-syntax');
    e.close();
  });

  it('starts over, keeping a copy, when the registry file is damaged', async () => {
    const d = join(dir, 'broken');
    mkdirSync(d);
    writeFileSync(join(d, 'archivestream.json'), '{"collections": [');
    const e = engine(d);
    expect(await e.call('collections.list', {})).toEqual([]);
    await e.call('collections.create', { name: 'fresh' });
    e.close();
    const again = engine(d);
    expect((await again.call('collections.list', {})).map((c) => c.name)).toEqual(['fresh']);
    again.close();
    expect(readdirSync(d).some((f) => f.startsWith('archivestream.json.broken-'))).toBe(true);
  });

  it('browses only inside allowed roots, and a symlink cannot lead out', async () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.warc.gz'), gzipSync('WARC/1.1\r\nWARC-Type: warcinfo\r\n'));
    writeFileSync(join(root, 'logo.warc'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')); // a PNG named .warc
    writeFileSync(join(root, 'notes.txt'), 'x');
    symlinkSync(tmpdir(), join(root, 'escape'));
    mkdirSync(join(dir, 'd'));
    const e = engine(join(dir, 'd'), [root]);
    const roots = await e.call('fs.browse', {});
    expect(roots.entries.map((x) => x.path)).toEqual([root]);
    const listing = await e.call('fs.browse', { path: root });
    // Named like an archive is not enough: the first bytes decide, and say what the file is instead.
    expect(listing.entries.map((x) => `${x.kind}:${x.name}`)).toEqual(['dir:escape', 'dir:sub', 'archive:a.warc.gz', 'not-archive:logo.warc']);
    expect(listing.entries.at(-1)!.what).toBe('PNG image, not an archive');
    expect(listing.parent).toBeNull();
    expect((await e.call('fs.browse', { path: join(root, 'sub') })).parent).toBe(root);
    expect((await e.fail('fs.browse', { path: join(root, 'escape') })).code).toBe('not-allowed');
    expect((await e.fail('fs.browse', { path: '/' })).code).toBe('not-allowed');
    // Settings add a root, confirmed by the code the engine printed on its terminal; command-line roots stay.
    const other = mkdtempSync(join(tmpdir(), 'as-root-'));
    expect((await e.fail('settings.update', { addRoot: other })).code).toBe('needs-confirmation');
    const code = /: ([0-9A-F]{10})$/.exec(e.terminal.at(-1) ?? '')?.[1];
    expect(code).toBeDefined();
    const s = await e.call('settings.update', { addRoot: other, confirmCode: code, theme: 'dark' });
    expect(s.allowedRoots).toEqual([root, other]);
    expect(s.commandLineRoots).toEqual([root]);
    expect((await e.call('fs.browse', { path: other })).entries).toEqual([]);
    e.close();
    // Settings survive a restart of the engine.
    const again = engine(join(dir, 'd'), []);
    expect(await again.call('settings.get', {})).toMatchObject({ allowedRoots: [other], theme: 'dark' });
    again.close();
    rmSync(other, { recursive: true });
  });
});

describe('what a file is, said when it is added and after ingest (issue 15)', () => {
  it('refuses a file that is not an archive at once, saying what it is; a folder keeps its archives and names the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-sniff-'));
    const png = join(dir, 'photo.png');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000010', 'hex'));
    writeFileSync(join(dir, 'notes.warc'), 'Meeting notes, not a crawl.\n');
    writeFileSync(join(dir, 'good.warc.gz'), gzipSync(warcRecord({ uri: 'https://example.org/', date: '2024-01-01T00:00:00Z', body: html('t', 'b') })));
    mkdirSync(join(dir, 'd'));
    const e = engine(join(dir, 'd'), [dir]);
    const notices: string[] = [];
    e.events.subscribe((name, payload) => {
      if (name === 'engine.notice') notices.push((payload as ApiEvents['engine.notice']).message);
    });
    await e.call('collections.create', { name: 'c' });
    const refused = await e.fail('files.add', { collection: 'c', paths: [png] });
    expect(refused).toMatchObject({ code: 'not-an-archive', file: png, offset: 0 });
    expect(refused.message).toBe('“photo.png”: PNG image, not an archive. Add WARC (.warc, .warc.gz), ARC or WACZ files.');
    expect((await e.call('collections.get', { collection: 'c' })).fileList).toEqual([]);

    const files = await e.call('files.add', { collection: 'c', paths: [dir] });
    expect(files.map((f) => f.path)).toEqual([join(dir, 'good.warc.gz')]);
    expect(notices).toEqual(['“c”: not added: “notes.warc”: text file, not an archive.']);
    await e.close();
  });

  it('keeps the problem that says what became of a file cut short, and how many records came before the break', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-states-'));
    const records = Array.from({ length: 30 }, (_, i) => warcRecord({ uri: `https://example.org/${i}`, date: '2024-01-01T00:00:00Z', body: html(`p${i}`, `text ${i} `.repeat(200)) }));
    const whole = gzipSync(Buffer.concat(records)); // one gzip stream, as many clipped downloads are
    const clipped = join(dir, 'clipped.warc.gz');
    writeFileSync(clipped, whole.subarray(0, Math.floor(whole.length / 2)));
    mkdirSync(join(dir, 'd'));
    const e = engine(join(dir, 'd'), [dir]);
    await e.call('collections.create', { name: 'c' });
    await e.call('files.add', { collection: 'c', paths: [clipped] });
    await e.call('ingest.start', { collection: 'c', backend: 'cpu' });
    await waitIngest(e, 'c');
    const [f] = (await e.call('collections.get', { collection: 'c' })).fileList;
    expect(f.records).toBeGreaterThan(0);
    expect(f.records).toBeLessThan(30);
    expect(f.problem).toMatchObject({ code: 'gzip-truncated', message: expect.stringMatching(/^file ends inside a gzip member \(\d+ bytes inflated before the end\)$/) });
    await e.close();
  });
});

describe.skipIf(!existsSync(WARCS))('collections over the pywb sample WARCs (corpus)', () => {
  let dir: string;
  let e: ReturnType<typeof engine>;
  const iana = join(WARCS, 'iana.warc.gz');
  const example = join(WARCS, 'example.warc.gz');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-coll-'));
    // The corpus, and this folder, where a test writes a copy that it then rewrites.
    e = engine(dir, [WARCS, dir]);
    await e.call('collections.create', { name: 'pywb' });
    const files = await e.call('files.add', { collection: 'pywb', paths: [iana, example] });
    expect(files.map((f) => [f.path, f.state])).toEqual([
      [iana, 'pending'],
      [example, 'pending'],
    ]);
    await e.call('ingest.start', { collection: 'pywb', workers: 1 });
    await waitIngest(e, 'pywb');
  });
  afterAll(() => {
    e?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests every file, reports progress as events, and remembers it all after a restart', async () => {
    const d = await e.call('collections.get', { collection: 'pywb' });
    expect(d.fileList.map((f) => f.state)).toEqual(['done', 'done']);
    // MANIFEST.tsv: 343 + 6 records.
    expect(d.fileList.map((f) => f.records)).toEqual([343, 6]);
    expect(d.ingest.stopped).toBeNull();
    const last = e.progress.at(-1)!;
    expect(last.collection).toBe('pywb');
    expect(last.filesDone).toBe(2);
    expect(last.bytesDone).toBe(last.bytesTotal);
    e.close();
    e = engine(dir, [WARCS, dir]);
    const after = await e.call('collections.get', { collection: 'pywb' });
    expect(after.fileList).toEqual(d.fileList);
    expect(after.captures).toBe(d.captures);
  });

  it('refuses a worker count out of range instead of capping it silently', async () => {
    expect((await e.fail('ingest.start', { collection: 'pywb', workers: 0 })).code).toBe('bad-request');
    expect((await e.fail('ingest.start', { collection: 'pywb', workers: 100_000 })).message).toMatch(/workers must be from 1 to/);
  });

  it('a second ingest skips unchanged files (resume)', async () => {
    const before = (await e.call('collections.get', { collection: 'pywb' })).captures;
    await e.call('ingest.start', { collection: 'pywb' });
    const d = await waitIngest(e, 'pywb');
    expect(d.captures).toBe(before);
    expect(d.fileList.map((f) => f.state)).toEqual(['done', 'done']);
  });

  it('extracts every file again on request (mode reextract), with progress events, keeping the index as it was', async () => {
    const before = await e.call('collections.get', { collection: 'pywb' });
    const events = e.progress.length;
    expect((await e.fail('ingest.start', { collection: 'pywb', mode: 'everything' })).code).toBe('bad-request');
    await e.call('ingest.start', { collection: 'pywb', workers: 1, mode: 'reextract' });
    const d = await waitIngest(e, 'pywb');
    // Read again (a plain second ingest skips both files), and the same captures and pages come out.
    expect(e.progress.length).toBeGreaterThan(events);
    expect(e.progress.at(-1)).toMatchObject({ filesDone: 2, filesTotal: 2, records: 349 });
    expect(d.fileList.map((f) => f.state)).toEqual(['done', 'done']);
    expect(d.captures).toBe(before.captures);
  });

  it('gives a page its main content beside its full text', async () => {
    const [c] = await e.call('captures.byUrl', { collection: 'pywb', url: 'http://www.iana.org/domains' });
    const t = await e.call('record.text', { collection: 'pywb', captureId: c.id });
    expect(t.mainFound).toBe(true);
    expect(t.text).toContain('Protocol Registries'); // the site's menu
    expect(t.main).toContain('IANA is responsible for the operation and maintenance');
    expect(t.main).not.toContain('Protocol Registries');
  });

  it('searches, with hits then facets', async () => {
    const r = await e.call('search.query', { collection: 'pywb', q: 'iana' });
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits[0].snippet).toContain('\u0002');
    const f = await e.call('search.facets', { collection: 'pywb', q: 'iana' });
    expect(f.total).toBeGreaterThanOrEqual(r.hits.length);
    expect(f.facets.site.some((s) => s.value.endsWith('iana.org'))).toBe(true);
    // 'domain' is on example.com's page and on iana.org's: the filter keeps only the first.
    const hosts = async (q: string) => (await e.call('search.query', { collection: 'pywb', q })).hits.map((h) => new URL(h.url).hostname);
    expect(await hosts('domain')).toEqual(expect.arrayContaining(['example.com', expect.stringMatching(/iana\.org$/)]));
    expect(new Set(await hosts('domain site:example.com'))).toEqual(new Set(['example.com']));
  });

  it('lists captures of a URL with revisits resolved to their original (WARC 1.1 §6.7)', async () => {
    const t = await e.call('captures.timeline', { collection: 'pywb', url: 'http://example.com?example=1' });
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t.map((c) => c.timestamp)).toEqual([...t.map((c) => c.timestamp)].sort());
    const revisit = t.find((c) => c.type === 'revisit');
    expect(revisit?.original?.type).toBe('response');
    expect(revisit?.original?.digest).toBe(revisit?.digest);
    const host = await e.call('captures.byHost', { collection: 'pywb', url: 'iana.org' });
    expect(host.length).toBeGreaterThan(10);
    expect(host.every((c) => /(^|\.)iana\.org$/.test(new URL(c.uri!).hostname))).toBe(true);
    const prefix = await e.call('captures.byPrefix', { collection: 'pywb', url: 'http://www.iana.org/_css/', limit: 5 });
    expect(prefix.length).toBeGreaterThan(0);
    expect(prefix.every((c) => c.uri!.startsWith('http://www.iana.org/_css/'))).toBe(true);
  });

  it('gives a revisit the text of its original, and diffs two captures', async () => {
    const t = await e.call('captures.timeline', { collection: 'pywb', url: 'http://example.com?example=1' });
    const [a, b] = [t.find((c) => c.type === 'response')!, t.find((c) => c.type === 'revisit')!];
    const ta = await e.call('record.text', { collection: 'pywb', captureId: a.id });
    expect(ta.text).toContain('Example Domain');
    const tb = await e.call('record.text', { collection: 'pywb', captureId: b.id });
    expect(tb.from.id).toBe(b.original!.id);
    const d = await e.call('record.diff', { collection: 'pywb', a: a.id, b: b.id });
    expect(d.added + d.removed).toBe(0);
    expect(d.ops.length).toBeGreaterThan(0);
    expect(d.ops.every((o) => o.op === 'same')).toBe(true);
  });

  it('counts stats for the collection and for a query', async () => {
    const s = await e.call('stats.get', { collection: 'pywb' });
    const total = (xs: Array<{ count: number }>) => xs.reduce((n, x) => n + x.count, 0);
    // MANIFEST: 48 + 2 responses and 123 + 1 revisits; statuses count only those with one.
    expect(total(s.years)).toBe(174);
    expect(s.years.map((y) => y.value)).toEqual([...s.years.map((y) => y.value)].sort());
    expect(s.hosts[0].value).toMatch(/iana\.org$/);
    expect(s.months.length).toBeGreaterThan(0);
    expect(s.months.every((m) => /^\d{4}-\d{2}$/.test(m.value))).toBe(true);
    const q = await e.call('stats.get', { collection: 'pywb', q: 'example' });
    expect(q.scope).toBe('query');
  });

  it('exports results as CSV and JSONL with the same rows', async () => {
    const csv = await e.call('export.results', { collection: 'pywb', q: 'iana', format: 'csv' });
    const jsonl = await e.call('export.results', { collection: 'pywb', q: 'iana', format: 'jsonl' });
    expect(csv.rows).toBe(jsonl.rows);
    const lines = jsonl.content.trim().split('\n').map((l) => JSON.parse(l) as { url: string; snippet: string });
    expect(lines).toHaveLength(jsonl.rows);
    expect(lines[0].snippet).not.toMatch(/[\u0002\u0003]/);
    expect(csv.content.split('\n')[0]).toBe('title,url,timestamp,status,mime,captures,snippet,file,offset,length,tags,page_note,capture_note');
    const one = await e.call('export.results', { collection: 'pywb', q: 'iana', format: 'jsonl', limit: 1 });
    expect(one).toMatchObject({ rows: 1, truncated: jsonl.rows > 1 });
  });

  it('removes a file with everything indexed from it', async () => {
    await e.call('collections.create', { name: 'small' });
    await e.call('files.add', { collection: 'small', paths: [example, iana] });
    await e.call('ingest.start', { collection: 'small' });
    const full = await waitIngest(e, 'small');
    const files = await e.call('files.remove', { collection: 'small', paths: [iana] });
    expect(files.map((f) => f.path)).toEqual([example]);
    const d = await e.call('collections.get', { collection: 'small' });
    expect(d.captures).toBe(6);
    expect(d.captures).toBeLessThan(full.captures);
    const left = await e.call('captures.byHost', { collection: 'small', url: 'iana.org' });
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((c) => c.file === example)).toBe(true);
  });

  it('cancels a run, leaves nothing marked as indexing, and the next run resumes to done', async () => {
    await e.call('collections.create', { name: 'cancel' });
    await e.call('files.add', { collection: 'cancel', paths: [iana, example] });
    // Cancelled as soon as it starts: the run is on its writer thread, which reads the cancellation at its first
    // wait, before any worker has loaded, whatever the machine's speed (cancelling from a progress event would race
    // the run's end on files this small).
    const started = await e.call('ingest.start', { collection: 'cancel', workers: 1 });
    const cancelled = e.call('ingest.cancel', { collection: 'cancel' });
    expect(started.running).toBe(true);
    expect(await cancelled).toMatchObject({ running: false, stopped: 'cancelled' });
    const after = await e.call('collections.get', { collection: 'cancel' });
    expect(after.ingesting).toBe(false);
    expect(after.fileList.some((f) => f.state !== 'done')).toBe(true);
    expect(after.fileList.every((f) => f.state === 'pending' || f.state === 'done')).toBe(true);
    await e.call('ingest.start', { collection: 'cancel' });
    const resumed = await waitIngest(e, 'cancel');
    expect(resumed.fileList.map((f) => [f.state, f.records])).toEqual([
      ['done', 343],
      ['done', 6],
    ]);
    expect(resumed.ingest.stopped).toBeNull();
  });

  it("shows an indexed file rewritten since as 'changed', and the next ingest indexes it again", async () => {
    const copy = join(dir, 'grown.warc.gz');
    copyFileSync(example, copy);
    await e.call('collections.create', { name: 'changing' });
    await e.call('files.add', { collection: 'changing', paths: [copy] });
    await e.call('ingest.start', { collection: 'changing' });
    expect((await waitIngest(e, 'changing')).fileList.map((f) => [f.state, f.records])).toEqual([['done', 6]]);
    // The crawler appends a second copy of its records: another size, another mtime.
    appendFileSync(copy, readFileSync(example));
    expect((await e.call('collections.get', { collection: 'changing' })).fileList.map((f) => f.state)).toEqual(['changed']);
    await e.call('ingest.start', { collection: 'changing' });
    expect((await waitIngest(e, 'changing')).fileList.map((f) => [f.state, f.records])).toEqual([['done', 12]]);
  });

  it('refuses a path that does not exist, naming it', async () => {
    const err = await e.fail('files.add', { collection: 'pywb', paths: ['/no/such/file.warc'] });
    expect(err).toMatchObject({ code: 'file-not-found', file: '/no/such/file.warc' });
  });
});
