// endThread: a thread told to stop ends on its own and is not terminated; one that does not stop is terminated after
// the grace. Terminating a thread while it builds a zlib stream aborts the whole process (node_zlib.cc "close before
// init"), which took a CI run down; the ingest's and reader's threads now end through endThread.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { endThread } from '../../src/core/threads.js';

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
