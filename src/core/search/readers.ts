// Searches, lookups and texts off the calling thread: a small pool of reader threads (reader-thread.ts), each with
// read-only connections of its own. The engine's thread that answers requests hands a call over and goes on answering
// others; a long search, a host lookup or an ingest's commits no longer hold up a ping (issue 13: searches during an ingest waited seconds).
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { currentTraceparent } from '../telemetry/index.js';
import { adoptSpans } from '../telemetry/sink.js';
import { endThread, fromThreadError, startThread } from '../threads.js';
import type { SearchOptions } from './index.js';
import type { UrlLookupOptions } from './lookup.js';
import type { FromReader, ReaderCall, ReaderResults, ToReader } from './reader-protocol.js';

/** Reader threads at most: searches are short, and more threads would take cores from an ingest's workers. */
export const MAX_READERS = 2;
/** How long close() lets a thread finish the calls it holds. */
const CLOSE_GRACE_MS = 5000;

interface Waiting {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

interface Reader {
  thread: Worker;
  waiting: Map<number, Waiting>;
  /** Collections this thread was asked to open (open()) and has not closed since, so that it is asked once. */
  opened: Set<string>;
}

export class SearchReaders {
  private readers: Reader[] = [];
  /** Calls no thread has taken yet, oldest first. A thread takes one when it has none: searches vary a thousandfold
   *  in cost (a common word under a date filter against a rare word), and a call handed at once to a thread already
   *  holding a queue would wait behind a slow search there while another thread stood idle. */
  private readonly queue: Array<{ call: ReaderCall } & Waiting> = [];
  private nextId = 0;
  private closed = false;

  /** Threads start on first use, up to `size` (default the number of cores, at most MAX_READERS). */
  constructor(private readonly size = Math.min(availableParallelism(), MAX_READERS)) {}

  search(dbPath: string, query: string, opts: SearchOptions = {}) {
    return this.call({ op: 'search', dbPath, query, opts });
  }

  facets(dbPath: string, query: string) {
    return this.call({ op: 'facets', dbPath, query });
  }

  stats(dbPath: string, top: number) {
    return this.call({ op: 'stats', dbPath, top });
  }

  captures(dbPath: string, url: string, opts: UrlLookupOptions & { byTime?: boolean }) {
    return this.call({ op: 'captures', dbPath, url, opts });
  }

  text(dbPath: string, captureId: number) {
    return this.call({ op: 'text', dbPath, captureId });
  }

  diff(dbPath: string, a: number, b: number) {
    return this.call({ op: 'diff', dbPath, a, b });
  }

  /**
   * Starts the threads and opens each one's connection to the collection, which then fills its cache in steps between
   * calls (reader-thread.ts): for a collection just opened in the UI, so that its first search does not pay for
   * a thread, a connection and an empty cache while the user is still typing (at a million pages the first search
   * took 177 ms from a fresh engine, the same again 28). A thread is asked once a collection; resolves to how many
   * connections this opened.
   */
  async open(dbPath: string): Promise<number> {
    if (this.closed) return 0;
    while (this.readers.length < this.size) this.spawn();
    const asked = this.readers.filter((r) => !r.opened.has(dbPath));
    for (const r of asked) r.opened.add(dbPath);
    const opened = await Promise.all(asked.map((r) => this.send(r, { op: 'open', dbPath }).catch((e: unknown) => {
      r.opened.delete(dbPath); // not open: asked again next time
      throw e;
    })));
    return opened.filter(Boolean).length;
  }

  /** Every thread closes its connection to the collection, before the collection's files are deleted. */
  async forget(dbPath: string): Promise<void> {
    for (const r of this.readers) r.opened.delete(dbPath);
    await Promise.all(this.readers.map((r) => this.send(r, { op: 'forget', dbPath })));
  }

  /** Ends every thread once it has answered the calls it holds; calls not yet handed to a thread fail. A thread is
   *  asked to exit rather than terminated (endThread: a record's text builds zlib streams), and terminated only when
   *  its calls outlast the grace. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error('the search threads are closed'));
    await Promise.all(this.readers.splice(0).map((r) => {
      r.thread.ref();
      r.thread.postMessage({ op: 'exit' } satisfies ToReader);
      return endThread(r.thread, CLOSE_GRACE_MS);
    }));
  }

  private call<C extends ReaderCall>(call: C): Promise<ReaderResults[C['op']]> {
    if (this.closed) return Promise.reject(new Error('the search threads are closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ call, resolve, reject });
      this.dispatch();
    });
  }

  /** Hands queued calls to threads that have none, starting threads up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const reader = this.readers.find((r) => r.waiting.size === 0) ?? (this.readers.length < this.size ? this.spawn() : null);
      if (!reader) return;
      const { call, ...waiting } = this.queue.shift()!;
      this.post(reader, call, waiting);
    }
  }

  private send<C extends ReaderCall>(reader: Reader, call: C): Promise<ReaderResults[C['op']]> {
    return new Promise((resolve, reject) => this.post(reader, call, { resolve, reject }));
  }

  private post(reader: Reader, call: ReaderCall, waiting: Waiting): void {
    const id = this.nextId++;
    if (reader.waiting.size === 0) reader.thread.ref();
    reader.waiting.set(id, waiting);
    reader.thread.postMessage({ ...call, id, traceparent: currentTraceparent() } satisfies ToReader);
  }

  private spawn(): Reader {
    const thread = startThread('search-reader', new URL('./reader-thread.ts', import.meta.url));
    // A call waiting for its answer keeps the process alive, an idle thread does not.
    thread.unref();
    const reader: Reader = { thread, waiting: new Map(), opened: new Set() };
    this.readers.push(reader);
    let failure = 'a search thread stopped';
    thread.on('message', (m: FromReader) => {
      adoptSpans(m.spans);
      for (const path of m.closed ?? []) reader.opened.delete(path);
      const w = reader.waiting.get(m.id);
      reader.waiting.delete(m.id);
      if (reader.waiting.size === 0) thread.unref();
      if (m.error) w?.reject(fromThreadError(m.error));
      else w?.resolve(m.value as never);
      this.dispatch();
    });
    thread.on('error', (e) => {
      failure = `a search thread stopped: ${e.message}`;
    });
    // A thread that dies fails the calls it had; the next call starts another.
    thread.on('exit', () => {
      this.readers = this.readers.filter((r) => r !== reader);
      for (const w of reader.waiting.values()) w.reject(new Error(failure));
      reader.waiting.clear();
      this.dispatch();
    });
    return reader;
  }
}
