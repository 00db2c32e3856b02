// Builds the benchmark WARCs: real HTML pages (mozilla/readability test pages) wrapped as WARC/1.1 response + request
// records, interleaved with the records of well-formed corpus WARCs, repeated with varied URLs and dates until the
// plain file reaches the asked size. The same records are written plain (.warc) and per-record gzip (.warc.gz, one
// member per record at zlib's default level, as Heritrix and warcio write them). Deterministic: same size, same bytes.
//
// The generator parses the corpus with its own minimal splitter, so the input favours neither ArchiveStream's reader
// nor warcio.js.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sha1Base32 as sha1Base32Bare } from '../../src/core/warc/cdxj.js';
import { prng, shuffle } from '../lib/corpus-gen.js';

/** Bump when the bytes the generator writes change, so cached files are rebuilt. */
const GENERATOR_VERSION = 1;

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const CORPUS = resolve(PROJECT_ROOT, '../shared/corpus');
export const DATA_DIR = join(PROJECT_ROOT, 'bench/data');

/** Well-formed corpus WARCs (both reference scans agree, no problems reported in MANIFEST.tsv); mixes Heritrix
 *  WARC/0.17 with dns: records, wget, pywb revisits, POST requests, chunked transfer encoding, Common Crawl. */
const CORPUS_WARCS = [
  'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/iana.warc.gz',
  'webrecorder+py-wacz/tests/fixtures/example-iana.warc',
  'webrecorder+py-wacz/tests/fixtures/example-collection-with-lists.warc',
  'iipc+webarchive-commons/src/test/resources/org/archive/format/warc/IAH-urls-wget.warc',
  'commoncrawl+whirlwind-python/whirlwind.warc',
  'webrecorder+pywb/sample_archive/warcs/post-test.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/dupes.warc.gz',
  'webrecorder+warcio.js/test/data/example-iana.org-chunked.warc',
];

/** WARC fields carried over from corpus records; record ids and links to them are regenerated or dropped. */
const KEPT_FIELDS = new Set([
  'warc-type', 'warc-target-uri', 'content-type', 'warc-payload-digest', 'warc-block-digest', 'warc-ip-address',
  'warc-refers-to-target-uri', 'warc-refers-to-date', 'warc-profile', 'warc-truncated', 'warc-identified-payload-type',
]);

export interface BenchFiles {
  plain: string;
  gz: string;
  /** Float64Array of [offset, length] pairs, one per gzip member (= per record), in file order. */
  members: string;
  uncompressedBytes: number;
  gzBytes: number;
  records: number;
  /** The size asked for, in MB (10^6 bytes); the plain file is at least this big. */
  mb: number;
}

export interface GenerateOptions {
  mb: number;
  dataDir?: string;
  corpus?: string;
  log?: (line: string) => void;
}

/** Returns the cached files for this size, generating them first when absent or made by another generator version. */
export function ensureBenchFiles(opts: GenerateOptions): BenchFiles {
  const dataDir = opts.dataDir ?? DATA_DIR;
  const base = join(dataDir, `warc-bench-${opts.mb}mb`);
  const manifestPath = `${base}.json`;
  if (existsSync(manifestPath)) {
    const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as BenchFiles & { version: number };
    if (cached.version === GENERATOR_VERSION && [cached.plain, cached.gz, cached.members].every((p) => existsSync(p))) {
      return cached;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  opts.log?.(`generating ${opts.mb} MB benchmark WARC (plain + per-record gzip) in ${dataDir} ...`);
  const files = generate(base, opts.mb, opts.corpus ?? CORPUS);
  // The manifest is written last: an interrupted run leaves no manifest, so the next run starts over.
  writeFileAtomic(manifestPath, JSON.stringify({ version: GENERATOR_VERSION, ...files }, null, 2) + '\n');
  return files;
}

export function readMembers(path: string): Float64Array {
  const bytes = readFileSync(path);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

function generate(base: string, mb: number, corpus: string): BenchFiles {
  const target = mb * 1e6;
  const pages = loadPages(join(corpus, 'html/readability-test-pages'));
  const corpusRecords = CORPUS_WARCS.flatMap((p) => splitWarc(readWarcBytes(join(corpus, 'warc', p))));
  if (pages.length === 0 || corpusRecords.length === 0) throw new Error(`no benchmark input found under ${corpus}`);

  const paths = { plain: `${base}.warc`, gz: `${base}.warc.gz`, members: `${base}.warc.gz.members` };
  const out = new Output(paths.plain + '.tmp', paths.gz + '.tmp');
  const rand = mulberry32(0x5eed);
  const ids = new RecordIds(rand);
  const clock = new Clock(Date.UTC(2024, 0, 15, 8, 0, 0), rand);

  out.write(warcinfoRecord(ids.next(), clock.iso(), base));
  for (let round = 0; out.plainBytes < target; round++) {
    // Pages in a new order each round, merged into the corpus records (whose order is kept, so request/response
    // pairs stay adjacent) at random points, proportionally to what is left of each.
    const order = shuffle([...pages.keys()], rand);
    let p = 0;
    let c = 0;
    while ((p < order.length || c < corpusRecords.length) && out.plainBytes < target) {
      const left = order.length - p + (corpusRecords.length - c);
      if (rand() * left < order.length - p) {
        const page = pages[order[p++]!]!;
        for (const record of pageRecords(page, round, ids, clock, rand)) out.write(record);
      } else {
        out.write(rewrapRecord(corpusRecords[c++]!, round, ids, clock));
      }
    }
  }
  const { plainBytes, gzBytes, records } = out;
  out.close(paths.members + '.tmp');
  for (const p of Object.values(paths)) renameSync(p + '.tmp', p);
  return { ...paths, uncompressedBytes: plainBytes, gzBytes, records, mb };
}

class Output {
  plainBytes = 0;
  gzBytes = 0;
  records = 0;
  private readonly plainFd: number;
  private readonly gzFd: number;
  private members: number[] = [];

  constructor(private readonly plainPath: string, private readonly gzPath: string) {
    this.plainFd = openSync(plainPath, 'w');
    this.gzFd = openSync(gzPath, 'w');
  }

  write(record: Buffer): void {
    writeAll(this.plainFd, record);
    const member = gzipSync(record);
    writeAll(this.gzFd, member);
    this.members.push(this.gzBytes, member.length);
    this.plainBytes += record.length;
    this.gzBytes += member.length;
    this.records++;
  }

  close(membersPath: string): void {
    closeSync(this.plainFd);
    closeSync(this.gzFd);
    writeFileAtomic(membersPath, Buffer.from(new Float64Array(this.members).buffer), false);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

function writeFileAtomic(path: string, data: string | Buffer, rename = true): void {
  const tmp = rename ? path + '.tmp' : path;
  const fd = openSync(tmp, 'w');
  writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
  closeSync(fd);
  if (rename) renameSync(tmp, path);
}

interface Page {
  name: string;
  body: Buffer;
  payloadDigest: string;
}

function loadPages(dir: string): Page[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.html'))
    .sort()
    .map((name) => {
      const body = readFileSync(join(dir, name));
      return { name: name.replace(/\.html$/, ''), body, payloadDigest: sha1Base32(body) };
    });
}

const HOSTS = ['www.example.com', 'news.example.org', 'blog.example.net', 'docs.example.io', 'shop.example.co.uk',
  'wiki.example.org', 'www.example.de', 'media.example.fr'];

function pageRecords(page: Page, round: number, ids: RecordIds, clock: Clock, rand: () => number): Buffer[] {
  const host = HOSTS[Math.floor(rand() * HOSTS.length)]!;
  const path = `/${2015 + (round % 10)}/${page.name}/${round > 0 ? `?page=${round}` : ''}`;
  const uri = `https://${host}${path}`;
  const date = clock.next();
  const responseId = ids.next();
  const httpHead = Buffer.from(
    'HTTP/1.1 200 OK\r\n' +
      `Date: ${new Date(date).toUTCString()}\r\n` +
      'Server: nginx/1.24.0\r\n' +
      'Content-Type: text/html; charset=utf-8\r\n' +
      `Content-Length: ${page.body.length}\r\n` +
      'Cache-Control: max-age=600\r\n' +
      'Connection: close\r\n\r\n',
  );
  const responseBlock = Buffer.concat([httpHead, page.body]);
  const response = warcRecord(
    [
      ['WARC-Type', 'response'],
      ['WARC-Record-ID', responseId],
      ['WARC-Date', isoSeconds(date)],
      ['WARC-Target-URI', uri],
      ['WARC-IP-Address', `192.0.2.${1 + (round % 250)}`],
      ['Content-Type', 'application/http;msgtype=response'],
      ['WARC-Payload-Digest', page.payloadDigest],
      ['WARC-Block-Digest', sha1Base32(responseBlock)],
    ],
    responseBlock,
  );
  const requestBlock = Buffer.from(
    `GET ${path} HTTP/1.1\r\n` +
      `Host: ${host}\r\n` +
      'User-Agent: Mozilla/5.0 (compatible; ArchiveStream-bench/1.0)\r\n' +
      'Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n' +
      'Accept-Encoding: identity\r\n\r\n',
  );
  const request = warcRecord(
    [
      ['WARC-Type', 'request'],
      ['WARC-Record-ID', ids.next()],
      ['WARC-Date', isoSeconds(date)],
      ['WARC-Target-URI', uri],
      ['WARC-Concurrent-To', responseId],
      ['Content-Type', 'application/http;msgtype=request'],
      ['WARC-Block-Digest', sha1Base32(requestBlock)],
    ],
    requestBlock,
  );
  return [response, request];
}

interface CorpusRecord {
  fields: Array<[string, string]>;
  block: Buffer;
}

/** Same block, fresh WARC/1.1 header: new record id, date moved to this round, http(s) URIs varied per round. */
function rewrapRecord(record: CorpusRecord, round: number, ids: RecordIds, clock: Clock): Buffer {
  const fields: Array<[string, string]> = [['WARC-Record-ID', ids.next()], ['WARC-Date', clock.iso()]];
  for (const [name, value] of record.fields) {
    const lower = name.toLowerCase();
    if (!KEPT_FIELDS.has(lower)) continue;
    if (lower === 'warc-target-uri' || lower === 'warc-refers-to-target-uri') fields.push([name, varyUri(value, round)]);
    else if (lower === 'warc-type') fields.unshift([name, value]);
    else fields.push([name, value]);
  }
  return warcRecord(fields, record.block);
}

function varyUri(uri: string, round: number): string {
  if (round === 0 || !/^https?:/i.test(uri)) return uri;
  const hash = uri.indexOf('#');
  const [head, fragment] = hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)];
  return `${head}${head.includes('?') ? '&' : '?'}_r=${round}${fragment}`;
}

function warcinfoRecord(id: string, date: string, base: string): Buffer {
  const block = Buffer.from(
    'software: ArchiveStream bench/warc/generate.ts\r\n' +
      'format: WARC File Format 1.1\r\n' +
      'conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n' +
      `description: synthetic benchmark input ${base.split('/').pop()}\r\n`,
  );
  return warcRecord(
    [['WARC-Type', 'warcinfo'], ['WARC-Record-ID', id], ['WARC-Date', date], ['Content-Type', 'application/warc-fields']],
    block,
  );
}

function warcRecord(fields: Array<[string, string]>, block: Buffer): Buffer {
  let head = 'WARC/1.1\r\n';
  for (const [name, value] of fields) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${block.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), block, CRLF2]);
}

const CRLF2 = Buffer.from('\r\n\r\n');

function readWarcBytes(path: string): Buffer {
  const bytes = readFileSync(path);
  // gunzip inflates every member of a multi-member file in turn.
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** Minimal splitter for known-good WARCs: header lines up to CRLFCRLF, Content-Length bytes of block, CRLFCRLF.
 *  Warcinfo records are left out (the generated file has its own). */
export function splitWarc(bytes: Buffer): CorpusRecord[] {
  const records: CorpusRecord[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const start = bytes.indexOf('WARC/', pos);
    if (start < 0) break;
    const headEnd = bytes.indexOf('\r\n\r\n', start);
    if (headEnd < 0) break;
    const lines = bytes.toString('utf8', start, headEnd).split('\r\n').slice(1);
    const fields: Array<[string, string]> = [];
    for (const line of lines) {
      if (/^[ \t]/.test(line) && fields.length > 0) {
        fields[fields.length - 1]![1] += ' ' + line.trim(); // folded continuation line
        continue;
      }
      const colon = line.indexOf(':');
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const length = Number(fields.find(([n]) => n.toLowerCase() === 'content-length')?.[1]);
    if (!Number.isSafeInteger(length)) throw new Error(`corpus record without Content-Length at ${start}`);
    const blockStart = headEnd + 4;
    const block = bytes.subarray(blockStart, blockStart + length);
    pos = blockStart + length;
    const type = fields.find(([n]) => n.toLowerCase() === 'warc-type')?.[1];
    if (type !== 'warcinfo') records.push({ fields, block: Buffer.from(block) });
  }
  return records;
}

function sha1Base32(bytes: Buffer): string {
  return 'sha1:' + sha1Base32Bare(bytes);
}


class RecordIds {
  constructor(private readonly rand: () => number) {}
  next(): string {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += Math.floor(this.rand() * 2 ** 32).toString(16).padStart(8, '0');
    // Version 4 layout, so strict readers accept it as a UUID.
    return `<urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}>`;
  }
}

/** Capture times move forward by 0-20 s a record, like a crawl. */
class Clock {
  constructor(private time: number, private readonly rand: () => number) {}
  next(): number {
    this.time += Math.floor(this.rand() * 20_000);
    return this.time;
  }
  iso(): string {
    return isoSeconds(this.next());
  }
}

function isoSeconds(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The corpus generator's seeded PRNG (mulberry32), under the name this benchmark's tests use. */
export const mulberry32 = prng;

