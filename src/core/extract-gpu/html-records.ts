// The HTML pages of an archive, decoded: what the `text` command and the GPU conformance tests extract from.
import { decodeHtml } from '../decode/charset.js';
import { DEFAULT_MAX_TEXT_MB, MB } from '../extract/bound.js';
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

/** Every response/resource record whose payload is HTML, decoded (charset from HTTP, BOM, meta or detection), from at
 *  most `maxTextBytes` of its payload (`onCut` is told of each record cut there). */
export function* htmlRecords(archive: ArchiveFile, maxTextBytes = DEFAULT_MAX_TEXT_MB * MB, onCut?: (record: ArchiveRecord) => void): Generator<HtmlRecord> {
  for (const record of archive.records()) {
    if (!PAGE_RECORD_TYPES.has(record.type)) continue;
    const type = payloadType(record);
    if (!type || !HTML_TYPE.test(type)) continue;
    const payload = record.payloadUpTo(maxTextBytes);
    if (payload.cut) onCut?.(record);
    const decoded = decodeHtml(payload.bytes, type);
    yield { offset: record.offset, uri: record.targetUri ?? '', html: decoded.text, charset: decoded.charset };
  }
}
