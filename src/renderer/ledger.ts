// The provenance ledger in words: what the ledger panel says of a page's requests. Pure, tested in test/renderer.
import type { LedgerEntry, ResolvedHow } from '../shared/replay.js';
import { formatCount, plural } from './format.js';

/** How a request was answered, in words, best answer first. */
export const HOW: Record<ResolvedHow | 'blocked', string> = {
  exact: 'exact',
  nearest: 'nearest in time',
  canonical: 'URL variant',
  fuzzy: 'fuzzy match',
  missing: 'not in this archive',
  blocked: 'blocked',
};

/** '12 requests: 9 exact, 1 nearest in time, 2 blocked; 1 with temporal drift'. */
export function ledgerSummary(entries: LedgerEntry[]): string {
  // In HOW's order, best answer first, whatever order the requests came in.
  const parts = (Object.keys(HOW) as Array<keyof typeof HOW>)
    .map((how) => [HOW[how], entries.filter((e) => e.how === how).length] as const)
    .filter(([, n]) => n > 0)
    .map(([how, n]) => `${formatCount(n)} ${how}`)
    .join(', ');
  const drift = entries.filter((e) => e.temporalDrift).length;
  return `${plural(entries.length, 'request')}${parts ? `: ${parts}` : ''}${drift ? `; ${drift} with temporal drift` : ''}`;
}

/** The name of an exported ledger: 'ledger-<host>-<capture time>.<ext>'. */
export function ledgerFileName(url: string, at: string, ext: string): string {
  let host = 'page';
  try {
    host = new URL(url).hostname || host;
  } catch {
    // not a URL we can read: the generic name
  }
  return `ledger-${host}-${at}.${ext}`;
}
