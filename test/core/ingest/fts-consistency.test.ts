// The full-text index holds exactly what fts_source derives from the stored rows (FTS5's integrity-check compares the
// two), also for a page whose article repeats a line of its menu: the stored runs of main-content lines take the menu's
// copy, the extractor took the article's, and an index written from the extractor's main and rest differed from the
// row's in the order of the rest. FTS5 deletes and replaces a row by deriving it again, so such a difference leaves
// stale words behind when the page is re-extracted or its file forgotten (found by the kill -9 trial's clean run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractText } from '../../../src/core/extract/index.js';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { mainLinesOf, restOf } from '../../../src/core/store/main-lines.js';
import { warcFile } from './warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-fts-consistency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const para = (i: number) => `The zebra crossed the river at dawn while herd ${i} waited on the bank for the water to fall. `.repeat(6);
/** The menu names the article's heading and its last section: both lines stand twice on the page. */
const page = (i: number) => `<html><head><title>Zebra ${i}</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/a">Zebra news ${i}</a></li><li><a href="/b">About us</a></li></ul></nav>
<article><h1>Zebra news ${i}</h1><p>${para(i)}</p><p>${para(i + 1)}</p><h2>About us</h2><p>${para(i + 2)}</p></article>
<footer><a href="/c">Contact</a></footer></body></html>`;

/** FTS5's integrity-check with rank 1: the index against its content (fts_source) too, not only its own structure. */
const integrity = (c: Collection) => () => c.run({ sql: "INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)", params: {} });

describe('the full-text index of pages whose article repeats a menu line', () => {
  it('the extractor and the stored runs disagree on which copy is the article (what makes the case)', () => {
    const ex = extractText(page(1));
    expect(restOf(ex.text, mainLinesOf(ex.text, ex.main))).not.toBe(ex.rest);
  });

  it('passes FTS5 integrity-check after ingest, after a re-extraction, and after its file is forgotten', async () => {
    const warc = join(dir, 'menu.warc');
    writeFileSync(warc, warcFile(Array.from({ length: 6 }, (_, i) => ({ uri: `http://zoo.example/${i}`, date: '2021-03-04T05:06:07Z', body: page(i) })), false));
    const db = join(dir, 'menu.sqlite');
    await ingestCollection(db, [warc], { workers: 1 });
    const c = Collection.open(db);
    try {
      expect(c.counts()).toMatchObject({ pages: 6 });
      expect(integrity(c)).not.toThrow();
    } finally {
      c.close();
    }
    await ingestCollection(db, [warc], { workers: 1, reextract: true });
    const again = Collection.open(db);
    try {
      expect(integrity(again)).not.toThrow();
      again.forgetFile(warc);
      expect(again.counts()).toMatchObject({ pages: 0 });
      expect(integrity(again)).not.toThrow();
    } finally {
      again.close();
    }
  }, 120_000);
});
