// Builds the replay benchmark's archive: ONE per-record-gzip .warc.gz of at least the asked size, laid out as
//   [generated pages, file 0] [iana.warc.gz, as it is] [media records up to the size] [generated pages, file 1]
// so that half the pages sit beyond the filler: past 4 GiB in a 4 GB+ file, where a 32-bit offset would break.
//
// The pages come from bench/lib/corpus-gen.ts (real readability pages recombined, level-6 members as crawlers write
// them); their per-record gzip files are appended as they are, since gzip members concatenate. iana.warc.gz (pywb's
// sample: a page with its stylesheets, scripts, images and fonts) is the multi-resource page the full-load figure
// loads. The filler is image responses of 0.5-4 MB of pseudo-random bytes, the bulk of a real crawl's bytes. They are
// written as stored deflate blocks (level 0): zlib makes the same stored blocks at level 6 for incompressible data,
// 10x slower, so a reader meets the same bytes either way.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadSourceModel, prng, writeWarcFile } from '../lib/corpus-gen.js';
import { CORPUS, DATA_DIR } from '../warc/generate.js';

/** Bump when the bytes written change, so a cached file is rebuilt. */
const VERSION = 1;
export const IANA_WARC = join(CORPUS, 'warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
/** Generated pages in each of the two page files. */
export const PAGES_PER_PART = 2500;

export interface ReplayBenchFile {
  version: number;
  gz: string;
  bytes: number;
  mediaRecords: number;
  pages: number;
}

/** Bytes free on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export function ensureReplayFile(opts: { bytes: number; dataDir?: string; log?: (line: string) => void }): ReplayBenchFile {
  const dataDir = opts.dataDir ?? DATA_DIR;
  mkdirSync(dataDir, { recursive: true });
  const base = join(dataDir, `replay-bench-${opts.bytes}`);
  const manifest = `${base}.json`;
  if (existsSync(manifest)) {
    const cached = JSON.parse(readFileSync(manifest, 'utf8')) as ReplayBenchFile;
    if (cached.version === VERSION && existsSync(cached.gz)) return cached;
  }
  // The archive, then its collection (about 1% of it) and headroom for the engine's logs and temp files.
  const needed = opts.bytes * 1.05 + 2e9;
  if (freeBytes(dataDir) < needed) {
    throw new Error(`not enough free disk in ${dataDir}: ${(freeBytes(dataDir) / 1e9).toFixed(1)} GB free, ${(needed / 1e9).toFixed(1)} GB needed; ask for a smaller --gb`);
  }
  opts.log?.(`generating a ${(opts.bytes / 1e9).toFixed(2)} GB per-record-gzip WARC in ${dataDir} ...`);
  const gz = `${base}.warc.gz`;
  const tmp = `${gz}.tmp`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  const write = (bytes: Buffer) => {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    written += bytes.length;
  };
  const model = loadSourceModel();
  const appendPages = (part: number): number => {
    const path = `${base}.part${part}.warc.gz`;
    const bytes = readFileSync((writeWarcFile(model, path, part, PAGES_PER_PART), path));
    rmSync(path);
    write(bytes);
    return bytes.length;
  };
  // Room is kept for the second page file, about as big as the first; if it comes out smaller, media records follow it.
  const lastPart = appendPages(0);
  write(readFileSync(IANA_WARC));
  const media = mediaRecords(0x6d656469);
  let mediaCount = 0;
  const fill = (upTo: number) => {
    while (written < upTo) {
      write(media.next());
      if (++mediaCount % 500 === 0) opts.log?.(`  ${(written / 1e9).toFixed(2)} GB`);
    }
  };
  fill(opts.bytes - lastPart);
  appendPages(1);
  fill(opts.bytes);
  closeSync(fd);
  renameSync(tmp, gz);
  const file: ReplayBenchFile = { version: VERSION, gz, bytes: written, mediaRecords: mediaCount, pages: 2 * PAGES_PER_PART };
  writeFileSync(manifest, JSON.stringify(file, null, 2) + '\n'); // last: an interrupted run leaves no manifest
  return file;
}

/** Image responses, each its own gzip member, with sizes, dates and bytes drawn from a seeded generator. */
function mediaRecords(seed: number) {
  const rand = prng(seed);
  // 16 MiB of pseudo-random bytes, sliced at random offsets: incompressible, and cheap to make.
  const pool = Buffer.alloc(16 << 20);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
  let n = 0;
  let time = Date.UTC(2016, 0, 1);
  return {
    next(): Buffer {
      n++;
      time += Math.floor(rand() * 20_000);
      const size = Math.floor(512 * 1024 + rand() * 3.5 * 1024 * 1024);
      const start = Math.floor(rand() * (pool.length - size));
      const payload = pool.subarray(start, start + size);
      const date = new Date(time);
      const http = Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${date.toUTCString()}\r\nContent-Type: image/jpeg\r\nContent-Length: ${size}\r\n\r\n`);
      const id = n.toString(16).padStart(12, '0');
      const head = Buffer.from(
        'WARC/1.1\r\nWARC-Type: response\r\n' +
          `WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-${id}>\r\n` +
          `WARC-Date: ${date.toISOString().replace(/\.\d+Z$/, 'Z')}\r\n` +
          `WARC-Target-URI: https://media.example.org/${n}/photo.jpg\r\n` +
          'Content-Type: application/http; msgtype=response\r\n' +
          `Content-Length: ${http.length + size}\r\n\r\n`,
      );
      return gzipSync(Buffer.concat([head, http, payload, CRLF2]), { level: 0 });
    },
  };
}

const CRLF2 = Buffer.from('\r\n\r\n');
