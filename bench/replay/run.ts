// Replay benchmark: ArchiveStream's replay server against a minimal peer (node:http + warcio.js reading the record at
// its CDXJ offset, bench/replay/peer.ts), in the same run, on the same generated file:
//   - time to first byte of a record, asked by URL and capture time, from a per-record .warc.gz of --gb GB
//     (target: ours < 10 ms at p95), pages and media apart, and the records stored past 4 GiB on their own;
//   - full load of a multi-resource page (pywb's iana.org capture: stylesheets, scripts, images, fonts) in headless
//     Chromium: ours at its replay address, the peer as Chromium's HTTP proxy (no rewriting needed).
//   npx tsx bench/replay/run.ts [--gb 4.4] [--samples 1200] [--rounds 3] [--loads 15] [--keep]
// --gb       size of the generated .warc.gz in GB (10^9 bytes); the free disk is checked first
// --samples  records asked for, half pages and half media, each asked from both servers in random order
// --rounds   the samples are split into this many rounds; figures are the median round, [spread] the lowest and
//            highest round
// --loads    full page loads per server, interleaved, each in a fresh browser context (nothing cached)
// --keep     keep the archive, its collection and CDXJ in bench/data (deleted otherwise) for the next run
// Both servers run in processes of their own; the page cache is warm for both (the file was just written or read):
// the figures are those of an archive in use, not of a cold disk. Tables to stdout, figures to
// bench/data/replay-results.json.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchChromium } from '../../src/core/extract-gpu/chromium.js';
import { prng } from '../lib/corpus-gen.js';
import { cpuProbeMs, machineLine } from '../lib/machine.js';
import { fmt, formatTable, summarize } from '../lib/stats.js';
import { DATA_DIR, PROJECT_ROOT } from '../warc/generate.js';
import { cdxjRecords } from './cdxj.js';
import { ensureReplayFile } from './generate.js';

const CLI = join(PROJECT_ROOT, 'bin/archivestream.mjs');
const NAME = 'bench';
const IANA_PAGE = 'http://www.iana.org/';
const IANA_AT = '20140126200624';
const FOUR_GIB = 2 ** 32;
const TARGET_P95_MS = 10;

const out = (line = ''): void => void process.stdout.write(line + '\n');
const log = (line: string): void => void process.stderr.write(line + '\n');

interface Options {
  gb: number;
  samples: number;
  rounds: number;
  loads: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const num = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
    return v;
  };
  return { gb: num('gb', 4.4), samples: Math.round(num('samples', 1200)), rounds: Math.round(num('rounds', 3)), loads: Math.round(num('loads', 15)), keep: argv.includes('--keep') };
}

interface Sample {
  url: string;
  ts: string;
  offset: number;
  kind: 'page' | 'media';
}

/** The CDXJ's response records (what a replay is asked for), as samples. */
function readIndex(cdxj: string): Sample[] {
  const samples: Sample[] = [];
  for (const r of cdxjRecords(cdxj)) {
    if (r.status !== '200' || !/^https?:/.test(r.url)) continue;
    const kind = r.mime === 'text/html' ? 'page' : r.mime === 'image/jpeg' ? 'media' : null;
    if (kind) samples.push({ url: r.url, ts: r.ts, offset: r.offset, kind });
  }
  return samples;
}

/** Starts a bench server (ours.ts or peer.ts) and returns its origin, read from its first stdout line. Node itself
 *  with tsx's loader, not `npx tsx`, so that the process killed at the end is the server and not a wrapper. */
async function startServer(script: string, args: string[]): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/replay', script), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return { origin, child };
}

/** Milliseconds to the first byte of the body (headers parsed, first chunk arrived), and the body's digest. A new
 *  loopback connection each time, for both servers alike: a kept-alive one can be closed by the server's idle timer
 *  just as it is reused (ECONNRESET), and connecting on loopback costs a fraction of a millisecond. */
function timeRequest(url: string): Promise<{ ttfb: number; status: number; sha1: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    get(url, { agent: false }, (res) => {
      let ttfb = NaN;
      const hash = createHash('sha1');
      res.on('data', (chunk: Buffer) => {
        if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
        hash.update(chunk);
      });
      res.on('end', () => resolve({ ttfb: Number.isNaN(ttfb) ? performance.now() - t0 : ttfb, status: res.statusCode ?? 0, sha1: hash.digest('hex') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The median of the rounds' values, and the lowest and highest round. */
function acrossRounds(values: number[]): { median: number; low: number; high: number } {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, low: s[0]!, high: s[s.length - 1]! };
}

/** How busy the machine is as a timing starts: on a shared VM the same run's percentiles move several-fold with it,
 *  while the ratios to the peer, measured alongside, hold. */
function machineLoad(): string {
  return `# load: ${loadavg()[0]!.toFixed(1)} runnable on average over the last minute, cpu probe ${cpuProbeMs().toFixed(0)} ms (higher is busier)`;
}

const spread = (r: { median: number; low: number; high: number }, digits?: number) => `${fmt(r.median, digits)} [${fmt(r.low, digits)}-${fmt(r.high, digits)}]`;

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  out(`# machine: ${machineLine(DATA_DIR)}`);
  const file = ensureReplayFile({ bytes: Math.round(opts.gb * 1e9), log });
  const base = file.gz.replace(/\.warc\.gz$/, '');
  const db = `${base}.sqlite`;
  const cdxjPath = `${base}.cdxj`;
  const servers: ChildProcess[] = [];
  try {
    log('building the CLI (scripts/build-node.mjs)');
    if (spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/build-node.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
    let indexSeconds = NaN;
    if (!existsSync(db)) {
      log(`indexing ${file.gz} into a collection ...`);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'index', db, file.gz], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`archivestream index exited ${r.status}`);
      indexSeconds = (performance.now() - t0) / 1000;
    }
    log('CDXJ index for the peer (archivestream cdxj, which writes what warcio cdx-index writes) ...');
    const cdxj = spawnSync(process.execPath, [CLI, 'cdxj', file.gz], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (cdxj.status !== 0) throw new Error(`archivestream cdxj exited ${cdxj.status}: ${cdxj.stderr}`);
    writeFileSync(cdxjPath, cdxj.stdout);
    const all = readIndex(cdxj.stdout);
    out(`# input: ${(file.bytes / 1e9).toFixed(2)} GB per-record gzip, ${file.pages} generated pages + iana.org + ${file.mediaRecords} media records; ` +
      `${all.filter((s) => s.offset >= FOUR_GIB).length} of ${all.length} response records lie past 4 GiB; collection ${(statSync(db).size / 1e6).toFixed(0)} MB` +
      (Number.isNaN(indexSeconds) ? ' (reused)' : `, indexed in ${indexSeconds.toFixed(0)} s`));

    const ours = await startServer('ours.ts', [db, NAME]);
    servers.push(ours.child);
    const peer = await startServer('peer.ts', [file.gz, cdxjPath, IANA_AT]);
    servers.push(peer.child);

    // Samples: half pages, half media, drawn with a fixed seed; all asked by exact capture time.
    const rand = prng(0x7e7e);
    const pick = (kind: Sample['kind']) => {
      const pool = all.filter((s) => s.kind === kind);
      return Array.from({ length: Math.ceil(opts.samples / 2) }, () => pool[Math.floor(rand() * pool.length)]!);
    };
    const [pages, media] = [pick('page'), pick('media')];
    const samples = pages.flatMap((p, i) => [p, media[i]!]); // alternating, so every round has both kinds
    const urlOf = { ours: (s: Sample) => `${ours.origin}/${NAME}/${s.ts}id_/${s.url}`, peer: (s: Sample) => `${peer.origin}/${s.ts}id_/${s.url}` };

    log('warming up both servers ...');
    for (const s of samples.slice(0, 50)) for (const side of ['ours', 'peer'] as const) await timeRequest(urlOf[side](s));

    out(machineLoad());
    log(`time to first byte: ${samples.length} records x 2 servers in ${opts.rounds} rounds ...`);
    type Timing = { sample: Sample; ours: number; peer: number };
    const rounds: Timing[][] = [];
    let mismatches = 0;
    let errors = 0;
    const per = Math.ceil(samples.length / opts.rounds);
    for (let r = 0; r < opts.rounds; r++) {
      const timings: Timing[] = [];
      for (const s of samples.slice(r * per, (r + 1) * per)) {
        // Who goes first alternates at random, so a slow moment of the machine hits both alike.
        const order = rand() < 0.5 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
        const got: Partial<Record<'ours' | 'peer', { ttfb: number; status: number; sha1: string }>> = {};
        for (const side of order) got[side] = await timeRequest(urlOf[side](s));
        if (got.ours!.status !== 200 || got.peer!.status !== 200) errors++;
        else if (got.ours!.sha1 !== got.peer!.sha1) mismatches++;
        timings.push({ sample: s, ours: got.ours!.ttfb, peer: got.peer!.ttfb });
      }
      rounds.push(timings);
    }

    const groups: Array<[string, (t: Timing) => boolean]> = [
      ['pages (HTML)', (t) => t.sample.kind === 'page'],
      ['media (0.5-4 MB)', (t) => t.sample.kind === 'media'],
      ['all', () => true],
      ['stored past 4 GiB', (t) => t.sample.offset >= FOUR_GIB],
    ];
    const ttfbRows: string[][] = [];
    const ttfbFigures: Record<string, unknown> = {};
    for (const [label, keep] of groups) {
      const perRound = rounds.map((ts) => ts.filter(keep)).filter((ts) => ts.length > 0);
      if (perRound.length === 0) continue;
      const stat = (side: 'ours' | 'peer', q: 'p50' | 'p95') => acrossRounds(perRound.map((ts) => summarize(ts.map((t) => t[side]))[q]));
      const ratio = (q: 'p50' | 'p95') => acrossRounds(perRound.map((ts) => summarize(ts.map((t) => t.ours))[q] / summarize(ts.map((t) => t.peer))[q]));
      const n = perRound.reduce((k, ts) => k + ts.length, 0);
      const f = { n, ours: { p50: stat('ours', 'p50'), p95: stat('ours', 'p95') }, peer: { p50: stat('peer', 'p50'), p95: stat('peer', 'p95') }, ratio: { p50: ratio('p50'), p95: ratio('p95') } };
      ttfbFigures[label] = f;
      ttfbRows.push([label, String(n), spread(f.ours.p50), spread(f.ours.p95), spread(f.peer.p50), spread(f.peer.p95), spread(f.ratio.p50, 2), spread(f.ratio.p95, 2)]);
    }
    out();
    out('## time to first byte of a record (ms): median round [lowest-highest round]');
    out(formatTable(['records', 'n', 'ours p50', 'ours p95', 'peer p50', 'peer p95', 'ours/peer p50', 'ours/peer p95'], ttfbRows));
    const allP95 = (ttfbFigures.all as { ours: { p95: { median: number } } }).ours.p95.median;
    out(`target: ours p95 < ${TARGET_P95_MS} ms over all records: ${allP95 < TARGET_P95_MS ? 'PASS' : 'FAIL'} (${fmt(allP95)} ms)`);
    out(`bodies compared: ${samples.length - mismatches - errors} identical, ${mismatches} different, ${errors} not 200`);

    out(machineLoad());
    const load = await fullLoads(ours.origin, peer.origin, opts.loads);
    out();
    out(`## full load of ${IANA_PAGE} at ${IANA_AT} in headless Chromium (ms to the load event), ${opts.loads} loads each`);
    out(formatTable(['server', 'requests', 'p50', 'p95', 'max'], [
      ['ours (replay address, scripts on)', String(load.oursRequests), fmt(load.ours.p50), fmt(load.ours.p95), fmt(load.ours.max)],
      ['peer (HTTP proxy)', String(load.peerRequests), fmt(load.peer.p50), fmt(load.peer.p95), fmt(load.peer.max)],
    ]));
    out(`ours/peer: p50 ${fmt(load.ours.p50 / load.peer.p50, 2)}, p95 ${fmt(load.ours.p95 / load.peer.p95, 2)}`);
    writeFileSync(join(DATA_DIR, 'replay-results.json'), JSON.stringify({ machine: machineLine(DATA_DIR), file, options: opts, indexSeconds, ttfb: ttfbFigures, mismatches, errors, load }, null, 2) + '\n');
  } finally {
    for (const s of servers) s.kill();
    if (!opts.keep) for (const p of [file.gz, db, `${db}-wal`, `${db}-shm`, cdxjPath, `${base}.json`]) rmSync(p, { force: true });
  }
}

/** Loads the page from both servers in turn, a fresh context (empty cache) each time. */
async function fullLoads(oursOrigin: string, peerOrigin: string, loads: number) {
  const browser = await launchChromium();
  const times = { ours: [] as number[], peer: [] as number[] };
  const requests = { ours: 0, peer: 0 };
  try {
    // The first load of each side is not counted: it pays for starting a renderer and warming the server.
    for (let i = -2; i < loads * 2; i++) {
      const side = i % 2 === 0 ? 'ours' : 'peer';
      const context = await browser.newContext(side === 'peer' ? { proxy: { server: peerOrigin } } : {});
      const page = await context.newPage();
      let n = 0;
      page.on('requestfinished', () => n++);
      const t0 = performance.now();
      await page.goto(side === 'ours' ? `${oursOrigin}/${NAME}/${IANA_AT}js_/${IANA_PAGE}` : IANA_PAGE, { waitUntil: 'load' });
      if (i >= 0) times[side].push(performance.now() - t0);
      requests[side] = n;
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { ours: summarize(times.ours), peer: summarize(times.peer), oursRequests: requests.ours, peerRequests: requests.peer };
}

await main();
