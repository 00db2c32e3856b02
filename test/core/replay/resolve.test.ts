// The resolver's order and fallbacks, and the pages replay writes itself, on small collections built from rows
// (test/core/search/helpers.ts; the file they name does not exist, so reading a record fails as a lost file would).
import { describe, expect, it } from 'vitest';
import { replayResponse } from '../../../src/core/replay/response.js';
import { resolve } from '../../../src/core/replay/resolve.js';
import { collectionOf } from '../search/helpers.js';
import { bodyBytes } from './body.js';

const coll = collectionOf([
  {
    digest: 'sha1:A', title: 'A', text: 'a',
    captures: [
      { uri: 'http://site.example/a', timestamp: '20200101000000' },
      // a revisit whose original is nowhere (another digest, no refers-to record)
      { uri: 'http://site.example/a', timestamp: '20200601000000', type: 'revisit', digest: 'sha1:GONE' },
    ],
  },
  {
    digest: 'sha1:B', title: 'B', text: 'b',
    captures: [
      { uri: 'http://site.example/only-revisit', timestamp: '20200101000000', type: 'revisit', digest: 'sha1:GONE2' },
      { uri: 'http://site.example/dir/', timestamp: '20200101000000' },
      { uri: 'http://site.example/list?page=2&sort=new', timestamp: '20200101000000' },
      { uri: 'http://site.example/list/?page=2', timestamp: '20200101000000' },
    ],
  },
]);

describe('resolver order and fallbacks', () => {
  it('a revisit that cannot be served gives way to the nearest capture that can', () => {
    const r = resolve(coll(), 'http://site.example/a', '20200601000000');
    expect(r).toMatchObject({ how: 'nearest', viaRevisit: false, capture: { timestamp: '20200101000000' } });
    expect(r.driftSeconds).toBe(-(31 + 29 + 31 + 30 + 31) * 86400);
  });

  it('a URL with only unservable revisits resolves to the revisit, with no payload', () => {
    const r = resolve(coll(), 'http://site.example/only-revisit', '2020');
    expect(r).toMatchObject({ how: 'exact', viaRevisit: true, payload: null, capture: { type: 'revisit' } });
  });

  it('excluded captures are passed over', () => {
    const first = resolve(coll(), 'http://site.example/a', '2020');
    // what is left is the revisit that cannot be served: named, with no payload
    expect(resolve(coll(), 'http://site.example/a', '2020', { exclude: new Set([first.capture!.id]) }))
      .toMatchObject({ capture: { type: 'revisit' }, payload: null });
  });

  it('a time that is not 1-14 digits is refused, saying what it must be', () => {
    expect(() => resolve(coll(), 'http://site.example/a', '2020-01-01')).toThrow(/1 to 14 digits.*'2020-01-01'/);
    expect(() => resolve(coll(), 'http://site.example/a', '')).toThrow(RangeError);
  });

  it('canonical variants come before fuzzy matches', () => {
    expect(resolve(coll(), 'http://site.example/dir', '2020')).toMatchObject({ how: 'canonical', capture: { uri: 'http://site.example/dir/' } });
    expect(resolve(coll(), 'http://site.example/dir/index.html', '2020').how).toBe('canonical');
    // /list?page=2 has no capture of its own; /list/?page=2 (a variant) wins over /list?page=2&sort=new (fuzzy)
    expect(resolve(coll(), 'http://site.example/list?page=2', '2020')).toMatchObject({ how: 'canonical', capture: { uri: 'http://site.example/list/?page=2' } });
    expect(resolve(coll(), 'http://site.example/list?page=2&cb=77', '2020')).toMatchObject({ how: 'fuzzy', capture: { uri: 'http://site.example/list?page=2&sort=new' } });
  });
});

describe('pages replay writes itself', () => {
  const req = { at: '2020', flag: '' as const, prefix: 'http://127.0.0.1:4000/c', nonce: 'N' };

  it('a record that cannot be read: 502 naming the file and offset', async () => {
    const r = await replayResponse(coll(), { ...req, url: 'http://site.example/dir/' });
    expect(r.status).toBe(502);
    const html = (await bodyBytes(r.body)).toString('utf8');
    expect(html).toContain('<code>/fake/a.warc</code> at offset 300');
    expect(html).toMatch(/cannot be read: file-not-found: \/fake\/a\.warc/);
  });

  it('a revisit without its original: 404 that says so', async () => {
    const r = await replayResponse(coll(), { ...req, url: 'http://site.example/only-revisit' });
    expect(r.status).toBe(404);
    expect((await bodyBytes(r.body)).toString('utf8')).toContain('is a revisit record whose original');
  });

  it('a miss escapes what it shows and loads only the helper script', async () => {
    const r = await replayResponse(coll(), { ...req, url: 'http://site.example/<script>alert(1)</script>' });
    expect(r.status).toBe(404);
    const html = (await bodyBytes(r.body)).toString('utf8');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script nonce="N" src="/__as/frame.js">']);
    expect(html).toContain(`href="http://127.0.0.1:4000/c/20200101000000/http://site.example/dir/"`); // the host's page
  });
});
