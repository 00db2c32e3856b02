// Bundles the Node side (CLI, engine, worker threads) into out/node with esbuild. Native modules stay external.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFtsRank } from '../native/fts-rank.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out/node');
const bundle = await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'src/cli/main.ts',
    engine: 'src/engine/main.ts',
    'ingest-worker': 'src/core/ingest/worker.ts',
    'pdf-worker': 'src/core/documents/pdf-thread.ts',
    'ingest-writer': 'src/core/ingest/writer-thread.ts',
    'ingest-shard': 'src/core/ingest/shard-thread.ts',
    'search-reader': 'src/core/search/reader-thread.ts',
    'warc-reader': 'src/core/warc/read-thread.ts',
    'checkpoint-worker': 'src/core/store/checkpoint-worker.mjs',
    'index-worker': 'src/core/store/index-worker.mjs',
  },
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', '@riaskov/mmap-io', 'chardet', '@opentelemetry/*', 'playwright-core', 'playwright', 'pdfjs-dist'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});

// Chunk names carry a content hash: drop the chunks of earlier builds, which nothing loads any more.
const made = new Set(Object.keys(bundle.metafile.outputs).map((f) => relative('out/node', f)));
for (const f of readdirSync(outDir)) {
  if (/^chunk-.*\.mjs(\.map)?$/.test(f) && !made.has(f)) rmSync(join(outDir, f));
}

// The headless GPU text-extraction page (src/core/extract-gpu/bundle.ts reads it; same options as there).
await build({
  absWorkingDir: root,
  entryPoints: ['src/core/extract-webgl/page-entry.ts'],
  outfile: 'out/node/gpu-page.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  logLevel: 'error',
});

// The ranking function for FTS5 (native/fts-rank.c), where a C compiler runs; search ranks with FTS5's bm25 without it.
const rank = buildFtsRank(root);
if (rank !== 'built' && rank !== 'current') {
  console.log(`archivestream: the ranking extension was not built (${rank}); search ranks with FTS5's bm25, in the same order, slower on large collections.`);
}
