// Reading one per-record-gzip WARC on every core: the file is cut at gzip member boundaries into one window per
// thread, each thread (read-thread.ts) inflates and reads its window's records over its own mapping of the file, and
// the windows' output lines are joined in file order. The one-core path (the CLI's loop over file.records()) stays
// the reference: a window's output is used only when it provably equals what that loop gives, else the whole file is
// read on one core (see checkWindows).
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { endThread, startThread } from '../threads.js';
import { findGzipMagic, inflateMember } from './gzip.js';
import { openSource } from './source.js';
import type { ReadOutput, ReadWindow, WindowResult } from './read-protocol.js';
import type { ArchiveFile, ByteSource } from './types.js';

/** A file smaller than this is read on one core: a thread's start-up (~50 ms) costs about what it saves. */
export const PARALLEL_MIN_BYTES = 8 << 20;

/** The target URI of the record a gzip member at `pos` begins (undefined: none), and where the member ends; null
 *  when no whole member there inflates to a WARC record's head. A 1f 8b 08 inside compressed data fails here. */
function memberRecord(src: ByteSource, pos: number, end: number): { uri: string | undefined; end: number } | null {
  const m = inflateMember(src, pos, end, { keep: HEAD_BYTES });
  if (!m.ok || m.data.toString('latin1', 0, 5) !== 'WARC/') return null;
  const head = m.data.toString('latin1');
  const uri = /\r\nWARC-Target-URI: *([^\r\n]*)/i.exec(head.slice(0, head.indexOf('\r\n\r\n') >>> 0))?.[1]?.trim();
  return { uri, end: m.end };
}

const HEAD_BYTES = 8192;

/** Where a window may start at or after `from`: a gzip member that begins a WARC record whose target URI differs from
 *  the record of the member just before it (CDXJ pairs neighbours of one URI: a request and its response stay in one
 *  window); -1 when there is none before `end`. */
export function memberStartAfter(path: string, from: number, end: number): number {
  const src = openSource(path, 'mmap');
  try {
    for (let p = findGzipMagic(src, from, end); p >= 0 && p < end; p = findGzipMagic(src, p + 1, end)) {
      let before = memberRecord(src, p, end);
      // From a member that begins a record, walk member to member until one's URI differs from the one before.
      for (let q = before?.end ?? end; before && q < end;) {
        const next = memberRecord(src, q, end);
        if (!next) break; // not a clean run of members here: look for the next magic
        if (next.uri !== before.uri) return q;
        before = next;
        q = next.end;
      }
    }
    return -1;
  } finally {
    src.close();
  }
}

/** The windows a file is cut into for `parts` threads (fewer when members are scarce): cut points near equal
 *  shares of the bytes, each moved to the next member that starts a record. */
export function windowsOf(path: string, size: number, parts: number, output: ReadOutput): ReadWindow[] {
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    const at = memberStartAfter(path, Math.max(cuts[cuts.length - 1] + 1, Math.floor((size * k) / parts)), size);
    if (at < 0) break;
    if (at > cuts[cuts.length - 1]) cuts.push(at);
  }
  return cuts.map((start, k) => ({ path, start, end: k + 1 < cuts.length ? cuts[k + 1] : size, output }));
}

/** Whether the windows' results, joined, are exactly what one pass over the file gives: no window met damage (a
 *  problem may make the one-core scan resynchronise across a cut), each window starts where the one before ended,
 *  and no cut falls between two records of the same target URI (CDXJ pairs such neighbours: cdxj.ts cdxjEntries). */
export function checkWindows(windows: readonly ReadWindow[], results: readonly WindowResult[]): boolean {
  return results.every((r, k) => {
    if (r.problems.length > 0) return false;
    if (k === 0) return true;
    const before = results[k - 1].last;
    return before !== null && r.first !== null && before.end === windows[k].start && r.first.offset === windows[k].start &&
      before.uri !== r.first.uri;
  });
}

/** The file's output lines read on `threads` threads, in file order; null when the file is not one to read so (not
 *  a per-record-gzip WARC, smaller than minBytes, one thread) or when checkWindows finds the windows' output might
 *  differ from one pass: the caller then reads it on one core, as it always did. */
export async function readOnThreads(
  file: ArchiveFile, output: ReadOutput, threads = availableParallelism(), minBytes = PARALLEL_MIN_BYTES,
): Promise<string[] | null> {
  if (threads < 2 || file.format !== 'warc' || file.compression !== 'gzip-members' || file.size < minBytes) return null;
  const windows = windowsOf(file.path, file.size, threads, output);
  if (windows.length < 2) return null;
  const results = await Promise.all(windows.map(readWindowOnThread));
  return checkWindows(windows, results) ? results.flatMap((r) => r.lines) : null;
}

async function readWindowOnThread(window: ReadWindow): Promise<WindowResult> {
  const thread = startThread('warc-reader', new URL('./read-thread.ts', import.meta.url), { workerData: window });
  const message = once(thread, 'message') as Promise<[WindowResult | { error: string }]>;
  const [result] = await message;
  await endThread(thread, 1000); // its message is its last act
  if ('error' in result) throw new Error(result.error);
  return result;
}
