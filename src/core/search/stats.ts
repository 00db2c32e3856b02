// A collection's statistics without a query: its captures counted by media type, status, host, month and year.
// (With a query they are the query's facets: searchFacets in index.ts.)
import type { CollectionStats } from '../../shared/api-collections.js';
import { hostOfKey, type Collection } from '../store/index.js';
import { buildCaptureCountsSql, type CaptureGroup } from './sql.js';

/** The `top` most frequent media types, statuses and hosts, most first; every month and year, in time order. */
export function captureStats(coll: Collection, top: number): Omit<CollectionStats, 'scope'> {
  const count = (group: CaptureGroup, limit = -1) =>
    coll
      .all<{ value: string | number; count: number }>(buildCaptureCountsSql(group, limit))
      .map((r) => ({ value: String(r.value), count: r.count }));
  const inOrder = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
  return {
    mime: count('mime', top),
    status: count('status', top),
    hosts: count('site', top).map((h) => ({ ...h, value: hostOfKey(h.value) })),
    months: count('month').sort(inOrder),
    years: count('year').sort(inOrder),
  };
}
