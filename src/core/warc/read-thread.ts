// A thread of readOnThreads (parallel.ts): reads the records of one window of a per-record-gzip WARC, over its own
// mapping of the file, and posts their output lines with what checkWindows needs to know of the window's edges.
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { summarizeRecord } from '../record-view.js';
import { openArchiveSource } from './archive.js';
import { cdxjEntries, cdxLength, formatCdxj } from './cdxj.js';
import type { ReadWindow, WindowResult } from './read-protocol.js';
import { openSource } from './source.js';
import type { ArchiveRecord } from './types.js';

const window = workerData as ReadWindow;
const result: WindowResult = { lines: [], problems: [], first: null, last: null };
try {
  const source = openSource(window.path, 'mmap');
  try {
    const file = openArchiveSource(source, {
      start: window.start, end: window.end, file: window.path, onProblem: (p) => result.problems.push(p),
    });
    function* edges(): Generator<ArchiveRecord> {
      for (const r of file.records()) {
        result.first ??= { offset: r.offset, uri: r.targetUri ?? null };
        result.last = { end: r.offset + r.length, uri: r.targetUri ?? null };
        yield r;
      }
    }
    if (window.output === 'cdxj') {
      // As cdxjLines does for a file of its own (the lengths from the file's bytes).
      for (const e of cdxjEntries(edges(), basename(window.path), (r) => cdxLength(r, source))) result.lines.push(formatCdxj(e));
    } else {
      for (const r of edges()) result.lines.push(JSON.stringify(summarizeRecord(r)));
    }
  } finally {
    source.close();
  }
  parentPort!.postMessage(result);
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
