// The one CDXJ writer. Lines are those of `warcio cdx-index` (warcio.js 2.4, default cdxj format): the same records,
// the same request/response pairing, the same fields in the same order, in file order (warcio.js does not sort; sort
// with LC_ALL=C sort to build a lookup index, as pywb does). Where warcio.js is wrong we follow pywb's indexer instead,
// each place said below:
//  - ARC files (warcio.js cannot read them): fields as pywb's cdx-indexer gives them: ARC header mime, HTTP status,
//    and a computed SHA-1 of the HTTP body as digest, since ARC records carry none.
//  - Records without WARC-Target-URI are not indexed (warcio.js prints the urlkey `undefined`).
//  - WARC-Type is compared case-insensitively (`RESPONSE` is a response; warcio.js indexes it as an unknown type).
//  - Non-HTTP response records (dns:) get their WARC Content-Type as mime and no status (warcio.js parses the DNS text
//    as an HTTP message and prints `"status":""`).
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { base32 } from './digest.js';
import { openSource } from './source.js';
import { requestQuery, surt } from './surt.js';
import type { ArchiveFile, ArchiveRecord, ByteSource } from './types.js';

/** One CDXJ entry. Optional fields are absent from the JSON, as in warcio.js output. */
export interface CdxjEntry {
  urlkey: string;
  /** 14 digits, from WARC-Date (or the ARC date). */
  timestamp: string;
  url: string;
  mime?: string;
  status?: string;
  /** Base32 SHA-1 payload digest, without the `sha1:` label. */
  digest?: string;
  length: number;
  offset: number;
  filename: string;
  /** For non-GET captures paired with their request: the request method and body query (see surt.ts). */
  method?: string;
  requestBody?: string;
}

export interface CdxjOptions {
  /** The `filename` field; default the file's base name, as `warcio cdx-index` writes it. */
  filename?: string;
}

const typeOf = (r: ArchiveRecord) => r.type.toLowerCase();

/** Whether a record gets an index line of its own: not requests or warcinfo (their data joins the response's line),
 *  not metadata/resource holding warc-fields, and only records with a target URI to look them up by. */
export function isIndexed(record: ArchiveRecord): boolean {
  const type = typeOf(record);
  if (type === 'request' || type === 'warcinfo' || !record.targetUri) return false;
  if ((type === 'metadata' || type === 'resource') && mediaType(record.contentType, /;/)?.toLowerCase() === 'application/warc-fields')
    return false;
  return true;
}

/** The entry of one record, with the request record captured with it (same target URI, adjacent) when there is one:
 *  a non-GET request adds its method and body to the urlkey. Null for records that get no line (see isIndexed). */
export function cdxjEntry(record: ArchiveRecord, filename: string, opts: EntryOptions = {}): CdxjEntry | null {
  return isIndexed(record) ? indexedEntry(record, filename, opts) : null;
}

/** cdxjEntry of a record isIndexed has said yes to (cdxjEntries asks it first, and once). */
function indexedEntry(record: ArchiveRecord, filename: string, opts: EntryOptions): CdxjEntry {
  const request = opts.request;
  const url = record.targetUri!;
  const type = typeOf(record);
  const http = record.http();

  let keyUrl = url;
  let method: string | undefined;
  let requestBody: string | undefined;
  const req = request && !isPlainGet(request) ? request.http() : null;
  if (req?.method !== undefined && req.method !== 'GET') {
    const body = request!.block().subarray(req.bodyOffset);
    const q = requestQuery(url, req.method, req.headers.getAll('content-type').join(', '), body);
    keyUrl = q.url;
    method = q.method;
    requestBody = q.requestBody || undefined;
  }

  const entry: CdxjEntry = {
    urlkey: surt(keyUrl),
    timestamp: timestampOf(record.date ?? ''),
    url,
    mime: undefined,
    status: undefined,
    digest: undefined,
    length: opts.length ?? record.length,
    offset: record.offset,
    filename,
  };

  if (type === 'revisit') entry.mime = 'warc/revisit';
  else if (record.format === 'arc') entry.mime = mediaType(record.contentType, /[; ]/);
  else if ((type === 'response' || type === 'request') && http) entry.mime = mediaType(http.headers.getAll('content-type').join(', '), /;/);
  // A WARC record's contentType is its head's first Content-Type (heads.ts): whether it has one at all, without a
  // look through the head's fields.
  else if (record.contentType !== undefined) {
    const warcType = record.headers.getAll('content-type').join(', ');
    // An HTTP record whose message does not parse: its payload's type is unknown, and application/http would mislead.
    const unparsedHttp = (type === 'response' || type === 'request') && /^application\/http/i.test(warcType);
    if (!unparsedHttp) entry.mime = warcType;
  }

  if ((type === 'response' || type === 'revisit') && http?.status !== undefined) entry.status = String(http.status);

  if (record.payloadDigest !== undefined) entry.digest = digestValue(record.payloadDigest);
  else if (record.format === 'arc') entry.digest = sha1Base32(record.payloadPieces('none'));

  if (method !== undefined) entry.method = method;
  if (requestBody !== undefined) entry.requestBody = requestBody;
  return entry;
}

/** The 14 digits of a WARC-Date: its first 14 characters once '-', ':' and 'T' are dropped. Read by position when the
 *  date is written as WARC 1.1 section 5.4 says (YYYY-MM-DDThh:mm:ss...), else by the rule itself. */
export function timestampOf(date: string): string {
  if (ISO_SECOND.test(date)) return date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10) + date.slice(11, 13) + date.slice(14, 16) + date.slice(17, 19);
  return date.replace(/[-:T]/g, '').slice(0, 14);
}

const ISO_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** Whether a request's block starts with `GET ` and a character that is no white space: a request line parseHttp
 *  reads as a GET (parseHttp's METHOD; latin1 0xA0 is white space to \S), which adds nothing to the key. Most
 *  requests are such, and their heads then need no parsing. */
function isPlainGet(request: ArchiveRecord): boolean {
  const b = request.blockHead(5);
  return b.length === 5 && b[0] === 0x47 && b[1] === 0x45 && b[2] === 0x54 && b[3] === 0x20 &&
    b[4] !== 0x20 && b[4] !== 0xa0 && (b[4] < 0x09 || b[4] > 0x0d);
}

/** The media type of a Content-Type: what comes before the first `separator`, trimmed. (String.split with a RegExp
 *  builds a new RegExp each call; search does not.) */
function mediaType(contentType: string | undefined, separator: RegExp): string | undefined {
  if (!contentType) return undefined;
  const cut = contentType.search(separator);
  return (cut < 0 ? contentType : contentType.slice(0, cut)).trim();
}

/** `sha1:ABC` -> `ABC`: what lies between the first colon and the next (split(':', 2)[1]); undefined without one. */
function digestValue(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon < 0) return undefined;
  const next = digest.indexOf(':', colon + 1);
  return digest.slice(colon + 1, next < 0 ? digest.length : next);
}

/** The digest form CDX files use: RFC 4648 base32 of the SHA-1 (20 bytes: 32 characters, no padding); of bytes, or of
 *  pieces in order (a payload of any size, hashed in flat memory). */
export function sha1Base32(data: Uint8Array | Iterable<Uint8Array>): string {
  const hash = createHash('sha1');
  if (data instanceof Uint8Array) hash.update(data);
  else for (const piece of data) hash.update(piece);
  return base32(hash.digest());
}

/** `urlkey timestamp {json}`: the JSON keeps warcio.js's key order (url, mime, status, digest, length, offset,
 *  filename, method, requestBody), numbers written as strings. Written field by field rather than as JSON.stringify of
 *  a copy of the entry (a line per record, that was a tenth of cdxj's CPU); fields that are digits (length, offset)
 *  need no quoting, and the file name, the same on every line, is quoted once per file. */
export function formatCdxj(entry: CdxjEntry): string {
  let json = `{"url":${quoted(entry.url)}`;
  if (entry.mime !== undefined) json += `,"mime":${quoted(entry.mime)}`;
  if (entry.status !== undefined) json += `,"status":${quoted(entry.status)}`;
  if (entry.digest !== undefined) json += `,"digest":${quoted(entry.digest)}`;
  json += `,"length":"${entry.length}","offset":"${entry.offset}","filename":${quotedName(entry.filename)}`;
  if (entry.method !== undefined) json += `,"method":${quoted(entry.method)}`;
  if (entry.requestBody !== undefined) json += `,"requestBody":${quoted(entry.requestBody)}`;
  return `${entry.urlkey} ${entry.timestamp} ${json}}`;
}

/** What JSON.stringify escapes in a string: control characters, '"', '\\' and lone surrogates (any surrogate here;
 *  a pair goes to JSON.stringify too, which leaves it as it is). */
const JSON_ESCAPED = /[\x00-\x1f"\\\ud800-\udfff]/;

/** JSON.stringify of a string, which for most fields (URLs, media types, digits, digests) is the string in quotes:
 *  a RegExp test says so for a third of what JSON.stringify costs a field. */
const quoted = (s: string): string => (JSON_ESCAPED.test(s) ? JSON.stringify(s) : '"' + s + '"');

let lastName = '';
let lastQuoted = '""';
const quotedName = (name: string): string => (name === lastName ? lastQuoted : (lastQuoted = JSON.stringify((lastName = name))));

/** One record's CDXJ line (no newline), or null when it gets none. */
export function cdxjRecord(record: ArchiveRecord, filename: string, opts: EntryOptions = {}): string | null {
  const entry = cdxjEntry(record, filename, opts);
  return entry && formatCdxj(entry);
}

/**
 * The entries of a record sequence in file order (its nulls skipped). A response or revisit is paired with an
 * adjacent request for the same target URI (either order), as warcio.js pairs them, so that a POST's body can join its
 * key; any other record stands alone.
 */
export function* cdxjEntries(
  records: Iterable<ArchiveRecord | null>,
  filename: string,
  lengthOf: (record: ArchiveRecord) => number = (r) => r.length,
): Generator<CdxjEntry> {
  let last: ArchiveRecord | null = null;
  const emit = (record: ArchiveRecord, request: ArchiveRecord | null) =>
    isIndexed(record) ? indexedEntry(record, filename, { request, length: lengthOf(record) }) : null;
  for (const record of records) {
    if (!record) continue; // a stretch read past without a record (ArchiveFile.steps)
    if (!last) {
      last = record;
      continue;
    }
    let entry: CdxjEntry | null;
    const type = typeOf(record);
    const lastType = typeOf(last);
    if (last.targetUri !== record.targetUri) {
      entry = emit(last, null);
      last = record;
    } else if (type === 'request' && (lastType === 'response' || lastType === 'revisit')) {
      entry = emit(last, record);
      last = null;
    } else if ((type === 'response' || type === 'revisit') && lastType === 'request') {
      entry = emit(record, last);
      last = null;
    } else {
      entry = emit(last, null);
      last = record;
    }
    if (entry) yield entry;
  }
  if (last) {
    const entry = emit(last, null);
    if (entry) yield entry;
  }
}

/** Every CDXJ line of an archive (WARC, ARC or WACZ), in file order, without newlines. */
export function* cdxjLines(file: ArchiveFile, opts: CdxjOptions = {}): Generator<string> {
  const filename = opts.filename ?? basename(file.path);
  // Offsets of a single-member gzip are in uncompressed coordinates: the file's bytes cannot be sniffed there. A file
  // without compression needs no look at a record's bytes (cdxLength), so no second mapping of it either.
  const uncompressed = file.compression === 'none';
  const source = file.compression === 'gzip-single' || uncompressed ? null : openSource(file.path, 'mmap');
  try {
    const lengthOf = (r: ArchiveRecord) =>
      r.file !== file.path ? r.length : uncompressed ? plainCdxLength(r) : source ? cdxLength(r, source) : r.length;
    // steps(), not records(): records() only drops steps' nulls, a generator layer a record for nothing.
    for (const entry of cdxjEntries(file.steps(), filename, lengthOf)) yield formatCdxj(entry);
  } finally {
    source?.close();
  }
}

/**
 * The length a CDX line gives a record: its gzip member(s) when compressed; for an uncompressed record, its header and
 * block without the CRLF CRLF (or ARC LF) that follows, as pywb and warcio.js count it (pywb's own test index has
 * example.warc's first response at offset 460, length 1987, and the next record starts at 2451). `source` holds the
 * record at record.offset (the archive file, or the .wacz for a stored WARC entry); `uncompressed` says the file has no
 * compression.
 */
export function cdxLength(record: ArchiveRecord, source: ByteSource, uncompressed = false): number {
  // A file without compression (the reader found no gzip at its start) holds no gzip member: no need to look.
  if (!uncompressed) {
    const magic = source.read(record.offset, 2);
    if (magic[0] === 0x1f && magic[1] === 0x8b) return record.length;
  }
  return plainCdxLength(record);
}

/** cdxLength of a record stored without compression: its header and block. */
const plainCdxLength = (record: ArchiveRecord): number => Math.min(record.length, record.headerLength + record.contentLength);

/** Options for one record's entry. */
export interface EntryOptions {
  /** The request captured with it (same target URI, adjacent): a non-GET request adds its method and body to the key. */
  request?: ArchiveRecord | null;
  /** The CDX length when it differs from record.length (see cdxLength); default record.length. */
  length?: number;
}
