// Memory and CPU time of a running process tree as Linux reports them, for benchmarks that watch an engine from
// outside.
import { readFileSync, readdirSync } from 'node:fs';

/** The pid and its descendants (worker threads are not processes: they count in their process's figures). */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended between listing and reading
    }
  }
  return out;
}

/** Anonymous resident memory of a process and all its descendants, in bytes: RSS minus file-backed pages, so mmap'd
 *  archive files and SQLite's memory map (which the kernel can drop and re-read at will) do not inflate the figure.
 *  Worker threads share their process's figure; child processes are added. 0 when the process is gone. */
export function anonBytes(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

/** CPU seconds (user + system, all threads) the process tree has used so far; on a machine shared with other work
 *  this, not wall time, says what the work costs. 0 when the process is gone. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at ")"; utime and stime are fields 14 and 15.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / USER_HZ;
}

/** CPU seconds the whole machine has spent busy (every core, every process: /proc/stat's first line, all but idle
 *  and iowait) since boot; the difference over a run, minus the run's own CPU time, is what other work took. */
export function busyCoreSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / USER_HZ;
}
