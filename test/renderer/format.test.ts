// The renderer's pure display helpers. The snippet splitter is what keeps archived text out of innerHTML: marks are
// U+0002/U+0003 (src/core/search/sql.ts) and everything else stays text, '<script>' included.
// The runtime's own zone is pinned before anything formats a time (Node re-reads TZ when it is assigned), so "local"
// means New York here on any machine: UTC-5 in January, UTC-4 in July. (This folder is type-checked with the DOM libs,
// not Node's, hence the cast.)
(globalThis as unknown as { process: { env: Record<string, string> } }).process.env.TZ = 'America/New_York';

import { describe, expect, it } from 'vitest';
import {
  dayTimestamp,
  formatBytes,
  formatDrift,
  formatDuration,
  formatTimestamp,
  hexRows,
  isoUtc,
  monthlySeries,
  plural,
  snippetParts,
  suggestCollectionName,
  timestampTitle,
} from '../../src/renderer/format.js';

describe('snippetParts', () => {
  it('splits on the marks and keeps markup as plain text', () => {
    expect(snippetParts('…a \u0002<b>x</b>\u0003 and \u0002y\u0003')).toEqual([
      { text: '…a ', mark: false },
      { text: '<b>x</b>', mark: true },
      { text: ' and ', mark: false },
      { text: 'y', mark: true },
    ]);
    expect(snippetParts('')).toEqual([]);
  });
});

describe('plural', () => {
  it('says one thing in the singular and every other count in the plural, with thousands separated', () => {
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(0, 'request')).toBe('0 requests');
    expect(plural(2, 'request')).toBe('2 requests');
    expect(plural(1200, 'capture')).toBe('1,200 captures');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('formatDrift', () => {
  it('signs the distance and keeps its two largest units, days at most', () => {
    expect(formatDrift(0)).toBe('0 s');
    expect(formatDrift(45)).toBe('+45 s');
    expect(formatDrift(-720)).toBe('−12 min');
    expect(formatDrift(3 * 3600 + 5 * 60 + 9)).toBe('+3 h 5 min');
    expect(formatDrift(7200)).toBe('+2 h');
    expect(formatDrift(-(86_400 + 1))).toBe('−1 d');
    expect(formatDrift(412 * 86_400 + 3 * 3600)).toBe('+412 d 3 h');
    expect(formatDrift(1200 * 86_400)).toBe('+1,200 d');
    expect(formatDrift(null)).toBe('');
  });
});

describe('hexRows', () => {
  it('shows absolute file offsets, 16 bytes a row, and dots for non-printing bytes', () => {
    const bytes = new Uint8Array([0x57, 0x41, 0x52, 0x43, 0x2f, 0x31, 0x2e, 0x30, 0x0d, 0x0a, 0, 1, 2, 3, 4, 5, 0x1f, 0x8b]);
    const rows = hexRows(bytes, 1000);
    expect(rows.map((r) => r.offset)).toEqual([1000, 1016]);
    expect(rows[0].hex).toBe('57 41 52 43 2f 31 2e 30  0d 0a 00 01 02 03 04 05');
    expect(rows[0].ascii).toBe('WARC/1.0........');
    expect(rows[1].hex.trimEnd()).toBe('1f 8b');
    expect(rows[1].hex.length).toBe(rows[0].hex.length);
  });
});

describe('formatting', () => {
  it('formats WARC 14-digit timestamps, sizes and durations', () => {
    expect(formatTimestamp('20140126200624')).toBe('2014-01-26 20:06:24');
    expect(formatTimestamp(null)).toBe('');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(786_828)).toBe('787 KB');
    expect(formatBytes(2_500_000)).toBe('2.5 MB');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(75)).toBe('1 min 15 s');
  });

  it('shows a WARC timestamp in UTC or in local time, with the runtime zone or a given one', () => {
    expect(formatTimestamp('20140126200624', 'utc')).toBe('2014-01-26 20:06:24');
    expect(formatTimestamp('20140126200624', 'local')).toBe('2014-01-26 15:06:24');
    // Daylight saving time: New York is UTC-4 in July.
    expect(formatTimestamp('20140701020000', 'local')).toBe('2014-06-30 22:00:00');
    expect(formatTimestamp('20140126200624', 'local', 'Asia/Kolkata')).toBe('2014-01-27 01:36:24');
    expect(formatTimestamp('20140126200624', 'utc', 'Asia/Kolkata')).toBe('2014-01-26 20:06:24');
  });

  it('reads WARC-Date (ISO 8601, fractions of a second in WARC/1.1) like a 14-digit timestamp', () => {
    expect(formatTimestamp('2014-01-03T03:03:21Z', 'utc')).toBe('2014-01-03 03:03:21');
    expect(formatTimestamp('2014-01-03T03:03:21Z', 'local')).toBe('2014-01-02 22:03:21');
    expect(formatTimestamp('2014-01-03T03:03:21.123456Z', 'local')).toBe('2014-01-02 22:03:21');
    expect(formatTimestamp('2014-01-03T04:03:21+01:00', 'utc')).toBe('2014-01-03 03:03:21');
  });

  it('keeps a partial timestamp at its precision, in either mode, and passes other text through', () => {
    for (const zone of ['utc', 'local'] as const) {
      expect(formatTimestamp('201401', zone)).toBe('2014-01');
      expect(formatTimestamp('2014', zone)).toBe('2014');
      expect(formatTimestamp('201401261506', zone)).toBe('2014-01-26 15:06');
      expect(formatTimestamp('not a date', zone)).toBe('not a date');
    }
  });

  it('puts the other zone in the tooltip, so the UTC value is always at hand', () => {
    expect(timestampTitle('20140103030321', 'local')).toBe('2014-01-03 03:03:21 UTC');
    expect(timestampTitle('20140103030321', 'utc')).toBe('2014-01-02 22:03:21 local time (GMT-5)');
    expect(timestampTitle('20140103030321', 'utc', 'Asia/Kolkata')).toBe('2014-01-03 08:33:21 local time (GMT+5:30)');
    expect(timestampTitle('201401', 'local')).toBeUndefined();
  });

  it('gives ISO 8601 in UTC for <time datetime> and citations', () => {
    expect(isoUtc('20140103030321')).toBe('2014-01-03T03:03:21Z');
    expect(isoUtc('2014-01-03T04:03:21+01:00')).toBe('2014-01-03T03:03:21Z');
    expect(isoUtc('201401')).toBeNull();
    expect(isoUtc(null)).toBeNull();
  });

  it('names a collection for opened archives after the first one, unique among the names taken', () => {
    expect(suggestCollectionName(['/data/iana.warc.gz', '/data/b.warc'], [])).toBe('iana');
    expect(suggestCollectionName(['/data/iana.warc.gz'], ['iana', 'iana 2'])).toBe('iana 3');
    expect(suggestCollectionName(['/data/crawl-2024/'], [])).toBe('crawl-2024');
    expect(suggestCollectionName(['C:\\crawls\\site.WACZ'], [])).toBe('site');
    expect(suggestCollectionName(['/data/.warc'], [])).toBe('Archives');
  });

  it('fills the months between captures so a timeline shows gaps', () => {
    const s = monthlySeries([{ timestamp: '20131130000000' }, { timestamp: '20140203000000' }, { timestamp: '20140201000000' }, { timestamp: null }]);
    expect(s.labels).toEqual(['2013-11', '2013-12', '2014-01', '2014-02']);
    expect(s.values).toEqual([1, 0, 0, 2]);
  });

  it('counts a capture in the month of the zone it is shown in', () => {
    const captures = [{ timestamp: '20140101030000' }, { timestamp: '20140115000000' }];
    expect(monthlySeries(captures, 'utc')).toEqual({ labels: ['2014-01'], values: [2] });
    // 03:00 UTC on 1 January is 22:00 on 31 December in New York.
    expect(monthlySeries(captures, 'local')).toEqual({ labels: ['2013-12', '2014-01'], values: [1, 1] });
  });
});

describe('dayTimestamp', () => {
  it('bounds a day in UTC from its first to its last second', () => {
    expect(dayTimestamp('2014-02-01', 'utc')).toBe('20140201000000');
    expect(dayTimestamp('2014-02-28', 'utc', true)).toBe('20140228235959');
    expect(dayTimestamp('2015-12-31', 'utc', true)).toBe('20151231235959');
  });
  it("takes the day in local time (New York here), so its bounds are that day's midnights in UTC", () => {
    expect(dayTimestamp('2014-01-03', 'local')).toBe('20140103050000');
    expect(dayTimestamp('2014-01-03', 'local', true)).toBe('20140104045959');
    expect(dayTimestamp('2014-07-01', 'local')).toBe('20140701040000');
  });
  it('is no bound for an empty or malformed field', () => {
    expect(dayTimestamp('', 'utc')).toBeUndefined();
    expect(dayTimestamp('2014-2-1', 'local')).toBeUndefined();
  });
});
