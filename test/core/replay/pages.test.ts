// The times the replay's own pages show: a time asked for at a precision keeps it.
import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../../src/core/replay/pages.js';

describe('formatTimestamp', () => {
  it('shows a partial time at the precision given, never padded with zeros', () => {
    expect(formatTimestamp('2014')).toBe('2014');
    expect(formatTimestamp('201401')).toBe('2014-01');
    expect(formatTimestamp('20140126')).toBe('2014-01-26');
    expect(formatTimestamp('2014012620')).toBe('2014-01-26 20 UTC');
    expect(formatTimestamp('201401262006')).toBe('2014-01-26 20:06 UTC');
    expect(formatTimestamp('20140126200624')).toBe('2014-01-26 20:06:24 UTC');
    expect(formatTimestamp('20141')).toBe('2014-1');
  });

  it('leaves what is no timestamp as it is', () => {
    expect(formatTimestamp('')).toBe('');
    expect(formatTimestamp('201')).toBe('201');
    expect(formatTimestamp('2014-01-26')).toBe('2014-01-26');
  });
});
