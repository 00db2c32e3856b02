// The stack a user would assemble instead of ArchiveStream, for the index benchmark to run in the same run on the same
// files: warcio.js reads the WARCs, html-to-text turns each HTML response into text, better-sqlite3 stores it in a
// plain FTS5 table (url, title, text; the default tokenizer with diacritics removed), one transaction per 500 pages,
// and queries are plain FTS5 MATCH ranked by bm25 with snippet(), and count(*) for the total. Pages are deduplicated by
// payload digest as ArchiveStream does, so both index the same pages. Query syntax the FTS5 table cannot express
// (site:, from:/to:, mime:) is not asked of it.
//
//   node --import tsx bench/index/peer-stack.ts index <db> <file...>      prints {"pages","seconds"}
//   node --import tsx bench/index/peer-stack.ts search <db> <queries.txt> prints one {"query","tookMs","hitsMs","total"} a line
import { createReadStream, readFileSync } from 'node:fs';
import Database from 'better-sqlite3'; // bench-only: the peer's own store
import { WARCParser } from 'warcio';

// html-to-text ships no types: imported untyped (as bench/extract/speed.ts does).
const HTML_TO_TEXT = 'html-to-text';
const { convert } = (await import(HTML_TO_TEXT)) as { convert: (html: string, options?: object) => string };

const BATCH = 500;

async function index(db: string, files: string[]): Promise<void> {
  const t0 = performance.now();
  const sql = new Database(db);
  sql.pragma('journal_mode = WAL');
  sql.pragma('synchronous = NORMAL');
  sql.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS pages USING fts5(url UNINDEXED, title, text, tokenize = "unicode61 remove_diacritics 2")`);
  const insert = sql.prepare('INSERT INTO pages (url, title, text) VALUES (?, ?, ?)');
  const flush = sql.transaction((rows: [string, string, string][]) => {
    for (const r of rows) insert.run(...r);
  });
  const seen = new Set<string>();
  let rows: [string, string, string][] = [];
  let pages = 0;
  for (const file of files) {
    const parser = new WARCParser(createReadStream(file, { highWaterMark: 128 * 1024 }), { parseHttp: true });
    for await (const record of parser) {
      const type = record.httpHeaders?.headers.get('content-type') ?? '';
      const status = Number(record.httpHeaders?.statusCode);
      const digest = record.warcPayloadDigest ?? '';
      if (record.warcType !== 'response' || !/^text\/html/i.test(type) || !(status >= 200 && status < 300) || seen.has(digest)) {
        await record.readFully();
        continue;
      }
      seen.add(digest);
      const html = await record.contentText();
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim() ?? '';
      rows.push([record.warcTargetURI ?? '', title, convert(html, { wordwrap: false })]);
      pages++;
      if (rows.length >= BATCH) {
        flush(rows);
        rows = [];
      }
    }
  }
  flush(rows);
  sql.close();
  process.stdout.write(JSON.stringify({ pages, seconds: (performance.now() - t0) / 1000 }) + '\n');
}

/** Our query syntax as FTS5's, or null where FTS5 has no such filter. Words and phrases stay; `a OR b` is FTS5's OR;
 *  `-word` becomes NOT; `pre*` is FTS5's prefix query. */
export function peerMatch(query: string): string | null {
  if (/\b(site|from|to|mime|status):/.test(query)) return null;
  const terms = query.match(/-?"[^"]*"|\S+/g) ?? [];
  const pos: string[] = [];
  const neg: string[] = [];
  for (const t of terms) {
    if (t === 'OR') pos.push('OR');
    else if (t.startsWith('-')) neg.push(t.slice(1));
    else pos.push(t);
  }
  return pos.join(' ') + neg.map((n) => ` NOT ${n}`).join('');
}

function searchAll(db: string, queryFile: string): void {
  const sql = new Database(db, { readonly: true });
  const hits = sql.prepare(`SELECT rowid, url, title, snippet(pages, 2, '[', ']', '…', 24) AS snippet FROM pages
    WHERE pages MATCH ? ORDER BY bm25(pages, 0.0, 10.0, 1.0) LIMIT 10`);
  const count = sql.prepare('SELECT count(*) AS n FROM pages WHERE pages MATCH ?');
  for (const query of readFileSync(queryFile, 'utf8').split('\n').filter(Boolean)) {
    const match = peerMatch(query);
    if (match === null) {
      process.stdout.write(JSON.stringify({ query, skipped: 'no such filter in a plain FTS5 table' }) + '\n');
      continue;
    }
    const t0 = performance.now();
    hits.all(match);
    const hitsMs = performance.now() - t0;
    const total = (count.get(match) as { n: number }).n;
    process.stdout.write(JSON.stringify({ query, tookMs: performance.now() - t0, hitsMs, total }) + '\n');
  }
  sql.close();
}

const [mode, db, ...rest] = process.argv.slice(2);
if (mode === 'index') await index(db, rest);
else if (mode === 'search') searchAll(db, rest[0]);
else {
  process.stderr.write('usage: peer-stack.ts index <db> <file...> | search <db> <queries.txt>\n');
  process.exitCode = 2;
}
