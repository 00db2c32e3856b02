// A collection's statistics (captureStats) and the statements search took over from inline SQL: counts fixed by the
// rows built here, hosts shown as they were captured (IP addresses too), the lead of a page shown for a query of
// filters only.
import { describe, expect, it } from 'vitest';
import { captureStats, search, searchFacets } from '../../../src/core/search/index.js';
import { collectionOf, type FakePage } from './helpers.js';

const LONG_TEXT = `Opening words of a long page. ${'filler '.repeat(60)}closing words`;

const PAGES: FakePage[] = [
  {
    digest: 'sha1:AAA', title: 'Router', text: 'The admin page of a router.',
    captures: [
      { uri: 'http://192.168.1.1/admin', timestamp: '20200105000000' },
      { uri: 'http://192.168.1.1/admin', timestamp: '20200207000000', status: 404 },
    ],
  },
  {
    digest: 'sha1:BBB', title: 'Printer', text: 'A printer on IPv6.',
    captures: [{ uri: 'http://[2001:db8::7]:8080/status', timestamp: '20210101000000', mime: 'application/xhtml+xml' }],
  },
  {
    digest: 'sha1:CCC', title: 'Long', text: LONG_TEXT,
    captures: [
      { uri: 'https://www.example.com/long', timestamp: '20200110000000' },
      { uri: 'https://news.example.com/long', timestamp: '20220110000000', type: 'request' },
    ],
  },
];

const coll = collectionOf(PAGES);
const bare = collectionOf([
  {
    digest: 'sha1:DDD', title: 'Bare', text: 'A capture with little said of it.',
    captures: [
      { uri: 'http://a.example/', timestamp: '20190301000000', status: null, mime: null },
      { uri: 'http://a.example/', timestamp: '20190302000000', status: 200, mime: null },
      { uri: 'http://b.example/', timestamp: '20200101000000', status: null, mime: 'text/plain' },
    ],
  },
]);

describe('collection statistics', () => {
  it('count the captures that show a page by media type, status, host, month and year', () => {
    // The request record is not counted: it shows no page.
    expect(captureStats(coll(), 20)).toEqual({
      mime: [{ value: 'text/html', count: 3 }, { value: 'application/xhtml+xml', count: 1 }],
      status: [{ value: '200', count: 3 }, { value: '404', count: 1 }],
      hosts: [{ value: '192.168.1.1', count: 2 }, { value: '[2001:db8::7]', count: 1 }, { value: 'www.example.com', count: 1 }],
      months: [{ value: '2020-01', count: 2 }, { value: '2020-02', count: 1 }, { value: '2021-01', count: 1 }],
      years: [{ value: '2020', count: 3 }, { value: '2021', count: 1 }],
    });
  });

  it('keep the top values of the capped groups, most first', () => {
    const top1 = captureStats(coll(), 1);
    expect(top1.hosts).toEqual([{ value: '192.168.1.1', count: 2 }]);
    expect(top1.mime).toEqual([{ value: 'text/html', count: 3 }]);
    expect(top1.months).toHaveLength(3); // months and years are never capped
  });

  it('count a capture without a status or a media type by what it has (host, month, year) only', () => {
    expect(captureStats(bare(), 20)).toEqual({
      mime: [{ value: 'text/plain', count: 1 }],
      status: [{ value: '200', count: 1 }],
      hosts: [{ value: 'a.example', count: 2 }, { value: 'b.example', count: 1 }],
      months: [{ value: '2019-03', count: 2 }, { value: '2020-01', count: 1 }],
      years: [{ value: '2019', count: 2 }, { value: '2020', count: 1 }],
    });
  });

  it("show an IP host in a query's site facet as it was captured", () => {
    const site = searchFacets(coll(), 'router').facets.site;
    expect(site).toEqual([{ value: '192.168.1.1', count: 1 }]);
  });
});

describe('hits of a query without words', () => {
  it("show the lead of the page's text as the snippet", () => {
    const [hit] = search(coll(), 'site:www.example.com').hits;
    expect(hit.title).toBe('Long');
    expect(hit.snippet).toBe(LONG_TEXT.slice(0, 200));
    expect(hit.snippet.startsWith('Opening words')).toBe(true);
    expect(hit.snippet).not.toContain('closing');
  });

  it('come newest first, and page on', () => {
    // Sites of one query are alternatives; each page's newest capture within them orders the hits.
    const q = 'site:192.168.1.1 site:www.example.com';
    expect(search(coll(), q).hits.map((h) => h.title)).toEqual(['Router', 'Long']);
    expect(search(coll(), q, { limit: 1, offset: 1 }).hits.map((h) => h.title)).toEqual(['Long']);
  });
});
