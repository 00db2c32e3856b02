// endThread: a thread told to stop ends on its own and is not terminated; one that does not stop is terminated after
// the grace. Terminating a thread while it builds a zlib stream aborts the whole process (node_zlib.cc "close before
// init"), which took a CI run down; the ingest's and reader's threads now end through endThread.
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { endThread, lowerThreadPriority, startThread } from '../../src/core/threads.js';
import { niceOf } from './threads/nice.js';

// Builds zlib streams as fast as it can, as a reader thread does per gzip member, until the flag is set.
const BUILDER = `
const { createInflateRaw } = require('node:zlib');
const { parentPort, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData);
parentPort.postMessage('started');
while (Atomics.load(flag, 0) === 0) { const s = createInflateRaw(); s.close(); }
`;

function start(code: string, flag: Int32Array): Promise<{ thread: Worker; code: Promise<number> }> {
  const thread = new Worker(code, { eval: true, workerData: flag.buffer });
  const exitCode = new Promise<number>((resolve) => thread.once('exit', resolve));
  return new Promise((resolve) => thread.once('message', () => resolve({ thread, code: exitCode })));
}

describe('endThread', () => {
  it('lets a thread that stops on its flag end by itself, building zlib streams to the last moment, 40 times', async () => {
    for (let i = 0; i < 40; i++) {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { thread, code } = await start(BUILDER, flag);
      Atomics.store(flag, 0, 1);
      await endThread(thread, 5000);
      // 0: it returned by itself; a terminated thread exits with 1.
      expect(await code).toBe(0);
    }
  });

  it('terminates a thread that does not stop within the grace', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { thread, code } = await start(`require('node:worker_threads').parentPort.postMessage('started'); for (;;) {}`, flag);
    const t0 = Date.now();
    await endThread(thread, 200);
    expect(await code).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('returns at once for a thread already gone', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { thread, code } = await start(`require('node:worker_threads').parentPort.postMessage('started')`, flag);
    expect(await code).toBe(0);
    await endThread(thread, 60_000);
  });
});

// The engine lowers its ingest's worker threads so that its search threads go first: the level must land on the
// thread that asked, and on no other thread of the process (a process-wide nice would slow the searches too).
describe.skipIf(!existsSync('/proc/thread-self'))('lowerThreadPriority', () => {
  it("lowers the calling thread's nice level only, never raises it, and caps it at 19", async () => {
    const mainBefore = niceOf(process.pid);
    const thread = startThread('no-bundle', new URL('./threads/nice-thread.ts', import.meta.url));
    const ask = async (nice: number) => {
      thread.postMessage(nice);
      const [reply] = await once(thread, 'message');
      return reply as { tid: number; lowered: boolean };
    };
    try {
      const first = await ask(mainBefore + 7);
      expect(first.tid).not.toBe(process.pid);
      expect(first.lowered).toBe(true);
      expect(niceOf(first.tid)).toBe(mainBefore + 7);
      expect(niceOf(process.pid)).toBe(mainBefore);
      // A higher priority than the thread has is not taken back (a user's process may not).
      expect((await ask(mainBefore + 3)).lowered).toBe(false);
      expect(niceOf(first.tid)).toBe(mainBefore + 7);
      expect((await ask(40)).lowered).toBe(true);
      expect(niceOf(first.tid)).toBe(19);
    } finally {
      thread.postMessage('exit');
      await endThread(thread, 5000);
    }
  });

  it('leaves the thread as it is when asked for its own level', () => {
    expect(lowerThreadPriority(niceOf(process.pid))).toBe(false);
  });
});
