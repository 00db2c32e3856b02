// Subset export as a WACZ 1.1.1 package (https://specs.webrecorder.net/wacz/1.1.1/): the selected records and what
// their pages need (select.ts), as
//   archive/data.warc.gz       every record copied as stored where the source is per-record gzip, else its bytes
//                              unchanged in a gzip member of its own (ARC records go to archive/data.arc.gz);
//   indexes/index.cdxj         their CDXJ lines (the one CDXJ writer, cdxj.ts), offsets into the new file;
//   pages/pages.jsonl          the pages with title and extracted text (py-wacz's --text convention);
//   fulltext/pages.sqlite      the portable full-text index (store/portable-index.ts);
//   citations/citations.*      a citation of every page in each format (core/cite);
//   any extra JSON files the caller passes (notes, say);
//   datapackage.json           every file with its sha256 and size; datapackage-digest.json its own hash.
// Streaming: a record is copied a piece at a time and entries are written as they come (zip-writer.ts), so memory
// does not grow with the bytes exported; what stays in memory is a number per record and its CDXJ line until the
// index is sorted. The package is written under a temporary name beside the output and renamed when complete, so a
// cancelled or failed export leaves nothing under the final name.
import { closeSync, createReadStream, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CodedError } from '../../shared/errors.js';
import { cslJson, formatCitation, type CitedCapture } from '../cite/index.js';
import { PortableIndexWriter, PORTABLE_INDEX_PATH } from '../store/portable-index.js';
import { mainLinesOf } from '../store/main-lines.js';
import type { Collection, StoredCapture } from '../store/index.js';
import { formatCdxj, type CdxjEntry } from '../warc/cdxj.js';
import { openArchive } from '../warc/index.js';
import type { ArchiveFile } from '../warc/types.js';
import { ZipWriter, type WrittenEntry, type ZipEntryWriter } from '../warc/zip-writer.js';
import { selectForExport, type WaczSelection } from './select.js';

export const WACZ_VERSION = '1.1.1';
export const WARC_ENTRY = 'archive/data.warc.gz';
export const ARC_ENTRY = 'archive/data.arc.gz';
export const CDXJ_ENTRY = 'indexes/index.cdxj';
export const PAGES_ENTRY = 'pages/pages.jsonl';
/** Names the package reserves; an extra file may not take one, nor go under archive/ or indexes/. */
/** Notes and tags of the exported pages and captures (Collection.annotationsFor). */
export const ANNOTATIONS_ENTRY = 'annotations/annotations.json';
const RESERVED = /^(?:datapackage(?:-digest)?\.json|archive\/|indexes\/|pages\/pages\.jsonl$|fulltext\/|citations\/|annotations\/)/;

export interface WaczExportProgress {
  phase: 'selecting' | 'records' | 'pages' | 'finishing' | 'done';
  done: number;
  total: number;
  /** Bytes of the package written so far. */
  bytes: number;
}

export interface WaczExportOptions {
  title?: string;
  /** Extra JSON files for the package, by path inside it (e.g. 'notes/notes.json'), each listed in datapackage.json. */
  extraFiles?: Record<string, unknown>;
  /** Follow each page's resources (default true). */
  resources?: boolean;
  /** For the Memento line of the citations: the collection's replay prefix (origin + '/' + name). */
  replayPrefix?: string;
  /** Software named in datapackage.json. */
  software?: string;
  signal?: AbortSignal;
  onProgress?(p: WaczExportProgress): void;
}

export interface WaczExportSummary {
  path: string;
  bytes: number;
  records: number;
  pages: number;
  /** Resources a page referenced that the collection does not hold. */
  missing: number;
  /** Records that could not be copied, each with file and offset (the export goes on without them). */
  problems: Array<{ file: string; offset: number; message: string }>;
  resources: WrittenEntry[];
}

/** The CDXJ entry of a stored capture, or null for records CDXJ does not index (cdxj.ts isIndexed). */
export function cdxjOfCapture(c: StoredCapture): CdxjEntry | null {
  if (c.type === 'request' || c.type === 'warcinfo' || !c.uri || !c.urlkey) return null;
  if ((c.type === 'metadata' || c.type === 'resource') && c.mime === 'application/warc-fields') return null;
  return {
    urlkey: c.urlkey,
    timestamp: c.timestamp ?? '',
    url: c.uri,
    mime: c.type === 'revisit' ? 'warc/revisit' : (c.mime ?? undefined),
    status: c.status !== null && (c.type === 'response' || c.type === 'revisit') ? String(c.status) : undefined,
    digest: c.digest ? (c.digest.includes(':') ? c.digest.split(':', 2)[1] : c.digest) : undefined,
    length: c.length,
    offset: c.offset,
    filename: basename(c.file),
    method: c.method && c.method !== 'GET' ? c.method : undefined,
  };
}

/** `20140103030321` -> `2014-01-03T03:03:21Z` (pages.jsonl's ts, as py-wacz writes it). */
function isoTs(ts: string | null): string | undefined {
  if (!ts || !/^\d{14}$/.test(ts)) return undefined;
  return `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)}Z`;
}

const cancelled = (signal?: AbortSignal) => {
  if (signal?.aborted) throw new CodedError('cancelled', 'The export was cancelled.');
};

/** Exports `sel` from `coll` to `out` (.wacz). Throws CodedError('cancelled') when the signal fires. */
export async function exportWacz(coll: Collection, sel: WaczSelection, out: string, o: WaczExportOptions = {}): Promise<WaczExportSummary> {
  for (const name of Object.keys(o.extraFiles ?? {})) {
    if (RESERVED.test(name) || name.includes('..') || name.startsWith('/') || !name.endsWith('.json'))
      throw new CodedError('bad-request', `extra file "${name}": a relative .json path outside the package's own files`);
  }
  const archives = new Map<string, ArchiveFile>();
  const archiveOf = (file: string) => {
    let a = archives.get(file);
    if (!a) archives.set(file, (a = openArchive(file)));
    return a;
  };
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.part`);
  const scratch = mkdtempSync(join(tmpdir(), 'as-wacz-'));
  const fd = openSync(temp, 'w');
  let ok = false;
  let bytes = 0;
  const progress = (phase: WaczExportProgress['phase'], done: number, total: number) => o.onProgress?.({ phase, done, total, bytes });
  try {
    const zip = new ZipWriter(fd);
    progress('selecting', 0, 0);
    const selected = await selectForExport(coll, sel, {
      record: (c) => archiveOf(c.file).readRecord(c.offset, c.length),
      resources: o.resources,
      onPage: async (done, total) => {
        cancelled(o.signal);
        progress('selecting', done, total);
        if (done % 20 === 0) await yieldToLoop();
      },
    });
    if (selected.captures.length === 0) throw new CodedError('bad-request', 'The selection holds no captures to export.');

    // Records: per output format, in the order selected; CDXJ lines gathered and sorted at the end.
    const problems: WaczExportSummary['problems'] = [];
    const cdxj: string[] = [];
    const resources: WrittenEntry[] = [];
    /** Where each page's record went (its citation names that place), and in which entry. */
    const pageIds = new Set(selected.pages.map((p) => p.id));
    const placed = new Map<number, { entry: string; offset: number }>();
    let copied = 0;
    for (const [entryName, wantArc] of [[WARC_ENTRY, false], [ARC_ENTRY, true]] as const) {
      let entry: ZipEntryWriter | null = null;
      let at = 0;
      for (const id of selected.captures) {
        const c = coll.capture(id);
        if (!c) continue;
        let archive: ArchiveFile;
        let stored: ReturnType<ArchiveFile['storedBytes']>;
        try {
          archive = archiveOf(c.file);
          if ((archive.format === 'arc') !== wantArc) continue;
          stored = archive.storedBytes(c.offset, c.length);
        } catch (e) {
          if (!wantArc) problems.push({ file: c.file, offset: c.offset, message: (e as Error).message });
          continue;
        }
        entry ??= zip.entry(entryName);
        const start = at;
        try {
          if (stored.gzip) for (const piece of stored.pieces) at += write(entry, piece);
          else at += await gzipInto(entry, stored.pieces);
        } catch (e) {
          // Bytes already written cannot be taken back: the record's line is left out of the index, which is what
          // readers go by, and the problem names it.
          problems.push({ file: c.file, offset: c.offset, message: `copied in part: ${(e as Error).message}` });
          continue;
        }
        if (pageIds.has(c.id)) placed.set(c.id, { entry: entryName, offset: start });
        const line = cdxjOfCapture({ ...c, file: entryName, offset: start, length: at - start });
        if (line) cdxj.push(formatCdxj(line));
        copied++;
        bytes = zip.written;
        if (copied % 200 === 0) {
          cancelled(o.signal);
          progress('records', copied, selected.captures.length);
          await yieldToLoop();
        }
      }
      if (entry) resources.push(entry.end());
    }
    progress('records', copied, selected.captures.length);

    cdxj.sort();
    resources.push(zip.add(CDXJ_ENTRY, Buffer.from(cdxj.length ? cdxj.join('\n') + '\n' : '')));
    cdxj.length = 0;

    // Pages: pages.jsonl, the portable index and the citations, one page at a time from the collection.
    const indexPath = join(scratch, 'pages.sqlite');
    const index = new PortableIndexWriter(indexPath);
    const pagesEntry = zip.entry(PAGES_ENTRY);
    pagesEntry.write(Buffer.from(JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: o.title ?? 'Pages', hasText: true }) + '\n'));
    const cited: CitedCapture[] = [];
    let pageCount = 0;
    for (const c of selected.pages) {
      const stored = c.digest ? coll.page(c.digest) : undefined;
      const title = stored?.title || c.uri || '';
      const line = { id: `${c.id}`, url: c.uri, ts: isoTs(c.timestamp), title, text: stored?.text ?? '' };
      pagesEntry.write(Buffer.from(JSON.stringify(line) + '\n'));
      if (stored && c.digest)
        index.add({
          digest: c.digest, url: c.uri ?? '', ts: c.timestamp ?? '', title: stored.title, description: '', text: stored.text,
          mainLines: mainLinesOf(stored.text, stored.main), mainFound: stored.mainFound, lang: null,
        });
      const place = placed.get(c.id);
      if (place) cited.push({ ...c, file: place.entry, offset: place.offset, id: c.recordId, title: stored?.title || null });
      if (++pageCount % 200 === 0) {
        cancelled(o.signal);
        progress('pages', pageCount, selected.pages.length);
        await yieldToLoop();
      }
    }
    resources.push(pagesEntry.end());
    index.finish();
    const indexEntry = zip.entry(PORTABLE_INDEX_PATH);
    for await (const piece of createReadStream(indexPath)) indexEntry.write(piece as Buffer);
    resources.push(indexEntry.end());

    // Citations name the exported package's file, where a reader of the package finds the record.
    const citeOpts = { replayPrefix: o.replayPrefix, archive: basename(out) };
    resources.push(zip.add('citations/citations.txt', Buffer.from(cited.map((c) => `${formatCitation(c, 'plain')}\n${formatCitation(c, 'memento', citeOpts)}\n`).join('\n'))));
    resources.push(zip.add('citations/citations.bib', Buffer.from(cited.map((c) => formatCitation(c, 'bibtex')).join('\n\n') + '\n')));
    resources.push(zip.add('citations/citations.json', Buffer.from(JSON.stringify(cited.map(cslJson), null, 2) + '\n')));
    // The researcher's notes and tags on what is exported (pages and captures of this subset only), so that they
    // travel with the package; none written when there are none.
    const annotations = coll.annotationsFor(selected.captures);
    if (annotations.pages.length + annotations.captures.length > 0) resources.push(zip.add(ANNOTATIONS_ENTRY, Buffer.from(JSON.stringify(annotations, null, 2) + '\n')));
    for (const [name, value] of Object.entries(o.extraFiles ?? {})) resources.push(zip.add(name, Buffer.from(JSON.stringify(value, null, 2) + '\n')));

    progress('finishing', 0, 0);
    const main = selected.pages[0];
    const datapackage = {
      profile: 'data-package',
      wacz_version: WACZ_VERSION,
      title: o.title ?? 'ArchiveStream export',
      created: new Date().toISOString(),
      software: o.software ?? 'ArchiveStream',
      ...(main?.uri ? { mainPageUrl: main.uri, mainPageDate: isoTs(main.timestamp) } : {}),
      resources: resources.map((r) => ({ name: basename(r.name), path: r.name, hash: r.sha256, bytes: r.size })),
    };
    const dp = zip.add('datapackage.json', Buffer.from(JSON.stringify(datapackage, null, 2)));
    zip.add('datapackage-digest.json', Buffer.from(JSON.stringify({ path: 'datapackage.json', hash: dp.sha256 }, null, 2)));
    zip.finish();
    closeSync(fd);
    renameSync(temp, out);
    ok = true;
    bytes = statSync(out).size;
    progress('done', copied, copied);
    return { path: out, bytes, records: copied, pages: pageCount, missing: selected.missing, problems, resources: [...resources, dp] };
  } finally {
    for (const a of archives.values()) a.close();
    rmSync(scratch, { recursive: true, force: true });
    if (!ok) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      rmSync(temp, { force: true });
    }
  }
}

function write(entry: ZipEntryWriter, bytes: Uint8Array): number {
  entry.write(bytes);
  return bytes.length;
}

/** A plain record as one gzip member of its own (per-record gzip, what WARC readers seek into). */
async function gzipInto(entry: ZipEntryWriter, pieces: Iterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const chunk of Readable.from(pieces).pipe(createGzip())) n += write(entry, chunk as Buffer);
  return n;
}

function yieldToLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
