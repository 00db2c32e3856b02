// A reader thread of SearchReaders (readers.ts): runs searches, lookups and texts (records.ts) on read-only connections of its own, one per
// collection, kept open between calls. WAL lets them read while the ingest's writer commits.
import { parentPort } from 'node:worker_threads';
import { Collection } from '../store/index.js';
import { withSpan, withTraceparent } from '../telemetry/index.js';
import { startThreadTelemetry, takeSpans } from '../telemetry/sink.js';
import { toThreadError } from '../threads.js';
import { captureStats, search, searchFacets } from './index.js';
import { recordDiff, recordText, resolvedCaptures } from './records.js';
import { MAX_OPEN_COLLECTIONS, type FromReader, type ReaderCall, type ReaderResults, type ToReader } from './reader-protocol.js';

const port = parentPort!;
const open = new Map<string, Collection>(); // by database file, least recently used first
/** Closed by the call being answered, to stay within MAX_OPEN_COLLECTIONS (its reply says so). */
let closed: string[] = [];

function collection(dbPath: string): Collection {
  let c = open.get(dbPath);
  if (c) open.delete(dbPath);
  else {
    c = Collection.open(dbPath, { readonly: true });
    // The least recently used goes; searched again, it is opened and warmed again.
    for (const [path, old] of open) {
      if (open.size < MAX_OPEN_COLLECTIONS) break;
      old.close();
      open.delete(path);
      closed.push(path);
    }
  }
  open.set(dbPath, c);
  return c;
}

type DataCall = Exclude<ReaderCall, { op: 'open' | 'forget' }>;

function answer(c: Collection, call: DataCall): ReaderResults[DataCall['op']] {
  switch (call.op) {
    case 'search':
      return search(c, call.query, call.opts);
    case 'facets':
      return searchFacets(c, call.query);
    case 'stats':
      return captureStats(c, call.top);
    case 'captures':
      return resolvedCaptures(c, call.url, call.opts);
    case 'text':
      return recordText(c, call.captureId);
    case 'diff':
      return recordDiff(c, call.a, call.b);
  }
}

function run(call: ReaderCall): ReaderResults[ReaderCall['op']] {
  switch (call.op) {
    case 'open': {
      const was = open.has(call.dbPath);
      collection(call.dbPath);
      return !was;
    }
    case 'forget':
      open.get(call.dbPath)?.close();
      open.delete(call.dbPath);
      return null;
    default: {
      // One snapshot a call (Collection.snapshot): an ingest's writer commits meanwhile, and a bulk load changes the
      // schema.
      const c = collection(call.dbPath);
      return c.snapshot(() => answer(c, call));
    }
  }
}

port.on('message', (msg: ToReader) => {
  if (msg.op === 'exit') {
    for (const c of open.values()) c.close();
    open.clear();
    port.close(); // nothing else keeps the thread: it ends here, between calls
    return;
  }
  const { id, traceparent, ...call } = msg;
  if (traceparent) startThreadTelemetry('search-reader');
  let reply: FromReader;
  try {
    reply = { id, value: withTraceparent(traceparent, () => withSpan(`search.${call.op}`, { db: call.dbPath }, () => run(call))) };
  } catch (e) {
    reply = { id, error: toThreadError(e) };
  }
  const spans = takeSpans();
  if (spans) reply.spans = spans;
  if (closed.length > 0) {
    reply.closed = closed;
    closed = [];
  }
  port.postMessage(reply);
  // After a connection's first answer ('open', when the collection was opened in the UI, else its first search),
  // while the thread would wait for the next call, rather than before it: no search is delayed, and the ones after it
  // find what they look up for each match in the cache. One step at a time, each on its own turn of the event loop,
  // so a call that arrives meanwhile waits for one step only.
  const c = open.get(call.dbPath);
  if (c) warmInSteps(c.warmSearchData());
});

function warmInSteps(steps: Iterator<unknown>): void {
  setImmediate(() => {
    if (!steps.next().done) warmInSteps(steps);
  });
}
