// kill -9 trial: `archivestream index` is killed at random moments (and, every fourth trial by default, in the
// end-of-run window after the last file is marked done, where the capture indexes a bulk load deferred are rebuilt),
// then run again to completion. After each resume the collection must pass SQLite's and FTS5's integrity checks,
// hold every capture index, and equal a clean run: the same captures, pages, file states, problems and search results.
//
//   npx tsx bench/reliability/kill-trial.ts [--kills 24] [--seed 7] [--pages 2000] [--end-window-every 4] [--out bench/data/kill-trial]
//     [--fts-shards N]
// --fts-shards runs every index (the clean one too) with the full-text index written in N shards: a kill then leaves
// pages whose rows died with their shards, which the resume indexes first.
//
// Runs the built CLI (npm run build:node) in a child process. The input is real: pages recombined from the corpus's
// readability pages (bench/lib/corpus-gen.ts, 500 a file) and two real crawls from the corpus (jwat's 822-record
// blackbook WARC and its ARC twin). Results go to <out>/results.json and the terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diff, fingerprint, INDEX_NAMES, indexNames, integrity, NO_SCHEMA, pickQueries, SHARD_PAGES_AWAITED, state } from './collection-checks.js';
import { loadSourceModel, prng, writeWarcFile } from '../lib/corpus-gen.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/archivestream.mjs');
const CORPUS = resolve(ROOT, '../shared/corpus/warc');
const REAL_FILES = [
  'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz',
  'netarchivesuite+jwat/jwat-arc/src/test/resources/IAH-20080430204825-00000-blackbook.arc.gz',
];
const PAGES_A_FILE = 500;

function arg(name: string, fallback: number | string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : String(fallback);
}
const KILLS = Number(arg('kills', 24));
const SEED = Number(arg('seed', 7));
const PAGES = Number(arg('pages', 2000));
/** Every how many trials aims at the end-of-run window (1: all of them). */
const END_EVERY = Number(arg('end-window-every', 4));
const OUT = resolve(ROOT, arg('out', 'bench/data/kill-trial'));
const SHARDS = arg('fts-shards', '');
const rng = prng(SEED);

if (!existsSync(join(ROOT, 'out/node/cli.mjs'))) {
  console.error('kill-trial: build first (npm run build:node)');
  process.exit(2);
}

// --- input ---------------------------------------------------------------------------------------------------------

function buildInput(): string {
  const dir = join(OUT, `input-${PAGES}`);
  mkdirSync(dir, { recursive: true });
  let model: ReturnType<typeof loadSourceModel> | undefined;
  for (let k = 0; k * PAGES_A_FILE < PAGES; k++) {
    const path = join(dir, `generated-${k}.warc.gz`);
    model ??= existsSync(path) ? undefined : loadSourceModel();
    // File k starts at page k * PAGES_PER_FILE of the generator's sequence: distinct files, distinct pages.
    if (model && !existsSync(path)) writeWarcFile(model, path, k, Math.min(PAGES_A_FILE, PAGES - k * PAGES_A_FILE));
  }
  for (const f of REAL_FILES) {
    const to = join(dir, f.split('/').pop()!);
    if (!existsSync(to)) copyFileSync(join(CORPUS, f), to);
  }
  return dir;
}

// --- running the CLI -----------------------------------------------------------------------------------------------

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
}

function startIndex(db: string, input: string): { child: ChildProcess; done: Promise<Exit> } {
  const t0 = performance.now();
  const shards = SHARDS === '' ? [] : ['--fts-shards', SHARDS];
  const child = spawn(process.execPath, [CLI, 'index', db, input, '--json', ...shards], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((res) => child.on('exit', (code, signal) => res({ code, signal, ms: performance.now() - t0, stderr })));
  return { child, done };
}

/** A killed run's collection is sound: intact, not yet created, or (--fts-shards) whole once the pages its shards held
 *  are indexed, as the resume does first. */
const soundAfterKill = (integrity: string): boolean =>
  ['ok', 'no database yet', NO_SCHEMA].includes(integrity) || integrity.startsWith(SHARD_PAGES_AWAITED);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the trial -----------------------------------------------------------------------------------------------------

interface Trial {
  n: number;
  aim: 'random' | 'end-window';
  killAtMs: number | null;
  /** What the killed run had done: files not 'indexing' of files known, capture indexes present. */
  atKill: { files: number; done: number; indexes: number } | null;
  /** The kill landed after every file was done and before the indexes were back (the end-of-run window). */
  hitEndWindow: boolean;
  finishedBeforeKill: boolean;
  integrityAfterKill: string;
  resumeExit: number | null;
  resumeMs: number;
  integrity: string;
  indexesAfterResume: number;
  differences: string[];
  ok: boolean;
}

async function killRandom(db: string, input: string, cleanMs: number): Promise<Pick<Trial, 'killAtMs' | 'atKill' | 'finishedBeforeKill'>> {
  const run = startIndex(db, input);
  // Uniform over the clean run's length, a little past its end: the last moments are the end-of-run window.
  const at = Math.floor(rng() * cleanMs * 1.05);
  const finished = await Promise.race([run.done.then(() => true), sleep(at).then(() => false)]);
  if (finished) return { killAtMs: at, atKill: null, finishedBeforeKill: true };
  run.child.kill('SIGSTOP'); // still, so that what it had done can be read before it dies
  const s = state(db);
  run.child.kill('SIGKILL');
  await run.done;
  return { killAtMs: at, atKill: s && { files: s.files, done: s.done, indexes: s.indexes.length }, finishedBeforeKill: false };
}

/** Polls until every file is done and the indexes are not yet back, stops the child there and kills it. */
async function killInEndWindow(db: string, input: string, files: number): Promise<Pick<Trial, 'killAtMs' | 'atKill' | 'finishedBeforeKill'>> {
  const run = startIndex(db, input);
  const t0 = performance.now();
  let finished = false;
  void run.done.then(() => (finished = true));
  for (;;) {
    if (finished) return { killAtMs: null, atKill: null, finishedBeforeKill: true };
    const s = state(db);
    if (s && s.files === files && s.done === files) {
      run.child.kill('SIGSTOP');
      const at = state(db);
      run.child.kill('SIGKILL');
      await run.done;
      return { killAtMs: Math.round(performance.now() - t0), atKill: at && { files: at.files, done: at.done, indexes: at.indexes.length }, finishedBeforeKill: false };
    }
    await sleep(2);
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const input = buildInput();
  const fileCount = Math.ceil(PAGES / PAGES_A_FILE) + REAL_FILES.length;
  const cleanDb = join(OUT, 'clean.sqlite');
  rmSync(cleanDb, { force: true });
  rmSync(`${cleanDb}-wal`, { force: true });
  const clean = await startIndex(cleanDb, input).done;
  if (clean.signal || (clean.code !== 0 && clean.code !== 1)) throw new Error(`the clean run failed: ${clean.code ?? clean.signal}\n${clean.stderr}`);
  const queries = pickQueries(cleanDb);
  const reference = fingerprint(cleanDb, queries);
  console.log(`kill-trial: seed ${SEED}, ${fileCount} files, clean run ${(clean.ms / 1000).toFixed(1)} s (exit ${clean.code}), ` +
    `${reference.captures} captures, ${reference.pages} pages, ${queries.length} queries, integrity ${integrity(cleanDb)}`);

  const trials: Trial[] = [];
  for (let n = 1; n <= KILLS; n++) {
    const db = join(OUT, `trial-${n}.sqlite`);
    for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
    const aim: Trial['aim'] = n % END_EVERY === 0 ? 'end-window' : 'random';
    const kill = aim === 'random' ? await killRandom(db, input, clean.ms) : await killInEndWindow(db, input, fileCount);
    const hitEndWindow = kill.atKill !== null && kill.atKill.done === fileCount && kill.atKill.files === fileCount && kill.atKill.indexes < INDEX_NAMES.length;
    const integrityAfterKill = existsSync(db) ? integrity(db) : 'no database yet';
    const resume = await startIndex(db, input).done;
    const indexes = indexNames(db);
    const check = integrity(db);
    const differences = diff(reference, fingerprint(db, queries));
    const missing = INDEX_NAMES.filter((i) => !indexes.includes(i));
    if (missing.length) differences.push(`capture indexes missing after the resume: ${missing.join(', ')}`);
    if (resume.code !== clean.code) differences.push(`resume exit ${resume.code ?? resume.signal} != clean ${clean.code}`);
    const t: Trial = {
      n, aim, ...kill, hitEndWindow, integrityAfterKill, resumeExit: resume.code, resumeMs: Math.round(resume.ms), integrity: check,
      indexesAfterResume: indexes.length, differences,
      ok: check === 'ok' && soundAfterKill(integrityAfterKill) && differences.length === 0,
    };
    trials.push(t);
    const where = t.finishedBeforeKill ? 'run finished before the kill' : `killed at ${t.killAtMs} ms with ${t.atKill?.done ?? 0}/${t.atKill?.files ?? 0} files done, ${t.atKill?.indexes ?? 0}/5 indexes${t.hitEndWindow ? ' (end-of-run window)' : ''}`;
    console.log(`#${n} ${aim}: ${where}; after kill ${integrityAfterKill}; resume exit ${resume.code} in ${(resume.ms / 1000).toFixed(1)} s; ` +
      `integrity ${check}; ${t.ok ? 'equals the clean run' : `DIFFERS: ${differences.join('; ')}`}`);
    for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  }

  const killed = trials.filter((t) => !t.finishedBeforeKill);
  const summary = {
    seed: SEED, files: fileCount, captures: reference.captures, pages: reference.pages, cleanSeconds: clean.ms / 1000,
    trials: trials.length, kills: killed.length, endWindowHits: trials.filter((t) => t.hitEndWindow).length,
    finishedBeforeKill: trials.length - killed.length,
    integrityFailures: trials.filter((t) => t.integrity !== 'ok' || !soundAfterKill(t.integrityAfterKill)).length,
    indexesMissingAfterResume: trials.filter((t) => t.indexesAfterResume < INDEX_NAMES.length).length,
    differentFromClean: trials.filter((t) => t.differences.some((d) => !d.startsWith('capture indexes missing'))).length,
    ok: trials.filter((t) => t.ok).length,
  };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify({ summary, trials }, null, 2));
  console.log(`\n${summary.kills} kills (${summary.endWindowHits} in the end-of-run window; ${summary.finishedBeforeKill} runs finished before their kill), ` +
    `${summary.integrityFailures} integrity failures, ${summary.indexesMissingAfterResume} resumes without every capture index, ` +
    `${summary.differentFromClean} resumes different from the clean run; ${summary.ok}/${summary.trials} trials fully ok`);
  process.exitCode = summary.ok === summary.trials ? 0 : 1;
}

await main();
