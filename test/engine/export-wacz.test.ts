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
