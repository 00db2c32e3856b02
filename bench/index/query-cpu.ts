// Query CPU time of two source trees on one existing collection: the index bench's queries, each run in-process by
// each tree's own search code (its src/core/search, loaded by tsx), timed in CPU time of the process (user + system),
// which the other work of a shared machine slows far less than wall time (query-compare.ts measures wall time of the
// built CLIs; at a load of 12 on 2 cores its ratios for classes no change touched scattered 0.5-1.7). Per class: the
// p95 over its queries of the first page of hits (search) and of hits with totals and facets (search + searchFacets),
// each query's best of --repeat runs after one untimed run, for each tree, and their ratio. Trees alternate per
// class, the order flipping each round, so both see the same page cache and load.
//
//   npx tsx bench/index/query-cpu.ts <db> --base <checkout with src/> [--base-db <db2>] [--rounds 2] [--repeat 2]
//                                    [--classes phrase,prefix] [--sort relevance|date]
//
// --sort date times the first page of hits sorted by date (the UI's "Sort by: Date"); the full answer's facets are
// the same either way.
//
// The collection is opened read-only by both trees (neither may carry a schema migration the database lacks);
// --base-db gives the base tree a copy of <db> as its schema left it, as query-compare.ts's option does.
// Results go to bench/data/index-cpu.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { flagValue } from '../lib/args.js';
import { fmt, formatTable, summarize } from '../lib/stats.js';
import { QUERY_CLASSES, readQuerySet } from './queries.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench/data/index-cpu.json');

interface Timing {
  hitsCpuMs: number;
  fullCpuMs: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** In the child: one tree's search code over the queries, one JSON line per query. */
async function child(tree: string, db: string, queries: string[], repeat: number, sort: string): Promise<void> {
  const { Collection } = await import(pathToFileURL(join(tree, 'src/core/store/index.ts')).href);
  const { search, searchFacets } = await import(pathToFileURL(join(tree, 'src/core/search/index.ts')).href);
  const coll = Collection.open(db, { readonly: true });
  try {
    for (const query of queries) {
      let hits = Infinity;
      let full = Infinity;
      for (let i = 0; i <= repeat; i++) {
        const c0 = process.cpuUsage();
        search(coll, query, { limit: 10, sort });
        const h = cpuMs(c0);
        searchFacets(coll, query);
        const f = cpuMs(c0);
        if (i === 0) continue; // untimed: statements prepared, pages in the cache
        hits = Math.min(hits, h);
        full = Math.min(full, f);
      }
      process.stdout.write(JSON.stringify({ hitsCpuMs: hits, fullCpuMs: full } satisfies Timing) + '\n');
    }
  } finally {
    coll.close();
  }
}

function run(tree: string, db: string, queries: string[], repeat: number, sort: string): Timing[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', tree, db, String(repeat), sort], {
    input: JSON.stringify(queries),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`${tree}: exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Timing);
  if (lines.length !== queries.length) throw new Error(`${tree}: ${lines.length} timings for ${queries.length} queries`);
  return lines;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const input = await new Promise<string>((done) => {
      let s = '';
      process.stdin.on('data', (d) => (s += d)).on('end', () => done(s));
    });
    return child(argv[1], argv[2], JSON.parse(input) as string[], Number(argv[3]), argv[4]);
  }
  const db = argv[0];
  const base = flagValue(argv, 'base');
  if (!db || db.startsWith('--') || !existsSync(db) || !base || !existsSync(join(base, 'src/core/search/index.ts'))) {
    throw new Error('usage: query-cpu.ts <db> --base <checkout with src/> [--base-db <db2>] [--rounds N] [--repeat N] [--classes a,b] [--sort relevance|date]');
  }
  const rounds = Number(flagValue(argv, 'rounds') ?? 2);
  const repeat = Number(flagValue(argv, 'repeat') ?? 2);
  const only = flagValue(argv, 'classes')?.split(',');
  const sort = flagValue(argv, 'sort') ?? 'relevance';
  if (sort !== 'relevance' && sort !== 'date') throw new Error(`--sort ${sort}: relevance or date`);
  const cases = readQuerySet().filter((c) => !only || only.includes(c.cls));
  const trees = [resolve(base), ROOT];
  const dbs = [flagValue(argv, 'base-db') ?? db, db];
  const load: number[] = [];
  const figures: Record<string, Record<string, number>> = {};
  const rows: string[][] = [];
  for (const cls of QUERY_CLASSES) {
    const queries = cases.filter((c) => c.cls === cls).map((c) => c.query);
    if (!queries.length) continue;
    // Per tree, per query: the best over the rounds.
    const best = trees.map(() => queries.map(() => ({ hitsCpuMs: Infinity, fullCpuMs: Infinity })));
    for (let round = 0; round < rounds; round++) {
      for (const b of round % 2 === 0 ? [0, 1] : [1, 0]) {
        run(trees[b], dbs[b], queries, repeat, sort).forEach((t, k) => {
          best[b][k].hitsCpuMs = Math.min(best[b][k].hitsCpuMs, t.hitsCpuMs);
          best[b][k].fullCpuMs = Math.min(best[b][k].fullCpuMs, t.fullCpuMs);
        });
      }
      load.push(loadavg()[0]);
    }
    const p95 = (b: number, key: keyof Timing) => summarize(best[b].map((t) => t[key])).p95;
    const f = { baseHitsP95: p95(0, 'hitsCpuMs'), thisHitsP95: p95(1, 'hitsCpuMs'), baseFullP95: p95(0, 'fullCpuMs'), thisFullP95: p95(1, 'fullCpuMs') };
    figures[cls] = f;
    rows.push([cls, fmt(f.baseHitsP95, 1), fmt(f.thisHitsP95, 1), fmt(f.thisHitsP95 / f.baseHitsP95, 2),
      fmt(f.baseFullP95, 1), fmt(f.thisFullP95, 1), fmt(f.thisFullP95 / f.baseFullP95, 2)]);
    process.stderr.write(`${cls} done, load ${loadavg()[0].toFixed(2)}\n`);
  }
  process.stdout.write(
    formatTable(['class', 'hits CPU p95 base', 'this', 'ratio', 'full CPU p95 base', 'this', 'ratio'], rows) +
      `\nCPU ms per query (user + system, in-process, best of ${repeat} x ${rounds} rounds, sorted by ${sort}); load average ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)}\n`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify({ when: new Date().toISOString(), db, baseDb: dbs[0], base, sort, rounds, repeat, load, figures }, null, 2) + '\n');
  process.stderr.write(`results written to ${RESULTS}\n`);
}

await main();
