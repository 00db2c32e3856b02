// The app's address in the location hash (src/renderer/route.ts): what a pasted or reloaded link opens, and the hash
// the app writes coming back through a real URL parser (WHATWG, as the browser's location.hash) unchanged.
import { describe, expect, it } from 'vitest';
import { captureForRoute, parseRoute, routeHash, type Route } from '../../src/renderer/route.js';

/** The hash as location.hash gives it back after the app assigned it: through the WHATWG URL parser. */
const throughLocation = (hash: string) => new URL(`http://127.0.0.1:1234/index.html${hash}`).hash;

describe('parseRoute', () => {
  it('reads a replay address: collection unescaped, the URL as is with its query', () => {
    expect(parseRoute('#/replay/pywb%20samples/20140126200624/http://www.iana.org/_css/2013.1/screen.css?v=2&x=%2F')).toEqual({
      kind: 'replay',
      collection: 'pywb samples',
      ts: '20140126200624',
      url: 'http://www.iana.org/_css/2013.1/screen.css?v=2&x=%2F',
    });
    // A collection name with a slash stays one segment; a partial timestamp names the nearest capture.
    expect(parseRoute('#/replay/a%2Fb/2014/https://example.com/')).toEqual({ kind: 'replay', collection: 'a/b', ts: '2014', url: 'https://example.com/' });
  });

  it('keeps slashes and a fragment of the archived URL', () => {
    expect(parseRoute('#/replay/c/20140126200624/http://example.com/a//b#top')).toMatchObject({ url: 'http://example.com/a//b#top' });
  });

  it('answers null for no route and for addresses it cannot read', () => {
    for (const hash of [
      '',
      '#',
      '#/',
      '#/search', // no collection
      '#/nowhere/c', // no such screen
      '#/constructor/c', // not a screen, though every object has one
      '#/search/c/extra', // a segment too many
      '#/search/c?sort=popularity', // no such order
      '#/search/c%2', // a broken escape in a segment
      '#/search/c?q=%E0%A4%A', // a broken escape in a parameter
      '#/captures/c?by=domain&url=example.com', // no such lookup
      '#/settings/c', // settings belong to no collection
      '#/record/c/abc/http://example.com/', // not a capture id
      '#/record/c/12/example.com', // not an absolute URL
      '#/replay/c/20140126200624', // no URL
      '#/replay/c/2014012620062412/http://example.com/', // 16 digits
      '#/replay/c/latest/http://example.com/', // not a timestamp
      '#/replay//2014/http://example.com/', // no collection
      '#/replay/%E0%A4%A/2014/http://example.com/', // a broken escape
      '#/replay/c/2014/example.com', // not an absolute URL
    ]) {
      expect(parseRoute(hash), hash).toBeNull();
    }
  });
});

describe('routes of every screen', () => {
  // States the app is in, as the person leaves them: each must come back whole from its address, after the browser
  // has parsed the address (as on reload or a pasted link).
  const states: Route[] = [
    { kind: 'collection', collection: 'pywb samples' },
    { kind: 'collection', collection: 'a/b?c#d%&e=f' },
    { kind: 'search', collection: 'ru', q: 'пожарной безопасности', sort: 'relevance' },
    { kind: 'search', collection: 'c', q: '"exact phrase" site:example.com -spam a+b&c=d #x 100%', sort: 'date' },
    { kind: 'search', collection: 'c', q: '', sort: 'relevance' },
    { kind: 'record', collection: 'iana', id: 4711, url: 'http://www.iana.org/_css/2013.1/screen.css?v=2' },
    { kind: 'captures', collection: 'c', by: 'host', url: 'example.com', timeline: '' },
    { kind: 'captures', collection: 'c', by: 'url', url: 'http://example.com/?a=1&b=2', timeline: 'http://example.com/?a=1&b=2' },
    { kind: 'captures', collection: 'c', by: 'prefix', url: '', timeline: '' },
    { kind: 'stats', collection: '統計' },
    { kind: 'inspect', path: '/data/warc/ünï code/a b#1.warc.gz' },
    { kind: 'inspect', path: '' },
    { kind: 'settings' },
    { kind: 'replay', collection: 'c', ts: '20140126200624', url: 'http://example.com/' },
  ];

  it('reads back every screen from its address, through the browser', () => {
    for (const r of states) expect(parseRoute(throughLocation(routeHash(r))), routeHash(r)).toEqual(r);
  });

  it('gives different states different addresses', () => {
    const hashes = states.map(routeHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('writes short addresses, leaving defaults out', () => {
    expect(routeHash({ kind: 'search', collection: 'my coll', q: 'a b', sort: 'relevance' })).toBe('#/search/my%20coll?q=a%20b');
    expect(routeHash({ kind: 'search', collection: 'c', q: '', sort: 'relevance' })).toBe('#/search/c');
    expect(routeHash({ kind: 'captures', collection: 'c', by: 'url', url: '', timeline: '' })).toBe('#/captures/c');
    expect(routeHash({ kind: 'settings' })).toBe('#/settings');
    expect(routeHash({ kind: 'record', collection: 'c', id: 3, url: 'http://e.com/?x=1' })).toBe('#/record/c/3/http://e.com/?x=1');
  });

  it('reads addresses typed by hand: a + as a space, parameters in any order, unknown ones ignored', () => {
    expect(parseRoute('#/search/c?sort=date&q=climate+policy&utm=x')).toEqual({ kind: 'search', collection: 'c', q: 'climate policy', sort: 'date' });
    expect(parseRoute('/stats/c')).toEqual({ kind: 'stats', collection: 'c' });
  });
});

describe('routeHash', () => {
  it('writes what parseRoute reads, after the browser has parsed it as part of the address', () => {
    const routes: Route[] = [
      { kind: 'replay', collection: 'pywb samples', ts: '20140126200624', url: 'http://www.iana.org/' },
      { kind: 'replay', collection: 'a/b?c#d%', ts: '2014', url: 'http://example.com/search?q=a+b&lang=en' },
      { kind: 'replay', collection: 'Ünïcode', ts: '20140126', url: 'https://example.com/a//b/?x=%20y' },
    ];
    for (const r of routes) expect(parseRoute(throughLocation(routeHash(r)))).toEqual(r);
  });

  it('spells the collection escaped and the URL readable', () => {
    expect(routeHash({ kind: 'replay', collection: 'my coll', ts: '20140126200624', url: 'http://www.iana.org/?a=1' })).toBe(
      '#/replay/my%20coll/20140126200624/http://www.iana.org/?a=1',
    );
  });
});

describe('captureForRoute', () => {
  const timeline = [{ timestamp: '20131231230000' }, { timestamp: '20140126200624' }, { timestamp: '20140127093000' }, { timestamp: null }];

  it('takes the capture with that timestamp', () => {
    expect(captureForRoute(timeline, '20140126200624')).toBe(timeline[1]);
  });

  it('takes the nearest in time otherwise, a partial timestamp being the start of its period', () => {
    // 2014 = 2014-01-01 00:00:00: an hour after the first capture, weeks before the others.
    expect(captureForRoute(timeline, '2014')).toBe(timeline[0]);
    expect(captureForRoute(timeline, '20140127')).toBe(timeline[1]); // 3.5 h after the second, 9.5 h before the third
    expect(captureForRoute(timeline, '20140127120000')).toBe(timeline[2]);
    expect(captureForRoute(timeline, '2020')).toBe(timeline[2]);
  });

  it('prefers the earlier capture on a tie, and has none for an empty timeline', () => {
    expect(captureForRoute([{ timestamp: '20140101000000' }, { timestamp: '20140103000000' }], '20140102')).toEqual({ timestamp: '20140101000000' });
    expect(captureForRoute([], '2014')).toBeNull();
  });
});
