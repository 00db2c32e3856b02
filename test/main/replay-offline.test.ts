// The Electron app's Chromium switches (src/main/replay.ts offlineSwitches), checked on Debian's Chromium, whose
// resolver is the one Electron embeds: with them no host name resolves, localhost and 127.0.0.1 aside (an IP
// literal would match the rule too, and the replay server is one). The control is this
// machine's own host name, which /etc/hosts resolves to loopback: it loads without the switches and fails with them.
// Skips without a Chromium or when the host name does not resolve to loopback here.
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/core/extract-gpu/chromium.js';
import { offlineSwitches } from '../../src/main/replay.js';

const CHROMIUM = process.env.ARCHIVESTREAM_CHROMIUM ?? '/usr/bin/chromium';
const host = hostname();
const loopbackHost = await lookup(host).then((a) => a.address.startsWith('127.'), () => false);

describe.skipIf(!existsSync(CHROMIUM) || !loopbackHost)('offline switches', () => {
  it('leave no host name resolvable but localhost, and 127.0.0.1 reachable', async () => {
    const server = createServer((_req, res) => res.end('here'));
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const port = (server.address() as AddressInfo).port;
    const load = async (args: string[]) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...chromiumArgs(), ...args] });
      try {
        const outcome = async (url: string) => {
          const page = await browser.newPage(); // a page each: a failed load leaves an error page that would interrupt the next
          return page.goto(url).then((r) => `${r?.status()}`, (e: Error) => /net::[A-Z_]+/.exec(e.message)?.[0] ?? e.message);
        };
        return { byName: await outcome(`http://${host}:${port}/`), localhost: await outcome(`http://localhost:${port}/`), ip: await outcome(`http://127.0.0.1:${port}/`) };
      } finally {
        await browser.close();
      }
    };
    try {
      expect(await load([])).toEqual({ byName: '200', localhost: '200', ip: '200' });
      expect(await load(offlineSwitches().map(([k, v]) => `--${k}=${v}`))).toEqual({ byName: 'net::ERR_NAME_NOT_RESOLVED', localhost: '200', ip: '200' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);
});
