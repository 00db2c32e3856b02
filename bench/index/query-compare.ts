// Query latency of two built CLIs on one existing collection, alternating so both see the same machine load (issue 16:
// "measure a peer in the same run"): the per-class p95 of the first page of hits (hitsMs) and of hits with totals and
// facets (tookMs) for each, and their ratio. The collection is opened read-only by both (`archivestream search` never
// writes); neither may carry a schema migration the database lacks, or opening it would migrate it.
//
//   npx tsx bench/index/query-compare.ts <db> --base <checkout> [--base-db <db2>] [--rounds 3] [--classes phrase,prefix]
//
// --base-db gives the base build a database of its own: a copy of <db> as the base's schema left it, when this build
// changes what the database holds (an index, say), so that the base is timed on what it would have.
// <checkout> is a folder with bin/archivestream.mjs and out/ built (e.g. a copy of main's after scripts/build-node.mjs);
// this checkout's CLI is built first. Each round runs the whole query set once per build (a warm-up round first);
// each query's figure is its median over the rounds, then p95 over the class. Results go to
// bench/data/index-compare.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { flagValue } from '../lib/args.js';
import { fmt, formatTable, summarize } from '../lib/stats.js';
import { QUERY_CLASSES, readQuerySet, type QueryClass } from './queries.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench/data/index-compare.json');

interface Line {
  query: string;
  tookMs?: number;
  hitsMs?: number;
  total?: number;
  totalIsEstimate?: boolean;
  plan?: string;
}

function pass(cli: string, db: string, queryFile: string): Line[] {
  const r = spawnSync(process.execPath, [cli, 'search', db, '--queries', queryFile, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${cli} search exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const argv = process.argv.slice(2);
  const db = argv[0];
  const base = flagValue(argv, 'base');
  if (!db || db.startsWith('--') || !existsSync(db) || !base) {
    throw new Error('usage: query-compare.ts <db> --base <checkout> [--base-db <db2>] [--rounds N] [--classes a,b]');
  }
  const rounds = Number(flagValue(argv, 'rounds') ?? 3);
  const baseDb = flagValue(argv, 'base-db') ?? db;
  const only = flagValue(argv, 'classes')?.split(',');
  const cases = readQuerySet().filter((c) => !only || only.includes(c.cls));
  const dataDir = join(ROOT, 'bench/data/index');
  mkdirSync(dataDir, { recursive: true });
  const queryFile = join(dataDir, 'compare-queries.txt');
  writeFileSync(queryFile, cases.map((c) => c.query).join('\n') + '\n');

  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const builds = [
    { name: 'base', cli: join(resolve(base), 'bin/archivestream.mjs'), db: baseDb },
    { name: 'this', cli: join(ROOT, 'bin/archivestream.mjs'), db },
  ];
  const load: number[] = [];
  const runs = builds.map(() => [] as Line[][]);
  for (let round = -1; round < rounds; round++) {
    // Alternate which build goes first, so neither always follows the other's page cache warming.
    const order = round % 2 === 0 ? [1, 0] : [0, 1];
    for (const b of order) {
      const lines = pass(builds[b].cli, builds[b].db, queryFile);
      if (lines.length !== cases.length) throw new Error(`${builds[b].name}: ${lines.length} lines for ${cases.length} queries`);
      if (round >= 0) runs[b].push(lines);
    }
    load.push(loadavg()[0]);
    process.stderr.write(`round ${round + 1}/${rounds} done, load ${loadavg()[0].toFixed(2)}\n`);
  }
  // Each query's median over the rounds, per build; then the class's p95 of those.
  const per = (b: number, key: 'hitsMs' | 'tookMs') =>
    cases.map((_, k) => median(runs[b].map((lines) => lines[k][key] ?? NaN)));
  const figures: Record<string, Record<string, number>> = {};
  const rows: string[][] = [];
  const hits = builds.map((_, b) => per(b, 'hitsMs'));
  const took = builds.map((_, b) => per(b, 'tookMs'));
  for (const cls of QUERY_CLASSES as readonly QueryClass[]) {
    const idx = cases.flatMap((c, k) => (c.cls === cls ? [k] : []));
    if (!idx.length) continue;
    const p95 = (xs: number[]) => summarize(idx.map((k) => xs[k])).p95;
    const f = {
      baseHitsP95: p95(hits[0]), thisHitsP95: p95(hits[1]), baseTookP95: p95(took[0]), thisTookP95: p95(took[1]),
    };
    figures[cls] = f;
    rows.push([cls, fmt(f.baseHitsP95, 1), fmt(f.thisHitsP95, 1), fmt(f.thisHitsP95 / f.baseHitsP95, 2),
      fmt(f.baseTookP95, 1), fmt(f.thisTookP95, 1), fmt(f.thisTookP95 / f.baseTookP95, 2)]);
  }
  // The same answers from both: a plan change must not change an exact total (an estimate may move with the sample).
  const shown = (l: Line) => `${l.total}${l.totalIsEstimate ? ' (estimate)' : ''}`;
  const differing = cases.flatMap((c, k) =>
    runs[0][0][k].total !== runs[1][0][k].total ? [`${c.query}: ${shown(runs[0][0][k])} vs ${shown(runs[1][0][k])}`] : []);
  const exactDiffering = cases.filter((_, k) =>
    runs[0][0][k].total !== runs[1][0][k].total && !runs[0][0][k].totalIsEstimate && !runs[1][0][k].totalIsEstimate).length;
  process.stdout.write(
    formatTable(['class', 'hits p95 base', 'this', 'ratio', 'full p95 base', 'this', 'ratio'], rows) +
      `\nload average ${load.map((l) => l.toFixed(2)).join(' ')}; totals differing: ${differing.length}, both exact: ${exactDiffering}\n` +
      differing.slice(0, 10).join('\n') + (differing.length ? '\n' : ''),
  );
  const slow = cases
    .map((c, k) => ({ cls: c.cls, query: c.query, base: hits[0][k], this: hits[1][k], plan: runs[1][0][k].plan }))
    .sort((a, b) => b.this - a.this)
    .slice(0, 15);
  writeFileSync(RESULTS, JSON.stringify({ when: new Date().toISOString(), db, baseDb, rounds, load, figures, slow, differing, exactDiffering }, null, 2) + '\n');
  process.stderr.write(`results written to ${RESULTS}\n`);
}

main();
