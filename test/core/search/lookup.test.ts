// Lookups without full text (issue: "all captures of a URL (exact, URL prefix, host), nearest capture to a
// timestamp, the capture list of a page with revisits resolved" — WARC 1.1 §6.7 revisit records).
import { describe, expect, it } from 'vitest';
import { captureAt, capturesOfPage, capturesOfUrl, hostPagesNear, resolveRevisit } from '../../../src/core/search/index.js';
import { buildHostPagesNearSql, buildUrlCapturesSql } from '../../../src/core/search/lookup.js';
import { Collection, type SqlQuery } from '../../../src/core/store/index.js';
import { SCHEMA_VERSION } from '../../../src/core/store/schema.js';
import { schemaBefore } from '../store/old-schema.js';
import { collectionOf, tempDbs } from './helpers.js';

const coll = collectionOf([
  {
    digest: 'sha1:P1', title: 'Home', text: 'home page',
    captures: [
      { uri: 'http://example.com/', timestamp: '20200101000000' },
      // revisit naming its original by URI and date
      { uri: 'http://example.com/', timestamp: '20200601000000', type: 'revisit', refersToUri: 'http://example.com/', refersToDate: '20200101000000' },
      // revisit with the digest only
      { uri: 'http://www.example.com/', timestamp: '20210101000000', type: 'revisit' },
    ],
  },
  {
    digest: 'sha1:P2', title: 'About', text: 'about page',
    captures: [
      { uri: 'http://example.com/about/team', timestamp: '20200301000000' },
      { uri: 'http://blog.example.com/post', timestamp: '20200301000000' },
      { uri: 'http://example.org/', timestamp: '20200301000000' },
      { uri: 'http://example.com/about/', timestamp: '20200301000000', type: 'request', digest: 'sha1:REQ' },
    ],
  },
]);

describe('lookups', () => {
  it('exact URL by SURT key (www. and case do not matter), requests left out', () => {
    expect(capturesOfUrl(coll(), 'http://EXAMPLE.com/').map((c) => c.timestamp)).toEqual([
      '20200101000000', '20200601000000', '20210101000000',
    ]);
    expect(capturesOfUrl(coll(), 'http://example.com/about/')).toEqual([]);
  });
  it('URL prefix and host (with subdomains)', () => {
    expect(capturesOfUrl(coll(), 'http://example.com/about', { match: 'prefix' }).map((c) => c.uri)).toEqual([
      'http://example.com/about/team',
    ]);
    expect(capturesOfUrl(coll(), 'example.com', { match: 'host' }).map((c) => c.uri).sort()).toEqual([
      'http://blog.example.com/post', 'http://example.com/', 'http://example.com/', 'http://example.com/about/team',
      'http://www.example.com/',
    ]);
  });
  it('captureAt picks the nearest capture in time', () => {
    expect(captureAt(coll(), 'http://example.com/', '20200301')!.timestamp).toBe('20200101000000');
    expect(captureAt(coll(), 'http://example.com/', '20200501')!.timestamp).toBe('20200601000000');
    expect(captureAt(coll(), 'http://example.com/', '2030')!.timestamp).toBe('20210101000000');
    expect(captureAt(coll(), 'http://example.com/', '1990')!.timestamp).toBe('20200101000000');
    expect(captureAt(coll(), 'http://nowhere.com/', '2020')).toBeNull();
  });
  it('a page lists its captures with revisits resolved to the original response', () => {
    const caps = capturesOfPage(coll(), 1);
    expect(caps.map((c) => c.type)).toEqual(['response', 'revisit', 'revisit']);
    const original = caps[0];
    expect(caps[0].original!.id).toBe(original.id);
    expect(caps[1].original!.id).toBe(original.id); // by WARC-Refers-To-Target-URI + Date
    expect(caps[2].original!.id).toBe(original.id); // by payload digest
  });
  it('a revisit whose original is absent resolves to null', () => {
    const caps = capturesOfPage(coll(), 1);
    expect(resolveRevisit(coll(), { ...caps[1], digest: 'sha1:NONE', refersToUri: 'http://gone.com/' })).toBeNull();
  });
});

describe('lookups for replay', () => {
  it("'query' match: the URL's path with any query or none, nothing under it", () => {
    expect(capturesOfUrl(coll(), 'http://example.com/?utm_source=x', { match: 'query' }).map((c) => c.timestamp)).toEqual([
      '20200101000000', '20200601000000', '20210101000000',
    ]);
    expect(capturesOfUrl(coll(), 'http://example.com/about', { match: 'query' })).toEqual([]); // not /about/team
  });
  it("a host's pages nearest a time, one per URL, subdomains included, requests left out", () => {
    const near = hostPagesNear(coll(), 'http://example.com/x', '20200601', 10);
    expect(near.map((c) => `${c.uri} ${c.timestamp}`)).toEqual([
      'http://example.com/ 20200601000000', // of three captures of one key, the nearest
      'http://example.com/about/team 20200301000000', // equally near: in key order
      'http://blog.example.com/post 20200301000000',
    ]);
    expect(hostPagesNear(coll(), 'http://example.com/', '2020', 1)).toHaveLength(1);
  });
});

/** What SQLite's plan for `q` says of each table it reads. */
function plan(c: Collection, q: SqlQuery): string {
  return c.all<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, params: q.params }).map((r) => r.detail).join('\n');
}

describe("a host's captures from the host index", () => {
  const dbs = tempDbs();

  it('come in URL key order, then time, and page by limit and offset', () => {
    const inOrder = [
      'http://example.com/ 20200101000000',
      'http://example.com/ 20200601000000',
      'http://www.example.com/ 20210101000000', // the same key: www. is not part of it
      'http://example.com/about/team 20200301000000',
      'http://blog.example.com/post 20200301000000', // 'com,example,blog)' after 'com,example)'
    ];
    const shown = (o: { limit?: number; offset?: number }) => capturesOfUrl(coll(), 'example.com', { match: 'host', ...o }).map((c) => `${c.uri} ${c.timestamp}`);
    expect(shown({})).toEqual(inOrder);
    expect(shown({ limit: 2, offset: 2 })).toEqual(inOrder.slice(2, 4));
    expect(shown({ limit: 2, offset: 4 })).toEqual(inOrder.slice(4));
  });

  it('choose their page, and the nearest page of each URL, without reading a capture row beyond those given', () => {
    // A host's captures lie all over the table: at a million pages, reading each one's row to sort them by key took
    // seconds from disk for a large host.
    const byKey = plan(coll(), buildUrlCapturesSql('example.com', { match: 'host', limit: 10 }));
    expect(byKey).toContain('COVERING INDEX captures_rhost_url');
    const near = plan(coll(), buildHostPagesNearSql('http://example.com/', '2020', 10));
    expect(near).toContain('COVERING INDEX captures_rhost_url');
  });

  it('a collection made before the index gets it when it is migrated, and its lookups answer as before', () => {
    const path = dbs.path();
    const raw = schemaBefore(path, 'captures_rhost_url');
    raw.exec(`INSERT INTO warc_files (id, path, size, mtime, fingerprint, status) VALUES (1, '/x.warc', 1, 1, 'f', 'done');
      INSERT INTO captures (file_id, offset, length, type, uri, urlkey, rhost, timestamp, mime) VALUES
        (1, 0, 10, 'response', 'http://a.example/z', 'example,a)/z', 'example.a.', '20200101000000', 'text/html'),
        (1, 10, 10, 'response', 'http://b.a.example/', 'example,a,b)/', 'example.a.b.', '20200101000000', 'text/html'),
        (1, 20, 10, 'request', 'http://a.example/', 'example,a)/', 'example.a.', '20200101000000', NULL),
        (1, 30, 10, 'response', 'http://a.example/', 'example,a)/', 'example.a.', '20190101000000', 'text/html');`);
    raw.close();
    const c = Collection.open(path);
    try {
      expect(c.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(c.indexDebt()).toBe('none');
      expect(plan(c, buildUrlCapturesSql('a.example', { match: 'host' }))).toContain('COVERING INDEX captures_rhost_url');
      expect(capturesOfUrl(c, 'a.example', { match: 'host' }).map((x) => x.uri)).toEqual(['http://a.example/', 'http://a.example/z', 'http://b.a.example/']);
    } finally {
      c.close();
    }
  });
});
