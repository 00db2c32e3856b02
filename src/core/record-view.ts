// Plain-data views of archive records, shared by the engine's API and the CLI so both describe a record alike.
import type { RecordDetail, RecordSummary } from '../shared/api.js';
import type { ArchiveRecord } from './warc/types.js';

/** The fields `archivestream records --json` prints and the record list shows; an empty header value is null. */
export function summarizeRecord(r: ArchiveRecord): RecordSummary {
  return {
    offset: r.offset,
    length: r.length,
    type: r.type,
    uri: r.targetUri || null,
    date: r.date || null,
    id: r.recordId || null,
    contentType: r.contentType || null,
    status: r.http()?.status ?? null,
    digest: r.payloadDigest || null,
  };
}

const TEXT_LIMIT = 256 * 1024;

/** A payload is shown as text when its first bytes hold no NUL and decode as UTF-8 without many replacements. */
function payloadAsText(head: Buffer): string | null {
  if (head.includes(0)) return null;
  const text = new TextDecoder('utf-8').decode(head);
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return bad > text.length / 100 ? null : text;
}

/** The payload is read in pieces, to count its size and keep its first TEXT_LIMIT bytes: flat memory for any size. */
export function recordDetail(r: ArchiveRecord): RecordDetail {
  const http = r.http();
  let payloadSize = 0;
  const head: Buffer[] = [];
  for (const piece of r.payloadPieces()) {
    if (payloadSize < TEXT_LIMIT) head.push(Buffer.from(piece.subarray(0, TEXT_LIMIT - payloadSize)));
    payloadSize += piece.length;
  }
  return {
    ...summarizeRecord(r),
    file: r.file,
    version: r.version,
    warcHeaders: r.headers.list.map(([k, v]) => [k, v]),
    http: http ? { startLine: http.startLine, headers: http.headers.list.map(([k, v]) => [k, v]) } : null,
    payloadSize,
    payloadText: payloadAsText(Buffer.concat(head)),
  };
}
