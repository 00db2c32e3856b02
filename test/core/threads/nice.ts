// Nice levels of this process's threads as the kernel reports them (Linux): field 19 of /proc/PID/task/TID/stat. The
// name, field 2, may hold spaces, so fields are counted after its closing parenthesis.
import { readdirSync, readFileSync } from 'node:fs';

export function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

/** Every live thread's nice level, by thread id (a thread that ended while being read is left out). */
export function threadNiceLevels(): Map<number, number> {
  const levels = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`).map(Number)) {
    try {
      levels.set(tid, niceOf(tid));
    } catch {
      // ended meanwhile
    }
  }
  return levels;
}
