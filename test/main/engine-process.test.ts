// The Electron shell's engine supervision, run without Electron: it forks the real built engine over IPC.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../src/main/engine-process.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { engineCommand, externalLinkAction, mayNavigate, windowOptions } from '../../src/main/shell.js';

const ROOT = join(__dirname, '..', '..');
const ENGINE = join(ROOT, 'out/node/engine.mjs');
const DATA_DIR = mkdtempSync(join(tmpdir(), 'as-shell-'));
const DATA = ['--data-dir', DATA_DIR];

beforeAll(() => {
  if (!existsSync(ENGINE)) execFileSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
});

describe('EngineProcess', () => {
  it('calls the engine over IPC and restarts it when it dies', async () => {
    const restarts: number[] = [];
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA }, { restart: ({ attempt }) => restarts.push(attempt) });
    await engine.start();
    const first = await engine.call('engine.info', {});
    expect(first).toMatchObject({ ok: true, value: { mode: 'ipc' } });
    const pid = engine.pid!;
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => engine.pid !== undefined && engine.pid !== pid, { timeout: 10_000 }).toBe(true);
    const second = await engine.call('engine.info', {});
    expect(second).toMatchObject({ ok: true, value: { mode: 'ipc' } });
    expect(restarts).toEqual([1]);
    await engine.stop();
    expect(engine.pid).toBeUndefined();
    // Each engine logs its start and its stop to <dataDir>/logs/engine.log (the killed one could not log its end).
    const log = readFileSync(join(DATA_DIR, 'logs', 'engine.log'), 'utf8');
    expect(log).toContain(`engine ${pid} started`);
    expect(log).toMatch(/engine \d+ stopped: the shell closed the channel/);
  });

  // Issue 17: the desktop engine serves no HTTP, so with metrics on it opens /metrics on a 127.0.0.1 port of its own.
  it('serves /metrics on its own port once metrics are on, for the data folder\'s token', async () => {
    const data = mkdtempSync(join(tmpdir(), 'as-shell-metrics-'));
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: ['--data-dir', data, '--metrics-port', '0'] });
    await engine.start();
    try {
      const on = (await engine.call('telemetry.configure', { metrics: true })) as { ok: true; value: { metricsUrl: string | null } };
      expect(on.value.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const token = readFileSync(join(data, 'metrics-token'), 'utf8').trim();
      const res = await fetch(on.value.metricsUrl!, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^archivestream_process_memory_bytes\{kind="rss"\} \d+/m);
    } finally {
      await engine.stop();
    }
  });

  it('stops the engine as closing the window does: an ingest cancelled, the database closed, no process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-shell-stop-'));
    const data = join(dir, 'data');
    for (let f = 0; f < 3; f++) {
      const records = Array.from({ length: 300 }, (_, i) => ({
        uri: `https://example.org/${f}/${i}`, date: '2024-01-01T00:00:00Z', body: html(`page ${i}`, 'words to index '.repeat(400)),
      }));
      writeFileSync(join(dir, `f${f}.warc.gz`), warcFile(records, true));
    }
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: ['--data-dir', data, '--allow-dir', dir] });
    await engine.start();
    const ok = async (method: string, args: unknown) => expect(await engine.call(method, args)).toMatchObject({ ok: true });
    await ok('collections.create', { name: 'c' });
    await ok('files.add', { collection: 'c', paths: [dir] });
    await ok('ingest.start', { collection: 'c', backend: 'cpu' });
    const wal = () => readdirSync(data).filter((f) => f.endsWith('-wal'));
    expect(wal()).toHaveLength(1); // open and being written
    const pid = engine.pid!;
    await engine.stop();
    expect(() => process.kill(pid, 0)).toThrow(); // gone
    expect(wal()).toEqual([]);
    expect(readFileSync(join(data, 'logs', 'engine.log'), 'utf8')).toContain(`engine ${pid} stopped: the shell closed the channel`);
  });

  it('does not restart an engine that stopped when told to (SIGTERM, or Ctrl+C in its terminal): a crash is what it restarts', async () => {
    const restarts: number[] = [];
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA }, { restart: ({ attempt }) => restarts.push(attempt) });
    await engine.start();
    const pid = engine.pid!;
    process.kill(pid, 'SIGTERM');
    await expect.poll(() => engine.pid, { timeout: 15_000 }).toBeUndefined();
    await new Promise((r) => setTimeout(r, 500)); // a restart would have begun by now
    expect(restarts).toEqual([]);
    expect(engine.pid).toBeUndefined();
    await engine.stop();
  });

  it('lets the engine read a file only once the shell allows it (its dialog), never on a call alone', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'as-shell-pick-')), 'picked.warc');
    writeFileSync(file, 'WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\nWARC-Date: 2020-01-01T00:00:00Z\r\nContent-Length: 0\r\n\r\n\r\n\r\n');
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA });
    await engine.start();
    expect(await engine.call('archive.open', { paths: [file] })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    engine.allow([file]);
    expect(await engine.call('archive.open', { paths: [file] })).toMatchObject({ ok: true, value: [{ path: file, format: 'warc' }] });
    await engine.stop();
  });

  it('traces every call and shows the engine its own recent spans', async () => {
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA });
    await engine.start();
    await engine.call('engine.info', {});
    const reply = (await engine.call('telemetry.recent', {})) as { ok: true; value: { spans: Array<{ name: string; durationMs: number }> } };
    const span = reply.value.spans.find((s) => s.name === 'api.engine.info');
    expect(span).toBeDefined();
    expect(span!.durationMs).toBeGreaterThanOrEqual(0);
    await engine.stop();
  });

  it('carries the renderer\'s trace context to the engine on the IPC message (issue 17)', async () => {
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA });
    await engine.start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    await engine.call('engine.info', {}, `00-${traceId}-${parent}-01`);
    await engine.call('app.paths', {}); // no context: a trace of its own
    const reply = (await engine.call('telemetry.recent', {})) as { ok: true; value: { spans: Array<{ name: string; traceId: string; parentSpanId: string | null }> } };
    const info = reply.value.spans.filter((s) => s.name === 'api.engine.info');
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({ traceId, parentSpanId: parent });
    const paths = reply.value.spans.find((s) => s.name === 'api.app.paths');
    expect(paths?.traceId).not.toBe(traceId);
    expect(paths?.parentSpanId).toBeNull();
    await engine.stop();
  });

  it('passes validation errors back as data', async () => {
    const engine = new EngineProcess({ node: process.execPath, script: ENGINE, args: DATA });
    await engine.start();
    expect(await engine.call('archive.records', { file: 3 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await engine.stop();
  });
});

describe('shell decisions', () => {
  it('runs the engine on Node, not on Electron', () => {
    const cmd = engineCommand({ appRoot: ROOT, resourcesPath: '/nonexistent', packaged: false, nodeOnPath: process.execPath });
    expect(cmd).toEqual({ node: process.execPath, script: ENGINE, args: [] });
    expect(engineCommand({ appRoot: ROOT, resourcesPath: '/x', packaged: false, nodeOnPath: null })).toHaveProperty('error');
  });

  it('isolates the renderer', () => {
    const o = windowOptions('/p.cjs');
    expect(o.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/p.cjs' });
  });

  it('sends only http(s) links out and keeps navigation inside the app', () => {
    expect(externalLinkAction('https://example.org/a')).toEqual({ openExternally: true });
    expect(externalLinkAction('file:///etc/passwd')).toEqual({ openExternally: false });
    expect(externalLinkAction('javascript:alert(1)')).toEqual({ openExternally: false });
    expect(mayNavigate('file:///app/index.html#x', 'file:///app/index.html')).toBe(true);
    expect(mayNavigate('file:///etc/passwd', 'file:///app/index.html')).toBe(false);
    expect(mayNavigate('https://evil.example/', 'http://127.0.0.1:5173/')).toBe(false);
    expect(mayNavigate('http://127.0.0.1:5173/#/search', 'http://127.0.0.1:5173/')).toBe(true);
  });
});
