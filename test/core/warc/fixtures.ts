// Builders for WARC/ARC records and gzip members made from parts, so tests can state the exact bytes they read.
// Others may reuse them (WARC 1.1 section 4 for the record layout, RFC 1952 for gzip members).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export interface WarcParts {
  type?: string;
  uri?: string;
  date?: string;
  id?: string;
  contentType?: string;
  /** Extra fields, in order, after the standard ones. */
  fields?: Array<[string, string]>;
  block?: Buffer | string;
  version?: string;
  /** Override the Content-Length written (to make it wrong); null leaves the field out. */
  contentLength?: number | string | null;
  /** Bytes after the block; default CRLF CRLF. */
  end?: string;
}

let counter = 0;

export function warcRecord(p: WarcParts = {}): Buffer {
  const block = Buffer.isBuffer(p.block) ? p.block : Buffer.from(p.block ?? '');
  const lines = [p.version ?? 'WARC/1.1'];
  lines.push(`WARC-Type: ${p.type ?? 'resource'}`);
  if (p.uri !== undefined) lines.push(`WARC-Target-URI: ${p.uri}`);
  lines.push(`WARC-Date: ${p.date ?? '2024-01-02T03:04:05Z'}`);
  lines.push(`WARC-Record-ID: ${p.id ?? `<urn:uuid:00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}>`}`);
  if (p.contentType) lines.push(`Content-Type: ${p.contentType}`);
  for (const [n, v] of p.fields ?? []) lines.push(`${n}: ${v}`);
  if (p.contentLength !== null) lines.push(`Content-Length: ${p.contentLength ?? block.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), block, Buffer.from(p.end ?? '\r\n\r\n', 'latin1')]);
}

/** An HTTP/1.1 response message; `headers` in order. */
export function httpResponse(status: number, headers: Array<[string, string]>, body: Buffer | string = ''): Buffer {
  const head = [`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}`, ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(head + '\r\n\r\n', 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

export function responseRecord(uri: string, http: Buffer, fields: Array<[string, string]> = []): Buffer {
  return warcRecord({ type: 'response', uri, contentType: 'application/http; msgtype=response', block: http, fields });
}

export interface MemberOptions {
  extra?: Buffer;
  name?: string;
  comment?: string;
  headerCrc?: boolean;
  /** Corrupt the trailer's CRC32. */
  badCrc?: boolean;
}

/** One gzip member written by hand (RFC 1952 2.3), so the optional header fields can be exercised. */
export function gzipMember(data: Buffer, o: MemberOptions = {}): Buffer {
  let flags = 0;
  const parts: Buffer[] = [];
  if (o.extra) {
    flags |= 4;
    const len = Buffer.alloc(2);
    len.writeUInt16LE(o.extra.length);
    parts.push(len, o.extra);
  }
  if (o.name !== undefined) {
    flags |= 8;
    parts.push(Buffer.from(o.name + '\0', 'latin1'));
  }
  if (o.comment !== undefined) {
    flags |= 16;
    parts.push(Buffer.from(o.comment + '\0', 'latin1'));
  }
  const head = Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255]);
  if (o.headerCrc) {
    flags |= 2;
    head[3] = flags;
    const crc = Buffer.alloc(2);
    crc.writeUInt16LE(crc32(Buffer.concat([head, ...parts])) & 0xffff);
    parts.push(crc);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE((crc32(data) ^ (o.badCrc ? 1 : 0)) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([head, ...parts, deflateRawSync(data), trailer]);
}

/** Per-record gzip: one member per record. */
export function gzipRecords(records: Buffer[], o: MemberOptions = {}): Buffer {
  return Buffer.concat(records.map((r) => gzipMember(r, o)));
}

/** A temporary directory for written fixtures; call cleanup() in afterAll. */
export function tempDir(prefix = 'archivestream-warc-'): { dir: string; write: (name: string, data: Buffer | string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, data) => {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
