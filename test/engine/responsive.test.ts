// Issue 13, defect 9: the engine answers while it works. The ingest's writer and every search run off the thread that
// answers requests (ingestInThread, SearchReaders), so searches and pings sent during an ingest all succeed, and a
// ping sent while a search runs is answered before that search. Orders and failures are asserted, never durations:
// speed is bench/load/run.ts's to measure.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArgsOf, Method, Reply, ResultOf } from '../../src/shared/api.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { INGEST_NICE } from '../../src/engine/collections.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { html, warcFile, type RecordSpec } from '../core/ingest/warc-builder.js';
import { niceOf, threadNiceLevels } from '../core/threads/nice.js';

const WORDS = ['harbour', 'lantern', 'meadow', 'quarry', 'saddle', 'thistle', 'orchard', 'glacier', 'ferry', 'copper'];

/** `n` distinct pages, each with the word 'archive' and two of WORDS, so every query below has hits. */
function pages(prefix: string, n: number): RecordSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    uri: `http://${prefix}.example/${i}`,
    date: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    body: html(`${prefix} page ${i}`, `archive ${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} ${'filler words of a page '.repeat(40)} ${i}`),
  }));
}

describe('the engine stays responsive while it ingests and searches', () => {
  let dir: string;
  let handlers: ReturnType<typeof createHandlers>;
  const call = (method: Method, args: unknown): Promise<Reply<unknown>> => dispatch(handlers, method, args);
  async function ok<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
    const r = await call(method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as ResultOf<M>;
  }
  const files = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, k) => {
      const path = join(dir, `${prefix}-${k}.warc.gz`);
      writeFileSync(path, warcFile(pages(`${prefix}${k}`, 600), true));
      return path;
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-responsive-'));
    handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir: dir, allowDirs: [dir] }); // its archives are written here
    await ok('collections.create', { name: 'seed' });
    await ok('files.add', { collection: 'seed', paths: files('seed', 2) });
    await ok('ingest.start', { collection: 'seed' });
    while ((await ok('collections.get', { collection: 'seed' })).ingest.running) await new Promise((r) => setTimeout(r, 50));
  }, 120_000);
  afterAll(() => {
    handlers.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every search and ping sent during an ingest, while the ingest runs', async () => {
    expect((await ok('search.query', { collection: 'seed', q: 'archive' })).hits.length).toBeGreaterThan(0);
    await ok('collections.create', { name: 'live' });
    await ok('files.add', { collection: 'live', paths: files('live', 3) });
    expect((await ok('ingest.start', { collection: 'live' })).running).toBe(true);
    const replies: Array<{ method: string; reply: Reply<unknown>; duringIngest: boolean }> = [];
    let ingesting = true;
    const send = async (method: Method, args: unknown) => {
      const reply = await call(method, args);
      replies.push({ method, reply, duringIngest: ingesting });
    };
    // The ingest's workers run at a lower priority than the rest (INGEST_NICE): seen from /proc, where there is one.
    const levelsSeen = new Set<number>();
    const onProc = existsSync('/proc/thread-self');
    while (ingesting) {
      if (onProc) for (const level of threadNiceLevels().values()) levelsSeen.add(level);
      const round = WORDS.flatMap((w) => [
        send('search.query', { collection: 'seed', q: `archive ${w}` }),
        send('search.query', { collection: 'live', q: w }),
        send('search.facets', { collection: 'live', q: w }),
      ]);
      round.push(send('engine.info', {}));
      await Promise.all(round);
      ingesting = (await ok('collections.get', { collection: 'live' })).ingest.running;
    }
    if (onProc) {
      const own = niceOf(process.pid);
      expect([...levelsSeen].sort((a, b) => a - b)).toEqual(own < INGEST_NICE ? [own, INGEST_NICE] : [own]);
    }
    const failed = replies.filter((r) => !r.reply.ok);
    expect(failed).toEqual([]);
    expect(replies.filter((r) => r.duringIngest && r.method === 'search.query').length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.duringIngest && r.method === 'engine.info').length).toBeGreaterThan(0);
    const live = await ok('collections.get', { collection: 'live' });
    expect(live.ingest.stopped).toBeNull();
    expect(live.pages).toBe(3 * 600);
    expect((await ok('search.query', { collection: 'live', q: 'archive', limit: 5 })).hits).toHaveLength(5);
  }, 180_000);

  it('answers pings sent while a search runs before that search', async () => {
    const order: string[] = [];
    const search = call('search.query', { collection: 'seed', q: 'archive OR filler', sort: 'date', limit: 1000 }).then((r) => {
      order.push(r.ok ? 'search' : `search failed: ${r.error.message}`);
    });
    for (let i = 0; i < 3; i++) {
      const r = await call('engine.info', {});
      order.push(r.ok ? 'ping' : 'ping failed');
    }
    await search;
    expect(order).toEqual(['ping', 'ping', 'ping', 'search']);
  });

  // Lookups and texts run on the reader threads too: a host lookup of every seed capture, a capture's text and the
  // diff of two texts each let three pings through before they answer. On the engine's own thread each ran to its end
  // before any ping was read.
  it('answers pings sent while a lookup, a text or a diff runs before that call', async () => {
    const [first, second] = await ok('captures.byPrefix', { collection: 'seed', url: 'http://seed0.example/1', limit: 2 });
    expect((await ok('captures.byHost', { collection: 'seed', url: 'example', limit: 10_000 })).length).toBe(2 * 600);
    const slowCalls: Array<[Method, unknown]> = [
      ['captures.byHost', { collection: 'seed', url: 'example', limit: 10_000 }],
      ['record.text', { collection: 'seed', captureId: first.id }],
      ['record.diff', { collection: 'seed', a: first.id, b: second.id }],
    ];
    for (const [method, args] of slowCalls) {
      const order: string[] = [];
      const slow = call(method, args).then((r) => {
        order.push(r.ok ? method : `${method} failed: ${r.error.message}`);
      });
      for (let i = 0; i < 3; i++) {
        const r = await call('engine.info', {});
        order.push(r.ok ? 'ping' : 'ping failed');
      }
      await slow;
      expect(order).toEqual(['ping', 'ping', 'ping', method]);
    }
  });
});
