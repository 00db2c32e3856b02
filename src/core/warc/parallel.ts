// Reading one WARC, plain or per-record gzip, on every core: the file is cut at record (gzip member) boundaries into
// one window per thread; each thread (read-thread.ts; the first window is read on the calling thread) inflates and
// reads its window's records over its own mapping of the file, and the windows' output lines are joined in file
// order. The one-core path (the CLI's loop over file.records()) stays the reference: a window's output is used only
// when it provably equals what that loop gives, else the whole file is read on one core (see checkWindows).
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { endThread, startThread } from '../threads.js';
import { checkArchive, reportProblems, type CheckReport } from './check.js';
import { ArchiveError } from './errors.js';
import { findGzipMagic, inflateMember } from './gzip.js';
import { parseWarcHead, type Head } from './heads.js';
import { findRecordStart } from './reader.js';
import { openArchive } from './index.js';
import { openSource } from './source.js';
import type { ReadOutput, ReadWindow, WindowResult } from './read-protocol.js';
import { readWindow } from './read-window.js';
import type { ArchiveFile, ByteSource } from './types.js';

/** A file smaller than this is read on one core: a second thread pays when the half of the reading it takes off the
 *  first is more than what the thread costs itself ('o' in bench/warc/cores.ts: its start-up, compiling the reader
 *  afresh, V8's helper threads for a second heap). On a quiet 2-core run (500 MB plain, 108 MB per-record gzip) o was
 *  0.54 s of CPU beside 11 ms a compressed MB of gzip reading, and 0.34 s beside 0.6 ms a MB of plain reading: so a
 *  second thread pays from about 100 MB of gzip and 1.1 GB of plain WARC (at 500 MB plain, two threads were slower).
 *  Finding the windows is no part of o (6 ms for a 500 MB plain file). Since the binding loads directly and windows
 *  hold their lines in blocks, o is 0.24 s beside 0.73 s of reading for a 64 MB cut of the gzip file (threads pay from
 *  ~45 MB: 64 MB kept as the floor), 0.29 s at 108 MB. On a plain file o grows with the file, as V8's helper threads
 *  do more for two heaps than for one: two threads only shorten the wall time, and on 2 cores only past ~1 GB
 *  (ARCHITECTURE.md, "Reading archives", per-thread CPU). */
export const PARALLEL_MIN_BYTES = { gzip: 64 << 20, plain: 1 << 30 };

/** The size from which a file is read on several threads that ARCHIVESTREAM_THREADS_FROM_MB (in MB) sets in place of
 *  the defaults, for both kinds of file, here and for ingest's windows (ingest/index.ts); null when it is not set.
 *  bench/warc/cores.ts reads files below the defaults on threads to measure what a thread costs (CONTRIBUTING.md). */
export function forcedThreadsFromBytes(): number | null {
  const mb = Number(process.env.ARCHIVESTREAM_THREADS_FROM_MB);
  return mb > 0 ? mb * 2 ** 20 : null;
}

const minBytesOf = (file: ArchiveFile): number =>
  forcedThreadsFromBytes() ?? (file.compression === 'none' ? PARALLEL_MIN_BYTES.plain : PARALLEL_MIN_BYTES.gzip);

/** The target URI of the record that starts at `pos` (undefined: none) and where it ends; null when no whole record
 *  starts there: for per-record gzip, no whole member inflating to a WARC head (a 1f 8b 08 inside compressed data
 *  fails here); for a plain file, no WARC head whose block is followed by CRLF CRLF ('WARC/1.1' inside a payload
 *  rarely passes, and where it does, checkWindows refuses the cut). */
function recordAt(src: ByteSource, pos: number, end: number, gzip: boolean): { uri: string | undefined; end: number } | null {
  let head: Head;
  let after: number;
  if (gzip) {
    const m = inflateMember(src, pos, end, { keep: HEAD_BYTES });
    if (!m.ok) return null;
    head = parseWarcHead(m.data, m.size === m.data.length);
    after = m.end;
  } else {
    head = parseWarcHead(src.read(pos, Math.min(HEAD_BYTES, end - pos)), HEAD_BYTES >= end - pos);
    if (!head.ok || head.contentLength < 0) return null;
    const blockEnd = pos + head.headerLength + head.contentLength;
    if (src.read(blockEnd, 4).toString('latin1') !== '\r\n\r\n') return null;
    after = blockEnd + 4;
  }
  return head.ok ? { uri: head.fields.get('WARC-Target-URI')?.trim(), end: after } : null;
}

const HEAD_BYTES = 8192;

/** Where a window may start at or after `from`: a record (its gzip member, for per-record gzip) whose target URI
 *  differs from the record's just before it (CDXJ pairs neighbours of one URI: a request and its response stay in one
 *  window); -1 when there is none before `end`. */
export function recordStartAfter(path: string, from: number, end: number, gzip: boolean): number {
  const src = openSource(path, 'mmap');
  const next = (p: number) => (gzip ? findGzipMagic(src, p, end) : findRecordStart(src, p, end, 'warc'));
  try {
    for (let p = next(from); p >= 0 && p < end; p = next(p + 1)) {
      let before = recordAt(src, p, end, gzip);
      // From a record, walk record to record until one's URI differs from the one before.
      for (let q = before?.end ?? end; before && q < end;) {
        const record = recordAt(src, q, end, gzip);
        if (!record) break; // not a clean run of records here: look for the next candidate
        if (record.uri !== before.uri) return q;
        before = record;
        q = record.end;
      }
    }
    return -1;
  } finally {
    src.close();
  }
}

/** The windows a file is cut into for `parts` threads (fewer when members are scarce): cut points near equal
 *  shares of the bytes, each moved to the next record (gzip member) that may start a window. */
export function windowsOf(path: string, size: number, parts: number, output: ReadOutput, gzip = true): ReadWindow[] {
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    const at = recordStartAfter(path, Math.max(cuts[cuts.length - 1] + 1, Math.floor((size * k) / parts)), size, gzip);
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

/** The file's output lines read on `threads` threads, in file order, in blocks of whole lines joined by '\n' (see
 *  WindowResult); null when the file is not one to read so (see readWindows) or when checkWindows finds the windows'
 *  output might differ from one pass: the caller then reads it on one core, as it always did. */
export async function readOnThreads(
  file: ArchiveFile, output: ReadOutput, threads = availableParallelism(), minBytes = minBytesOf(file),
): Promise<string[] | null> {
  return (await readWindows(file, output, threads, minBytes))?.flatMap((r) => r.blocks) ?? null;
}

/** What each window's thread read, in file order; null when the file is not one to read on threads (not a WARC, plain
 *  or per-record gzip; smaller than minBytes; one thread) or when checkWindows refuses the windows. */
export async function readWindows(
  file: ArchiveFile, output: ReadOutput, threads = availableParallelism(), minBytes = minBytesOf(file),
): Promise<WindowResult[] | null> {
  const gzip = file.compression === 'gzip-members';
  if (threads < 2 || file.format !== 'warc' || !(gzip || file.compression === 'none') || file.size < minBytes) return null;
  const windows = windowsOf(file.path, file.size, threads, output, gzip);
  if (windows.length < 2) return null;
  // The first window is read here, while threads read the others: one thread fewer to start (~75 ms of CPU each,
  // and each compiles the reader afresh), and this thread does not sit idle.
  const others = windows.slice(1).map(readWindowOnThread);
  let first;
  try {
    first = readWindow(windows[0]);
  } finally {
    await Promise.allSettled(others); // none is left running, whatever happened here
  }
  const results = [first, ...(await Promise.all(others))];
  return checkWindows(windows, results) ? results : null;
}

/** checkArchive's report (check.ts), for a large WARC read on `threads` threads where the windows' reading provably
 *  equals one pass's; else checkArchive's own pass. */
export async function checkArchiveOnThreads(path: string, threads: number, minBytes?: number): Promise<CheckReport> {
  let file;
  try {
    file = openArchive(path, { onProblem: () => {} });
  } catch (e) {
    if (e instanceof ArchiveError) return checkArchive(path);
    throw e;
  }
  try {
    const windows = await readWindows(file, 'check', threads, minBytes);
    if (windows) return checkReportOf(windows);
  } finally {
    file.close();
  }
  return checkArchive(path);
}

/** The check report of a file from its windows' results (readWindows, output 'check'). */
export function checkReportOf(windows: readonly WindowResult[]): CheckReport {
  const records = windows.reduce((n, w) => n + w.records, 0);
  // One pass reports every record's problems, then every member's CRC problems: so are the windows' joined.
  const reported = [...windows.flatMap((w) => w.checked), ...windows.flatMap((w) => w.crc)];
  return { records, problems: reportProblems(reported), unreadable: false };
}

async function readWindowOnThread(window: ReadWindow): Promise<WindowResult> {
  const thread = startThread('warc-reader', new URL('./read-thread.ts', import.meta.url), { workerData: window });
  const message = once(thread, 'message') as Promise<[WindowResult | { error: string }]>;
  const [result] = await message;
  await endThread(thread, 1000); // its message is its last act
  if ('error' in result) throw new Error(result.error);
  return result;
}
