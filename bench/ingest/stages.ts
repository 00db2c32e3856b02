// Where ingest's CPU goes, per page, against its floor (issue "Collections and offline full-text search": ingest
// >= 1,500 HTML pages/s on 2 cores, i.e. <= 1.33 ms CPU a page all in). One archive is read once into rows, then:
//   extract  - the worker's work per record (captureRow + pageRow: decode, extract, segment), on this thread
//   write    - Collection.writeBatch of those rows (the single writer), batches of 500 records
//   peer     - the same segmented texts into a bare FTS5 table with the same tokenizer (the floor any writer pays),
//              with FTS5's default merge settings and with the store's (schema.ts FTS_HASH_SIZE, FTS_AUTOMERGE)
// CPU time is process.cpuUsage (user + sys), steadier than wall time on a shared machine.
//
//   npx tsx bench/ingest/stages.ts [archive.warc.gz] [--repeat 2]
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3'; // bench-only: the peer is a bare FTS5 table, outside the store
import { captureRow, isHtmlPage, pageRow } from '../../src/core/ingest/rows.js';
import { Collection, type PageInput } from '../../src/core/store/index.js';
import { FTS_AUTOMERGE, FTS_HASH_SIZE, FTS_TOKENIZER } from '../../src/core/store/schema.js';
import { openArchive } from '../../src/core/warc/index.js';
import type { CaptureRow } from '../../src/shared/records.js';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, DEFAULT_SHAPE, fileName, poolDir } from '../lib/corpus-gen.js';
import { machineLine } from '../lib/machine.js';
import { fmt, formatTable, MB } from '../lib/stats.js';

// The first file of the index benchmark's 20k collection.
const DEFAULT_INPUT = join(poolDir(DEFAULT_OUT_DIR, DEFAULT_SEED, 6, DEFAULT_SHAPE), fileName(0, 5000));
const BATCH = 500;

const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const repeat = at >= 0 ? Number(args[at + 1]) : 2;
const input = resolve(args.find((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1)) ?? DEFAULT_INPUT);
if (!existsSync(input)) {
  console.error(`no input ${input}: generate it with bench/index/run.ts, or pass an archive`);
  process.exit(2);
}

function cpuMs<T>(fn: () => T): { ms: number; value: T } {
  const u0 = process.cpuUsage();
  const value = fn();
  const u = process.cpuUsage(u0);
  return { ms: (u.user + u.system) / 1000, value };
}

const utf8 = new TextEncoder();
const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** As a worker does (ingest/worker.ts), down to the text's UTF-8 bytes it sends the writer. */
function extract(): { captures: CaptureRow[]; pages: PageInput[] } {
  const captures: CaptureRow[] = [];
  const pages: PageInput[] = [];
  const seen = new Set<string>();
  const file = openArchive(input);
  try {
    for (const r of file.records()) {
      const c = captureRow(r, 1);
      captures.push(c);
      if (isHtmlPage(c) && !seen.has(c.digest!)) {
        seen.add(c.digest!);
        const row = pageRow(r, c);
        pages.push({ ...row, text: utf8.encode(row.text), main: utf8.encode(row.main), rest: utf8.encode(row.rest) });
      }
    }
  } finally {
    file.close();
  }
  return { captures, pages };
}

function write(dir: string, rows: { captures: CaptureRow[]; pages: PageInput[] }): number {
  const path = join(dir, `w${Math.random().toString(36).slice(2)}.sqlite`);
  const coll = Collection.open(path);
  const fileId = coll.beginFile({ path: input, size: 1, mtime: 1, fingerprint: 'bench' });
  const perPage = rows.pages.length / rows.captures.length;
  for (let i = 0, j = 0; i < rows.captures.length; i += BATCH) {
    const captures = rows.captures.slice(i, i + BATCH).map((c) => ({ ...c, fileId }));
    const k = i + BATCH >= rows.captures.length ? rows.pages.length : Math.round((i + BATCH) * perPage);
    coll.writeBatch({ fileId, captures, pages: rows.pages.slice(j, k), errors: [] });
    j = k;
  }
  coll.finishFile(fileId, 'done', 'warc');
  coll.close();
  return statSync(path).size;
}

function peer(dir: string, pages: PageInput[], tuned: boolean): void {
  const db = new Database(join(dir, `p${Math.random().toString(36).slice(2)}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, description, main, rest, content = '', tokenize = "${FTS_TOKENIZER}")`);
  if (tuned) {
    db.exec(`INSERT INTO f (f, rank) VALUES ('hashsize', ${FTS_HASH_SIZE}); INSERT INTO f (f, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`);
  }
  const ins = db.prepare('INSERT INTO f (rowid, title, description, main, rest) VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))');
  const perTx = Math.ceil(BATCH * 0.75);
  for (let i = 0; i < pages.length; i += perTx) {
    db.transaction(() => {
      for (let k = i; k < Math.min(i + perTx, pages.length); k++) {
        const p = pages[k];
        ins.run(k + 1, p.ftsTitle ?? p.title, p.description, p.ftsMain ?? bytes(p.main as Uint8Array),
          p.ftsRest ?? bytes(p.rest as Uint8Array));
      }
    })();
  }
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'as-bench-ingest-'));
try {
  console.log(machineLine(dir));
  console.log(`input ${input} (${fmt(statSync(input).size / MB, 1)} MB)`);
  const rows: string[][] = [];
  let best = { extract: Infinity, write: Infinity, peer: Infinity, tuned: Infinity };
  let n = 0;
  let dbBytes = 0;
  let textBytes = 0;
  for (let r = 0; r < repeat; r++) {
    const ex = cpuMs(extract);
    n = ex.value.pages.length;
    textBytes = ex.value.pages.reduce((s, p) => s + (p.text as Uint8Array).byteLength, 0);
    const wr = cpuMs(() => write(dir, ex.value));
    dbBytes = wr.value;
    const pe = cpuMs(() => peer(dir, ex.value.pages, false));
    const pt = cpuMs(() => peer(dir, ex.value.pages, true));
    best = {
      extract: Math.min(best.extract, ex.ms), write: Math.min(best.write, wr.ms), peer: Math.min(best.peer, pe.ms),
      tuned: Math.min(best.tuned, pt.ms),
    };
  }
  const per = (ms: number) => fmt(ms / n, 3);
  rows.push(['extract (worker)', per(best.extract), '']);
  rows.push(['write (writer)', per(best.write), `${fmt(best.write / best.tuned, 2)}x tuned peer`]);
  rows.push(['peer: bare FTS5, same tokenizer', per(best.peer), `${fmt(best.peer / best.tuned, 2)}x tuned peer`]);
  rows.push(['peer, store merge settings', per(best.tuned), '1.00x']);
  rows.push(['all in (extract + write)', per(best.extract + best.write), `target <= 1.333`]);
  console.log(`${n} pages, best of ${repeat}; database ${fmt(dbBytes / MB, 1)} MB for ${fmt(textBytes / MB, 1)} MB of page text`);
  console.log(formatTable(['stage', 'CPU ms/page', 'ratio'], rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
