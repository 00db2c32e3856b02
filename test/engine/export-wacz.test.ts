// The engine's WACZ export methods over a collection of pywb's iana.warc.gz (../shared/corpus; skipped without it):
// the package lands in the data folder's exports/, progress arrives as events, bad selections are refused at the
// edge, and a cancelled export answers 'cancelled' and leaves no file.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWacz } from '../../src/core/warc/wacz.js';
import { EventBus } from '../../src/engine/events.js';
import type { ApiEvents } from '../../src/shared/api.js';
import { testEngine } from './harness.js';

/** 20140126200624 -> 2014-01-26T20:06:24Z, as pages.jsonl writes a capture's time. */
const isoOf = (ts: string) => ts.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5:$6Z');
/** http://www.iana.org/a/b -> org,iana)/a/b: the CDXJ key of a plain URL (no query), www. dropped as SURT does. */
const surt = (url: string) => {
  const u = new URL(url);
  return `${u.hostname.replace(/^www\./, '').split('.').reverse().join(',')})${u.pathname.toLowerCase()}`;
};

const IANA = resolve(__dirname, '../..', '../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');

describe.skipIf(!existsSync(IANA))('export.wacz', () => {
  let dir: string;
  let engine: ReturnType<typeof testEngine>;
  const progress: ApiEvents['export.progress'][] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-engine-wacz-'));
    const events = new EventBus();
    events.subscribe((name, payload) => {
      if (name === 'export.progress') progress.push(payload as ApiEvents['export.progress']);
    });
    engine = testEngine({ dataDir: dir, allowDirs: [dirname(IANA)], events } as Parameters<typeof testEngine>[0]);
    await engine.ingested('iana docs', [IANA]);
  }, 60_000);

  afterAll(() => {
    engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes a search's results into exports/ and reports progress to done", async () => {
    const r = await engine.call('export.wacz', { collection: 'iana docs', q: 'domains', title: 'Domains' });
    expect(r.path.startsWith(join(dir, 'exports', 'iana-docs-'))).toBe(true);
    expect(r.pages).toBeGreaterThan(0);
    expect(r.records).toBeGreaterThan(r.pages);
    const wacz = openWacz(r.path);
    try {
      expect(wacz.pages().length).toBe(r.pages);
      expect(wacz.datapackage?.title).toBe('Domains');
    } finally {
      wacz.close();
    }
    expect(progress.at(-1)).toMatchObject({ collection: 'iana docs', phase: 'done', done: r.records });
  }, 60_000);

  it('exports captures picked by id: the picked page and image, with only what the page needs besides', async () => {
    const found = await engine.call('captures.byHost', { collection: 'iana docs', url: 'www.iana.org', limit: 2000 });
    const image = found.find((c) => c.type === 'response' && c.mime === 'image/png')!;
    const page = found.find((c) => c.type === 'response' && c.mime === 'text/html' && c.uri === 'http://www.iana.org/domains/root')!;
    expect(image && page).toBeTruthy();
    const r = await engine.call('export.wacz', { collection: 'iana docs', captureIds: [image.id, page.id, image.id] });
    const wacz = openWacz(r.path);
    try {
      // Pages are the picked HTML only (the image is a record, not a page; the repeated id counts once).
      expect(wacz.pages().map((p) => [p.url, p.ts])).toEqual([[page.uri, isoOf(page.timestamp!)]]);
      const indexed = wacz.indexLines().map((l) => l.split(' ').slice(0, 2).join(' '));
      expect(indexed).toContain(`${surt(image.uri!)} ${image.timestamp}`);
      expect(indexed).toContain(`${surt(page.uri!)} ${page.timestamp}`);
      // The page's stylesheets and scripts came along; the other pages of the host did not.
      expect(r.records).toBeGreaterThan(2);
      expect(indexed.filter((l) => l.startsWith('org,iana)/domains/root ') || l.startsWith('org,iana)/ ')).map((l) => l.split(' ')[0])).toEqual(['org,iana)/domains/root']);
    } finally {
      wacz.close();
    }
  }, 60_000);

  it('takes a host as the captures view does, its name or a URL of it, and keeps the pages of the range only', async () => {
    const range = { from: '20140126200600', to: '20140126200659' }; // one minute of the crawl
    const pagesOf = async (host: string) => {
      const wacz = openWacz((await engine.call('export.wacz', { collection: 'iana docs', host, ...range })).path);
      try {
        return wacz.pages().map((p) => `${p.ts} ${p.url}`).sort();
      } finally {
        wacz.close();
      }
    };
    const byName = await pagesOf('www.iana.org');
    expect(byName.length).toBeGreaterThan(0);
    for (const p of byName) expect(p).toMatch(/^2014-01-26T20:06:\d\dZ http:\/\/www\.iana\.org\//);
    expect(await pagesOf('http://www.iana.org/')).toEqual(byName);
  }, 60_000);

  it('refuses an empty or stale capture selection, naming the missing ids', async () => {
    expect((await engine.fail('export.wacz', { collection: 'iana docs', captureIds: [] })).code).toBe('bad-request');
    expect((await engine.fail('export.wacz', { collection: 'iana docs', captureIds: [1.5] })).code).toBe('bad-request');
    const stale = await engine.fail('export.wacz', { collection: 'iana docs', captureIds: [1, 987654] });
    expect(stale.code).toBe('record-not-found');
    expect(stale.message).toContain('987654');
    expect((await engine.fail('export.wacz', { collection: 'iana docs', captureIds: [1], host: 'www.iana.org' })).code).toBe('bad-request');
  });

  it('refuses a request naming no selection or two, and a time that is not digits', async () => {
    expect((await engine.fail('export.wacz', { collection: 'iana docs' })).code).toBe('bad-request');
    expect((await engine.fail('export.wacz', { collection: 'iana docs', q: 'x', url: 'http://www.iana.org/' })).code).toBe('bad-request');
    expect((await engine.fail('export.wacz', { collection: 'iana docs', url: 'http://www.iana.org/', at: 'now' })).code).toBe('bad-request');
    expect((await engine.fail('export.wacz', { collection: 'nope', q: 'x' })).code).toBe('collection-not-found');
  });

  it('stops on export.cancel with "cancelled" and leaves nothing in exports/', async () => {
    const before = readdirSync(join(dir, 'exports'));
    const running = engine.fail('export.wacz', { collection: 'iana docs', host: 'iana.org' });
    expect(await engine.call('export.cancel', { collection: 'iana docs' })).toEqual({ cancelled: true });
    expect((await running).code).toBe('cancelled');
    expect(readdirSync(join(dir, 'exports'))).toEqual(before);
    expect(await engine.call('export.cancel', { collection: 'iana docs' })).toEqual({ cancelled: false });
  }, 60_000);
});
