// Whether a change made for speed left ingest's output as it was: two builds of the CLI index the same archives (one
// worker, so rows come in file order) and every stored row is compared: pages (all columns but the id), captures (by
// file and offset), errors, and the words each column of the full-text index holds with their page and occurrence
// counts (fts5vocab), which catch a change in what was given to FTS5 that the stored text would not show.
//
//   npx tsx bench/ingest/same-rows.ts --base <checkout> [archive...]
// <checkout> is another build (git archive <commit> | tar -x -C DIR; node_modules linked; node scripts/build-node.mjs
// in it). Archives default to the first real-pages file of bench/index (bench/index/run.ts --shape real generates it),
// the corpus's WARCs (damage, legacy charsets) and a WARC made here of the corpus's 130 real pages served with no
// charset, so that the meta prescan, UTF-8 validity and detection decide. Exits 1 when anything differs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3'; // bench-only: reads the two collections' rows to compare them
import { warcFile } from '../../test/core/ingest/warc-builder.js';
import { flagValue } from '../lib/args.js';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, DEFAULT_SOURCE_DIR, fileName, poolDir } from '../lib/corpus-gen.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS_WARC = resolve(ROOT, '../shared/corpus/warc');

const args = process.argv.slice(2);
const base = flagValue(args, 'base');
if (!base || !existsSync(join(resolve(base), 'bin/archivestream.mjs'))) {
  console.error('usage: npx tsx bench/ingest/same-rows.ts --base <checkout with a built CLI> [archive...]');
  process.exit(2);
}
const given = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--base');

/** The corpus's real pages as HTTP responses saying only `text/html`. */
function uncharsetedPages(dir: string): string {
  const path = join(dir, 'readability-no-charset.warc.gz');
  const pages = readdirSync(DEFAULT_SOURCE_DIR).filter((f) => f.endsWith('.html')).sort();
  writeFileSync(path, warcFile(pages.map((f, i) => ({
    uri: `http://pages.example/${f}`,
    date: `2021-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
    body: readFileSync(join(DEFAULT_SOURCE_DIR, f)),
    contentType: 'text/html',
  })), true));
  return path;
}

function defaultInputs(dir: string): string[] {
  const real = join(poolDir(DEFAULT_OUT_DIR, DEFAULT_SEED, 6, 'real'), fileName(0, 5000));
  const inputs = [uncharsetedPages(dir), CORPUS_WARC];
  if (existsSync(real)) inputs.unshift(real);
  else console.log(`(no ${real}: bench/index/run.ts --shape real --sizes 5000 makes it)`);
  return inputs;
}

/** Every row that ingest stores, one line each, in an order that does not depend on ids. */
function rowsOf(db: string): Map<string, string[]> {
  const c = new Database(db, { readonly: true });
  try {
    const line = (r: unknown): string => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v));
    const all = (sql: string): string[] => c.prepare(sql).raw().all().map(line);
    const columns = (table: string, prefix: string): string =>
      (c.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((r) => r.name)
        .filter((n) => n !== 'id' && n !== 'file_id').map((n) => `${prefix}${n}`).join(', ');
    // The vocabulary of the index as it stands, without a table of its own in the collection (temp: nothing written).
    c.exec('CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, pages_fts, col)');
    const inFiles = (table: string): string =>
      `SELECT f.path, ${columns(table, 't.')} FROM ${table} t JOIN warc_files f ON f.id = t.file_id ORDER BY 1, 2, 3, 4`;
    return new Map([
      ['pages', all(`SELECT ${columns('pages', '')} FROM pages ORDER BY digest`)],
      ['captures', all(inFiles('captures'))],
      ['errors', all(inFiles('errors'))],
      ['index words', all('SELECT term, col, doc, cnt FROM temp.words ORDER BY term, col')],
    ]);
  } finally {
    c.close();
  }
}

function index(checkout: string, db: string, inputs: string[]): void {
  const r = spawnSync(process.execPath, [join(checkout, 'bin/archivestream.mjs'), 'index', db, ...inputs, '--workers', '1', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${checkout}: index exited ${r.status}: ${r.stderr.slice(-2000)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'as-same-rows-'));
try {
  const inputs = given.length ? given.map((f) => resolve(f)) : defaultInputs(dir);
  console.log(`inputs: ${inputs.join(' ')}`);
  const builds = [resolve(base), ROOT];
  const rows = builds.map((checkout, i) => {
    const db = join(dir, `c${i}.sqlite`);
    index(checkout, db, inputs);
    return rowsOf(db);
  });
  let differ = false;
  for (const [table, a] of rows[0]) {
    const b = rows[1].get(table)!;
    const inB = new Set(b);
    const inA = new Set(a);
    const onlyA = a.filter((l) => !inB.has(l));
    const onlyB = b.filter((l) => !inA.has(l));
    const same = onlyA.length === 0 && onlyB.length === 0 && a.length === b.length;
    differ ||= !same;
    console.log(`${table}: ${a.length} rows in base, ${b.length} here: ${same ? 'identical' : `${onlyA.length} only in base, ${onlyB.length} only here`}`);
    for (const l of onlyA.slice(0, 3)) console.log(`  base: ${l.slice(0, 300)}`);
    for (const l of onlyB.slice(0, 3)) console.log(`  here: ${l.slice(0, 300)}`);
  }
  if (rows[0].get('pages')!.length === 0) throw new Error('no pages were stored: nothing was compared');
  process.exitCode = differ ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
