// What the bulk load's FTS5 merge settings cost the writer at scale: the pages of a kept collection, in id order,
// written into a bare contentless FTS5 table with pages_fts's columns, tokenizer and hash size, a commit per
// --commit pages (the writer commits a batch at a time: ~256 real pages), automerge 0 and each --crisismerge in
// turn, then 'optimize', as a bulk ingest ends. Settings alternate over --rounds, so both see the same machine.
// A merge of merged segments only shows past crisismerge^2 commits (at 32 and 256 pages a commit, ~262k pages), so
// --pages must reach that far to tell settings apart.
//
//   npx tsx bench/ingest/fts-merges.ts <collection.sqlite> [--pages 300000] [--commit 256] [--crisismerge 32,128]
//                                      [--rounds 2]
// The collection is read only (bench/index/run.ts --shape real --keep leaves one in bench/data/index); the FTS5
// table is written beside it and removed. Figures: CPU of this thread per page for the rows with their commits
// (merges included) and for the optimize, each setting's total over the first's (round by round), and the slowest
// commit's wall time (the writer's longest stall).
// What a setting costs a search made during the load: before the optimize, the segments the table holds and the
// wall time of PROBES (a bm25-ranked top 10, as the search's ranked plan asks FTS5, and the count of all matches),
// then the same after the optimize (one segment), each query's median of 3.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3'; // bench-only: a bare FTS5 table, the writer's FTS5 work without the store
import { FTS_HASH_SIZE, FTS_TOKENIZER } from '../../src/core/store/schema.js';
import { flagValue } from '../lib/args.js';
import { machineLine } from '../lib/machine.js';
import { fmt, formatTable } from '../lib/stats.js';

const args = process.argv.slice(2);
const source = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!source) {
  console.error('usage: npx tsx bench/ingest/fts-merges.ts <collection.sqlite> [--pages N] [--commit N] [--crisismerge A,B] [--rounds N]');
  process.exit(2);
}
const pages = Number(flagValue(args, 'pages') ?? 300_000);
const perCommit = Number(flagValue(args, 'commit') ?? 256);
const settings = (flagValue(args, 'crisismerge') ?? '32,128').split(',').map(Number);
const rounds = Number(flagValue(args, 'rounds') ?? 2);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Figures {
  rowsMs: number;
  optimizeMs: number;
  slowestCommitMs: number;
  pages: number;
  /** Segments before the optimize, and the probes' summed wall ms before and after it. */
  segments: number;
  probeMs: number;
  probeOptimizedMs: number;
}

/** FTS5 queries of the kinds bench/index times (a common word, medium and rare words, phrases, prefixes, two
 *  words), all found in real pages. */
const PROBES = ['the', 'captain', 'calculator', 'flux', 'serps', '"american intelligence"', '"weird the"', 'lib*', 'ten*',
  'documents reads', 'reconciled acting'];

/** Summed wall ms of PROBES on `db`'s table f, each the median of 3 runs. */
function probe(db: Database.Database): number {
  const ranked = db.prepare('SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 10');
  const count = db.prepare('SELECT count(*) FROM f WHERE f MATCH ?').pluck();
  let sum = 0;
  for (const q of PROBES) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      ranked.all(q);
      count.get(q);
      runs.push(performance.now() - t);
    }
    sum += runs.sort((a, b) => a - b)[1];
  }
  return sum;
}

function load(crisismerge: number): Figures {
  const path = join(dirname(source!), `fts-merges-${process.pid}.sqlite`);
  const remove = (): void => ['', '-wal', '-shm'].forEach((s) => rmSync(path + s, { force: true }));
  remove();
  const src = new Database(source!, { readonly: true });
  const db = new Database(path);
  try {
    // The store's pragmas for the writer's connection (store/index.ts open).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, description, main, rest, content = '', tokenize = "${FTS_TOKENIZER}")`);
    db.exec(`INSERT INTO f (f, rank) VALUES ('hashsize', ${FTS_HASH_SIZE});
      INSERT INTO f (f, rank) VALUES ('automerge', 0);
      INSERT INTO f (f, rank) VALUES ('crisismerge', ${crisismerge})`);
    const insert = db.prepare('INSERT INTO f (rowid, title, description, main, rest) VALUES (?, ?, ?, ?, ?)');
    const commit = db.transaction((rows: { id: number; title: string; description: string; text: string }[]) => {
      // The whole text as main content: the split of main and rest changes no token's cost.
      for (const r of rows) insert.run(r.id, r.title, r.description, r.text, '');
    });
    let rowsMs = 0;
    let slowestCommitMs = 0;
    let n = 0;
    let batch: { id: number; title: string; description: string; text: string }[] = [];
    const flush = (): void => {
      const cpu = cpuMs();
      const wall = performance.now();
      commit(batch);
      rowsMs += cpuMs() - cpu;
      slowestCommitMs = Math.max(slowestCommitMs, performance.now() - wall);
      batch = [];
    };
    for (const r of src.prepare('SELECT id, title, description, text FROM pages ORDER BY id LIMIT ?').iterate(pages)) {
      batch.push(r as (typeof batch)[number]);
      n++;
      if (batch.length >= perCommit) flush();
    }
    if (batch.length > 0) flush();
    const segments = db.prepare('SELECT count(DISTINCT segid) FROM f_idx').pluck().get() as number;
    const probeMs = probe(db);
    const cpu = cpuMs();
    db.exec(`INSERT INTO f (f) VALUES ('optimize')`);
    const optimizeMs = cpuMs() - cpu;
    return { rowsMs, optimizeMs, slowestCommitMs, pages: n, segments, probeMs, probeOptimizedMs: probe(db) };
  } finally {
    db.close();
    src.close();
    remove();
  }
}

const results = new Map<number, Figures[]>(settings.map((c) => [c, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? settings : [...settings].reverse();
  for (const c of order) {
    const f = load(c);
    results.get(c)!.push(f);
    console.error(`round ${round + 1}, crisismerge ${c}: ${((f.rowsMs + f.optimizeMs) / f.pages).toFixed(3)} ms a page`);
  }
}
/** A figure over the rounds: its lowest and highest, or one value when they agree. */
const range = (xs: number[], digits: number): string => {
  const lo = fmt(Math.min(...xs), digits);
  const hi = fmt(Math.max(...xs), digits);
  return lo === hi ? lo : `${lo}-${hi}`;
};
const perPage = (fs: Figures[], ms: (f: Figures) => number): number[] => fs.map((f) => ms(f) / f.pages);
console.log(machineLine(dirname(source)));
console.log(`${results.get(settings[0])![0].pages} pages, ${perCommit} a commit, ${rounds} rounds; CPU ms a page, slowest commit s; ` +
  `segments and ${PROBES.length} probe queries' ms before the optimize, and the probes' ms after it`);
console.log(formatTable(
  ['crisismerge', 'rows+merges', 'optimize', 'all', `all vs ${settings[0]}`, 'slowest commit', 'segments', 'probes', 'probes optimized'],
  [...results].map(([c, fs]) => {
    const all = (f: Figures): number => f.rowsMs + f.optimizeMs;
    // Round by round, so each ratio is of two loads that ran next to each other.
    const ratios = fs.map((f, r) => all(f) / all(results.get(settings[0])![r]));
    return [String(c), range(perPage(fs, (f) => f.rowsMs), 3), range(perPage(fs, (f) => f.optimizeMs), 3),
      range(perPage(fs, all), 3), range(ratios, 2), range(fs.map((f) => f.slowestCommitMs / 1000), 1),
      range(fs.map((f) => f.segments), 0), range(fs.map((f) => f.probeMs), 1), range(fs.map((f) => f.probeOptimizedMs), 1)];
  }),
));
