// Documents (issue 18): the real PDFs of ../shared/corpus/pdf (py-pdf/sample-files, see the corpus README), wrapped
// here as HTTP response records in a WARC this test writes, are indexed by words on their pages (the Arabic and the
// multi-column ones too) with their page counts; the password-protected one and a truncated copy are stored as errors
// with file and offset while the ingest goes on; plain text is indexed as it is. files.json (the corpus's own account
// of each file, made by another tool) gives the page counts the test expects.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection, type StoredCapture } from '../../../src/core/store/index.js';
import { search } from '../../../src/core/search/index.js';
import { html, warcFile, warcRecord, type RecordSpec } from './warc-builder.js';

const CORPUS = join(__dirname, '../../../../shared/corpus/pdf');
const corpus = existsSync(join(CORPUS, 'files.json'));
const meta = corpus
  ? (JSON.parse(readFileSync(join(CORPUS, 'files.json'), 'utf8')) as { data: Array<{ path: string; pages?: number; encrypted: boolean }> }).data
      .filter((m) => existsSync(join(CORPUS, m.path))) // files over 100 KB were left out of the corpus
  : [];

/** Served untyped, as servers often send downloads: known as PDFs by their bytes. */
const UNTYPED = new Set(['026-latex-multicolumn/multicolumn.pdf', '011-google-doc-document/google-doc-document.pdf']);
const PASSWORD = '005-libreoffice-writer-password/libreoffice-writer-password.pdf';
const TRUNCATED_FROM = '004-pdflatex-4-pages/pdflatex-4-pages.pdf';
const urlOf = (path: string) => `http://docs.example.org/${path}`;

let dir: string;
let warc: string;
let coll: Collection;
let offsets: Map<string, number>;

beforeAll(async () => {
  if (!corpus) return;
  dir = mkdtempSync(join(tmpdir(), 'as-docs-'));
  const records: RecordSpec[] = meta.map((m, i) => ({
    uri: urlOf(m.path),
    date: `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`,
    contentType: UNTYPED.has(m.path) ? 'application/octet-stream' : 'application/pdf',
    body: readFileSync(join(CORPUS, m.path)),
  }));
  const whole = readFileSync(join(CORPUS, TRUNCATED_FROM));
  records.push(
    // A copy cut in the middle, as an interrupted download leaves it.
    { uri: urlOf('truncated.pdf'), date: '2024-01-02T00:00:00Z', contentType: 'application/pdf', body: whole.subarray(0, Math.floor(whole.length / 2)) },
    // Untyped bytes that are no PDF: not a document.
    { uri: 'http://docs.example.org/blob.bin', date: '2024-01-02T00:00:01Z', contentType: 'application/octet-stream', body: Buffer.from('zebra-in-a-blob '.repeat(50)) },
    { uri: 'http://docs.example.org/readme.txt', date: '2024-01-02T00:00:02Z', contentType: 'text/plain; charset=utf-8', body: 'Plain notes about the okapi\r\nsecond line with ünïcode\u0003' },
    // After the failures: the ingest went on.
    { uri: 'http://docs.example.org/', date: '2024-01-03T00:00:00Z', body: html('Index of documents', 'the quagga list') },
  );
  offsets = new Map();
  let at = 0;
  for (const r of records) {
    offsets.set(r.uri, at);
    at += warcRecord(r).length;
  }
  warc = join(dir, 'docs.warc');
  // warcRecord writes fresh record ids: the file is written from the same records, so the offsets hold.
  writeFileSync(warc, warcFile(records));
  const summary = await ingestCollection(join(dir, 'c.sqlite'), [warc], { workers: 1 });
  expect(summary.filesFailed).toBe(0);
  coll = Collection.open(join(dir, 'c.sqlite'));
}, 120_000);
afterAll(() => {
  coll?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const urlsOf = (q: string) => search(coll, q, { limit: 100 }).hits.map((h) => h.url).sort();
const captureOf = (url: string): StoredCapture => coll.all<StoredCapture>({ sql: `SELECT id FROM captures WHERE uri = @url`, params: { url } })
  .map((r) => coll.capture(r.id)!)[0];

describe.skipIf(!corpus)('PDF and plain-text documents', () => {
  it('finds each PDF by words on its pages, also on its last page and in a second column', () => {
    expect(urlsOf('consetetur sadipscing')).toEqual(expect.arrayContaining([urlOf('001-trivial/minimal-document.pdf')]));
    // Page 4 of 4.
    expect(urlsOf('"Huardest gefburn"')).toContain(urlOf('004-pdflatex-4-pages/pdflatex-4-pages.pdf'));
    // The two-column LaTeX document, served as octet-stream: a phrase read down one column, and the table on page 3.
    expect(urlsOf('"vel consectetuer odio sem sed wisi"')).toEqual([urlOf('026-latex-multicolumn/multicolumn.pdf')]);
    expect(urlsOf('Copenhagen Danish')).toEqual([urlOf('026-latex-multicolumn/multicolumn.pdf')]);
    expect(urlsOf('"Namespaces are one honking great idea"')).toEqual([urlOf('011-google-doc-document/google-doc-document.pdf')]);
    expect(urlsOf('"Here’s to the crazy ones" OR "Heres to the crazy ones"')).toEqual([urlOf('021-pdfa/crazyones-pdfa.pdf')]);
  });

  it('finds the Arabic PDFs by their Arabic word as a reader types it (with or without harakat), and holds it in reading order', () => {
    const arabic = meta.filter((m) => m.path.startsWith('015-arabic/')).map((m) => urlOf(m.path)).sort();
    expect(arabic).toHaveLength(3);
    // These WeasyPrint files draw the word with one glyph whose Unicode is the whole word (and one mixing it with the
    // Latin "h"); pdf.js alone gives its letters reversed (يبيبَح), which no reader types.
    expect(urlsOf('حَبيبي')).toEqual(arabic);
    expect(urlsOf('حبيبي')).toEqual(arabic); // typed without its vowel mark
    expect(urlsOf('habibi')).toEqual(arabic);
    expect(urlsOf('يبيبَح')).toEqual([]);
    for (const url of arabic) {
      const text = coll.page(captureOf(url).digest!)!.text;
      expect(text, url).toContain('habibi حَبيبي');
      expect(text, url).not.toContain('يبيبَح');
    }
  });

  it('stores every readable PDF with the page count the corpus lists, its title, and its text in the record viewer', () => {
    const readable = meta.filter((m) => !m.encrypted);
    expect(readable.length).toBeGreaterThan(15);
    for (const m of readable) {
      const page = coll.page(captureOf(urlOf(m.path)).digest!);
      expect(page, m.path).toBeDefined();
      expect(page!.pageCount, m.path).toBe(m.pages);
      expect(page!.text, m.path).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    }
    expect(coll.page(captureOf(urlOf('011-google-doc-document/google-doc-document.pdf')).digest!)!.title).toBe('PDF Example Document');
  });

  it('stores the password-protected PDF and the truncated copy as errors at their records, and goes on', () => {
    const errors = coll.errors().filter((e) => e.code.startsWith('document-'));
    expect(errors).toEqual([
      expect.objectContaining({ file: warc, offset: offsets.get(urlOf(PASSWORD)), code: 'document-encrypted', message: expect.stringContaining('password') }),
      expect.objectContaining({ file: warc, offset: offsets.get(urlOf('truncated.pdf')), code: 'document-truncated', message: expect.stringContaining('%%EOF') }),
    ]);
    expect(coll.page(captureOf(urlOf(PASSWORD)).digest!)).toBeUndefined();
    expect(urlsOf('quagga')).toEqual(['http://docs.example.org/']);
  });

  it('indexes plain text as it is, and leaves untyped bytes that are no PDF alone', () => {
    expect(urlsOf('okapi unicode')).toEqual(['http://docs.example.org/readme.txt']);
    const text = coll.page(captureOf('http://docs.example.org/readme.txt').digest!)!;
    expect(text.text).toBe('Plain notes about the okapi\nsecond line with ünïcode ');
    expect(text.pageCount).toBeNull();
    expect(coll.page(captureOf('http://docs.example.org/blob.bin').digest!)).toBeUndefined();
    expect(urlsOf('zebra')).toEqual([]);
  });
});

describe.skipIf(!corpus)('the time bound of a document', () => {
  it('stops a PDF past its time, says so at its record, and indexes the rest', async () => {
    const d = mkdtempSync(join(tmpdir(), 'as-docs-slow-'));
    try {
      const records: RecordSpec[] = [
        { uri: 'http://slow.example/4.pdf', date: '2024-01-01T00:00:00Z', contentType: 'application/pdf', body: readFileSync(join(CORPUS, TRUNCATED_FROM)) },
        { uri: 'http://slow.example/', date: '2024-01-01T00:00:01Z', body: html('After', 'the tarpan page') },
      ];
      const path = join(d, 'slow.warc');
      writeFileSync(path, warcFile(records));
      await ingestCollection(join(d, 'c.sqlite'), [path], { workers: 1, documentTimeoutMs: 1 });
      const c = Collection.open(join(d, 'c.sqlite'));
      try {
        expect(c.errors()).toEqual([expect.objectContaining({ file: path, offset: 0, code: 'document-timeout' })]);
        expect(search(c, 'tarpan').hits).toHaveLength(1);
      } finally {
        c.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});
