// The engine's replay origin beside its API: collections found by name as the collections methods name them (created,
// renamed, deleted while it runs), opened read-only, and the replay methods through dispatch. Uses the corpus's
// iana.warc.gz (webrecorder+pywb sample: the iana.org home page and its resources); skipped without it.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { startReplay, type EngineReplay } from '../../src/engine/replay-handlers.js';

const IANA = resolve(__dirname, '../../../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');

describe.skipIf(!existsSync(IANA))('replay in the engine', () => {
  let dir: string;
  let replay: EngineReplay;
  let handlers: ReturnType<typeof createHandlers>;

  async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as ResultOf<M>;
  }
  const page = (path: string) => fetch(`${replay.server.origin}${path}`, { headers: { 'sec-fetch-dest': 'document' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-replay-engine-'));
    replay = await startReplay(dir);
    handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir: dir, replay, allowDirs: [dirname(IANA)] });
    await call('collections.create', { name: 'iana' });
    await call('files.add', { collection: 'iana', paths: [IANA] });
    await call('ingest.start', { collection: 'iana', backend: 'cpu' });
    for (let i = 0; i < 600 && (await call('collections.get', { collection: 'iana' })).ingest.running; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  afterAll(async () => {
    handlers.close();
    await replay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the replay origin, a loopback port of its own', async () => {
    const { origin } = await call('replay.origin', {});
    expect(origin).toBe(replay.server.origin);
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves a collection by the name the collections methods gave it, and follows a rename', async () => {
    const before = await page('/iana/2014/http://www.iana.org/');
    expect(before.status).toBe(200);
    await call('collections.rename', { collection: 'iana', to: 'IANA 2014' });
    expect((await page('/iana/2014/http://www.iana.org/')).status).toBe(404);
    expect(await (await page('/iana/2014/http://www.iana.org/')).text()).toContain('There is no collection named “iana”');
    expect((await page('/IANA%202014/2014/http://www.iana.org/')).status).toBe(200);
    await call('collections.rename', { collection: 'IANA 2014', to: 'iana' });
  });

  it('gives the ledger of a page a browser showed, and null for one none did', async () => {
    await page('/iana/20140126200624/http://www.iana.org/about');
    const { view } = await call('replay.ledger', { collection: 'iana', url: 'http://www.iana.org/about', at: '20140126200624' });
    expect(view).toMatchObject({ collection: 'iana', url: 'http://www.iana.org/about', captureTime: '20140126200706', scripts: false, dropped: 0 });
    expect(view!.entries[0]).toMatchObject({ url: 'http://www.iana.org/about', how: 'nearest', status: 200, record: { file: IANA, offset: 483588 } });
    expect((await call('replay.ledger', { collection: 'iana', url: 'http://www.iana.org/numbers', at: '2014' })).view).toBeNull();
    await expect(call('replay.ledger', { collection: 'iana', url: 'http://www.iana.org/' } as never)).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('lets a collection be deleted while the replay origin has it open', async () => {
    expect((await page('/iana/2014/http://www.iana.org/')).status).toBe(200);
    await call('collections.delete', { collection: 'iana' });
    expect((await page('/iana/2014/http://www.iana.org/')).status).toBe(404);
  });

  it('leaves a list of collections it cannot read where it is, for its owner to deal with', async () => {
    writeFileSync(join(dir, 'archivestream.json'), '{ hand-edited');
    const res = await page('/iana/2014/http://www.iana.org/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('archivestream.json cannot be read as JSON');
    expect(readdirSync(dir).filter((f) => f.startsWith('archivestream.json'))).toEqual(['archivestream.json']);
  });
});
