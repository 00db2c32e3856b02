// A query export's selection (export/select.ts): the best-ranked hits up to the limit, as the search shows them, each
// once, across the several pages of hits it asks for.
import { describe, expect, it } from 'vitest';
import { selectionCaptures } from '../../../src/core/export/select.js';
import { search } from '../../../src/core/search/index.js';
import { collectionOf, type FakePage } from '../search/helpers.js';

const N = 300;
// Every page holds 'benchmark' and scores the same, but the ten oldest hold it in their title too: the best-ranked
// hits, which date order (newest first) would leave out of any export of fewer than N.
const PAGES: FakePage[] = Array.from({ length: N }, (_, i) => ({
  digest: `sha1:S${String(i).padStart(4, '0')}`,
  title: i < 10 ? `Benchmark ${i}` : `Result ${i}`,
  text: 'a benchmark page',
  captures: [{ uri: `http://example.com/${i}`, timestamp: `2022${String((i % 12) + 1).padStart(2, '0')}01000000` }],
}));

const coll = collectionOf(PAGES);

describe('a query export', () => {
  it('takes the best-ranked hits up to its limit, each once, in the search order', () => {
    const selected = selectionCaptures(coll(), { query: 'benchmark', limit: 250 });
    expect(selected).toHaveLength(250);
    expect(new Set(selected.map((c) => c.digest)).size).toBe(250);
    for (let i = 0; i < 10; i++) expect(selected.map((c) => c.digest)).toContain(PAGES[i].digest);
    expect(selected.map((c) => c.digest)).toEqual(search(coll(), 'benchmark', { limit: 250 }).hits.map((h) => h.capture.digest));
  });
  it('without a limit below the match count, every match', () => {
    expect(new Set(selectionCaptures(coll(), { query: 'benchmark' }).map((c) => c.digest)).size).toBe(N);
  });
});
