// A collection's statistics without a query: its captures counted by media type, status, host, month and year.
// (With a query they are the query's facets: searchFacets in index.ts.)
import type { CollectionStats } from '../../shared/api-collections.js';
import { hostOfKey, type Collection } from '../store/index.js';
import { buildCaptureCountsSql, type CaptureGroup } from './sql.js';

/** The `top` most frequent media types, statuses and hosts, most first; every month and year, in time order. */
export function captureStats(coll: Collection, top: number): Omit<CollectionStats, 'scope'> {
  const counts = new Map<CaptureGroup, Array<{ value: string; count: number }>>();
  const count = (groups: readonly CaptureGroup[], limit = -1) => {
    for (const g of groups) counts.set(g, []);
    for (const r of coll.all<{ group: CaptureGroup; value: string | number; count: number }>(buildCaptureCountsSql(groups, limit))) {
      counts.get(r.group)!.push({ value: String(r.value), count: r.count });
    }
  };
  count(['mime', 'status'], top);
  count(['site'], top);
  count(['year', 'month']);
  const inOrder = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
  return {
    mime: counts.get('mime')!,
    status: counts.get('status')!,
    hosts: counts.get('site')!.map((h) => ({ ...h, value: hostOfKey(h.value) })),
    months: counts.get('month')!.sort(inOrder),
    years: counts.get('year')!.sort(inOrder),
  };
}
