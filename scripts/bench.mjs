#!/usr/bin/env node
// `npm run bench [-- name...]`: every benchmark under bench/, one after the other, each printing its own table of
// figures and ratios against its peer (measured in the same run) with a line describing the machine.
//   warc     WARC scan and CDXJ vs warcio.js, zlib and indexOf ceilings; random access; memory at 1x and 10x
//   warc-cores  cdxj, records --json and check on one file at 1 and 2 threads vs warcio.js, and a per-core model
//   extract  CPU text extractor vs html-to-text and htmlparser2
//   article  main-content quality on the article-extraction benchmark's held-out half (F1, its own scorer)
//   gpu      gpu.js text extraction in headless Chromium, batch sizes swept, vs the CPU extractor
//   ingest   where ingest's CPU goes per page, vs a bare FTS5 table
//   ingest-one-file  one large .warc.gz indexed whole by one worker and in windows by two, alternated
//   index    collection ingest (1 and 2 workers) and query latency at 20k and 200k pages
//   ui       search-as-you-type and scrolling in the browser UI against a large collection
//   replay   time to first byte of a record from a 4.4 GB .warc.gz, and a full page load, vs node:http + warcio.js
//   load     50 API clients searching (with a think time) and pings before, during and after an ingest, and the ingest's rate under them
//   telemetry  ingest with tracing off, the in-app span store only, and OTLP export: medians, spread, CPU time
//   export   anon RSS exporting a WACZ subset of 1x and 10x the bytes, vs zip -0 storing the same WARC
// Extra arguments after the names go to every benchmark (e.g. `npm run bench -- warc -- --mb 50`).
import { spawnSync } from 'node:child_process';

const BENCHES = {
  warc: ['bench/warc/run.ts', '--mb', '500', '--memory'],
  'warc-cores': ['bench/warc/cores.ts'],
  extract: ['bench/extract/speed.ts'],
  article: ['bench/extract/article-benchmark.ts', '--half', 'heldout'],
  gpu: ['bench/extract-gpu.ts'],
  ingest: ['bench/ingest/stages.ts'],
  'ingest-one-file': ['bench/ingest/one-file.ts'],
  index: ['bench/index/run.ts'],
  ui: ['bench/ui/run.ts'],
  replay: ['bench/replay/run.ts'],
  load: ['bench/load/run.ts'],
  telemetry: ['bench/telemetry/overhead.ts'],
  export: ['bench/export/run.ts'],
};

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const names = split >= 0 ? argv.slice(0, split) : argv;
const extra = split >= 0 ? argv.slice(split + 1) : [];
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of names.length ? names : Object.keys(BENCHES)) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync('npx', ['tsx', ...BENCHES[name], ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
