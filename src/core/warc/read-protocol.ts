// What readOnThreads (parallel.ts) and its threads (read-thread.ts) pass each other.
import type { WarcProblem } from './types.js';

/** What a thread makes of each record: CDXJ lines (`cdxj`), `records --json` lines, or `check`'s problems. */
export type ReadOutput = 'cdxj' | 'records-json' | 'check';

/** A window [start, end) of the file, starting at a WARC record (its gzip member, for per-record gzip). */
export interface ReadWindow {
  path: string;
  start: number;
  end: number;
  output: ReadOutput;
}

/** What a thread read in its window. `first` and `last` are its first and last records (offset, end, target URI). */
export interface WindowResult {
  /** `cdxj` and `records-json`: the output lines in blocks, each some hundreds of whole lines joined by '\n'. */
  blocks: string[];
  /** What the reader met while finding the window's records (any makes checkWindows refuse the windows). */
  problems: WarcProblem[];
  records: number;
  /** `check` only: what checking the records found, and the gzip members' CRC problems, each in file order. */
  checked: WarcProblem[];
  crc: WarcProblem[];
  first: { offset: number; uri: string | null } | null;
  last: { end: number; uri: string | null } | null;
}
