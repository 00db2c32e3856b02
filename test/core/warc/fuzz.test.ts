// The fuzz suite (issue 13): cuts and byte flips of every corpus file and of files made here, corrupted gzip members,
// zip central directories and length fields overwritten, and decompression bombs (fuzz-cases.ts lists them). Owed: no
// exception escapes the reader API (bad input comes out as problems), no case outlives its time budget, and memory
// stays bounded. Cases run in child processes (fuzz-driver.ts) so that a hang can be cut off and named and peak RSS
// measured; the suite goes on after a hang with the next case.
// `npm test` runs the quick form (a seeded sample, well under a minute); `npm run test:fuzz` (FUZZ=full) runs every cut
// of the corpus files under 16 KB and many more flips and field values. FUZZ_SEED picks another sample; FUZZ_FROM=N
// goes on with a full run from case N (each child prints where it stands).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODE = process.env.FUZZ === 'full' ? 'full' : 'quick';
const SEED = Number(process.env.FUZZ_SEED ?? 13);
/** The case a run starts at: FUZZ_FROM=50000 goes on with a full run that was stopped there (it prints where it is). */
const FROM = Number(process.env.FUZZ_FROM ?? 0);
const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc');
const HAS_CORPUS = existsSync(CORPUS);
/** A case that takes longer is a hang (the largest corpus file, 2.5 MB and 822 records, takes well under a second). */
const BUDGET_MS = 10_000;
/** A child silent this long is stuck inside a case: it is killed and the case counted as a hang. */
const SILENT_MS = 3 * BUDGET_MS;
/** A child's start-up builds the whole case list (every corpus file read, cut and flipped), which is no case: on a
 *  busy machine it took over a minute, and a start-up cut short was counted as a hang of no case. */
const START_MS = 600_000;
/** The bombs inflate to 1 GiB each: one read whole would pass this. */
const RSS_LIMIT_MB = 768;
/** Cases per child process: the peak RSS then measures what cases hold, not a heap grown over hours of garbage. */
const CHUNK = 5000;

interface Summary {
  cases: number;
  crashes: Array<{ crash: number; name: string; error: string }>;
  hangs: Array<{ case: number; name?: string; ms?: number }>;
  peakRssMb: number;
  /** The case that last raised the peak by a step (fuzz-driver.ts), to look at when the peak passes the bound. */
  peakCase: string;
  seconds: number;
}

function runChild(from: number): Promise<{ total: number; lastStarted: number; ended: boolean; crashes: Summary['crashes']; slow: Summary['hangs']; maxRssMb: number; peakCase: string }> {
  return new Promise((done, fail) => {
    const args = [MODE, String(SEED), String(from), String(from + CHUNK), String(BUDGET_MS), HAS_CORPUS ? CORPUS : ''];
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', resolve(__dirname, 'fuzz-driver.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const state = { total: 0, lastStarted: from - 1, ended: false, crashes: [] as Summary['crashes'], slow: [] as Summary['hangs'], maxRssMb: 0, peakCase: '' };
    let timer = setTimeout(() => child.kill('SIGKILL'), START_MS);
    let rest = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), SILENT_MS);
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('S ')) state.lastStarted = Number(line.slice(2));
        else {
          const m = JSON.parse(line);
          if (m.total !== undefined) state.total = m.total;
          else if (m.crash !== undefined) state.crashes.push(m);
          else if (m.slow !== undefined) state.slow.push({ case: m.slow, name: m.name, ms: m.ms });
          else if (m.peak !== undefined) state.peakCase = `case ${m.peak} (${m.name}) at ${m.rssMb} MB`;
          else if (m.end) Object.assign(state, { ended: true, maxRssMb: m.maxRssMb });
        }
      }
    });
    child.on('error', fail);
    child.on('exit', () => {
      clearTimeout(timer);
      done(state);
    });
  });
}

async function fuzz(): Promise<Summary> {
  const started = Date.now();
  const summary: Summary = { cases: 0, crashes: [], hangs: [], peakRssMb: 0, peakCase: '', seconds: 0 };
  for (let from = FROM; ; ) {
    const run = await runChild(from);
    if (run.total === 0) throw new Error(`the fuzz child for cases from ${from} died before it listed them (start-up past ${START_MS / 1000} s?)`);
    summary.cases = run.total;
    summary.crashes.push(...run.crashes);
    summary.hangs.push(...run.slow);
    if (run.maxRssMb > summary.peakRssMb) summary.peakCase = run.peakCase;
    summary.peakRssMb = Math.max(summary.peakRssMb, run.maxRssMb);
    // A full run takes hours: say where it is after every child, so that an interrupted run still has its figures.
    if (MODE === 'full')
      console.log(`fuzz full: ${Math.min(run.lastStarted + 1, run.total)}/${run.total} cases, ${summary.crashes.length} crashes, ${summary.hangs.length} hangs, peak RSS ${summary.peakRssMb} MB${summary.peakCase ? ` (raised by ${summary.peakCase})` : ''}, ${Math.round((Date.now() - started) / 1000)} s`);
    if (run.ended) {
      from += CHUNK;
      if (from >= run.total) break;
      continue;
    }
    // Killed (a hang) or died (out of memory, a native crash): the case it was in is counted, the rest goes on.
    summary.hangs.push({ case: run.lastStarted });
    from = run.lastStarted + 1;
    if (from >= run.total) break;
  }
  summary.seconds = Math.round((Date.now() - started) / 1000);
  return summary;
}

describe(`fuzzing the reader (${MODE}, seed ${SEED})`, () => {
  it('no crash, no hang, bounded memory', async () => {
    if (!HAS_CORPUS) console.log(`fuzz: ${CORPUS} is absent: generated files only`);
    const s = await fuzz();
    console.log(`fuzz ${MODE}: ${s.cases} cases${FROM ? ` (from case ${FROM})` : ''}, ${s.crashes.length} crashes, ${s.hangs.length} hangs, peak RSS ${s.peakRssMb} MB${s.peakCase ? ` (raised by ${s.peakCase})` : ''}, ${s.seconds} s`);
    expect(s.cases).toBeGreaterThan(HAS_CORPUS ? 2500 : 800);
    expect(s.crashes).toEqual([]);
    expect(s.hangs).toEqual([]);
    expect(s.peakRssMb).toBeGreaterThan(0); // the child reported it: it ran to the end
    expect(s.peakRssMb).toBeLessThan(RSS_LIMIT_MB);
  }, MODE === 'full' ? 4 * 3600_000 : 600_000); // the time budget that matters is per case; the machine may be busy
});
