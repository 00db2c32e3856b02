// The HTML pages of an archive, decoded: what the `text` command and the GPU conformance tests extract from.
import { decodeHtml } from '../decode/charset.js';
import type { ArchiveFile, ArchiveRecord } from '../warc/types.js';

export interface HtmlRecord {
  offset: number;
  uri: string;
  html: string;
  charset: string;
}

const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i;
const PAGE_RECORD_TYPES = new Set(['response', 'resource']);

/** The Content-Type that describes the payload: the HTTP header when the block is an HTTP message, else the
 *  record's own (a WARC resource record or an ARC record without HTTP headers). */
function payloadType(record: ArchiveRecord): string | undefined {
  const http = record.http();
  if (http) return http.kind === 'response' ? http.headers.get('content-type') : undefined;
  return record.contentType;
}

/** Every response/resource record whose payload is HTML, decoded (charset from HTTP, BOM, meta or detection). */
export function* htmlRecords(archive: ArchiveFile): Generator<HtmlRecord> {
  for (const record of archive.records()) {
    if (!PAGE_RECORD_TYPES.has(record.type)) continue;
    const type = payloadType(record);
    if (!type || !HTML_TYPE.test(type)) continue;
    const decoded = decodeHtml(record.payload(), type);
    yield { offset: record.offset, uri: record.targetUri ?? '', html: decoded.text, charset: decoded.charset };
  }
}
