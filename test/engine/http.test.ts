// Browser mode's HTTP edge: the token gate, the host check (DNS rebinding), argument validation, errors as data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { serveHttp, type HttpEngine } from '../../src/engine/http.js';

let engine: HttpEngine;
const events = new EventBus();
const dataDir = mkdtempSync(join(tmpdir(), 'as-engine-'));
const handlers = createHandlers({ mode: 'http', events, dataDir, allowDirs: [dataDir] });

beforeAll(async () => {
  engine = await serveHttp({ handlers, events, staticDir: null });
});
afterAll(async () => {
  await engine.close();
  handlers.close();
});

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${engine.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${engine.token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('browser-mode transport', () => {
  it('refuses every path without the token', async () => {
    expect((await fetch(`${engine.origin}/`)).status).toBe(401);
    expect((await fetch(`${engine.origin}/events`)).status).toBe(401);
    expect((await api('engine.info', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie and redirects to a URL without it', async () => {
    const res = await fetch(engine.url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const info = await fetch(`${engine.origin}/api/engine.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0] },
      body: '{}',
    });
    expect(await info.json()).toMatchObject({ ok: true, value: { mode: 'http', pid: process.pid } });
  });

  it('rejects a foreign Host header even with the token (DNS rebinding)', async () => {
    const { port } = new URL(engine.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/engine.info', method: 'POST', headers: { host: `evil.example:${port}`, authorization: `Bearer ${engine.token}`, 'content-type': 'application/json' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('answers unknown methods and bad arguments with error codes, not exceptions', async () => {
    expect(await (await api('nope.nothing', {})).json()).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await (await api('archive.record', { file: 'x', offset: -1, length: 1 })).json()).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: "'offset' must be a non-negative integer" },
    });
    expect(await (await api('archive.open', { paths: ['/x'], extra: 1 })).json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const path = join(dataDir, 'no-such-file.warc');
    const missing = (await (await api('archive.open', { paths: [path] })).json()) as { error: { message: string } };
    expect(missing).toMatchObject({ ok: false, error: { code: 'file-not-found' } });
    expect(missing.error.message).toContain(path);
  });

  it('refuses non-JSON posts (no cross-site form can call the API)', async () => {
    const res = await fetch(`${engine.origin}/api/engine.info`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${engine.token}` },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });

  it('streams events to subscribers and stops when they leave', async () => {
    const controller = new AbortController();
    const res = await fetch(`${engine.origin}/events`, { headers: { authorization: `Bearer ${engine.token}` }, signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read(); // ': connected'
    events.emit('engine.notice', { level: 'info', message: 'hello' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: engine.notice\ndata: {"level":"info","message":"hello"}\n\n');
    controller.abort();
  });

  it('answers a token with non-ASCII characters of the right length with 401, wherever it comes', async () => {
    // As many characters as the token, more bytes: comparing bytes of unequal length must not throw.
    const wrong = 'é'.repeat(engine.token.length);
    expect((await fetch(`${engine.origin}/?token=${encodeURIComponent(wrong)}`, { redirect: 'manual' })).status).toBe(401);
    expect((await api('engine.info', {}, { authorization: `Bearer ${wrong}` })).status).toBe(401);
    const viaCookie = await fetch(`${engine.origin}/api/engine.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `archivestream_token=${encodeURIComponent(wrong)}` },
      body: '{}',
    });
    expect(viaCookie.status).toBe(401);
    // Raw UTF-8 in a header (fetch would refuse to send it), the way any client may.
    const raw = await rawRequest({ path: '/api/engine.info', headers: { authorization: Buffer.from(`Bearer ${wrong}`).toString('latin1') }, body: '{}' });
    expect(raw.status).toBe(401);
  });

  it('answers a malformed %-escape in a method name with 400', async () => {
    const res = await api('engine.%E0%A4%A', {});
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('answers an oversize body with 413 from its Content-Length, before the client has sent it', async () => {
    const { port } = new URL(engine.origin);
    const size = 100 << 20;
    const answer = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = request(
        { host: '127.0.0.1', port, path: '/api/engine.info', method: 'POST',
          headers: { authorization: `Bearer ${engine.token}`, 'content-type': 'application/json', 'content-length': size } },
        (res) => {
          resolve({ status: res.statusCode ?? 0, sent });
          req.destroy();
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      // One chunk only: the answer must not wait for the rest.
      req.write(Buffer.alloc(64 * 1024, 0x20), () => (sent += 64 * 1024));
    });
    expect(answer.status).toBe(413);
    expect(answer.sent).toBeLessThan(size);
  });

  it('answers an oversize chunked body (no Content-Length) with 413', async () => {
    const { port } = new URL(engine.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/engine.info', method: 'POST',
          headers: { authorization: `Bearer ${engine.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      req.write(Buffer.alloc(2 << 20, 0x20));
    });
    expect(status).toBe(413);
  });
});

describe('browser-mode static files', () => {
  it('answers a malformed %-escape in a path with 400', async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'as-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const served = await serveHttp({ handlers, events, staticDir });
    try {
      const get = (path: string) => fetch(`${served.origin}${path}`, { headers: { authorization: `Bearer ${served.token}` } });
      expect((await get('/index.html')).status).toBe(200);
      expect((await get('/%E0%A4%A.js')).status).toBe(400);
    } finally {
      await served.close();
    }
  });
});

/** A request written as bytes, for headers fetch will not send. */
function rawRequest(opts: { path: string; headers: Record<string, string>; body: string }): Promise<{ status: number }> {
  const { port } = new URL(engine.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: opts.path, method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
