// What the file table says about each archive file: a state a user can trust (issue 15). A file that yielded nothing
// is not "indexed": it is unreadable, or not an archive at all, with the reason beside it; a file read up to a break
// says how much it gave before it. Pure, tested in test/renderer/file-status.test.ts.
import type { CollectionFile } from '../shared/api-collections.js';
import { plural } from './format.js';

export interface FileStatus {
  /** The badge: 'indexed', 'indexed with 2 problems', 'unreadable', 'not an archive', ... */
  label: string;
  /** Its colour: done, done with problems, failed, or not (yet) read. */
  tone: 'ok' | 'warn' | 'bad' | 'idle';
  /** A line under the badge: why, or what was read. */
  detail: string | null;
}

/** Problems that mean the file ends early: what came before the break was read. */
export const CUT_SHORT: ReadonlySet<string> = new Set(['gzip-truncated', 'warc-truncated']);

export function fileStatus(f: CollectionFile, ingesting: boolean): FileStatus {
  // The row names the file already: a message that starts with its path ("<path>: PNG image, ...") is shown without.
  const problem = f.problem && { ...f.problem, message: f.problem.message.startsWith(`${f.path}: `) ? f.problem.message.slice(f.path.length + 2) : f.problem.message };
  switch (f.state) {
    case 'missing':
      return { label: 'missing on disk', tone: 'bad', detail: 'Relink it if it moved.' };
    case 'changed':
      return { label: 'changed since indexed', tone: 'bad', detail: 'The next ingest reads it again.' };
    case 'pending':
      return { label: ingesting ? 'queued' : 'not indexed yet', tone: 'idle', detail: null };
    case 'indexing':
      return { label: 'indexing', tone: 'idle', detail: null };
    case 'skipped':
      return { label: 'skipped', tone: 'idle', detail: null };
    case 'done':
    case 'error':
      break;
  }
  if (problem?.code === 'not-an-archive' || problem?.code === 'empty-file') {
    return { label: 'not an archive', tone: 'bad', detail: problem.message };
  }
  if (f.records === 0 && (f.state === 'error' || f.errors > 0)) {
    return { label: 'unreadable', tone: 'bad', detail: problem?.message ?? null };
  }
  if (problem && CUT_SHORT.has(problem.code)) {
    return {
      label: 'damaged: cut short',
      tone: 'warn',
      detail: `${plural(f.records, 'complete record')} read before the break: ${problem.message}`,
    };
  }
  // Reading stopped inside the file (a worker crash, a file that changed while read): what came before is kept.
  if (f.state === 'error') {
    return { label: 'partly read', tone: 'bad', detail: `${plural(f.records, 'record')} read before: ${problem?.message ?? 'reading stopped'}` };
  }
  if (f.errors > 0) return { label: `indexed with ${plural(f.errors, 'problem')}`, tone: 'warn', detail: problem?.message ?? null };
  return { label: 'indexed', tone: 'ok', detail: null };
}
