// What readOnThreads (parallel.ts) and its threads (read-thread.ts) pass each other.
import type { WarcProblem } from './types.js';

/** What a thread makes of each record: CDXJ lines (`cdxj`) or `records --json` lines. */
export type ReadOutput = 'cdxj' | 'records-json';

/** A window [start, end) of the file, starting at a gzip member that holds a WARC record's head. */
export interface ReadWindow {
  path: string;
  start: number;
  end: number;
  output: ReadOutput;
}

/** What a thread read in its window. `first` and `last` are its first and last records (offset, end, target URI). */
export interface WindowResult {
  lines: string[];
  problems: WarcProblem[];
  first: { offset: number; uri: string | null } | null;
  last: { end: number; uri: string | null } | null;
}
