// The renderer's pure display helpers. The snippet splitter is what keeps archived text out of innerHTML: marks are
// U+0002/U+0003 (src/core/search/sql.ts) and everything else stays text, '<script>' included.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatTimestamp, hexRows, monthlySeries, snippetParts } from '../../src/renderer/format.js';

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
    expect(formatTimestamp('201401')).toBe('2014-01-00 00:00:00');
    expect(formatTimestamp(null)).toBe('');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(786_828)).toBe('787 KB');
    expect(formatBytes(2_500_000)).toBe('2.5 MB');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(75)).toBe('1 min 15 s');
  });

  it('fills the months between captures so a timeline shows gaps', () => {
    const s = monthlySeries([{ timestamp: '20131130000000' }, { timestamp: '20140203000000' }, { timestamp: '20140201000000' }, { timestamp: null }]);
    expect(s.labels).toEqual(['2013-11', '2013-12', '2014-01', '2014-02']);
    expect(s.values).toEqual([1, 0, 0, 2]);
  });
});
