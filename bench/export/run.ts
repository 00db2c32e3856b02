// WACZ export memory: anonymous resident memory (RssAnon: heap and native allocations; mapped archive pages and the
// page cache are not ours) while exporting a subset of 1x and 10x the bytes, each in a fresh child process sampled
// from outside every 50 ms. Peer in the same run: Info-ZIP's `zip -0` storing the same source WARC (a native tool
// whose memory does not depend on the file's size), so that a machine's noise shows in both.
//   npx tsx bench/export/run.ts [--mb 300]     (1x: pages with a ~1 MB image each, about --mb MB; 10x: ten times)
// The data (bench/data/export-*) is generated once and kept.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestCollection } from '../../src/core/ingest/index.js';
import { sha1Base32 } from '../../src/core/warc/cdxj.js';
import { machineLine } from '../lib/machine.js';
import { anonBytes } from '../lib/proc.js';
import { formatTable, MB } from '../lib/stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DATA = join(ROOT, 'bench/data');
const IMAGE_BYTES = 1_000_000;

function record(uri: string, date: string, contentType: string, body: Buffer): Buffer {
  const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  const head =
    `WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: ${uri}\r\nWARC-Date: ${date}\r\n` +
    `WARC-Record-ID: <urn:uuid:${createHash('md5').update(uri).digest('hex').replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}>\r\n` +
    `Content-Type: application/http; msgtype=response\r\nWARC-Payload-Digest: sha1:${sha1Base32(body)}\r\nContent-Length: ${http.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), http, Buffer.from('\r\n\r\n')]);
}

/** A per-record gzip WARC of `pages` pages, each with an image of pseudo-random bytes (stored: they do not compress). */
function generate(path: string, pages: number): void {
  if (existsSync(path)) return;
  const fd = openSync(`${path}.tmp`, 'w');
  for (let i = 0; i < pages; i++) {
    const date = `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
    const img = `http://bench.example/img/${i}.bin`;
    const html = `<!doctype html><html><head><title>Page ${i}</title></head><body><p>benchmark page number ${i}</p><img src="${img}"></body></html>`;
    writeSync(fd, gzipSync(record(`http://bench.example/page/${i}`, date, 'text/html', Buffer.from(html))));
    writeSync(fd, gzipSync(record(img, date, 'application/octet-stream', randomBytes(IMAGE_BYTES)), { level: 0 }));
  }
  closeSync(fd);
  rmSync(path, { force: true });
  renameSync(`${path}.tmp`, path);
}

async function peak(cmd: string, args: string[]): Promise<{ peak: number; stdout: string; seconds: number }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  let max = 0;
  const timer = setInterval(() => (max = Math.max(max, anonBytes(child.pid!))), 50);
  await new Promise((ok) => child.on('exit', ok));
  clearInterval(timer);
  return { peak: max, stdout, seconds: (performance.now() - t0) / 1000 };
}

const arg = process.argv.indexOf('--mb');
const mb = arg > 0 ? Number(process.argv[arg + 1]) : 300;
mkdirSync(DATA, { recursive: true });
const rows: string[][] = [];
const peaks: number[] = [];
for (const scale of [1, 10]) {
  const pages = Math.round((mb * scale * MB) / IMAGE_BYTES);
  const warc = join(DATA, `export-${pages}.warc.gz`);
  const db = join(DATA, `export-${pages}.sqlite`);
  console.error(`${scale}x: ${pages} pages: generating and ingesting ...`);
  generate(warc, pages);
  if (!existsSync(db)) await ingestCollection(db, [warc], { workers: 1 });
  const out = join(DATA, `export-${pages}.wacz`);
  const ours = await peak(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/export/probe.ts'), db, out, 'benchmark', String(pages)]);
  const r = JSON.parse(ours.stdout) as { records: number; bytes: number; seconds: number; before: number };
  const zipOut = join(DATA, `export-${pages}.zip`);
  rmSync(zipOut, { force: true });
  const peer = await peak('zip', ['-0', '-q', zipOut, warc]);
  rmSync(zipOut, { force: true });
  rmSync(out, { force: true });
  peaks.push(ours.peak);
  rows.push([`${scale}x`, String(r.records), (statSync(warc).size / MB).toFixed(0), (r.bytes / MB).toFixed(0), r.seconds.toFixed(1),
    (r.before / MB).toFixed(1), (ours.peak / MB).toFixed(1), (peer.peak / MB).toFixed(1), peer.seconds.toFixed(1)]);
}
console.log(`# WACZ export memory; ${machineLine(DATA)}`);
console.log(formatTable(['subset', 'records', 'source MB', 'wacz MB', 'export s', 'anon MB open', 'anon MB peak', 'zip -0 anon MB', 'zip -0 s'], rows));
console.log(`peak anon RSS 10x / 1x: ${(peaks[1]! / peaks[0]!).toFixed(2)}`);
