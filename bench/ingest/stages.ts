// Where ingest's CPU goes, per page, stage by stage, and what that predicts for more cores (issue "A million pages,
// every core": the model of ingest on 4, 8 and 16 cores, checked against 1 and 2 workers here). One archive is read
// once per stage, each stage timed alone on this thread:
//   read     - records iterated (a gzip member inflated each), the capture row, the HTTP payload de-chunked/decoded
//   decode   - charset decoding of the HTML, in pieces as a worker decodes it (decodeHtmlPieces)
//   extract  - the text transform of those pieces (extractPieces)
//   rows     - the page row: main lines, FTS copies segmented, text as UTF-8 bytes to transfer to the writer
//   write    - Collection.writeBatch of those rows (the single writer), batches of 500 records, as a bulk load: the
//              capture indexes built and the full-text index merged ('optimize') at the end
//   sharded  - the same with the index written in shards (ingest/shards.ts): the writer's writeBatch without FTS5 and
//              its adoptions (store/fts-shard.ts adoptFtsShard), and a shard thread's FTS5 rows and seal
//   peer     - the same segmented texts into a bare FTS5 table with the same tokenizer (the floor any writer pays),
//              with FTS5's default merge settings and with the store's (schema.ts FTS_HASH_SIZE, FTS_AUTOMERGE)
// The first four run in the workers, in parallel; write runs on one thread. With w = worker ms/page and s = writer
// ms/page, N workers on C cores give min(N / w, 1 / s, C / (w + s)) pages per ms: all cores busy until the writer,
// alone on its thread, is the bound, past C = (w + s) / s cores. With K shards (defaultShardCount), the writer's s'
// and a shard's f: min(N / w, 1 / s', K / f, C / (w + s' + f)).
// CPU time is process.cpuUsage (user + sys), steadier than wall time on a shared machine.
// Each stage's page faults are counted beside its CPU time, with what they cost on this machine: a fault on fresh memory
// costs hardware well under a microsecond and the VMs of 2026-12-06 11-15 us, where they were a large part of a
// page's CPU (ARCHITECTURE.md, Search, "Why that machine is slower").
//
//   npx tsx bench/ingest/stages.ts [archive.warc.gz] [--repeat 2] [--check file...]
// --check also runs the built CLI's `index --workers 1` and `--workers 2` over the given archives (default: the 20k
// collection's files), each with `--fts-shards 0` and `--fts-shards 2`, and sets the measured pages/s and pages per
// CPU second beside the model's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3'; // bench-only: the peer is a bare FTS5 table, outside the store
import { decodeHtmlPieces } from '../../src/core/decode/charset.js';
import { extractPieces, type ExtractedText } from '../../src/core/extract/index.js';
import { captureRow, isHtmlPage, pageInput } from '../../src/core/ingest/rows.js';
import { defaultShardCount } from '../../src/core/ingest/shards.js';
import { FtsShard } from '../../src/core/store/fts-shard.js';
import { Collection, type PageInput, type ShardRows } from '../../src/core/store/index.js';
import { FTS_AUTOMERGE, FTS_HASH_SIZE, FTS_TOKENIZER } from '../../src/core/store/schema.js';
import { openArchive } from '../../src/core/warc/index.js';
import type { CaptureRow } from '../../src/shared/records.js';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, DEFAULT_SHAPE, fileName, poolDir } from '../lib/corpus-gen.js';
import { machineLine, pageFaultProbeUs } from '../lib/machine.js';
import { fmt, formatTable, MB } from '../lib/stats.js';

// The first file of the index benchmark's 20k collection.
const POOL = poolDir(DEFAULT_OUT_DIR, DEFAULT_SEED, 6, DEFAULT_SHAPE);
const DEFAULT_INPUT = join(POOL, fileName(0, 5000));
const BATCH = 500;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const args = process.argv.slice(2);
const flagAt = (name: string): number => args.indexOf(name);
const at = flagAt('--repeat');
const repeat = at >= 0 ? Number(args[at + 1]) : 2;
const checkAt = flagAt('--check');
const positional = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1) && (checkAt < 0 || i <= checkAt));
const checkFiles = checkAt < 0 ? null : args.slice(checkAt + 1).filter((a) => !a.startsWith('--'));
const input = resolve(positional[0] ?? DEFAULT_INPUT);
if (!existsSync(input)) {
  console.error(`no input ${input}: generate it with bench/index/run.ts, or pass an archive`);
  process.exit(2);
}

/** A stage's CPU ms and the page faults it took (fresh memory touched: see pageFaultProbeUs). */
function cpuMs<T>(fn: () => T): { ms: number; faults: number; value: T } {
  const f0 = process.resourceUsage().minorPageFault;
  const u0 = process.cpuUsage();
  const value = fn();
  const u = process.cpuUsage(u0);
  return { ms: (u.user + u.system) / 1000, faults: process.resourceUsage().minorPageFault - f0, value };
}

const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

interface Payload {
  capture: CaptureRow;
  bytes: Buffer;
  contentType: string | undefined;
}

/** read: as a worker reads (ingest/worker.ts), down to each new HTML page's payload bytes. */
function read(): { captures: CaptureRow[]; payloads: Payload[] } {
  const captures: CaptureRow[] = [];
  const payloads: Payload[] = [];
  const seen = new Set<string>();
  const file = openArchive(input);
  try {
    for (const r of file.records()) {
      const c = captureRow(r, 1);
      captures.push(c);
      if (isHtmlPage(c) && !seen.has(c.digest!)) {
        seen.add(c.digest!);
        let contentType = r.contentType;
        try {
          contentType = r.http()?.headers.get('content-type') ?? contentType;
        } catch {
          // as htmlPage: a record whose HTTP head does not parse is decoded by its WARC content type
        }
        // A copy: the record's view does not outlive the archive.
        payloads.push({ capture: c, bytes: Buffer.from(r.payloadUpTo(Infinity).bytes), contentType });
      }
    }
  } finally {
    file.close();
  }
  return { captures, payloads };
}

/** decode and extract, page by page as a worker runs them: each page's decoded pieces die before the next page is
 *  decoded, as in the worker, whose young generation then takes the next page's in memory it has used before (all
 *  of a file's pages decoded first and extracted after faulted their memory in fresh: 30 faults a page for decoding
 *  where the worker had 11 in all). Each stage's CPU time and faults are summed over the pages. */
function decodeAndExtract(payloads: Payload[]): { decode: { ms: number; faults: number }; extract: { ms: number; faults: number }; value: ExtractedText[] } {
  const decode = { ms: 0, faults: 0 };
  const extract = { ms: 0, faults: 0 };
  const value: ExtractedText[] = [];
  for (const p of payloads) {
    const d = cpuMs(() => decodeHtmlPieces(p.bytes, p.contentType).pieces);
    const e = cpuMs(() => extractPieces(d.value));
    decode.ms += d.ms;
    decode.faults += d.faults;
    extract.ms += e.ms;
    extract.faults += e.faults;
    value.push(e.value);
  }
  return { decode, extract, value };
}

/** rows: the page rows a worker sends, text as UTF-8 bytes (rows.ts pageInput). */
function rows(payloads: Payload[], texts: ExtractedText[]): PageInput[] {
  return texts.map((ex, i) => pageInput({ digest: payloads[i].capture.digest!, url: payloads[i].capture.uri ?? '', lang: null }, ex));
}

/** The single writer's batches, as a bulk ingest writes them: the capture indexes deferred, built at the end, and
 *  the full-text index merged once (ingest/index.ts ingestCollection); with `shards`, written for shards (the index
 *  rows collected into it, not indexed; its merge is the shard's seal). */
function write(dir: string, rows: { captures: CaptureRow[]; pages: PageInput[] }, shards?: ShardRows): { path: string; bytes: number } {
  const path = join(dir, `w${Math.random().toString(36).slice(2)}.sqlite`);
  const coll = Collection.open(path);
  coll.deferCaptureIndexes();
  const fileId = coll.beginFile({ path: input, size: 1, mtime: 1, fingerprint: 'bench' });
  const perPage = rows.pages.length / rows.captures.length;
  for (let i = 0, j = 0; i < rows.captures.length; i += BATCH) {
    const captures = rows.captures.slice(i, i + BATCH).map((c) => ({ ...c, fileId }));
    const k = i + BATCH >= rows.captures.length ? rows.pages.length : Math.round((i + BATCH) * perPage);
    coll.writeBatch({ fileId, captures, pages: rows.pages.slice(j, k), errors: [] }, { shards });
    j = k;
  }
  coll.finishFile(fileId, 'done', 'warc');
  coll.ensureCaptureIndexes();
  if (!shards) coll.optimizeSearchIndex();
  coll.close();
  return { path, bytes: statSync(path).size };
}

/** A shard thread's part of the same pages: their index rows in one shard, a batch's worth a transaction, sealed. */
function shardWrite(dir: string, rows: ShardRows['added']): string {
  const shard = new FtsShard(join(dir, `s${Math.random().toString(36).slice(2)}.sqlite`));
  const perTx = Math.ceil(BATCH * 0.75);
  for (let i = 0; i < rows.length; i += perTx) shard.write(rows.slice(i, i + perTx));
  shard.seal();
  return shard.path;
}

/** The writer's part of adopting it into the collection written for shards. */
function adopt(dbPath: string, shardPath: string): void {
  const coll = Collection.open(dbPath);
  coll.adoptFtsShard(shardPath);
  coll.close();
}

/** Prefix indexes weighed for short prefix queries (`abc*`): what they would add to the writer. */
const PREFIX_INDEXES = '2 3 4';

function peer(dir: string, pages: PageInput[], tuned: boolean, prefix = false): void {
  const db = new Database(join(dir, `p${Math.random().toString(36).slice(2)}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const prefixOption = prefix ? `, prefix = '${PREFIX_INDEXES}'` : '';
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, description, main, rest, content = ''${prefixOption}, tokenize = "${FTS_TOKENIZER}")`);
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

/** Children's CPU seconds so far (user + system of waited-for children, /proc/self/stat fields 16 and 17). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** The built CLI's `index` over `files` on `workers` workers: pages/s (the CLI's own seconds) and pages per CPU s. */
function measure(files: string[], workers: number, shards: number, dir: string): { pagesPerS: number; pagesPerCpuS: number; pages: number; load: number } {
  const db = join(dir, `check-w${workers}-s${shards}.sqlite`);
  const load = loadavg()[0];
  const c0 = childCpuSeconds();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/archivestream.mjs'), 'index', db, ...files, '--json', '--workers', String(workers),
    '--fts-shards', String(shards)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const cpu = childCpuSeconds() - c0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`index exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const last = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as { pages: number; seconds: number };
  for (const sfx of ['', '-wal', '-shm']) rmSync(db + sfx, { force: true });
  return { pagesPerS: last.pages / last.seconds, pagesPerCpuS: last.pages / cpu, pages: last.pages, load };
}

const dir = mkdtempSync(join(tmpdir(), 'as-bench-ingest-'));
try {
  const faultUs = pageFaultProbeUs(); // before the stages grow the heap (see pageFaultProbeUs)
  console.log(machineLine(dir));
  console.log(`input ${input} (${fmt(statSync(input).size / MB, 1)} MB); load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  const stageNames = ['read', 'decode', 'extract', 'rows', 'write', 'peer', 'tuned', 'prefix', 'shardedWrite', 'shard', 'adopt'] as const;
  type Stage = (typeof stageNames)[number];
  // Each stage's fastest round, and the page faults of that round.
  const best = Object.fromEntries(stageNames.map((k) => [k, Infinity])) as Record<Stage, number>;
  const faultsOf = Object.fromEntries(stageNames.map((k) => [k, 0])) as Record<Stage, number>;
  let n = 0;
  let dbBytes = 0;
  let textBytes = 0;
  for (let r = 0; r < repeat; r++) {
    const rd = cpuMs(read);
    const { decode: dc, extract: ex, value: texts } = decodeAndExtract(rd.value.payloads);
    const rw = cpuMs(() => rows(rd.value.payloads, texts));
    const pages = rw.value;
    n = pages.length;
    textBytes = pages.reduce((s, p) => s + (p.text as Uint8Array).byteLength, 0);
    const wr = cpuMs(() => write(dir, { captures: rd.value.captures, pages }));
    dbBytes = wr.value.bytes;
    const shardRows: ShardRows = { added: [], replaced: [] };
    const sw = cpuMs(() => write(dir, { captures: rd.value.captures, pages }, shardRows));
    const sh = cpuMs(() => shardWrite(dir, shardRows.added));
    const ad = cpuMs(() => adopt(sw.value.path, sh.value));
    const pe = cpuMs(() => peer(dir, pages, false));
    const pt = cpuMs(() => peer(dir, pages, true));
    const pp = cpuMs(() => peer(dir, pages, true, true));
    const now: Record<Stage, { ms: number; faults: number }> = {
      read: rd, decode: dc, extract: ex, rows: rw, write: wr, peer: pe, tuned: pt, prefix: pp, shardedWrite: sw, shard: sh, adopt: ad,
    };
    for (const k of stageNames) {
      if (now[k].ms < best[k]) {
        best[k] = now[k].ms;
        faultsOf[k] = now[k].faults;
      }
    }
  }
  const per = (ms: number): number => ms / n;
  const worker = per(best.read + best.decode + best.extract + best.rows);
  const writer = per(best.write);
  const shardedWriter = per(best.shardedWrite + best.adopt);
  const shard = per(best.shard);
  const faultsPerPage = (...stages: Stage[]): number => stages.reduce((sum, k) => sum + faultsOf[k], 0) / n;
  const faults = (...stages: Stage[]): string => fmt(faultsPerPage(...stages), 1);
  const allIn: Stage[] = ['read', 'decode', 'extract', 'rows', 'write'];
  const stageRows: string[][] = [
    ['read (inflate, capture row, payload)', 'worker', fmt(per(best.read), 3), faults('read'), ''],
    ['decode (charset)', 'worker', fmt(per(best.decode), 3), faults('decode'), ''],
    ['extract (text transform)', 'worker', fmt(per(best.extract), 3), faults('extract'), ''],
    ['rows (main lines, segment, UTF-8)', 'worker', fmt(per(best.rows), 3), faults('rows'), ''],
    ['write (writeBatch: captures, pages, FTS; indexes, optimize)', 'writer', fmt(writer, 3), faults('write'), `${fmt(best.write / best.tuned, 2)}x tuned peer`],
    ['  of which FTS5 at least (tuned peer)', 'writer', fmt(per(best.tuned), 3), faults('tuned'), '1.00x'],
    ['peer: bare FTS5, default merge settings', '-', fmt(per(best.peer), 3), faults('peer'), `${fmt(best.peer / best.tuned, 2)}x tuned peer`],
    [`peer, store settings + prefix='${PREFIX_INDEXES}'`, '-', fmt(per(best.prefix), 3), faults('prefix'), `${fmt(best.prefix / best.tuned, 2)}x tuned peer`],
    ['all in (worker + writer)', '', fmt(worker + writer, 3), faults(...allIn), 'target <= 1.333 (1,500 pages/s on 2 cores)'],
    ['sharded: writeBatch without FTS5', 'writer', fmt(per(best.shardedWrite), 3), faults('shardedWrite'), ''],
    ['sharded: adopting the sealed shard', 'writer', fmt(per(best.adopt), 3), faults('adopt'), ''],
    ['sharded: a shard\'s FTS5 rows and seal', 'shard', fmt(shard, 3), faults('shard'), `${fmt(best.shard / best.tuned, 2)}x tuned peer`],
    ['sharded: all in (worker + writer + shard)', '', fmt(worker + shardedWriter + shard, 3), faults('read', 'decode', 'extract', 'rows', 'shardedWrite', 'adopt', 'shard'),
      `${fmt((worker + shardedWriter + shard) / (worker + writer), 2)}x unsharded`],
  ];
  console.log(`${n} pages, best of ${repeat}; database ${fmt(dbBytes / MB, 1)} MB for ${fmt(textBytes / MB, 1)} MB of page text`);
  console.log(formatTable(['stage', 'thread', 'CPU ms/page', 'faults/page', 'ratio'], stageRows));
  // What the faults cost at this machine's price of one (pageFaultProbeUs).
  const allFaults = faultsPerPage(...allIn);
  console.log(`Page faults: ${fmt(allFaults, 1)} a page at ${fmt(faultUs, 1)} us each (this machine) = about ` +
    `${fmt((allFaults * faultUs) / 1000, 3)} of the ${fmt(worker + writer, 3)} CPU ms a page.`);

  // Pages a ms on `cores` cores with `workers` workers and `shards` shards (0: the writer indexes every page), and
  // which part bounds it.
  const model = (workers: number, cores: number, shards: number): { rate: number; bound: string } => {
    const parts: Array<[string, number]> = shards === 0
      ? [['the workers', workers / worker], ['the writer', 1 / writer], ['the cores', cores / (worker + writer)]]
      : [['the workers', workers / worker], ['the writer', 1 / shardedWriter], ['the shards', shards / shard],
        ['the cores', cores / (worker + shardedWriter + shard)]];
    const [bound, rate] = parts.reduce((a, b) => (b[1] < a[1] ? b : a));
    return { rate: 1000 * rate, bound };
  };
  console.log(`\nModel: w = ${fmt(worker, 3)} ms/page in parallel workers, s = ${fmt(writer, 3)} ms/page on the one writer; the writer is ` +
    `the bound past ${fmt((worker + writer) / writer, 1)} cores (${fmt(1000 / writer, 0)} pages/s). In shards: the writer's ` +
    `s' = ${fmt(shardedWriter, 3)} ms/page (bound at ${fmt(1000 / shardedWriter, 0)} pages/s), a shard's f = ${fmt(shard, 3)} ms/page.`);
  const measured = new Map<string, ReturnType<typeof measure>>();
  if (checkFiles) {
    const files = checkFiles.length ? checkFiles.map((f) => resolve(f)) :
      readdirSync(POOL).filter((f) => f.endsWith('.warc.gz')).sort().slice(0, 4).map((f) => join(POOL, f));
    // Alternated, so that a change in the machine's load falls on both.
    for (const w of [1, 2]) for (const k of [0, 2]) measured.set(`${w}/${k}`, measure(files, w, k, dir));
  }
  const cores = availableParallelism();
  const modelRows = [1, 2, 4, 8, 16].flatMap((c) => [...new Set([0, defaultShardCount(c), ...(c <= 2 ? [2] : [])])].map((k) => {
    const m = measured.get(`${c}/${k}`);
    const here = model(c, cores, k);
    const { rate, bound } = model(c, c, k);
    return [String(c), String(k), fmt(rate, 0), bound, fmt(1000 / (worker + (k ? shardedWriter + shard : writer)), 0),
      m ? fmt(m.pagesPerS, 0) : '', m ? fmt(m.pagesPerCpuS, 0) : '', m ? `${fmt(m.pagesPerS / here.rate, 2)}x of ${fmt(here.rate, 0)}` : '',
      m ? fmt(m.load, 1) : ''];
  }));
  console.log(formatTable(['workers = cores', 'shards', 'model pages/s', 'bound by', 'model pages/CPU-s', 'measured pages/s', 'measured pages/CPU-s', 'measured/model', 'load avg'], modelRows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
