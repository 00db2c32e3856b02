// What ranking without bm25's counts saves (issue 16: the ranked classes' first hits grow with the collection).
// FTS5's bm25 counts each phrase's rows by walking the phrase's doclist over the whole table, once per statement, so
// a ranked statement over the newest rankWindow matches costs in proportion to the collection's size. The app's
// ranking extension (native/fts-rank.c, built by native/fts-rank.mjs) has as_bm25, which scores as bm25 does but takes
// each phrase's row count as given. This bench times, for every query of the bench's set that search() ranks, the
// ranked statement its plan runs first, both ways, alternating, best of --rounds: 'ranked-matches', the main-content
// arm over the newest rankWindow matches; 'rarer-words' (a very common word only filters), the rarer words'
// main-content arm over all their matches. The counts passed are the ones bm25 finds (counted outside the timing, by
// as_docs), so the scores must be equal, for any number of phrases: the table says whether they are. The app tells
// none, and only for a match of one positive phrase (search/sql.ts Scoring), where the order needs none; its end to
// end figures are query-compare.ts's.
//
//   npx tsx bench/index/own-rank.ts <db> [--rounds 5] [--classes rare,phrase]
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { commonClauses, DEFAULT_TUNING, search } from '../../src/core/search/index.js';
import { mainFirstMatch, parseQuery, toFtsMatch } from '../../src/core/search/query.js';
import { BM25_WEIGHTS } from '../../src/core/store/schema.js';
import { Collection } from '../../src/core/store/index.js';
import { FTS_RANK_LIBRARY, buildFtsRank } from '../../native/fts-rank.mjs';
import { flagValue } from '../lib/args.js';
import { machineLine } from '../lib/machine.js';
import { fmt, formatTable, summarize } from '../lib/stats.js';
import { QUERY_CLASSES, readQuerySet } from './queries.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

/** The app's library, built when missing or stale; throws with the compiler's words when it cannot be. */
function buildExtension(): string {
  const made = buildFtsRank(ROOT);
  if (made !== 'built' && made !== 'current') throw new Error(`own-rank.ts needs the ranking extension: ${made}`);
  return join(ROOT, FTS_RANK_LIBRARY);
}

interface Row {
  pid: number;
  score: number;
}

function main(argv: string[]): void {
  const db = argv[0];
  if (!db || db.startsWith('--') || !existsSync(db)) throw new Error('usage: own-rank.ts <db> [--rounds 5] [--classes a,b]');
  const rounds = Number(flagValue(argv, 'rounds') ?? 5);
  const only = flagValue(argv, 'classes')?.split(',');
  const lib = buildExtension();
  const coll = Collection.open(db, { readonly: true });
  const raw = new Database(db, { readonly: true });
  raw.loadExtension(lib);
  raw.pragma('cache_size = -262144');
  const pages = (raw.prepare('SELECT count(*) FROM pages').pluck().get() as number);
  const phrases = raw.prepare('SELECT as_phrases(pages_fts) FROM pages_fts WHERE pages_fts MATCH ? LIMIT 1').pluck();
  const docs = raw.prepare('SELECT as_docs(pages_fts, ?) FROM pages_fts WHERE pages_fts MATCH ? LIMIT 1').pluck();
  const floorOf = raw.prepare('SELECT rowid FROM pages_fts WHERE pages_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?').pluck();
  const ranked = (score: string, bounded: boolean) => raw.prepare(`SELECT rowid AS pid, ${score} AS score FROM pages_fts
    WHERE pages_fts MATCH @match${bounded ? ' AND rowid >= CAST(@floor AS INTEGER)' : ''} ORDER BY score, pid LIMIT 10`);

  process.stdout.write(`${machineLine(db)}\n${pages.toLocaleString('en')} pages; best of ${rounds} alternated rounds, ms of wall time\n\n`);
  const rows: string[][] = [];
  let differ = 0;
  let maxDiff = 0;
  for (const cls of QUERY_CLASSES) {
    if (only && !only.includes(cls)) continue;
    const times: Array<[number, number]> = [];
    let skipped = 0;
    for (const { query } of readQuerySet().filter((c) => c.cls === cls)) {
      const { plan } = search(coll, query, { limit: 10 });
      if (plan !== 'ranked-matches' && plan !== 'rarer-words') {
        skipped++;
        continue;
      }
      const q = parseQuery(query);
      const common = commonClauses(coll, q, DEFAULT_TUNING);
      const rq = { ...q, clauses: q.clauses.filter((c) => !common.has(c)) };
      const arm = mainFirstMatch(rq) ?? toFtsMatch(rq)!;
      const floor = plan === 'rarer-words' ? undefined : floorOf.get(toFtsMatch(q), DEFAULT_TUNING.rankWindow - 1) as number | undefined;
      const n = phrases.get(arm) as number | undefined;
      if (n === undefined) {
        skipped++; // the arm holds no match: nothing ranked
        continue;
      }
      const counts = Array.from({ length: n }, (_, i) => docs.get(i, arm) as number);
      const params = { match: arm, ...(floor !== undefined ? { floor } : {}) };
      const bm25 = ranked('rank', floor !== undefined);
      const own = ranked(`as_bm25(pages_fts, ${[...BM25_WEIGHTS, ...counts].join(', ')})`, floor !== undefined);
      const a = bm25.all(params) as Row[];
      const b = own.all(params) as Row[];
      const diff = Math.max(0, ...a.map((r, i) => Math.abs(r.score - (b[i]?.score ?? Infinity))));
      if (a.length !== b.length || a.some((r, i) => r.pid !== b[i].pid) || diff > 0) differ++;
      maxDiff = Math.max(maxDiff, diff);
      const best: [number, number] = [Infinity, Infinity];
      for (let r = 0; r < rounds; r++) {
        for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
          const t0 = performance.now();
          (k === 0 ? bm25 : own).all(params);
          best[k] = Math.min(best[k], performance.now() - t0);
        }
      }
      times.push(best);
    }
    if (times.length === 0) {
      rows.push([cls, '0', String(skipped), '-', '-', '-', '-', '-']);
      continue;
    }
    const [s0, s1] = [summarize(times.map((t) => t[0])), summarize(times.map((t) => t[1]))];
    rows.push([cls, String(times.length), String(skipped), fmt(s0.p50, 2), fmt(s1.p50, 2), fmt(s0.p95, 2), fmt(s1.p95, 2), fmt(s1.p95 / s0.p95, 2)]);
    process.stderr.write(`${cls} done\n`);
  }
  process.stdout.write(formatTable(['class', 'ranked', 'not ranked', 'bm25 p50', 'as_bm25 p50', 'bm25 p95', 'as_bm25 p95', 'p95 ratio'], rows) +
    `\nqueries whose first page differs in pages or scores: ${differ} (largest score difference ${maxDiff})\n`);
  raw.close();
  coll.close();
}

main(process.argv.slice(2));
