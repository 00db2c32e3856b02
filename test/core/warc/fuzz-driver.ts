// Child process of the fuzz suite (fuzz.test.ts): runs cases [from, to) of the list and writes one line per case
// start ("S <i>"), one per crash or slow case and per case that raised the peak RSS by a step (JSON), and a last line
// with its peak RSS. Written synchronously, so that the parent knows which case was running when it has to kill this
// process for a hang.
import { writeSync } from 'node:fs';
import { exercise, listCases, type Mode } from './fuzz-cases.js';

const [mode, seed, from, to, budgetMs, corpus] = process.argv.slice(2);
// Freed buffers are returned to the system lazily; collecting now and then keeps the peak RSS about what cases hold.
const gc = (globalThis as { gc?: () => void }).gc;
const say = (line: string) => writeSync(1, line + '\n');
const first = Number(from);
const end = Number(to);
// Counted first (cases are made as they are asked for, bytes only when run), so that the parent knows where it ends.
let total = 0;
for (const _ of listCases(mode as Mode, Number(seed), corpus || null)) total++;
say(JSON.stringify({ total }));
/** Peaks are named in steps of this many MB above the RSS the case list left. */
const RSS_STEP_MB = 64;
let peakNamedMb = Math.round(process.resourceUsage().maxRSS / 1024);
let i = 0;
for (const c of listCases(mode as Mode, Number(seed), corpus || null)) {
  if (i >= first && i < end) {
    if (i % 100 === 0) gc?.();
    say(`S ${i}`);
    const t = performance.now();
    try {
      exercise(c.name, c.bytes());
    } catch (e) {
      say(JSON.stringify({ crash: i, name: c.name, error: e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e) }));
    }
    const ms = performance.now() - t;
    if (ms > Number(budgetMs)) say(JSON.stringify({ slow: i, name: c.name, ms: Math.round(ms) }));
    // A case that raised the peak by a step is named, so that a peak over the bound points at what made it.
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    if (rssMb >= peakNamedMb + RSS_STEP_MB) {
      peakNamedMb = rssMb;
      say(JSON.stringify({ peak: i, name: c.name, rssMb }));
    }
  }
  i++;
}
say(JSON.stringify({ end: true, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
