// One window of a WARC (plain or per-record gzip) read as readWindows (parallel.ts) asks: its output lines (or check's
// problems), with what checkWindows needs to know of the window's edges. Runs on a thread of its own (read-thread.ts)
// or, for the first window, on the calling thread while the threads read the others.
import { basename } from 'node:path';
import { summarizeRecord } from '../record-view.js';
import { openArchiveSource } from './archive.js';
import { cdxjEntries, cdxLength, formatCdxj } from './cdxj.js';
import { checkGzipMembers, checkWarcRecord } from './check.js';
import type { ReadWindow, WindowResult } from './read-protocol.js';
import { openSource } from './source.js';
import type { ArchiveRecord, WarcProblem } from './types.js';

export function readWindow(window: ReadWindow): WindowResult {
  const result: WindowResult = { blocks: [], problems: [], records: 0, checked: [], crc: [], first: null, last: null };
  const source = openSource(window.path, 'mmap');
  try {
    // A problem check meets in a record (its digests, its payload's decoding) is check's to report; one met while the
    // reader finds the records may be one a single pass meets differently (it resynchronises across the cut), and so
    // is any the other outputs meet (they print problems only from one pass).
    let inRecord = false;
    const onProblem = (p: WarcProblem) => (inRecord && window.output === 'check' ? result.checked : result.problems).push(p);
    const file = openArchiveSource(source, { start: window.start, end: window.end, file: window.path, onProblem });
    function* edges(): Generator<ArchiveRecord> {
      for (const r of file.steps()) {
        if (!r) continue; // as records() does, without its generator layer
        result.first ??= { offset: r.offset, uri: r.targetUri ?? null };
        result.last = { end: r.offset + r.length, uri: r.targetUri ?? null };
        result.records++;
        inRecord = true;
        yield r;
        inRecord = false;
      }
    }
    if (window.output === 'cdxj') {
      // As cdxjLines does for a file of its own (the lengths from the file's bytes).
      const uncompressed = file.compression === 'none';
      const entries = cdxjEntries(edges(), basename(window.path), (r) => cdxLength(r, source, uncompressed));
      result.blocks = inBlocks(entries, formatCdxj);
    } else if (window.output === 'records-json') {
      result.blocks = inBlocks(edges(), (r) => JSON.stringify(summarizeRecord(r)));
    } else {
      for (const r of edges()) checkWarcRecord(r, onProblem);
      if (file.compression !== 'none') checkGzipMembers(source, window.start, window.end, (p) => result.crc.push(p));
    }
  } finally {
    source.close();
  }
  return result;
}

/** Lines per block of a window's output. */
const BLOCK_LINES = 512;

/** The line of each item, joined by '\n' in blocks of BLOCK_LINES. A window's thousands of lines are held until the
 *  window is done (and then copied to the calling thread): as one string each, they grew each thread's heap in many
 *  small steps, each answered by a full collection on V8's helper threads (19 on two threads for the 500 MB bench
 *  file, 7 with blocks; ~0.14 s of CPU). */
function inBlocks<T>(items: Iterable<T>, line: (item: T) => string): string[] {
  const blocks: string[] = [];
  let block: string[] = [];
  for (const item of items) {
    block.push(line(item));
    if (block.length === BLOCK_LINES) {
      blocks.push(block.join('\n'));
      block = [];
    }
  }
  if (block.length > 0) blocks.push(block.join('\n'));
  return blocks;
}
