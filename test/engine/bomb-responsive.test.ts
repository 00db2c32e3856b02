// Issue 13: no API call stalls the engine. The engine is served over HTTP in this process, as in browser mode, and
// `archive.records` reads a .warc.gz of six decompression bombs (128 MiB of zeros each, made on the fly) before its one
// record; a ping (engine.info) sent while that call runs must be answered before the call returns.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { serveHttp, type HttpEngine } from '../../src/engine/http.js';
import { gzipOf, zerosDeflated } from '../core/warc/bomb-fixtures.js';
import { gzipMember, tempDir, warcRecord } from '../core/warc/fixtures.js';

const tmp = tempDir('archivestream-bomb-ping-');
const events = new EventBus();
// The bombs are written to `tmp`, which the API may therefore read.
const handlers = createHandlers({ mode: 'http', events, dataDir: mkdtempSync(join(tmpdir(), 'as-engine-')), allowDirs: [tmp.dir] });
let engine: HttpEngine;

beforeAll(async () => {
  engine = await serveHttp({ handlers, events, staticDir: null });
});
afterAll(async () => {
  await engine.close();
  handlers.close();
  tmp.cleanup();
});

const call = async (method: string, body: unknown) => {
  const res = await fetch(`${engine.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${engine.token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; value?: any; error?: unknown };
};

describe('the engine stays responsive', () => {
  it('answers a ping sent while archive.records reads bombs before that call returns', async () => {
    const bomb = gzipOf(zerosDeflated(128));
    const record = warcRecord({ type: 'resource', uri: 'http://after.example/', contentType: 'text/plain', block: 'after the bombs' });
    // Enough bombs that reading them outlasts the ping's way to the engine on any machine (six could all be refused
    // before the ping arrived, on a quiet one).
    const BOMBS = 48;
    const path = tmp.write('bombs.warc.gz', Buffer.concat([...Array<Buffer>(BOMBS).fill(bomb), gzipMember(record)]));

    const order: string[] = [];
    const records = call('archive.records', { file: path }).then((r) => {
      order.push('records');
      return r;
    });
    // Sent once the event loop is free to send it, i.e. while the records call is giving way.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const ping = call('engine.info', {}).then((r) => {
      order.push('ping');
      return r;
    });
    const [page, info] = await Promise.all([records, ping]);
    expect(info).toMatchObject({ ok: true, value: { mode: 'http' } });
    expect(page.ok).toBe(true);
    expect(page.value.records.map((r: { uri: string }) => r.uri)).toEqual(['http://after.example/']);
    expect(page.value.problems.map((p: { code: string; offset: number }) => `${p.code}@${p.offset}`)).toEqual(
      Array.from({ length: BOMBS }, (_, i) => `decompression-bomb@${i * bomb.length}`),
    );
    expect(order).toEqual(['ping', 'records']);
  }, 60_000);
});
