// Facet and tag filters added to and taken out of the query text on click (src/renderer/query-filter.ts).
import { describe, expect, it } from 'vitest';
import { hasFilter, toggleFilter } from '../../src/renderer/query-filter.js';

describe('query filters', () => {
  it('adds a filter at the end and takes it out again, leaving the rest as typed', () => {
    expect(toggleFilter('quagga', 'tag:extinct')).toBe('quagga tag:extinct');
    expect(toggleFilter('quagga tag:extinct', 'tag:extinct')).toBe('quagga');
    expect(toggleFilter('', 'site:a.com')).toBe('site:a.com');
    expect(toggleFilter('a  from:2020 to:2020 b', 'from:2020 to:2020')).toBe('a b');
  });

  it('matches whole words only', () => {
    expect(hasFilter('x site:a.com.au', 'site:a.com')).toBe(false);
    expect(toggleFilter('x site:a.com.au', 'site:a.com')).toBe('x site:a.com.au site:a.com');
    expect(hasFilter('tag:extinct-ish', 'tag:extinct')).toBe(false);
    expect(hasFilter('tag:extinct quagga', 'tag:extinct')).toBe(true);
  });
});
