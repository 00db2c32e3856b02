// `archivestream replay-ledger <db> <url> [--at <ts>] [--scripts] [--json]`: loads one archived page the way the UI
// shows it (the replay server, in this process, on a loopback port; the page in headless Chromium) and prints its
// provenance ledger: every request the page made, how it was answered and from which record, or what blocked it.
// Archived scripts stay off unless --scripts (the replay address's js_ flag). Without a Chromium the command cannot
// load the page, and exits 2 saying so.
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openCollection } from '../collection.js';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { cell } from './records.js';
import { GpuBackendError, launchChromium } from '../../core/extract-gpu/chromium.js';
import { blockedEntry, ledgerToJson } from '../../core/replay/ledger.js';
import { startReplayServer } from '../../core/replay/server.js';
import type { LedgerEntry, LedgerRecord } from '../../core/replay/types.js';
import { parseReplayPath, replayPath } from '../../core/replay/urls.js';
import type { Collection } from '../../core/store/index.js';
import { CodedError } from '../../shared/errors.js';
import { TRACEPARENT } from '../../shared/telemetry.js';
import { currentTraceparent, recordSpan, tracing, withSpan } from '../../core/telemetry/index.js';

/** The page's load may take this long (a large page read from a slow disk), then the ledger is what arrived. */
const LOAD_TIMEOUT_MS = 30_000;

/** 4 to 14 digits, a prefix of yyyyMMddhhmmss; the nearest capture wins. The current time when none is given, so
 *  the newest capture is chosen. */
export function ledgerTimestamp(at: string | true | undefined, now = new Date()): string {
  if (at === undefined) return now.toISOString().replace(/\D/g, '').slice(0, 14);
  if (at === true || !/^\d{4,14}$/.test(at)) throw new UsageError('--at takes 4 to 14 digits of a timestamp (yyyyMMddhhmmss), e.g. 2014 or 20140126200624');
  return at;
}

/** Seconds as the table shows them: +3h, -2d; temporal drift (more than a day) marked with '!'. */
function driftCell(e: LedgerEntry): string {
  const s = e.driftSeconds;
  if (s === null) return '-';
  const abs = Math.abs(s);
  const size = abs >= 86_400 ? `${Math.round(abs / 86_400)}d` : abs >= 3600 ? `${Math.round(abs / 3600)}h` : abs >= 60 ? `${Math.round(abs / 60)}m` : `${abs}s`;
  return `${s < 0 ? '-' : '+'}${size}${e.temporalDrift ? '!' : ''}`;
}

/** file@offset and record id; through a revisit, the revisit record -> the original it was served from. */
function sourceCell(e: LedgerEntry): string {
  if (e.blockedBy) return e.blockedBy;
  if (!e.record) return '-';
  const at = (r: LedgerRecord) => `${r.file}@${r.offset}${r.recordId ? ` ${r.recordId}` : ''}`;
  return e.viaRevisit && e.revisit ? `revisit ${at(e.revisit)} -> ${at(e.record)}` : at(e.record);
}

/** The replay server's collection opener when it serves one collection: any other name is not found. */
export function onlyCollection(name: string, coll: Collection): (asked: string) => Collection {
  return (asked) => {
    if (asked === name) return coll;
    throw new CodedError('collection-not-found', `no collection named “${asked}” here`);
  };
}

export const replayLedger: Command = {
  name: 'replay-ledger',
  usage: 'replay-ledger <db> <url> [--at <ts>] [--scripts] [--json]',
  summary: 'load an archived page in headless Chromium and list where each request was answered from',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['at'], ['scripts', 'json']);
    if (positional.length !== 2) throw new UsageError('give <db> and <url>');
    const [db, url] = positional;
    const at = ledgerTimestamp(flags.get('at'));
    if (!/^https?:\/\//i.test(url)) throw new UsageError(`${url}: give the page's absolute http(s) URL`);
    const coll = openCollection(db);
    const name = basename(db).replace(/\.[^.]+$/, '') || 'collection';
    const server = await startReplayServer({ openCollection: onlyCollection(name, coll) });
    let browser: Browser | null = null;
    try {
      try {
        browser = await launchChromium();
      } catch (e) {
        if (!(e instanceof GpuBackendError)) throw e;
        io.err(`archivestream replay-ledger: no Chromium to load the page in: ${e.message}`);
        return 2;
      }
      const path = replayPath({ collection: name, ts: at, flag: flags.has('scripts') ? 'js_' : '', url });
      const refused = await withSpan('replay-ledger.load', { at, scripts: flags.has('scripts') }, () => loadPage(browser!, server.origin + path, server.origin, io));
      // The server files the view under the URL as it reads it from the address (scheme lower-cased, say).
      const entries = server.ledgerFor(name, at, parseReplayPath(path)?.url ?? url);
      // Requests Chromium was stopped from making never reached the server: they join its ledger here, once each.
      const listed = new Set(entries.map((e) => e.url));
      for (const r of refused) {
        if (listed.has(r.url)) continue;
        entries.push(blockedEntry(r.url, r.blockedBy));
        listed.add(r.url);
      }

      if (flags.has('json')) io.out(ledgerToJson(entries).trimEnd());
      else {
        io.out(['how', 'status', 'captured', 'drift', 'record or blocked by', 'url'].join('\t'));
        for (const e of entries) io.out([e.how, e.status, e.captureTime, driftCell(e), sourceCell(e), e.url].map(cell).join('\t'));
      }
      const page = entries.find((e) => e.how !== 'blocked');
      if (!page || page.how === 'missing') {
        io.err(`archivestream replay-ledger: ${url} is not in ${db}`);
        return 1;
      }
      return 0;
    } finally {
      await browser?.close();
      await server.close();
      coll.close();
    }
  },
};

/** Loads the page and waits for its requests (CSP reports included) to settle. Only the replay origin is reachable:
 *  any other request (a URL the rewriting missed, a WebSocket) is aborted here and returned, so that nothing leaves
 *  the machine even where the page's CSP would not have stopped it. */
async function loadPage(browser: Browser, address: string, origin: string, io: CliIo): Promise<Array<{ url: string; blockedBy: string }>> {
  const refused: Array<{ url: string; blockedBy: string }> = [];
  // Every request the page makes carries the command's traceparent: the replay server's spans for them join its trace.
  const traceparent = currentTraceparent();
  const context = await browser.newContext({ serviceWorkers: 'block', ...(traceparent ? { extraHTTPHeaders: { [TRACEPARENT]: traceparent } } : {}) });
  try {
    await context.route(
      (u) => u.origin !== origin,
      (route) => {
        refused.push({ url: route.request().url(), blockedBy: 'chromium: outside the archive' });
        return route.abort('blockedbyclient');
      },
    );
    await context.routeWebSocket(/.*/, (ws) => {
      refused.push({ url: ws.url(), blockedBy: 'chromium: WebSocket' });
      return ws.close();
    });
    const page = await context.newPage();
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? 'failed';
      if (why !== 'net::ERR_BLOCKED_BY_CLIENT') refused.push({ url: r.url(), blockedBy: `chromium: ${why}` });
    });
    try {
      await page.goto(address, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
      await page.waitForLoadState('networkidle', { timeout: LOAD_TIMEOUT_MS });
      if (tracing()) await recordPageLoad(page);
    } catch (e) {
      io.err(`archivestream replay-ledger: the page did not finish loading: ${(e as Error).message.split('\n')[0]}`);
    }
  } finally {
    // Closing sends what is still queued (CSP reports) before the server's ledger is read.
    await context.close();
  }
  return refused;
}

/** The page's load as Chromium timed it (Navigation Timing, by the page's clock): a span beside the server's. */
async function recordPageLoad(page: Page): Promise<void> {
  // A string, run in the page: this file is typed for Node, without the DOM's timing types.
  const t = await page.evaluate<{ start: number; end: number; domReadyMs: number; resources: number } | null>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (!nav) return null;
    return { start: performance.timeOrigin + nav.startTime, end: performance.timeOrigin + nav.loadEventEnd,
      domReadyMs: nav.domContentLoadedEventEnd - nav.startTime, resources: performance.getEntriesByType('resource').length };
  })()`);
  if (t) recordSpan('page.load', { domReadyMs: t.domReadyMs, resources: t.resources }, t.start, t.end);
}
