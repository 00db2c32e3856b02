// The benchmark helpers: percentiles the tables print, the fixed query set, and the engine memory probe.
// The query-set check needs the real corpus (../shared/corpus/html/readability-test-pages, the generator's source).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildQuerySet, formatQuerySet, QUERY_CLASSES, QUERY_FILE, readQuerySet } from '../../bench/index/queries.js';
import { anonBytes, cpuSeconds } from '../../bench/lib/proc.js';
import { formatTable, percentile, summarize } from '../../bench/lib/stats.js';
import { parseQuery } from '../../src/core/search/query.js';

const SOURCE = resolve(__dirname, '../../../shared/corpus/html/readability-test-pages');

describe('stats', () => {
  it('uses nearest-rank percentiles, so every figure printed was measured', () => {
    const xs = Array.from({ length: 100 }, (_, k) => k + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    const s = summarize([5, 1, 4, 2, 3]);
    expect([s.n, s.p50, s.max, s.mean]).toEqual([5, 3, 5, 3]);
  });

  it('aligns table columns', () => {
    const t = formatTable(['class', 'p95'], [['common', '12.5'], ['rare', '0.4']]).split('\n');
    expect(t).toEqual(['class    p95', '------  ----', 'common  12.5', 'rare     0.4']);
  });
});

describe('the fixed query set (bench/index/queries.tsv)', () => {
  const cases = readQuerySet();

  it('has >= 500 queries in every class, all valid in the search query language', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
    for (const cls of QUERY_CLASSES) expect(cases.filter((c) => c.cls === cls).length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(() => parseQuery(c.query), c.query).not.toThrow();
    expect(new Set(cases.map((c) => c.query)).size).toBe(cases.length);
  });

  // Regenerate the file (npx tsx bench/index/queries.ts) when the generator changes.
  it.skipIf(!existsSync(SOURCE))('is what queries.ts builds from the generator now', () => {
    expect(formatQuerySet(buildQuerySet())).toBe(readFileSync(QUERY_FILE, 'utf8'));
  });
});

describe.skipIf(!existsSync('/proc/self/status'))('process probes (/proc)', () => {
  it('sees a child process grow its anonymous memory, and 0 once it is gone', async () => {
    const grow =
      "process.stdin.once('data', () => { globalThis.b = Buffer.alloc(64 << 20, 1); console.log('ok'); });" +
      "process.stdin.once('end', () => process.exit(0));";
    const child = spawn(process.execPath, ['-e', grow], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((r) => setTimeout(r, 300));
    const before = anonBytes(child.pid!);
    child.stdin.write('go');
    await new Promise((r) => child.stdout.once('data', r));
    const after = anonBytes(child.pid!);
    expect(before).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThan(48 << 20);
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    expect(anonBytes(child.pid!)).toBe(0);
  });

  it('counts the CPU time a child burns, and 0 once it is gone', async () => {
    // The child spins until it has used 0.3 s of CPU by its own account, however busy the machine is.
    const spin = "while (process.cpuUsage().user < 3e5); console.log('done'); setTimeout(() => {}, 5000);";
    const child = spawn(process.execPath, ['-e', spin], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    const used = cpuSeconds(child.pid!);
    child.kill();
    await new Promise((r) => child.once('exit', r));
    expect(used).toBeGreaterThanOrEqual(0.28);
    expect(used).toBeLessThan(5);
    expect(cpuSeconds(child.pid!)).toBe(0);
  });
});
