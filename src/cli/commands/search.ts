// `archivestream search <db> <query>`: full-text search of a collection; `--queries <file> --json` runs one query a
// line in one process and prints one JSON line each (the benchmark drives it this way).
import { existsSync, readFileSync } from 'node:fs';
import { readCollection } from '../collection.js';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import type { Collection } from '../../core/store/index.js';
import { MARK_END, MARK_START, QuerySyntaxError, search as runSearch, searchFacets } from '../../core/search/index.js';

function intFlag(flags: Map<string, string | true>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (v === true || !/^\d+$/.test(v)) throw new UsageError(`--${name} needs a whole number`);
  return Number(v);
}

function runOne(coll: Collection, query: string, limit: number, offset: number, sort: 'relevance' | 'date') {
  const t0 = performance.now();
  const result = runSearch(coll, query, { limit, offset, sort });
  const facets = searchFacets(coll, query);
  return {
    total: facets.total,
    totalIsEstimate: facets.totalIsEstimate,
    tookMs: Math.round((performance.now() - t0) * 100) / 100,
    hitsMs: Math.round(result.tookMs * 100) / 100,
    plan: result.plan,
    facets: facets.facets,
    hits: result.hits.map((h) => ({
      url: h.url,
      timestamp: h.timestamp,
      title: h.title,
      snippet: h.snippet,
      score: h.score,
      file: h.capture.file,
      offset: h.capture.offset,
      captures: h.captureCount,
      internal: h.internal,
    })),
  };
}

export const search: Command = {
  name: 'search',
  usage: 'search <db> <query> [--limit N] [--offset N] [--sort relevance|date] [--json] | --queries <file> --json',
  summary: 'full-text search of a collection',
  run(args: string[], io: CliIo): number {
    const { positional, flags } = parseArgs(args, ['limit', 'offset', 'sort', 'queries'], ['json']);
    const limit = intFlag(flags, 'limit', 10);
    const offset = intFlag(flags, 'offset', 0);
    const sort = flags.get('sort') ?? 'relevance';
    if (sort !== 'relevance' && sort !== 'date') throw new UsageError('--sort is relevance or date');
    const json = flags.has('json');
    const queriesFile = flags.get('queries');

    if (queriesFile !== undefined) {
      if (positional.length !== 1 || typeof queriesFile !== 'string') throw new UsageError('give <db> and --queries <file>');
      if (!existsSync(queriesFile)) throw new UsageError(`${queriesFile}: no such file`);
      return readCollection(positional[0], io, (coll) => {
        // Many searches on one connection, as a reader thread has: warmed all at once, before the first.
        const warm = coll.warmSearchData();
        while (!warm.next().done) continue;
        for (const line of readFileSync(queriesFile, 'utf8').split('\n')) {
          const query = line.trim();
          if (!query) continue;
          try {
            const r = runOne(coll, query, limit, offset, sort);
            io.out(JSON.stringify({ query, total: r.total, totalIsEstimate: r.totalIsEstimate, tookMs: r.tookMs,
              hitsMs: r.hitsMs, hits: r.hits.length, plan: r.plan }));
          } catch (e) {
            if (!(e instanceof QuerySyntaxError)) throw e;
            io.out(JSON.stringify({ query, error: { code: e.code, message: e.message } }));
          }
        }
        return 0;
      });
    }

    if (positional.length < 2) throw new UsageError('give <db> and <query>');
    const [db, ...words] = positional;
    const query = words.join(' ');
    return readCollection(db, io, (coll) => {
      try {
        const r = runOne(coll, query, limit, offset, sort);
        if (json) {
          io.out(JSON.stringify({ total: r.total, totalIsEstimate: r.totalIsEstimate, tookMs: r.tookMs, facets: r.facets, hits: r.hits }));
          return 0;
        }
        const mark = (s: string) =>
          io.isTTY ? s.replaceAll(MARK_START, '\x1b[1m').replaceAll(MARK_END, '\x1b[22m') : s.replaceAll(MARK_START, '[').replaceAll(MARK_END, ']');
        io.out(`${r.totalIsEstimate ? '~' : ''}${r.total} hits (${r.tookMs} ms)`);
        for (const h of r.hits) {
          io.out('');
          io.out(`${h.internal ? `[${h.internal}] ` : ''}${h.title || '(no title)'}`);
          io.out(`  ${h.url}  ${h.timestamp ?? ''}  ${h.captures > 1 ? `(${h.captures} captures)` : ''}`);
          io.out(`  ${mark(h.snippet.replace(/\s+/g, ' '))}`);
        }
        return 0;
      } catch (e) {
        if (e instanceof QuerySyntaxError) {
          io.err(`archivestream search: ${e.code}: ${e.message}`);
          return 2;
        }
        throw e;
      }
    });
  },
};
