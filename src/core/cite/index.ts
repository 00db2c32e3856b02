// Citations of archived captures, in the formats researchers paste: a plain line, BibTeX, CSL-JSON (what Zotero and
// citeproc read) and a Memento line (the URI-M as RFC 7089 links it, with a PWID URN). Each names the URL, the capture
// time, the archive file and the record's digest, so a reader can find the very record again in any copy of the file.
// Browser-safe (BROWSER_SAFE in scripts/check-layers.mjs): the UI's "Copy citation" and the WACZ export's citations
// file both format through here, so the two never disagree.
import { captureInstant } from '../search/timestamp.js';

export type CitationFormat = 'plain' | 'bibtex' | 'csl-json' | 'memento';
export const CITATION_FORMATS: readonly CitationFormat[] = ['plain', 'bibtex', 'csl-json', 'memento'];

/** What a citation needs to know about one capture. */
export interface CitedCapture {
  uri: string | null;
  /** WARC-Type, named when there is no URI. */
  type: string;
  /** 14 digits, or null when the record had no date. */
  timestamp: string | null;
  /** WARC-Date as written, used when the timestamp does not parse. */
  date?: string | null;
  /** The archive file's path or name; citations name the file only. */
  file: string;
  offset: number;
  /** WARC-Record-ID, angle brackets optional. */
  id?: string | null;
  /** The payload digest ('sha1:...'): the same bytes under any file name. */
  digest?: string | null;
  title?: string | null;
}

export interface CitationOptions {
  /** Where the capture can be replayed: the replay prefix of its collection (origin + '/' + collection), from which
   *  the URI-M is `<prefix>/<14 digits>/<url>`. Without it the Memento line carries only the PWID. */
  replayPrefix?: string;
  /** The archive's name in the PWID (`urn:pwid:<archive>:...`); the archive file's name when not given. */
  archive?: string;
}

/** ISO 8601 in UTC, to the second: a citation reads the same wherever it was made. */
export function citedTime(c: Pick<CitedCapture, 'timestamp' | 'date'>): string | null {
  const t = captureInstant(c.timestamp) ?? captureInstant(c.date);
  return t === null ? null : new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const recordId = (id: string | null | undefined) => (id ? id.replace(/^<|>$/g, '') : null);

export function formatCitation(c: CitedCapture, format: CitationFormat = 'plain', o: CitationOptions = {}): string {
  switch (format) {
    case 'plain':
      return plain(c);
    case 'bibtex':
      return bibtex(c);
    case 'csl-json':
      return JSON.stringify(cslJson(c), null, 2);
    case 'memento':
      return memento(c, o);
  }
}

/** `<url>, archived <ISO time>, in <file> (record <id>, digest <d>, offset <n>)`. */
function plain(c: CitedCapture): string {
  const when = citedTime(c) ?? c.date ?? c.timestamp ?? 'at an unknown time';
  const parts = [recordId(c.id) && `record ${recordId(c.id)}`, c.digest && `digest ${c.digest}`, `offset ${c.offset}`].filter(Boolean);
  const title = c.title ? `“${c.title}”, ` : '';
  return `${title}${c.uri ?? `${c.type} record`}, archived ${when}, in ${fileName(c.file)} (${parts.join(', ')})`;
}

/** BibTeX @misc with biblatex's url/urldate and the archive in `howpublished` and `note`. The key is the host and
 *  the timestamp, which stays stable for the same capture. */
function bibtex(c: CitedCapture): string {
  const host = (() => {
    try {
      return new URL(c.uri ?? '').hostname.replace(/[^a-z0-9]+/gi, '');
    } catch {
      return 'record';
    }
  })();
  const when = citedTime(c);
  const esc = (s: string) => s.replace(/([{}\\%&$#_^~])/g, '\\$1');
  const fields: Array<[string, string | null | undefined]> = [
    ['title', c.title ?? c.uri ?? `${c.type} record`],
    ['url', c.uri],
    ['urldate', when?.slice(0, 10)],
    ['year', when?.slice(0, 4)],
    ['howpublished', `Web archive capture of ${when ?? 'unknown date'} in ${fileName(c.file)}`],
    ['note', [recordId(c.id) && `WARC-Record-ID ${recordId(c.id)}`, c.digest && `payload digest ${c.digest}`, `offset ${c.offset}`].filter(Boolean).join('; ')],
  ];
  const body = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${k === 'url' ? v : esc(v!)}}`).join(',\n');
  return `@misc{${host}${c.timestamp ?? ''},\n${body}\n}`;
}

/** CSL-JSON item of type "webpage": `URL`, `issued` and `accessed` at the capture, `archive` the file,
 *  `archive_location` the record, as Zotero maps "Archive" and "Loc. in Archive". */
export function cslJson(c: CitedCapture): Record<string, unknown> {
  const when = citedTime(c);
  const parts = when ? [[+when.slice(0, 4), +when.slice(5, 7), +when.slice(8, 10)]] : undefined;
  return {
    id: `${c.uri ?? c.type}@${c.timestamp ?? c.offset}`,
    type: 'webpage',
    title: c.title ?? c.uri ?? `${c.type} record`,
    URL: c.uri ?? undefined,
    issued: parts && { 'date-parts': parts },
    accessed: parts && { 'date-parts': parts },
    archive: fileName(c.file),
    archive_location: [recordId(c.id), c.digest, `offset ${c.offset}`].filter(Boolean).join(' '),
    note: when ? `Archived ${when}` : undefined,
  };
}

/** `<URI-M>; rel="memento"; datetime="<RFC 1123>"` (RFC 7089 5.2) when a replay prefix is known, then the PWID
 *  (`urn:pwid:<archive>:<ISO time>:page:<url>`) and the digest: the PWID names the capture without any server. */
function memento(c: CitedCapture, o: CitationOptions): string {
  const t = captureInstant(c.timestamp) ?? captureInstant(c.date);
  const iso = citedTime(c) ?? 'unknown';
  const pwid = `urn:pwid:${o.archive ?? fileName(c.file)}:${iso}:page:${c.uri ?? ''}`;
  const parts = [];
  if (o.replayPrefix && c.uri && c.timestamp) {
    parts.push(`<${o.replayPrefix}/${c.timestamp}/${c.uri}>; rel="memento"; datetime="${t === null ? '' : new Date(t).toUTCString()}"`);
  }
  parts.push(pwid);
  if (c.digest) parts.push(`digest=${c.digest}`);
  return parts.join('; ');
}
