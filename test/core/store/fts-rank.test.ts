// The ranking extension (native/fts-rank.c, loaded by store/fts-rank.ts): it scores as FTS5's bm25 does, given the
// counts bm25 finds; told none, it ranks a match of one positive phrase in bm25's order; it says in which columns a
// phrase is, and which words of a row begin with a prefix; and search, which uses it for all three, gives the hits it
// gives without it. Needs the library the install builds with a C compiler: where none runs, these tests skip (and
// search ranks with bm25, which search.test.ts covers too).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/core/search/index.js';
import type { SearchTuning } from '../../../src/core/search/index.js';
import Database from 'better-sqlite3';
import { ftsRankLibrary, loadFtsRank } from '../../../src/core/store/fts-rank.js';
import type { Collection } from '../../../src/core/store/index.js';
import { BM25_WEIGHTS, FTS_MAIN_COLUMNS } from '../../../src/core/store/schema.js';
import { rng } from '../extract/random-html.js';
import { collectionOf, spied, type FakePage } from '../search/helpers.js';

const compilerRuns = spawnSync(process.env.CC ?? 'cc', ['--version']).status === 0;
const built = ftsRankLibrary() !== null;

it('is built where a C compiler runs', () => {
  if (!compilerRuns) return; // nothing to build it with: search ranks with bm25
  expect(ftsRankLibrary()).not.toBeNull();
});

// Words of very different frequencies, so phrases' counts and IDFs differ: the first six on nearly every page, the
// others ever rarer, the last on about a tenth of the pages.
const WORDS = Array.from({ length: 48 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);

function pagesOf(n: number, seed: number): FakePage[] {
  const r = rng(seed);
  const word = () => (r() < 0.85 ? WORDS[Math.floor(r() * 6)] : WORDS[6 + Math.floor((WORDS.length - 6) * r() ** 3)]);
  const line = (len: number) => Array.from({ length: len }, word).join(' ');
  return Array.from({ length: n }, (_, i) => {
    const lines = Array.from({ length: 2 + Math.floor(r() * 12) }, () => line(3 + Math.floor(r() * 20)));
    const main = lines.filter(() => r() < 0.5);
    return {
      digest: `sha1:P${i}`,
      title: line(1 + Math.floor(r() * 4)),
      description: r() < 0.5 ? line(4 + Math.floor(r() * 8)) : '',
      text: lines.join('\n'),
      ...(main.length > 0 ? { main: main.join('\n') } : {}),
      captures: [{ uri: `http://site${i % 7}.example/${i}`, timestamp: `2020${String(1 + (i % 12)).padStart(2, '0')}01000000` }],
    };
  });
}

const W = BM25_WEIGHTS.join(', ');

interface Scored {
  pid: number;
  bm25: number;
  ours: number;
}

function scored(coll: Collection, match: string, counts = ''): Scored[] {
  return coll.all<Scored>({
    sql: `SELECT rowid AS pid, rank AS bm25, as_bm25(pages_fts, ${W}${counts}) AS ours FROM pages_fts WHERE pages_fts MATCH @match`,
    params: { match },
  });
}

function phraseCounts(coll: Collection, match: string): number[] {
  const n = coll.get<{ n: number }>({ sql: 'SELECT as_phrases(pages_fts) AS n FROM pages_fts WHERE pages_fts MATCH @match LIMIT 1', params: { match } })!.n;
  return Array.from({ length: n }, (_, i) => coll.get<{ n: number }>({
    sql: `SELECT as_docs(pages_fts, ${i}) AS n FROM pages_fts WHERE pages_fts MATCH @match LIMIT 1`, params: { match },
  })!.n);
}

const order = (rows: Scored[], key: 'bm25' | 'ours') => [...rows].sort((a, b) => a[key] - b[key] || a.pid - b.pid).map((r) => r.pid);

describe.skipIf(!built)('the ranking extension', () => {
  const coll = collectionOf(pagesOf(400, 7));
  const plain = collectionOf(pagesOf(400, 7), { ftsRank: false });

  it('is loaded on a connection unless asked not to be', () => {
    expect(coll().ftsRank).toBe(true);
    expect(plain().ftsRank).toBe(false);
  });

  // One positive phrase: a word (common to rare), a phrase, held to the main columns, with words excluded, and the
  // rest-only arm's form (search/sql.ts rankArms), whose excluded phrase is the positive one held to columns.
  const onePhrase = [
    ...WORDS.filter((_, i) => i % 3 === 0),
    `"${WORDS[0]} ${WORDS[1]}"`, `"${WORDS[2]} ${WORDS[0]}"`, `"${WORDS[5]} ${WORDS[9]}"`,
    `${FTS_MAIN_COLUMNS} : (${WORDS[3]})`, `${FTS_MAIN_COLUMNS} : ("${WORDS[0]} ${WORDS[4]}")`,
    `${WORDS[1]} NOT ${WORDS[6]}`, `${WORDS[2]} NOT "${WORDS[0]} ${WORDS[0]}" NOT ${WORDS[30]}`,
    `(${WORDS[12]}) NOT (${FTS_MAIN_COLUMNS} : (${WORDS[12]}))`,
  ];

  it('told no counts, ranks a match of one positive phrase in bm25\'s order, each score bm25\'s over the phrase\'s IDF', () => {
    let compared = 0;
    for (const match of onePhrase) {
      const rows = scored(coll(), match);
      expect(rows.length, match).toBeGreaterThan(1);
      expect(order(rows, 'ours'), match).toEqual(order(rows, 'bm25'));
      // bm25 is -(idf x t) where this is -(1 x t): one factor, the same for every row of the match.
      const factor = rows[0].bm25 / rows[0].ours;
      for (const r of rows) expect(r.bm25 / r.ours, match).toBeCloseTo(factor, 12);
      compared += rows.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('told the counts bm25 finds, gives bm25\'s scores to the last bit, for any number of phrases', () => {
    const matches = [...onePhrase, `${WORDS[0]} ${WORDS[20]}`, `${WORDS[1]} OR ${WORDS[25]} OR "${WORDS[0]} ${WORDS[2]}"`,
      `${FTS_MAIN_COLUMNS} : (${WORDS[3]} ${WORDS[7]}) NOT ${WORDS[40]}`];
    for (const match of matches) {
      const counts = phraseCounts(coll(), match);
      const rows = scored(coll(), match, counts.map((n) => `, ${n}`).join(''));
      expect(rows.length, match).toBeGreaterThan(0);
      for (const r of rows) expect(r.ours, match).toBe(r.bm25);
    }
  });

  it('told no counts, ranks a match of two phrases of different counts otherwise than bm25 (so search does not)', () => {
    // A common word and a rare one: bm25 weighs the rare one's pages up by its IDF, which the count-free score lacks.
    const match = `${WORDS[0]} OR ${WORDS[47]}`;
    const rows = scored(coll(), match);
    expect(order(rows, 'ours')).not.toEqual(order(rows, 'bm25'));
    const statements = spied(coll());
    search(statements.spy, match, { tuning: { rankWindow: 1e6 } });
    search(statements.spy, `${WORDS[0]} ${WORDS[47]}`, { tuning: { rankWindow: 1e6 } });
    expect(statements.seen.some((sql) => /MATCH/.test(sql))).toBe(true);
    expect(statements.seen.filter((sql) => sql.includes('as_bm25'))).toEqual([]);
  });

  it('says in which columns a phrase is in a row, as the phrase held to each column matches it', () => {
    const columns = ['title', 'description', 'main', 'rest'];
    let rows = 0;
    for (const phrase of [WORDS[3], `"${WORDS[0]} ${WORDS[1]}"`, WORDS[40]]) {
      const masks = coll().all<{ pid: number; mask: number }>({
        sql: 'SELECT rowid AS pid, as_columns(pages_fts, 0) AS mask FROM pages_fts WHERE pages_fts MATCH @match', params: { match: `${phrase} NOT ${WORDS[47]}` },
      });
      const inColumn = columns.map((c) => new Set(coll().all<{ pid: number }>({
        sql: 'SELECT rowid AS pid FROM pages_fts WHERE pages_fts MATCH @match', params: { match: `{${c}} : ${phrase}` },
      }).map((r) => r.pid)));
      for (const { pid, mask } of masks) {
        expect(columns.filter((_, c) => mask & (1 << c)), `${phrase} @${pid}`).toEqual(columns.filter((_, c) => inColumn[c].has(pid)));
      }
      rows += masks.length;
    }
    expect(rows).toBeGreaterThan(200);
  });

  // Every ranked plan's tiers and arms: all matches at once, in windows of the newest, with and without a filter.
  // Each with the function of the extension its queries use: as_bm25 to rank, as_columns to tell a phrase read newest
  // first (every word very common) in windows in its main content from one only in the rest.
  const tunings: Array<[string, Partial<SearchTuning>, string]> = [
    ['default', {}, 'as_bm25'],
    ['tiers of the newest 5', { rankWindow: 5, commonShare: 2 }, 'as_bm25'],
    ['tiers of the newest 60', { rankWindow: 60, commonShare: 2 }, 'as_bm25'],
    ['the rarer words ranked', { rankWindow: 60 }, 'as_bm25'],
    ['filters probed', { selectivePages: 0 }, 'as_bm25'],
    ['newest first, in windows', { rankWindow: 5, commonShare: 0, firstWindowPages: 3 }, 'as_columns'],
  ];
  const queries = [
    ...WORDS.filter((_, i) => i % 4 === 1), `"${WORDS[0]} ${WORDS[1]}"`, `"${WORDS[3]} ${WORDS[0]}" -${WORDS[12]}`,
    `"${WORDS[1]} ${WORDS[2]}"`, `"${WORDS[4]} ${WORDS[0]}"`, `"${WORDS[2]} ${WORDS[9]}"`, `"${WORDS[5]} ${WORDS[5]}"`,
    `${WORDS[2]} in:main`, `${WORDS[5]} in:all`, `${WORDS[7]} site:site3.example`, `${WORDS[1]} from:2020-03 to:2020-06`,
    `${WORDS[8]} ${WORDS[30]}`, `${WORDS[2]} OR ${WORDS[33]}`, `${WORDS[0]} OR ${WORDS[47]}`, `${WORDS[1]} ${WORDS[45]}`,
  ];

  it('lists a row\'s distinct words beginning with a prefix, in every column, as the index holds them', () => {
    coll().run({ sql: 'CREATE VIRTUAL TABLE IF NOT EXISTS temp.as_test_instances USING fts5vocab(main, pages_fts, instance)', params: {} });
    let listed = 0;
    for (const prefix of ['wa', 'wb', 'wab', 'wz', 'w', 'q']) {
      for (const pid of [1, 2, 57, 200, 399]) {
        const words = coll().get<{ words: string }>({
          sql: 'SELECT as_words(pages_fts, @prefix) AS words FROM pages_fts WHERE rowid = @pid', params: { prefix, pid },
        })!.words;
        const indexed = coll().all<{ term: string }>({
          sql: 'SELECT DISTINCT term FROM temp.as_test_instances WHERE doc = @pid AND substr(term, 1, length(@prefix)) = @prefix',
          params: { prefix, pid },
        }).map((r) => r.term);
        const got = words === '' ? [] : words.split('\n');
        expect(new Set(got).size, `${prefix} @${pid}`).toBe(got.length);
        expect([...got].sort(), `${prefix} @${pid}`).toEqual(indexed.sort());
        listed += got.length;
      }
    }
    expect(listed).toBeGreaterThan(20);
  });

  it('lists each of thousands of words once, however often the row holds it', () => {
    const db = new Database(':memory:');
    expect(loadFtsRank(db)).toBe(true);
    db.exec('CREATE VIRTUAL TABLE t USING fts5(a, b)');
    const words = Array.from({ length: 20_000 }, (_, i) => `a${i.toString(36)}`);
    db.prepare('INSERT INTO t(rowid, a, b) VALUES (1, ?, ?)').run(`${words.join(' ')} Á0 b1`, [...words].reverse().join(' '));
    const got = (db.prepare("SELECT as_words(t, 'a') FROM t WHERE rowid = 1").pluck().get() as string).split('\n');
    // In the order first met; Á0 folded to a0, which was met first.
    expect(got).toEqual(words);
    db.close();
  });

  it.each(tunings)('gives search the hits it gives without it, in the same order, page by page (%s)', (_name, tuning, fn) => {
    let used = 0;
    let hits = 0;
    for (const q of queries) {
      for (const offset of [0, 10, 30]) {
        const opts = { limit: 10, offset, tuning };
        const { spy, seen } = spied(coll());
        const ours = search(spy, q, opts).hits.map((h) => h.pageId);
        const theirs = search(plain(), q, opts).hits.map((h) => h.pageId);
        expect(ours, `${q} @${offset}`).toEqual(theirs);
        if (seen.some((sql) => sql.includes(fn))) used++;
        hits += ours.length;
      }
    }
    expect(used).toBeGreaterThan(10);
    expect(hits).toBeGreaterThan(300);
  });
});
