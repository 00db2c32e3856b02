// The public shape of the WARC core. Everything outside src/core/warc sees these types, never a parser's internals.
import type { RandomAccess } from '../../shared/api.js';
import type { ProblemCode } from '../../shared/errors.js';

/** A file's bytes, read in place. The mmap source returns views into the mapping (zero-copy); the positional-read
 *  source returns fresh Buffers. Both are one interface and pass one test suite (test/core/warc/sources.test.ts). */
export interface ByteSource {
  readonly path: string;
  readonly size: number;
  /** Bytes [offset, offset + length), clipped at end of file. Views must not be used after close(). */
  read(offset: number, length: number): Buffer;
  close(): void;
  /** The longest read that costs no more than a short one: a mapping's or an in-memory buffer's views are free up
   *  to this length, a positional read copies, so it is a modest window. Readers ask for min(what they need, this)
   *  and grow from there. */
  readonly cheapRead: number;
}

export type SourceKind = 'mmap' | 'file';

/** Stable problem codes. They appear in CLI output, the index's error table and the API, so the contract lists them
 *  (src/shared/errors.ts): never rename one. */
export type WarcProblemCode = ProblemCode;

export interface WarcProblem {
  code: WarcProblemCode;
  file: string;
  /** Byte offset in the file (the compressed offset for per-record gzip; the uncompressed one inside a single-member
   *  gzip stream) where the problem was found. */
  offset: number;
  message: string;
}

/** Header fields in file order; names keep their case, lookup is case-insensitive. */
export interface HeaderFields {
  readonly list: ReadonlyArray<readonly [name: string, value: string]>;
  get(name: string): string | undefined;
  getAll(name: string): string[];
}

export type ArchiveFormat = 'warc' | 'arc' | 'wacz';
export type Compression = 'none' | 'gzip-members' | 'gzip-single';

export interface HttpMessage {
  /** 'response' or 'request', as the first line says. */
  kind: 'response' | 'request';
  /** Status line or request line as it stands. */
  startLine: string;
  status?: number; // responses
  method?: string; // requests
  requestTarget?: string; // requests
  headers: HeaderFields;
  /** Offset of the HTTP body within the record's content block. */
  bodyOffset: number;
}

export interface ArchiveRecord {
  /** The archive file this record lives in (for WACZ: the path of the .wacz plus the entry, see `container`). */
  file: string;
  /** Offset and length on disk: compressed offset/length of the gzip member(s) for per-record gzip. For a
   *  single-member gzip file (compression 'gzip-single', randomAccess 'sequential') they address the uncompressed
   *  stream, the only place such a record has an address of its own. */
  offset: number;
  length: number;
  format: 'warc' | 'arc';
  /** 'WARC/1.0', 'WARC/1.1', 'WARC/0.17', 'WARC/0.18' or 'ARC/1' */
  version: string;
  /** WARC-Type ('response', 'request', 'revisit', ...); ARC records report 'response' (filedesc: 'warcinfo'). */
  type: string;
  headers: HeaderFields;
  targetUri?: string;
  /** ISO 8601 as in the file (WARC-Date), or converted from the ARC 14-digit date. */
  date?: string;
  recordId?: string;
  contentType?: string;
  contentLength: number;
  /** Bytes of the record's head (WARC header block with its blank line, ARC URL-record line), uncompressed: the block
   *  follows it. */
  headerLength: number;
  payloadDigest?: string;
  blockDigest?: string;
  refersToUri?: string;
  refersToDate?: string;
  /** The content block (after gzip inflation, before any HTTP decoding). */
  block(): Buffer;
  /** The block's first `n` bytes (fewer when it is shorter), read without the rest. */
  blockHead(n: number): Buffer;
  /** The parsed HTTP message when the block is one (response/request/revisit with an HTTP content type or an http(s)
   *  target); null for dns:, warcinfo, metadata and other non-HTTP blocks or when parsing fails. */
  http(): HttpMessage | null;
  /** The block in pieces of at most 1 MiB, so that a record of any size is read in flat memory. */
  blockPieces(): Iterable<Buffer>;
  /** The HTTP body after transfer decoding (chunked) and content decoding (gzip/deflate/br); the block itself when
   *  the record holds no HTTP message. Decoding problems are reported through the reader's onProblem; so is a
   *  content coding that inflates like a bomb ('decompression-bomb'), where the payload then stops. */
  payload(): Buffer;
  /** The payload in pieces of about 1 MiB: the way to hash or scan one of any size. `decoding` 'transfer' stops
   *  before content decoding, 'none' gives the HTTP body as stored. */
  payloadPieces(decoding?: 'none' | 'transfer' | 'content'): Iterable<Buffer>;
  /** At most `max` bytes of the payload, and whether there was more (decoding stops there). */
  payloadUpTo(max: number): { bytes: Buffer; cut: boolean };
}

export interface OpenOptions {
  source?: SourceKind; // default 'mmap', falling back to 'file' when mapping fails
  /** Called for every problem found while reading; reading goes on past it where the rest is readable. */
  onProblem?: (problem: WarcProblem) => void;
}

export interface ArchiveFile {
  readonly path: string;
  readonly format: ArchiveFormat;
  readonly compression: Compression;
  readonly size: number;
  /** How readRecord reaches a record: 'direct' reads only its bytes (plain files, per-record gzip); 'sequential'
   *  (single-member gzip) inflates the stream once and keeps it cached, addressing records by uncompressed offset. */
  readonly randomAccess: RandomAccess;
  /** Every record in file order. Ends cleanly at end of file; damage is reported through onProblem and skipped. */
  records(): Iterable<ArchiveRecord>;
  /** records() with a null after each stretch read past without a record (damage, a bomb, an empty member): where a
   *  caller that must stay responsive (the engine) can give way between bounded pieces of work. */
  steps(): Iterable<ArchiveRecord | null>;
  /** O(1) read of one record by its on-disk (offset, length), as records() reported them. */
  readRecord(offset: number, length: number): ArchiveRecord;
  /** The record at (offset, length) as the file stores it, in pieces of at most 1 MiB: its gzip member(s) for
   *  per-record gzip ('gzip' true), its plain bytes otherwise (a single-member gzip's from the inflated stream). How
   *  the WACZ export copies a record without touching its bytes. */
  storedBytes(offset: number, length: number): { gzip: boolean; pieces: Iterable<Buffer> };
  close(): void;
}
