// Starting the core's worker threads, and carrying their errors back. A thread runs its bundle in out/node (every
// chunk is bundled flat there, so the bundle's name resolves beside this one), or, running from the TypeScript
// sources (vitest, tsx), its source file through dev-thread.mjs, which registers tsx first.
import { once } from 'node:events';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CodedError, type ErrorCode } from '../shared/errors.js';

/** Starts `bundle` (an entry of scripts/build-node.mjs, e.g. 'ingest-writer') or, from the sources, `source`. */
export function startThread(bundle: string, source: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${bundle}.mjs`, import.meta.url), options);
  return new Worker(new URL('./dev-thread.mjs', import.meta.url), { ...options, argv: [source.href] });
}

/** An error as it crosses a thread: structured cloning keeps an Error's message but drops its code, file and offset. */
export interface ThreadError {
  message: string;
  code?: ErrorCode;
  file?: string;
  offset?: number;
}

export function toThreadError(e: unknown): ThreadError {
  if (e instanceof CodedError) return { message: e.message, code: e.code, file: e.file, offset: e.offset };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** The error a thread reported, as the calling thread throws it: a CodedError keeps its code for the client. */
export function fromThreadError(e: ThreadError): Error {
  return e.code ? new CodedError(e.code, e.message, e.file, e.offset) : new Error(e.message);
}

/**
 * Waits for a thread told to stop (by a message or a shared flag) to end on its own, and terminates it only when it
 * has not after `graceMs`. Terminating a thread that is running is not safe while it builds a zlib stream: Node
 * then aborts the whole process at the thread's teardown ("close before init", node_zlib.cc), and the ingest and
 * read threads build one per gzip member. A thread that stops at a point of its own choosing holds none half-built.
 */
export async function endThread(thread: Worker, graceMs: number): Promise<void> {
  if (thread.threadId === -1) return; // already gone
  const exited = once(thread, 'exit').then(() => true, () => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const ended = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (!ended) await thread.terminate();
}

/**
 * Lowers the calling thread's CPU priority to the nice level `nice` (0 to 19), leaving the process's other threads as
 * they are: on Linux a nice level belongs to a thread, and os.setPriority given the thread's own id (read from
 * /proc/thread-self, which links to /proc/PID/task/TID) changes that thread only. The engine lowers its ingest's
 * worker threads so that its search threads are served first when both want the cores (bench/load/run.ts measured the
 * levels). It only ever lowers: raising a priority takes a privilege a user's process has not. False, and nothing
 * changed, where there is no /proc (macOS, Windows) or the level asked is not lower than the thread's.
 */
export function lowerThreadPriority(nice: number): boolean {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isInteger(tid) || nice <= getPriority(tid)) return false;
  setPriority(tid, Math.min(nice, 19));
  return true;
}
