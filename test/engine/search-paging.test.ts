// Paging by relevance through the API (search.query with offset): 320 ingested pages that all hold
// 'benchmark' and score alike come back each exactly once, in the order of one big page, as date order always did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type RecordSpec } from '../core/ingest/warc-builder.js';
import { engineWithCollection } from './harness.js';

const N = 320;
let e: Awaited<ReturnType<typeof engineWithCollection>>;
beforeAll(async () => {
  // Distinct texts of one length and one count of 'benchmark': every page has the same bm25 score.
  const records: RecordSpec[] = Array.from({ length: N }, (_, i) => {
    const n = String(i).padStart(3, '0');
    return { uri: `http://site${i % 2}.example.com/r${n}`, date: `2020-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`, body: html(`Report ${n}`, `benchmark result number ${n}`) };
  });
  e = await engineWithCollection('as-engine-paging-', records);
}, 60_000);
afterAll(() => e?.close());

const urls = async (q: string, limit: number, offset: number) =>
  (await e.call('search.query', { collection: 'c', q, sort: 'relevance', limit, offset })).hits.map((h) => h.url);

describe('search.query by relevance, page after page', () => {
  for (const [q, count] of [['benchmark', N], ['benchmark site:site1.example.com', N / 2]] as const) {
    it(`${q}: pages of 100 hold every hit once, in the order of one page`, async () => {
      const whole = await urls(q, 1000, 0);
      expect(new Set(whole).size).toBe(count);
      const paged: string[] = [];
      for (let offset = 0; offset < count; offset += 100) paged.push(...(await urls(q, 100, offset)));
      expect(paged).toEqual(whole);
    });
  }
});
