// Hosts in collection statistics and search facets (issue 11, "IP hosts shown reversed"): the store keys a host by its
// labels reversed, but never an IP address, so showing a key means undoing only what was done. And collection
// statistics, which the engine keeps while the collection is unchanged, read again when it changes. Built from WARCs
// made here and ingested through the engine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKey, hostOfKey } from '../../src/core/store/hostkey.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { testEngine } from './harness.js';

/** One page a host, each with words of its own and the shared word 'archive'. */
const HOSTS = ['10.0.0.1', '[2001:db8::1]', '[::ffff:192.0.2.7]', 'www.example.com'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-hosts-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host keys', () => {
  it('turn back into the host they were made from, IP addresses included', () => {
    for (const host of [...HOSTS, 'localhost', '127.0.0.1', '[::1]', 'a.b.c.d.e']) expect(hostOfKey(hostKey(host))).toBe(host);
    expect(hostKey('10.0.0.1')).toBe('10.0.0.1.');
    expect(hostOfKey('com.example.www.')).toBe('www.example.com');
  });

  it('show as their hosts in collection statistics and in the statistics and facets of a query', async () => {
    const warc = join(dir, 'hosts.warc');
    writeFileSync(
      warc,
      warcFile(HOSTS.map((host, i) => ({ uri: `http://${host}/page`, date: `2024-01-0${i + 1}T00:00:00Z`, body: html(`Page ${i}`, `archive page number${i}`) }))),
    );
    const { call, ingested, close } = testEngine({ dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [dir] });
    try {
      await ingested('c', [warc]);
      expect((await call('collections.get', { collection: 'c' })).pages).toBe(HOSTS.length);
      const sorted = [...HOSTS].sort();
      const collection = await call('stats.get', { collection: 'c' });
      expect(collection.hosts.map((h) => h.value).sort()).toEqual(sorted);
      expect(collection.hosts.map((h) => h.count)).toEqual([1, 1, 1, 1]);
      expect(collection).toMatchObject({
        scope: 'collection',
        mime: [{ value: 'text/html', count: 4 }],
        status: [{ value: '200', count: 4 }],
        months: [{ value: '2024-01', count: 4 }],
        years: [{ value: '2024', count: 4 }],
      });
      const query = await call('stats.get', { collection: 'c', q: 'archive' });
      expect(query.hosts.map((h) => h.value).sort()).toEqual(sorted);
      const facets = await call('search.facets', { collection: 'c', q: 'archive' });
      expect(facets.facets.site.map((h) => h.value).sort()).toEqual(sorted);
    } finally {
      close();
    }
  });
});

describe('collection statistics', () => {
  it('are read again after an ingest adds a file and after a file is removed', async () => {
    const page = (host: string, date: string) => ({ uri: `http://${host}/`, date, body: html(host, `words of ${host}`) });
    const first = join(dir, 'first.warc');
    const second = join(dir, 'second.warc');
    writeFileSync(first, warcFile([page('a.example', '2020-05-01T00:00:00Z'), page('b.example', '2020-05-02T00:00:00Z')]));
    writeFileSync(second, warcFile([page('c.example', '2021-07-01T00:00:00Z')]));
    const { call, ingest, ingested, close } = testEngine({ dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [dir] });
    const years = async () => (await call('stats.get', { collection: 'c' })).years;
    try {
      await ingested('c', [first]);
      expect(await years()).toEqual([{ value: '2020', count: 2 }]);
      expect(await years()).toEqual([{ value: '2020', count: 2 }]);
      await ingest('c', [second]);
      expect(await years()).toEqual([{ value: '2020', count: 2 }, { value: '2021', count: 1 }]);
      await call('files.remove', { collection: 'c', paths: [first] });
      expect(await years()).toEqual([{ value: '2021', count: 1 }]);
    } finally {
      close();
    }
  });
});
