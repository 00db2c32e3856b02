// WACZ 1.1 packages (https://specs.webrecorder.net/wacz/1.1.1/): a zip holding datapackage.json, archive/*.warc[.gz],
// indexes/index.cdx[.gz] and pages/pages.jsonl. WARC entries stored without compression (the spec's requirement) are
// read in place through a window of the package's own source, so record offsets are offsets in the .wacz file and a
// record is read back in O(1). A deflated WARC entry is inflated in pieces as it is read: its records report
// `<package>#<entry>` as their file and offsets inside the inflated entry, and readRecord cannot reach them.
import { ArchiveError } from './errors.js';
import { openArchiveSource } from './archive.js';
import { gunzipUpTo } from './gzip.js';
import { openSource } from './source.js';
import type { ArchiveFile, ArchiveRecord, ByteSource, OpenOptions, WarcProblemCode } from './types.js';
import { openZip, type ZipArchive, type ZipEntry } from './zip.js';

export interface WaczPage {
  url: string;
  ts?: string;
  title?: string;
  id?: string;
  text?: string;
  [field: string]: unknown;
}

export interface WaczResource {
  name?: string;
  path: string;
  hash?: string;
  bytes?: number;
}

export interface WaczArchive extends ArchiveFile {
  readonly format: 'wacz';
  /** datapackage.json as parsed; null when it is missing or not JSON (a 'wacz-bad-package' problem says which). */
  readonly datapackage: { resources?: unknown; wacz_version?: string; title?: string; [k: string]: unknown } | null;
  /** The WARC entries under archive/, in zip order. */
  readonly warcs: readonly ZipEntry[];
  /** The pages list from pages/pages.jsonl (its header line left out); [] when absent. */
  pages(): WaczPage[];
  /** The CDXJ lines of indexes/index.cdx.gz or indexes/index.cdx(j) as the package holds them; [] when absent. */
  indexLines(): string[];
  /** Any other entry's bytes (at most LIST_MAX), or null when the package has no such entry or it cannot be read
   *  (reported as a problem). */
  readEntry(name: string): Buffer | null;
}

/** Reports a package problem ('wacz-bad-package' unless said otherwise). */
type ProblemAt = (offset: number, message: string, code?: WarcProblemCode) => void;

const PAGES = 'pages/pages.jsonl';
const INDEXES = ['indexes/index.cdx.gz', 'indexes/index.cdxj.gz', 'indexes/index.cdx', 'indexes/index.cdxj'];
const isWarcEntry = (name: string) => name.startsWith('archive/') && /\.(w?arc)(\.gz)?$/i.test(name);

/** Opens a .wacz file. Throws ArchiveError ('file-not-found', or 'wacz-bad-package' when it is not a readable zip);
 *  a zip that is not a valid package is opened as far as it goes, each fault reported as a 'wacz-bad-package' problem. */
export function openWacz(path: string, opts: OpenOptions = {}): WaczArchive {
  let source: ByteSource;
  try {
    source = openSource(path, opts.source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArchiveError('file-not-found', path, 0, 'no such file');
    throw new ArchiveError('not-an-archive', path, 0, `cannot open: ${(e as Error).message}`);
  }
  try {
    return openWaczSource(source, opts);
  } catch (e) {
    source.close();
    throw e;
  }
}

/** A WACZ over a source the caller opened (the archive closes it). */
export function openWaczSource(source: ByteSource, opts: OpenOptions = {}): WaczArchive {
  const path = source.path;
  const zip = openZip(source);
  const problem: ProblemAt = (offset, message, code = 'wacz-bad-package') => opts.onProblem?.({ code, file: path, offset, message });

  const datapackage = readDatapackage(zip, problem);
  const warcs = zip.entries.filter((e) => isWarcEntry(e.name));
  if (warcs.length === 0) problem(0, 'no WARC files under archive/');
  if (!zip.entry(PAGES)) problem(0, `no ${PAGES}`);
  for (const e of zip.entries)
    if (e.method !== 0 && e.method !== 8) problem(e.localHeaderOffset, `${e.name}: compression method ${e.method} is not supported`);

  // Opened lazily, once: a sub-archive per stored WARC entry, windows of the package's own source.
  const stored = new Map<ZipEntry, ArchiveFile>();
  const storedArchive = (entry: ZipEntry) => {
    let a = stored.get(entry);
    if (!a) {
      a = openArchiveSource(source, { ...opts, start: entry.dataOffset, end: entry.dataOffset + entry.size });
      stored.set(entry, a);
    }
    return a;
  };

  // Each WARC entry in turn; an entry that cannot be read as one is reported and passed over. A deflated entry (the
  // spec wants them stored) is inflated in pieces as it is read.
  function* steps(): Generator<ArchiveRecord | null> {
    for (const entry of warcs) {
      let inner: ArchiveFile | null = null;
      try {
        if (entry.method === 0) inner = storedArchive(entry);
        else if (entry.method === 8) inner = openArchiveSource(zip.inflated(entry), { ...opts, file: `${path}#${entry.name}` });
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        opts.onProblem?.(e.toProblem());
      }
      if (inner) yield* inner.steps();
      if (inner && entry.method !== 0) inner.close();
      yield null;
    }
  }
  function* records(): Generator<ArchiveRecord> {
    for (const r of steps()) if (r) yield r;
  }

  return {
    path,
    format: 'wacz',
    compression: 'none',
    size: source.size,
    randomAccess: 'direct',
    datapackage,
    warcs,
    records,
    steps,
    readRecord(offset: number, length: number): ArchiveRecord {
      const entry = warcs.find((e) => e.method === 0 && offset >= e.dataOffset && offset < e.dataOffset + e.size);
      if (!entry) throw new ArchiveError('wacz-bad-package', path, offset, 'no stored WARC entry holds this offset');
      return storedArchive(entry).readRecord(offset, length);
    },
    storedBytes(offset: number, length: number) {
      const entry = warcs.find((e) => e.method === 0 && offset >= e.dataOffset && offset < e.dataOffset + e.size);
      if (!entry) throw new ArchiveError('wacz-bad-package', path, offset, 'no stored WARC entry holds this offset');
      return storedArchive(entry).storedBytes(offset, length);
    },
    pages: () => readPages(zip, problem),
    indexLines: () => readIndex(zip, problem),
    readEntry(name: string) {
      const entry = zip.entry(name);
      if (!entry) return null;
      try {
        return zip.read(entry, LIST_MAX);
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        problem(e.offset, e.message, e.code);
        return null;
      }
    },
    close() {
      for (const a of stored.values()) a.close();
      stored.clear();
      source.close();
    },
  };
}

/** The pages list of a .wacz file (pages/pages.jsonl), without opening its WARCs. */
export function waczPages(path: string, opts: OpenOptions = {}): WaczPage[] {
  const wacz = openWacz(path, opts);
  try {
    return wacz.pages();
  } finally {
    wacz.close();
  }
}

/** Package metadata is read whole, so it is bounded: datapackage.json is a few KB in practice; the pages list and the
 *  index grow with the crawl, and stay far below what one string can hold (about 512 MB). */
const DATAPACKAGE_MAX = 16 * 1024 * 1024;
const LIST_MAX = 128 * 1024 * 1024;

function readJsonEntry(zip: ZipArchive, entry: ZipEntry, max: number, problem: ProblemAt): string | null {
  try {
    return zip.read(entry, max).toString('utf8');
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    problem(e.offset, e.message, e.code);
    return null;
  }
}

function readDatapackage(zip: ZipArchive, problem: ProblemAt): WaczArchive['datapackage'] {
  const entry = zip.entry('datapackage.json');
  if (!entry) {
    problem(0, 'no datapackage.json');
    return null;
  }
  const text = readJsonEntry(zip, entry, DATAPACKAGE_MAX, problem);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problem(entry.dataOffset, `datapackage.json is not JSON (${(e as Error).message})`);
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problem(entry.dataOffset, 'datapackage.json is not a JSON object');
    return null;
  }
  const pkg = json as NonNullable<WaczArchive['datapackage']>;
  if (!Array.isArray(pkg.resources)) {
    problem(entry.dataOffset, 'datapackage.json has no resources list');
    return pkg;
  }
  // Every resource the package lists must be in the zip with the size it declares (hashes are not recomputed: that
  // would read every WARC in full on open).
  for (const r of pkg.resources as WaczResource[]) {
    const path = typeof r?.path === 'string' ? r.path : undefined;
    const e = path === undefined ? undefined : zip.entry(path);
    if (!e) {
      problem(entry.dataOffset, `datapackage.json lists ${JSON.stringify(path)}, which the package does not hold`);
      continue;
    }
    const bytes = (r as { bytes?: unknown; stats?: { bytes?: unknown } }).bytes ?? (r as { stats?: { bytes?: unknown } }).stats?.bytes;
    if (typeof bytes === 'number' && bytes !== e.size)
      problem(e.localHeaderOffset, `${e.name}: datapackage.json says ${bytes} bytes, the entry holds ${e.size}`);
  }
  return pkg;
}

function readPages(zip: ZipArchive, problem: ProblemAt): WaczPage[] {
  const entry = zip.entry(PAGES);
  if (!entry) return [];
  const text = readJsonEntry(zip, entry, LIST_MAX, problem);
  if (text === null) return [];
  const pages: WaczPage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      problem(entry.dataOffset, `${PAGES} line ${i + 1} is not JSON`);
      continue;
    }
    // The first line is the list's header ({"format": "json-pages-1.0", ...}); pages are the lines with a url.
    if (typeof obj === 'object' && obj !== null && typeof (obj as WaczPage).url === 'string') pages.push(obj as WaczPage);
    else if (i > 0) problem(entry.dataOffset, `${PAGES} line ${i + 1} has no url`);
  }
  return pages;
}

function readIndex(zip: ZipArchive, problem: ProblemAt): string[] {
  for (const name of INDEXES) {
    const entry = zip.entry(name);
    if (!entry) continue;
    try {
      let data = zip.read(entry, LIST_MAX);
      // A ZipNum index (index.cdx.gz + index.idx) is a run of gzip members; gunzip reads them all.
      if (name.endsWith('.gz')) data = gunzipUpTo(data, LIST_MAX);
      return data.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      problem(entry.dataOffset, `${name}: ${(e as Error).message}`, code === 'decompression-bomb' || e instanceof ArchiveError ? (code as WarcProblemCode) : undefined);
      return [];
    }
  }
  return [];
}
