// The peers and ceilings ArchiveStream's reader is measured against, on the same files in the same run:
// warcio.js (its cdx-index CLI as a child process, and its WARCParser API read the way its CDX indexer reads it),
// Node's zlib inflating the gzip members with no parsing, and a Buffer.indexOf scan of the mapped plain file.
import mmap from '@riaskov/mmap-io';
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { CDXIndexer, WARCParser } from 'warcio';

export interface ScanCount {
  records: number;
  /** Sum of a value read from each record, so no engine can skip the work; also a cross-check between readers. */
  check: number;
}

// The package exports no ./package.json; its CLI sits beside the CommonJS entry (dist/index.cjs).
const WARCIO_CLI = join(dirname(createRequire(import.meta.url).resolve('warcio')), 'cli.js');

/** warcio.js's own CDXJ indexer (`warcio cdx-index`), as a user would run it; output goes to `outPath`. */
export function warcioCdxIndex(file: string, outPath: string): Promise<void> {
  return runToFile(process.execPath, [WARCIO_CLI, 'cdx-index', file], outPath);
}

/** The record scan warcio.js's CDXIndexer does: parse WARC and HTTP headers, readFully() each record (a streaming
 *  parser must consume the content to reach the next record), read type, URI, date, status, offset and length.
 *  Same read size as its CLI (128 KiB). */
export async function warcioScan(file: string): Promise<ScanCount> {
  const parser = new WARCParser(createReadStream(file, { highWaterMark: 128 * 1024 }), { parseHttp: true });
  let records = 0;
  let check = 0;
  for await (const record of parser) {
    await record.readFully();
    // warcio parses a request line as a status line too (NaN): only responses and revisits carry a status.
    const status = record.warcType === 'response' || record.warcType === 'revisit' ? record.httpHeaders?.statusCode : 0;
    check += (record.warcType?.length ?? 0) + (record.warcTargetURI?.length ?? 0) + (record.warcDate?.length ?? 0);
    check += typeof status === 'number' && Number.isInteger(status) ? status : 0;
    check += parser.offset >= 0 ? 1 : 0;
    records++;
  }
  return { records, check };
}

/** warcio.js's CDXJ indexer in-process (what its CLI runs, minus start-up and stdout): lines and bytes it makes. */
export async function warcioCdxj(file: string): Promise<{ lines: number; bytes: number }> {
  const indexer = new CDXIndexer({ format: 'cdxj' });
  const reader = createReadStream(file, { highWaterMark: 128 * 1024 });
  let lines = 0;
  let bytes = 0;
  for await (const entry of indexer.iterIndex([{ filename: basename(file), reader }])) {
    bytes += indexer.serialize(entry).length;
    lines++;
  }
  return { lines, bytes };
}

/** Upper bound for any gzip WARC reader on one core: inflate each member (boundaries known beforehand) and nothing
 *  else. Checks nothing (no CRC, no parsing); the output Buffer of each member is allocated, as a reader's would be. */
export function zlibCeiling(gzFile: string, members: Float64Array): { records: number; bytes: number } {
  const fd = openSync(gzFile, 'r');
  try {
    const map = mapWhole(fd);
    let bytes = 0;
    for (let i = 0; i < members.length; i += 2) {
      const member = map.subarray(members[i]!, members[i]! + members[i + 1]!);
      bytes += inflateRawSync(member.subarray(gzipHeaderLength(member), member.length - 8)).length;
    }
    return { records: members.length / 2, bytes };
  } finally {
    closeSync(fd);
  }
}

/** Upper bound for finding records in a plain WARC: Buffer.indexOf of the version line over the mapped file. */
export function indexOfCeiling(plainFile: string, needle = 'WARC/1.1\r\n'): { records: number } {
  const fd = openSync(plainFile, 'r');
  try {
    const map = mapWhole(fd);
    const pattern = Buffer.from(needle);
    let records = 0;
    for (let at = map.indexOf(pattern, 0); at >= 0; at = map.indexOf(pattern, at + pattern.length)) records++;
    return { records };
  } finally {
    closeSync(fd);
  }
}

/** The ceilings map the 1x file whole in one Buffer. @riaskov/mmap-io 1.4.3 as published passes size and offset
 *  through a C int (2 GiB and more fail or wrap; native/mmap-int64.mjs widens it at install), so stay below that. */
export const MMAP_LIMIT = 2 ** 31 - 1;

function mapWhole(fd: number): Buffer {
  const size = fstatSync(fd).size;
  if (size >= MMAP_LIMIT) throw new Error(`cannot map ${size} bytes with @riaskov/mmap-io (limit ${MMAP_LIMIT})`);
  const map = mmap.map(size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0, mmap.MADV_SEQUENTIAL);
  if (map.length !== size) throw new Error(`mapping returned ${map.length} bytes for a ${size}-byte file`);
  return map;
}

/** RFC 1952 section 2.3: fixed 10 bytes, then optional FEXTRA, FNAME, FCOMMENT, FHCRC as FLG says. */
export function gzipHeaderLength(member: Buffer): number {
  const flags = member[3]!;
  let at = 10;
  if (flags & 4) at += 2 + member.readUInt16LE(at);
  if (flags & 8) at = member.indexOf(0, at) + 1;
  if (flags & 16) at = member.indexOf(0, at) + 1;
  if (flags & 2) at += 2;
  return at;
}

/** Runs a command with stdout to a file; rejects with its stderr tail when it fails. */
export function runToFile(command: string, args: string[], outPath: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const out = openSync(outPath, 'w');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', out, 'pipe'], env });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}
