// Child-process driver for corpus.test.ts: runs the `records` command on each file given, in one process, and prints
// one JSON line per file (exit status, stdout/stderr line counts, stderr lines). Run apart so that a hang is caught by
// the parent's timeout and the last "start" line names the file; a throw is caught here and reported as a crash.
import { records } from '../../../src/cli/commands/records.js';

for (const path of process.argv.slice(2)) {
  process.stdout.write(JSON.stringify({ start: path }) + '\n');
  const out: string[] = [];
  const err: string[] = [];
  let status: number | 'crash';
  let crash = '';
  try {
    status = await records.run([path], { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  } catch (e) {
    status = 'crash';
    crash = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  process.stdout.write(JSON.stringify({ path, status, out: out.length, err, crash, firstOut: out[0] ?? null }) + '\n');
}
