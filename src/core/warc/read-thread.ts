// A thread of readWindows (parallel.ts): reads one window of the file over its own mapping (read-window.ts) and posts
// what it read, as its last act.
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadWindow } from './read-protocol.js';
import { readWindow } from './read-window.js';

try {
  parentPort!.postMessage(readWindow(workerData as ReadWindow));
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
