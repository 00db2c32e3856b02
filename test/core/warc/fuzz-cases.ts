// The fuzz suite's cases and what each one runs (issue 13: "nothing lost, nothing let in"). A case is a byte string:
// a cut or a byte flip of a corpus file (../shared/corpus/warc, when present) or of a file generated here, a corrupted
// gzip member, a zip whose central directory or length fields were overwritten, or a decompression bomb built by
// bomb-fixtures.ts. Cases come one at a time without their bytes (built on demand), in an order fixed by the seed, so
// that the driver can resume after a hang at the case that follows it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BufferSource } from '../../../src/core/warc/buffer-source.js';
import { cdxjEntries } from '../../../src/core/warc/cdxj.js';
import { checkWarcRecord } from '../../../src/core/warc/check.js';
import { digestMatches } from '../../../src/core/warc/digest.js';
import { ArchiveError, openArchiveSource } from '../../../src/core/warc/index.js';
import type { ArchiveFile, WarcProblem } from '../../../src/core/warc/types.js';
import { openWaczSource, type WaczArchive } from '../../../src/core/warc/wacz.js';
import { deflatedEntry, gzipOf, makeZip, zerosDeflated } from './bomb-fixtures.js';
import { gzipMember, gzipRecords, httpResponse, responseRecord, warcRecord } from './fixtures.js';
// The benchmarks' seeded generator, so that a failing case can be named by its seed and replayed.
import { prng as random } from '../../../bench/lib/corpus-gen.js';

export type Mode = 'quick' | 'full';

export interface FuzzCase {
  name: string;
  bytes: () => Buffer;
}


const SMALL = 16 * 1024;

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'MANIFEST.tsv') out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Files made here, so that the suite means something without the corpus: every layout the reader knows. */
export function generatedFiles(): Array<[name: string, data: Buffer]> {
  const html = '<html><head><title>T</title></head><body><p>Hello, fuzz.</p></body></html>';
  const chunked = httpResponse(200, [['Content-Type', 'text/html'], ['Transfer-Encoding', 'chunked']], `${html.length.toString(16)}\r\n${html}\r\n0\r\n\r\n`);
  const gz = gzipSync(html);
  const encoded = httpResponse(200, [['Content-Type', 'text/html'], ['Content-Encoding', 'gzip'], ['Content-Length', String(gz.length)]], gz);
  const br = brotliCompressSync(html);
  const brotli = httpResponse(200, [['Content-Type', 'text/html'], ['Content-Encoding', 'br']], br);
  const request = Buffer.from('POST /form HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nq=fuzz!');
  const records = [
    warcRecord({ type: 'warcinfo', contentType: 'application/warc-fields', block: 'software: fuzz\r\n' }),
    responseRecord('http://a.example/', chunked, [['WARC-Payload-Digest', 'sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']]),
    responseRecord('http://a.example/gz', encoded),
    responseRecord('http://a.example/br', brotli),
    warcRecord({ type: 'request', uri: 'http://a.example/form', contentType: 'application/http; msgtype=request', block: request }),
    warcRecord({ type: 'revisit', uri: 'http://a.example/', fields: [['WARC-Profile', 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest']] }),
    warcRecord({ type: 'resource', uri: 'dns:a.example', contentType: 'text/dns', block: '20240102030405\na.example. 60 IN A 10.0.0.1\n' }),
  ];
  const plain = Buffer.concat(records);
  const arcBody = httpResponse(200, [['Content-Type', 'text/html']], html);
  const arc = Buffer.concat([
    Buffer.from('filedesc://fuzz.arc 0.0.0.0 20240102030405 text/plain 76\n1 0 Fuzz\nURL IP-address Archive-date Content-type Archive-length\n\n'),
    Buffer.from(`http://a.example/ 10.0.0.1 20240102030405 text/html ${arcBody.length}\n`),
    arcBody,
    Buffer.from('\n'),
  ]);
  const pages = '{"format": "json-pages-1.0"}\n{"url": "http://a.example/", "ts": "2024-01-02T03:04:05Z"}\n';
  const waczEntries = (deflate: boolean) => [
    { name: 'datapackage.json', data: JSON.stringify({ resources: [{ path: 'archive/data.warc', bytes: plain.length }] }), deflate: true },
    { name: 'pages/pages.jsonl', data: pages, deflate },
    { name: 'indexes/index.cdx.gz', data: gzipSync('a,example)/ 20240102030405 {"url": "http://a.example/"}\n') },
    { name: 'archive/data.warc', data: plain, deflate },
  ];
  return [
    ['gen/plain.warc', plain],
    ['gen/members.warc.gz', gzipRecords(records)],
    ['gen/single.warc.gz', gzipMember(plain)],
    ['gen/example.arc', arc],
    ['gen/members.arc.gz', Buffer.concat([gzipMember(arc.subarray(0, arc.indexOf('http://'))), gzipMember(arc.subarray(arc.indexOf('http://')))])],
    ['gen/stored.wacz', makeZip(waczEntries(false))],
    ['gen/deflated.wacz', makeZip(waczEntries(true))],
    ['gen/zip64.wacz', makeZip(waczEntries(false), { zip64: true, comment: 'fuzz' })],
  ];
}

/** Where the gzip members of a per-record file start (the generated ones: we know they are well formed). */
function memberStarts(data: Buffer): number[] {
  const starts: number[] = [];
  for (let i = data.indexOf(0x1f); i >= 0; i = data.indexOf(0x1f, i + 1)) if (data[i + 1] === 0x8b && data[i + 2] === 8 && data[i + 3] === 0) starts.push(i);
  return starts;
}

/** Offsets of the zip structures' length and offset fields: end record, zip64 locator and record, central directory
 *  entries and local headers, found by their signatures. */
function zipFields(data: Buffer): number[] {
  const fields: number[] = [];
  const sig = (s: number) => {
    const out: number[] = [];
    for (let i = 0; i + 4 <= data.length; i++) if (data.readUInt32LE(i) === s) out.push(i);
    return out;
  };
  for (const at of sig(0x06054b50)) fields.push(...[4, 6, 8, 10, 12, 16, 20].map((f) => at + f));
  for (const at of sig(0x07064b50)) fields.push(...[4, 8, 16].map((f) => at + f));
  for (const at of sig(0x06064b50)) fields.push(...[4, 24, 32, 40, 48].map((f) => at + f));
  for (const at of sig(0x02014b50)) {
    fields.push(...[8, 10, 16, 20, 24, 28, 30, 32, 34, 42].map((f) => at + f));
    const nameLen = data.readUInt16LE(at + 28);
    const extraLen = data.readUInt16LE(at + 30);
    for (let x = at + 46 + nameLen; x < at + 46 + nameLen + extraLen; x += 2) fields.push(x); // zip64 extra, 2 bytes at a time
  }
  for (const at of sig(0x04034b50)) fields.push(...[6, 8, 14, 18, 22, 26, 28].map((f) => at + f));
  return fields;
}

/** Values written over a length or offset field: the ones that break readers. */
const FIELD_VALUES = [0, 1, 0xff, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000];

function withField(data: Buffer, at: number, value: number, width: 2 | 4): Buffer {
  const out = Buffer.from(data);
  if (at + width > out.length) return out;
  if (width === 2) out.writeUInt16LE(value & 0xffff, at);
  else out.writeUInt32LE(value >>> 0, at);
  return out;
}

function flipped(data: Buffer, at: number, mask: number): Buffer {
  const out = Buffer.from(data);
  out[at] ^= mask;
  return out;
}

/** The bombs: each inflates to 1 GiB at about 1028:1 (past 64 MB is a bomb), in every place the reader decompresses. */
function bombCases(): FuzzCase[] {
  const zeros = () => zerosDeflated(1024);
  const member = () => gzipOf(zeros());
  const rec = warcRecord({ type: 'resource', uri: 'http://ok.example/', contentType: 'text/plain', block: 'ok' });
  const encoded = (coding: string, body: Buffer) =>
    responseRecord('http://bomb.example/', httpResponse(200, [['Content-Type', 'text/html'], ['Content-Encoding', coding]], body));
  const brZeros = () => brotliCompressSync(Buffer.alloc(72 * 1024 * 1024), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
  return [
    { name: 'bomb/gzip-member', bytes: () => Buffer.concat([gzipMember(rec), member(), gzipMember(rec)]) },
    { name: 'bomb/single-member', bytes: member },
    { name: 'bomb/member-cut', bytes: () => { const m = member(); return m.subarray(0, m.length >> 1); } },
    { name: 'bomb/content-encoding-gzip', bytes: () => Buffer.concat([encoded('gzip', gzipOf(zeros())), rec]) },
    { name: 'bomb/content-encoding-deflate', bytes: () => Buffer.concat([encoded('deflate', zeros().raw), rec]) },
    { name: 'bomb/content-encoding-br', bytes: () => Buffer.concat([encoded('br', brZeros()), rec]) },
    { name: 'bomb/content-encoding-gzip-twice', bytes: () => Buffer.concat([encoded('gzip, gzip', gzipSync(gzipOf(zeros()))), rec]) },
    { name: 'bomb/wacz-datapackage', bytes: () => makeZip([deflatedEntry('datapackage.json', zeros()), { name: 'archive/a.warc', data: rec }]) },
    { name: 'bomb/wacz-pages', bytes: () => makeZip([{ name: 'datapackage.json', data: '{}' }, deflatedEntry('pages/pages.jsonl', zeros()), { name: 'archive/a.warc', data: rec }]) },
    { name: 'bomb/wacz-warc-entry', bytes: () => makeZip([{ name: 'datapackage.json', data: '{}' }, deflatedEntry('archive/a.warc', zeros())]) },
    { name: 'bomb/wacz-stored-gzip-member', bytes: () => makeZip([{ name: 'datapackage.json', data: '{}' }, { name: 'archive/a.warc.gz', data: member() }]) },
    { name: 'bomb/wacz-index', bytes: () => makeZip([{ name: 'datapackage.json', data: '{}' }, { name: 'indexes/index.cdx.gz', data: member() }]) },
    // A central directory that understates a bomb's size: reading stops at the declared size.
    { name: 'bomb/wacz-understated', bytes: () => { const z = zeros(); return makeZip([{ name: 'datapackage.json', data: '{}' }, { name: 'pages/pages.jsonl', data: '', compressed: { body: z.raw, size: 100, crc: 0 } }]); } },
  ];
}

/** Files this large are read whole and in samples by the full form only: a case on one of them costs up to a second. */
const QUICK_MAX = 1024 * 1024;

/** Every case, in order, made as it is asked for (a full run has hundreds of thousands). Quick: a seeded sample of cuts and flips of each file under 1 MB, one field value each way,
 *  every bomb. Full: every cut of each file under 16 KB, 60 sampled cuts and flips of larger ones, every field value. */
export function* listCases(mode: Mode, seed: number, corpusDir: string | null): Generator<FuzzCase> {
  const rnd = random(seed);
  const full = mode === 'full';
  yield* bombCases();
  const files: Array<[string, () => Buffer, number]> = generatedFiles().map(([n, d]) => [n, () => d, d.length]);
  if (corpusDir && existsSync(corpusDir))
    for (const p of corpusFiles(corpusDir)) {
      let cached: Buffer | undefined;
      files.push([relative(corpusDir, p), () => (cached ??= readFileSync(p)), statSync(p).size]);
    }

  // Corrupted gzip members: every byte of each member's header and trailer, and bytes inside its deflate data.
  for (const [name, data] of generatedFiles().filter(([n]) => n.endsWith('.gz'))) {
    const starts = memberStarts(data);
    for (const [k, start] of starts.entries()) {
      const end = starts[k + 1] ?? data.length;
      const spots = [...Array(10).keys()].map((i) => start + i).concat([...Array(8).keys()].map((i) => end - 8 + i));
      for (let i = 0; i < (full ? 40 : 4); i++) spots.push(start + 10 + Math.floor(rnd() * (end - start - 18)));
      for (const at of spots)
        for (const mask of full ? [0x01, 0x80, 0xff] : [0xff]) yield { name: `gzip ${name} member ${k} @${at}^${mask}`, bytes: () => flipped(data, at, mask) };
      yield { name: `gzip ${name} member ${k} without trailer`, bytes: () => Buffer.concat([data.subarray(0, end - 8), data.subarray(end)]) };
      yield { name: `gzip ${name} member ${k} isize 0xffffffff`, bytes: () => withField(data, end - 4, 0xffffffff, 4) };
    }
  }

  // Zip central directories and length fields: each field of each structure overwritten.
  for (const [name, data] of generatedFiles().filter(([n]) => n.endsWith('.wacz'))) {
    for (const at of zipFields(data)) {
      const variants: Array<[number, 2 | 4]> = full ? FIELD_VALUES.flatMap((v) => [[v, 2], [v, 4]] as Array<[number, 2 | 4]>) : [[0, 2], [0xffffffff, 4]];
      for (const [value, width] of variants) yield { name: `zip ${name} field @${at}=${value}/${width}`, bytes: () => withField(data, at, value, width) };
    }
  }

  // The files' cuts and flips come last: they are most of a full run, which may be stopped before its end.
  for (const [name, data, size] of files) {
    if (!full && size >= QUICK_MAX) continue;
    yield { name: `whole ${name}`, bytes: data };
    const cuts: number[] = [];
    if (full && size < SMALL) for (let n = 0; n < size; n++) cuts.push(n);
    else {
      const k = full ? 60 : size < SMALL ? 12 : 1;
      for (let i = 0; i < k; i++) cuts.push(Math.floor(rnd() * size));
    }
    for (const n of cuts) yield { name: `cut ${name} @${n}`, bytes: () => data().subarray(0, n) };
    const flips = full ? (size < SMALL ? Math.min(size, 400) : 60) : size < SMALL ? 6 : 1;
    for (let i = 0; i < flips && size > 0; i++) {
      const at = Math.floor(rnd() * size);
      const mask = 1 + Math.floor(rnd() * 255);
      yield { name: `flip ${name} @${at}^${mask}`, bytes: () => flipped(data(), at, mask) };
    }
  }
}

export interface Outcome {
  records: number;
  problems: number;
  /** The whole-file error when it did not open as an archive. */
  unreadable?: string;
}

/** Reads a case through the whole reader API, as the CLI, the ingest and the engine do: every record's fields, HTTP
 *  head, block and payload (in pieces), the checks, CDXJ entries, random access by (offset, length), and a package's
 *  pages and index. A bad input must come out as problems or an ArchiveError; anything else thrown is a crash. */
export function exercise(name: string, data: Buffer): Outcome {
  let problems = 0;
  const onProblem = (p: WarcProblem) => {
    problems++;
    if (typeof p.offset !== 'number' || !p.file || !p.code || !p.message) throw new Error(`malformed problem ${JSON.stringify(p)}`);
  };
  const source = new BufferSource(name, data);
  let file: ArchiveFile;
  try {
    file = data.subarray(0, 4).toString('latin1') === 'PK\x03\x04' ? openWaczSource(source, { onProblem }) : openArchiveSource(source, { onProblem });
  } catch (e) {
    if (e instanceof ArchiveError) return { records: 0, problems, unreadable: e.code };
    throw e;
  }
  let records = 0;
  try {
    const addresses: Array<[number, number]> = [];
    for (const r of file.records()) {
      records++;
      r.http();
      digestMatches('sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', r.blockPieces());
      for (const piece of r.payloadPieces()) void piece;
      r.payloadUpTo(64 * 1024);
      if (r.format === 'warc') checkWarcRecord(r, onProblem);
      if (addresses.length < 8) addresses.push([r.offset, r.length]);
    }
    for (const entry of cdxjEntries(file.records(), 'fuzz')) void entry;
    if (file.randomAccess === 'direct')
      for (const [offset, length] of addresses) {
        try {
          file.readRecord(offset, length).payloadUpTo(1024);
        } catch (e) {
          if (!(e instanceof ArchiveError)) throw e;
        }
      }
    if (file.format === 'wacz') {
      (file as WaczArchive).pages();
      (file as WaczArchive).indexLines();
    }
  } finally {
    file.close();
  }
  return { records, problems };
}
