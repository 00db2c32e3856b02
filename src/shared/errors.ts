// The codes of the contract (src/shared/api.ts re-exports them), and the one error type whose code reaches a client
// (ARCHITECTURE.md, 'Errors'). A leaf module: the contract's files, the core and the engine all import it, and it
// imports nothing.

/** Damage found in an archive file: a whole file that cannot be read (thrown), or a place inside a readable one
 *  (reported, and reading goes on). They appear in CLI output, the index's error table and the API: never rename
 *  one. */
export type ProblemCode =
  | 'not-an-archive' // the file is not WARC, ARC, WACZ or gzip of one of them
  | 'file-not-found'
  | 'empty-file'
  | 'warc-truncated' // the file ends inside a record (or inside a gzip member)
  | 'warc-bad-header' // a record header that cannot be parsed (bad version line, bad field line)
  | 'warc-bad-length' // Content-Length missing, not a number, or not matching the bytes that follow
  | 'warc-missing-field' // a mandatory field (WARC-Record-ID, Content-Length, WARC-Date, WARC-Type) is absent
  | 'warc-bad-field' // a field whose value is malformed (date, URI, record id, digest syntax)
  | 'warc-garbage' // bytes between records that belong to no record; reading resynchronised after them
  | 'warc-block-digest' // WARC-Block-Digest does not match the block
  | 'warc-payload-digest' // WARC-Payload-Digest does not match the payload
  | 'gzip-corrupt' // a gzip member that does not inflate
  | 'gzip-truncated'
  | 'http-bad-message' // an HTTP message inside a response/request record that cannot be parsed
  | 'http-bad-chunking' // Transfer-Encoding: chunked whose chunks do not add up
  | 'http-bad-encoding' // Content-Encoding that does not decode
  | 'arc-bad-header'
  | 'wacz-bad-package'
  | 'file-changed' // the file's size or mtime changed while it was being read (truncated, rewritten, still written)
  | 'decompression-bomb' // a gzip member, zip entry or Content-Encoding past 64 MB inflating at more than 1000:1; not read further
  | 'payload-truncated-for-text'; // a payload past the text-extraction bound (--max-text-mb): its text is from the first part only

/** What ingest stores for a place it could not index: the archive's own damage, or a failure of its own there. */
export type IngestProblemCode =
  | ProblemCode
  | 'record-unreadable' // a record whose fields could not be read into a capture
  | 'extract-failed' // a page whose text could not be extracted
  | 'file-unreadable' // reading stopped inside the file; what came before it is kept
  | 'worker-crashed' // the ingest worker reading the file stopped
  | 'record-stopped-worker' // the ingest worker stopped while reading this record (out of memory, say): the record is left out, reading goes on after it
  | 'document-encrypted' // a PDF that needs a password: its text cannot be read
  | 'document-unreadable' // a PDF whose structure or a page of it cannot be parsed (damaged); text of the pages before is kept
  | 'document-truncated' // a PDF that ends without its %%EOF marker: cut short; text of the pages that could be read is kept
  | 'document-timeout'; // a document's text extraction passed its time bound: text of the pages read before is kept

/** Every code that crosses a process boundary, as an ApiError's or as a problem's: data, never Error objects. An
 *  error thrown with one of these (a CodedError, below) reaches the client as it is; any other failure
 *  reaches it as 'internal' and is logged, since it is a bug rather than something the user can act on. */
export type ErrorCode =
  | IngestProblemCode
  | 'bad-request' // the arguments do not fit the method
  | 'unknown-method'
  | 'unauthorized'
  | 'record-not-found'
  | 'query-syntax'
  | 'bad-name' // a collection name that is empty, too long or holds control characters
  | 'collection-exists'
  | 'collection-not-found'
  | 'busy' // the collection is being ingested
  | 'collection-unreadable' // the database cannot be opened or read: no such folder, not SQLite, damaged, a folder
  | 'collection-too-new' // the database was written by a later version of ArchiveStream
  | 'read-only' // a write asked of a collection whose file or disk is read-only
  | 'disk-full' // the disk (or the database's size limit) is full; what was committed is kept
  | 'not-allowed' // a file or folder outside those the person allowed (engine/access.ts)
  | 'needs-confirmation' // allowing a folder takes a code shown outside the API (the engine's terminal)
  | 'no-gpu-extractor' // GPU text extraction asked for, and no client offers one
  | 'registry-unreadable' // the collections list (archivestream.json) is not JSON; a read-only reader leaves it be
  | 'collection-empty' // a collection whose database does not exist yet (nothing ingested): nothing to replay
  | 'replay-unavailable' // the engine runs without a replay origin
  | 'trace-not-found' // no span of that trace is held any more (the span store keeps the most recent ones)
  | 'cancelled' // a long operation (a WACZ export) stopped at the user's request; nothing was left behind
  | 'internal';

/** An error whose code is part of the contract: src/engine/errors.ts passes its code, file and offset on to the client
 *  as they are. The core and the engine throw it (or a subclass) for what the user can act on. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The file the error is about, when it is about one (shown to the user, with the offset when known). */
    readonly file?: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}
