// The ledger panel's words for a page's requests (src/renderer/ledger.ts).
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/shared/replay.js';
import { ledgerFileName, ledgerSummary } from '../../src/renderer/ledger.js';

const served = (url: string, how: LedgerEntry['how'], driftSeconds = 0): LedgerEntry => ({
  url,
  how,
  viaRevisit: false,
  record: { file: '/c/iana.warc.gz', offset: 334, length: 2000, recordId: '<urn:uuid:1>' },
  captureTime: '20140126200624',
  driftSeconds,
  temporalDrift: Math.abs(driftSeconds) > 86_400,
  blockedBy: null,
  status: 200,
});
const blocked = (url: string): LedgerEntry => ({ url, how: 'blocked', viaRevisit: false, record: null, captureTime: null, driftSeconds: null, temporalDrift: false, blockedBy: 'csp:connect-src', status: null });

describe('ledgerSummary', () => {
  it('counts requests by how they were answered, best answer first whatever their order, and the ones that drifted', () => {
    const entries = [blocked('http://a/x.js'), served('http://a/', 'exact'), served('http://a/s.css', 'nearest', 3 * 86_400), served('http://a/i.png', 'exact'), blocked('ws://a/')];
    expect(ledgerSummary(entries)).toBe('5 requests: 2 exact, 1 nearest in time, 2 blocked; 1 with temporal drift');
  });

  it('says one request in the singular, and none in words', () => {
    expect(ledgerSummary([served('http://a/', 'fuzzy')])).toBe('1 request: 1 fuzzy match');
    expect(ledgerSummary([])).toBe('0 requests');
  });
});

describe('ledgerFileName', () => {
  it("names the export after the page's host and capture time", () => {
    expect(ledgerFileName('http://www.iana.org/dnssec?x=1', '20140126200624', 'csv')).toBe('ledger-www.iana.org-20140126200624.csv');
    expect(ledgerFileName('not a url', '2014', 'json')).toBe('ledger-page-2014.json');
  });
});
