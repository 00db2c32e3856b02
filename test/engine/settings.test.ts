// The engine's settings through dispatch (so validation at the edge runs): the text backend that Start ingest asks for
// and the time zone times are shown in are kept with the theme in the registry file, survive a restart of the engine,
// refuse values outside their enumerations, and a hand-edited file cannot smuggle one in.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import type { ApiError, ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function engine(dataDir: string, allowDirs: string[] = []) {
  const handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir, allowDirs });
  async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.value as ResultOf<M>;
  }
  async function fail(method: Method, args: unknown): Promise<ApiError> {
    const r = await dispatch(handlers, method, args);
    if (r.ok) throw new Error(`${method} should have failed`);
    return r.error;
  }
  return { call, fail, close: () => handlers.close() };
}

describe('settings', () => {
  it("default to text backend 'auto' and local time, and keep a change across a restart", async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const e = engine(data);
    expect(await e.call('settings.get', {})).toMatchObject({ theme: 'system', textBackend: 'auto', timeZone: 'local' });
    const s = await e.call('settings.update', { textBackend: 'gpu', timeZone: 'utc' });
    expect(s).toMatchObject({ theme: 'system', textBackend: 'gpu', timeZone: 'utc' });
    // One at a time leaves the other as it was.
    expect(await e.call('settings.update', { textBackend: 'cpu' })).toMatchObject({ textBackend: 'cpu', timeZone: 'utc' });
    expect(await e.call('settings.update', { theme: 'dark' })).toMatchObject({ theme: 'dark', textBackend: 'cpu', timeZone: 'utc' });
    e.close();
    const again = engine(data);
    expect(await again.call('settings.get', {})).toMatchObject({ theme: 'dark', textBackend: 'cpu', timeZone: 'utc' });
    again.close();
    expect(JSON.parse(readFileSync(join(data, 'archivestream.json'), 'utf8')).settings).toMatchObject({ textBackend: 'cpu', timeZone: 'utc' });
  });

  it('keep the text-extraction bound (maxTextMb, default 16), refuse one outside 1-4096, and ingest with it', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const e = engine(data, [data]); // the archive it ingests is written into this folder
    expect(await e.call('settings.get', {})).toMatchObject({ maxTextMb: 16 });
    for (const bad of [0, 4097]) expect((await e.fail('settings.update', { maxTextMb: bad })).code).toBe('bad-request');
    expect((await e.fail('settings.update', { maxTextMb: 1.5 })).code).toBe('bad-request');
    expect(await e.call('settings.update', { maxTextMb: 1 })).toMatchObject({ maxTextMb: 1 });
    // A 2 MB page: the engine's ingest cuts its text at the 1 MB setting and stores the cut as an error.
    const file = join(data, 'long.warc');
    writeFileSync(file, warcFile([{ uri: 'http://long.example/', date: '2024-01-02T03:04:05Z', body: html('Long', '<p>x</p>\n'.repeat(300_000)) }]));
    await e.call('collections.create', { name: 'bound' });
    await e.call('files.add', { collection: 'bound', paths: [file] });
    await e.call('ingest.start', { collection: 'bound', workers: 1 });
    for (let i = 0; i < 600 && (await e.call('collections.get', { collection: 'bound' })).ingest.running; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await e.call('ingest.errors', { collection: 'bound' })).map((x) => x.code)).toEqual(['payload-truncated-for-text']);
    e.close();
    const again = engine(data);
    expect(await again.call('settings.get', {})).toMatchObject({ maxTextMb: 1 });
    again.close();
  });

  it('refuses values outside the enumerations at the edge, and changes nothing then', async () => {
    const e = engine(mkdtempSync(join(dir, 'data-')));
    const refused = [
      [{ textBackend: 'tpu' }, "'textBackend' must be one of cpu, gpu, auto"],
      [{ textBackend: '' }, "'textBackend' must be one of cpu, gpu, auto"],
      [{ timeZone: 'Europe/Paris' }, "'timeZone' must be one of local, utc"],
      [{ timeZone: 0 }, "'timeZone' must be one of local, utc"],
      [{ timeZone: null }, "'timeZone' must be one of local, utc"],
      // A valid field does not carry an invalid one through.
      [{ theme: 'dark', timeZone: 'UTC' }, "'timeZone' must be one of local, utc"],
      [{ timezone: 'utc' }, "unknown argument 'timezone'"],
    ] as const;
    for (const [args, message] of refused) expect(await e.fail('settings.update', args)).toEqual({ code: 'bad-request', message });
    expect(await e.call('settings.get', {})).toMatchObject({ theme: 'system', textBackend: 'auto', timeZone: 'local' });
    e.close();
  });

  it('reads a hand-edited registry file: unknown values fall back to their defaults, known ones are kept', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    writeFileSync(
      join(data, 'archivestream.json'),
      JSON.stringify({
        version: 1,
        collections: [],
        settings: { theme: 'dark', textBackend: 'quantum', timeZone: 42, allowedRoots: ['/srv/a', 7], lastCollection: null },
      }),
    );
    const e = engine(data);
    expect(await e.call('settings.get', {})).toMatchObject({ theme: 'dark', textBackend: 'auto', timeZone: 'local', allowedRoots: ['/srv/a'] });
    e.close();
    // A file from before these settings existed reads as the defaults.
    writeFileSync(join(data, 'archivestream.json'), JSON.stringify({ version: 1, collections: [], settings: { theme: 'light' } }));
    const old = engine(data);
    expect(await old.call('settings.get', {})).toMatchObject({ theme: 'light', textBackend: 'auto', timeZone: 'local', allowedRoots: [] });
    old.close();
  });

  it("the stored 'gpu' choice with no window offering a GPU: Start ingest is refused in words that say what to do", async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const archive = join(data, 'a.warc');
    writeFileSync(archive, warcFile([{ uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('T', 'text') }]));
    const e = engine(data, [data]);
    await e.call('collections.create', { name: 'c' });
    await e.call('files.add', { collection: 'c', paths: [archive] });
    const { textBackend } = await e.call('settings.update', { textBackend: 'gpu' });
    const err = await e.fail('ingest.start', { collection: 'c', backend: textBackend });
    expect(err.code).toBe('no-gpu-extractor');
    expect(err.message).toMatch(/^Text extraction is set to GPU, but no open ArchiveStream window can lend its GPU/);
    expect(err.message).toContain('WebGL2');
    expect(err.message).toContain('Choose “Automatic” or “CPU” under Settings › Text extraction.');
    expect((await e.call('collections.get', { collection: 'c' })).ingest.running).toBe(false);
    e.close();
  });
});
