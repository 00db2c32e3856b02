// A thread for threads.test.ts: lowers its own priority to each level it is sent, answers with what
// lowerThreadPriority returned and its thread id, and stays alive so the test reads its nice level from outside.
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../../../src/core/threads.js';

const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
parentPort!.on('message', (nice: number | 'exit') => {
  if (nice === 'exit') process.exit(0);
  parentPort!.postMessage({ tid, lowered: lowerThreadPriority(nice) });
});
