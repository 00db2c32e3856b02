// Issue 17: /metrics for the desktop app. Its engine serves no HTTP, so while metrics are on it listens on 127.0.0.1
// for GET /metrics alone, behind the token in the data folder; off, the port is let go. Plain functions, no Electron.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineTelemetry } from '../../src/engine/telemetry.js';

const dataDir = mkdtempSync(join(tmpdir(), 'as-metrics-listener-'));
const desktop = engineTelemetry(dataDir, undefined, () => 3, { metricsPort: 0 });
afterAll(() => desktop.close());

const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
/** An address of this machine other than loopback, if it has one. */
const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('desktop mode\'s /metrics listener', () => {
  it('opens with metrics on, answers only /metrics and only for the token, and closes with them off', async () => {
    const off = await desktop.handlers['telemetry.recent']({ limit: 0 });
    expect(off.status).toMatchObject({ metricsEnabled: false, metricsUrl: null });

    const on = await desktop.handlers['telemetry.configure']({ metrics: true });
    expect(on.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const url = on.metricsUrl!;
    const token = readFileSync(join(dataDir, 'metrics-token'), 'utf8').trim();

    expect((await get(url)).status).toBe(401);
    expect((await get(url, 'not-the-token')).status).toBe(401);
    const scraped = await get(url, token);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^archivestream_collections_open(\{[^}]*\})? 3$/m);
    for (const path of ['/', '/api/collections.list', '/metrics?x=1']) expect((await get(url.replace('/metrics', path), token)).status).toBe(404);
    if (outside) await expect(get(url.replace('127.0.0.1', outside), token)).rejects.toThrow();

    const offAgain = await desktop.handlers['telemetry.configure']({ metrics: false });
    expect(offAgain).toMatchObject({ metricsEnabled: false, metricsUrl: null });
    await expect(get(url, token)).rejects.toThrow();
  });

  it('says why when its port is taken, and metrics stay on', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'as-metrics-busy-'));
    const busy = engineTelemetry(dir, undefined, () => 0, { metricsPort: port });
    try {
      const s = await busy.handlers['telemetry.configure']({ metrics: true });
      expect(s).toMatchObject({ metricsEnabled: true, metricsUrl: null });
      expect(s.metricsError).toBe(`cannot serve /metrics on 127.0.0.1:${port}: the port is in use`);
    } finally {
      await busy.close();
      taken.close();
    }
  });

  it('is not opened in browser mode, whose UI server answers /metrics', async () => {
    const browser = engineTelemetry(mkdtempSync(join(tmpdir(), 'as-metrics-http-')), undefined, () => 0);
    try {
      expect(await browser.handlers['telemetry.configure']({ metrics: true })).toMatchObject({ metricsEnabled: true, metricsUrl: null, metricsError: null });
    } finally {
      await browser.close();
    }
  });
});
