// Each capture knows its page by id (schema.ts migration 8), which search joins by: a collection made before the
// column gets it filled when it is migrated, and the writer gives it to every capture, also to one stored before its
// page (a revisit read before its original, a window of a file committed early), whether or not a bulk load has
// dropped the capture indexes meanwhile.
import Database from 'better-sqlite3'; // test-only: reads the raw column back
import { describe, expect, it } from 'vitest';
import { Collection } from '../../../src/core/store/index.js';
import { SCHEMA_VERSION } from '../../../src/core/store/schema.js';
import { search, searchFacets } from '../../../src/core/search/index.js';
import type { CaptureRow } from '../../../src/shared/records.js';
import { contentOf, tempDbs } from '../search/helpers.js';
import { schemaBefore } from './old-schema.js';

const dbs = tempDbs();

const ORIGINAL = 'sha1:ORIGINAL';

function capture(fileId: number, offset: number, type: string, uri: string, timestamp: string, digest: string | null): CaptureRow {
  return {
    fileId, offset, length: 100, type, uri, urlkey: null, timestamp, status: type === 'revisit' ? null : 200, mime: 'text/html',
    digest, recordId: `<urn:uuid:${offset}>`, refersToUri: null, refersToDate: null, method: null,
  };
}

const page = { digest: ORIGINAL, url: 'http://a.example/', title: 'Lighthouse', description: '', text: 'A lighthouse keeper writes.', lang: null,
  ...contentOf({ text: 'A lighthouse keeper writes.' }) };

/** The page of 'lighthouse' on the mirror host, where its only capture is the revisit, with its capture count. */
function throughRevisit(c: Collection): { urls: string[]; captureCount: number | undefined; total: number } {
  const hits = search(c, 'lighthouse site:mirror.example').hits;
  return { urls: hits.map((h) => h.url), captureCount: hits[0]?.captureCount, total: searchFacets(c, 'lighthouse site:mirror.example').total };
}

describe('page ids of captures', () => {
  it('a revisit written in a batch before its original\'s page is joined to that page', () => {
    const c = Collection.open(dbs.path());
    const f = c.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'x' });
    c.writeBatch({ fileId: f, captures: [capture(f, 0, 'revisit', 'http://mirror.example/', '20210101000000', ORIGINAL)], pages: [], errors: [] });
    expect(throughRevisit(c).urls).toEqual([]);
    c.writeBatch({ fileId: f, captures: [capture(f, 100, 'response', 'http://a.example/', '20200101000000', ORIGINAL)], pages: [page], errors: [] });
    expect(throughRevisit(c)).toEqual({ urls: ['http://mirror.example/'], captureCount: 2, total: 1 });
    c.close();
  });

  it('the same while a bulk load has dropped the capture indexes: linked when they are built again', () => {
    const c = Collection.open(dbs.path());
    c.deferCaptureIndexes();
    const f = c.beginFile({ path: '/fake/a.warc', size: 1, mtime: 1, fingerprint: 'x' });
    c.writeBatch({ fileId: f, captures: [capture(f, 0, 'revisit', 'http://mirror.example/', '20210101000000', ORIGINAL)], pages: [], errors: [] });
    c.writeBatch({ fileId: f, captures: [capture(f, 100, 'response', 'http://a.example/', '20200101000000', ORIGINAL)], pages: [page], errors: [] });
    c.ensureCaptureIndexes();
    expect(c.indexDebt()).toBe('none');
    expect(throughRevisit(c)).toEqual({ urls: ['http://mirror.example/'], captureCount: 2, total: 1 });
    c.close();
  });

  it('a collection made before page ids gets them when it is migrated', () => {
    const path = dbs.path();
    // The schema as the migrations before the page id column left it, written as that code wrote it.
    const raw = schemaBefore(path, 'ADD COLUMN page_id');
    raw.exec(`INSERT INTO warc_files (id, path, size, mtime, fingerprint, status) VALUES (1, '/x.warc', 1, 1, 'f', 'done');
      INSERT INTO pages (id, digest, url, title, description, text) VALUES (7, '${ORIGINAL}', 'http://a.example/', 'Lighthouse', '', 'x'),
        (9, 'sha1:OTHER', 'http://a.example/other', 'Other', '', 'y');
      INSERT INTO captures (file_id, offset, length, type, uri, rhost, timestamp, digest) VALUES
        (1, 0, 10, 'response', 'http://a.example/', 'example.a.', '20200101000000', '${ORIGINAL}'),
        (1, 10, 10, 'revisit', 'http://mirror.example/', 'example.mirror.', '20210101000000', '${ORIGINAL}'),
        (1, 20, 10, 'response', 'http://a.example/other', 'example.a.', '20200101000000', 'sha1:OTHER'),
        (1, 30, 10, 'request', 'http://a.example/', 'example.a.', '20200101000000', 'sha1:NOPAGE'),
        (1, 40, 10, 'warcinfo', NULL, NULL, '20200101000000', NULL);`);
    raw.close();

    const c = Collection.open(path);
    expect(c.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(c.indexDebt()).toBe('none');
    // Filters alone: the pages by their captures' page ids, with their capture counts.
    expect(search(c, 'site:mirror.example').hits.map((h) => [h.pageId, h.url, h.captureCount])).toEqual([[7, 'http://mirror.example/', 2]]);
    expect(search(c, 'site:a.example').hits.map((h) => h.pageId).sort()).toEqual([7, 9]);
    expect(searchFacets(c, 'site:a.example').total).toBe(2);
    c.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT offset, page_id AS pageId FROM captures ORDER BY offset').all()).toEqual([
      { offset: 0, pageId: 7 }, { offset: 10, pageId: 7 }, { offset: 20, pageId: 9 }, { offset: 30, pageId: null }, { offset: 40, pageId: null },
    ]);
    check.close();
  });
});
