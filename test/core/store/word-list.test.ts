// The word list (schema.ts migration 9) is what search writes a prefix out as: it must hold every word of every page
// while search uses it, or a prefix would miss pages. Each test finds the truth in FTS5's own prefix match, which reads
// the index and not the list.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { SCHEMA_VERSION } from '../../../src/core/store/schema.js';
import { search, searchFacets } from '../../../src/core/search/index.js';
import type { PageRow } from '../../../src/shared/records.js';
import { html, warcFile } from '../ingest/warc-builder.js';
import { buildCollection, contentOf, spied, tempDbs, tempDir, type FakePage } from '../search/helpers.js';
import { schemaBefore } from './old-schema.js';

const dbs = tempDbs();

// Words the tokenizer folds (case, accents), scripts without spaces, and words shared by many pages.
const TEXTS = [
  'Café ÉCOLE über Straße', 'caféine cafétéria école', 'Ünter über ueber', '東京の図書館 図書', 'كتاب مكتبة',
  'archive archives archived', 'archipelago arches', 'Пример примерно', 'κόσμος κοσμικός', 'lighthouse keeper',
];

function pages(from: number, n: number, extra = ''): FakePage[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      digest: `sha1:W${i}`, title: `page ${i}`, text: `${TEXTS[i % TEXTS.length]} ${extra}`.trim(),
      captures: [{ uri: `http://words.example/${i}`, timestamp: `2020${String(1 + (i % 12)).padStart(2, '0')}01000000` }],
    };
  });
}

function pageRow(p: FakePage): PageRow {
  return { digest: p.digest, url: p.captures[0].uri, title: p.title, description: '', text: p.text, lang: null, ...contentOf(p) };
}

/** Adds pages as a file of their own (no captures needed for the index), as a run would before its end. */
function addPages(c: Collection, name: string, ps: FakePage[]): void {
  const fileId = c.beginFile({ path: `/fake/${name}.warc`, size: 1, mtime: 1, fingerprint: name });
  c.writeBatch({ fileId, captures: [], pages: ps.map(pageRow), errors: [] });
  c.finishFile(fileId, 'done', 'warc');
}

/** Pages FTS5 itself finds for the prefix, read from the index. */
function truth(c: Collection, prefix: string): number {
  return c.get<{ n: number }>({ sql: `SELECT count(*) AS n FROM pages_fts WHERE pages_fts MATCH @m`, params: { m: `"${prefix}"*` } })!.n;
}

/** The total search gives a prefix, and whether it read the prefix's words from the word list. */
function prefixSearch(c: Collection, q: string): { total: number; listed: boolean } {
  const { spy, seen } = spied(c);
  const total = searchFacets(spy, q).total;
  search(spy, q);
  return { total, listed: seen.some((sql) => /FROM page_words/.test(sql)) };
}

const PREFIXES = ['caf', 'CAFÉ', 'ecol', 'uber', 'stras', 'arch', 'archiv', '図書', 'مكت', 'прим', 'κοσμ', 'light', 'nothere'];

describe('word list', () => {
  it('after a run, a prefix is read from the list and finds the pages FTS5 finds, in every script', () => {
    const c = buildCollection(dbs.path(), pages(0, 40));
    for (const p of PREFIXES) {
      // search folds the typed prefix as the index does; the truth is asked in the folded form.
      const folded = p.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
      expect([p, prefixSearch(c, `${p}*`)]).toEqual([p, { total: truth(c, /^\p{Script=Latin}/u.test(p) ? folded : p), listed: true }]);
    }
    expect(truth(c, 'arch')).toBeGreaterThan(0);
    c.close();
  });

  it('a run that adds a few pages adds their words; until it ends, the index is read instead', () => {
    const c = buildCollection(dbs.path(), pages(0, 40));
    addPages(c, 'more', pages(40, 2, 'zeppelin zephyrs 博物館の展示 مَتحَف'));
    // Pages past the list's end: the words are read from the index, and found.
    expect(prefixSearch(c, 'zep*')).toEqual({ total: 2, listed: false });
    c.refreshWordList();
    expect(prefixSearch(c, 'zep*')).toEqual({ total: 2, listed: true });
    expect(c.get<{ pages: number }>({ sql: `SELECT pages FROM page_words WHERE term = 'zeppelin'`, params: {} })).toEqual({ pages: 2 });
    // Words the new pages bring in scripts that are segmented (Japanese) or lose their vowel marks (Arabic).
    for (const p of ['博物', 'متح']) expect([p, prefixSearch(c, `${p}*`)]).toEqual([p, { total: truth(c, p), listed: true }]);
    expect([truth(c, '博物'), truth(c, 'متح')]).toEqual([2, 2]);
    // A word the new pages share with the old ones is counted over both.
    const archive = c.get<{ pages: number }>({ sql: `SELECT pages FROM page_words WHERE term = 'archive'`, params: {} })!.pages;
    expect(archive).toBe(truth(c, 'archive'));
    c.close();
  });

  it("a page whose text changed, or a page under the list's end, makes search read the index until the list is made again", () => {
    const c = buildCollection(dbs.path(), pages(0, 10));
    c.run({ sql: `UPDATE pages SET text = 'quokka ' || text WHERE digest = 'sha1:W3'`, params: {} });
    expect(prefixSearch(c, 'quok*')).toEqual({ total: 1, listed: false });
    c.refreshWordList();
    expect(prefixSearch(c, 'quok*')).toEqual({ total: 1, listed: true });

    // The newest page goes and a new one takes its id: it is under the list's end, but its words are not listed.
    addPages(c, 'last', pages(10, 1));
    c.refreshWordList();
    c.forgetFile('/fake/last.warc');
    const top = c.get<{ hi: number }>({ sql: 'SELECT max(id) AS hi FROM pages', params: {} })!.hi;
    addPages(c, 'again', pages(11, 1, 'wombat'));
    expect(c.get<{ hi: number }>({ sql: 'SELECT max(id) AS hi FROM pages', params: {} })!.hi).toBe(top + 1);
    expect(prefixSearch(c, 'womb*')).toEqual({ total: 1, listed: false });
    c.close();
  });

  it('an ingest run ends with the list true', async () => {
    const t = tempDir();
    dbs.defer(t.cleanup);
    const warc = join(t.dir, 'a.warc');
    writeFileSync(warc, warcFile([
      { uri: 'http://a.example/', date: '2020-01-01T00:00:00Z', body: html('Lighthouses', 'The lighthouse keeper logs the lightships.') },
      { uri: 'http://b.example/', date: '2020-01-02T00:00:00Z', body: html('Harbours', 'A harbour master and a lighthouse.') },
    ]));
    const db = join(t.dir, 'c.sqlite');
    await ingestCollection(db, [warc]);
    const c = Collection.open(db);
    expect(prefixSearch(c, 'lightho*')).toEqual({ total: 2, listed: true });
    expect(prefixSearch(c, 'lights*')).toEqual({ total: 1, listed: true });
    c.close();
  });

  it('a collection made before the list gets it when opened', () => {
    const path = dbs.path();
    // The schema as the migrations before the word list left it, written as that code wrote it (the FTS row too).
    const raw = schemaBefore(path, 'CREATE TABLE page_words');
    raw.exec(`INSERT INTO pages (id, digest, url, title, description, text) VALUES
        (1, 'sha1:A', 'http://a.example/', 'Lighthouses', '', 'The lighthouse keeper logs the lightships.'),
        (2, 'sha1:B', 'http://b.example/', 'Harbours', '', 'A harbour master and a lighthouse.');
      INSERT INTO pages_fts (rowid, title, description, main, rest) SELECT id, title, description, text, '' FROM pages;`);
    raw.close();
    const c = Collection.open(path);
    expect(c.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(prefixSearch(c, 'lightho*')).toEqual({ total: 2, listed: true });
    expect(prefixSearch(c, 'harb*')).toEqual({ total: 1, listed: true });
    c.close();
  });
});
