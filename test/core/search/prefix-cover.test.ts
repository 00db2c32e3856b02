// A prefix of more words than an OR holds is written out as its frequent words and longer prefixes for the rest
// (search/prefix-cover.ts): the items must match exactly the prefix's words, no prefix among them may hold a named
// word (whose long doclist FTS5 would then merge), and the cover chosen is the cheaper one that fits.
import { describe, expect, it } from 'vitest';
import { coverWith, prefixCover, type IndexWord } from '../../../src/core/search/prefix-cover.js';

/** The words an item matches, of `words`: a cover's item, or one of prefixCover's FTS5 items. */
function matched(item: string | { text: string; prefix: boolean }, words: readonly string[]): string[] {
  const { text, prefix } = typeof item === 'string'
    ? { text: item.slice(1, item.endsWith('*') ? -2 : -1).replace(/""/g, '"'), prefix: item.endsWith('*') }
    : item;
  return words.filter((w) => (prefix ? w.startsWith(text) : w === text));
}
/** A cover's items as text, a prefix with its `*`, to compare. */
const shown = (items: ReadonlyArray<{ text: string; prefix: boolean }>) => items.map((i) => `${i.text}${i.prefix ? '*' : ''}`);

const TERMS = ['lib', 'liba', 'libb', 'libra', 'librar', 'library', 'libraries', 'librax', 'libre', 'libreoffice', 'librz', 'liby', 'libya', 'libyan'].sort();
/** `named`, as indexes into `words` (coverWith's argument). */
const at = (words: readonly IndexWord[], named: string[]) => new Set(named.map((t) => words.findIndex((w) => w.term === t)));
const WORDS: IndexWord[] = TERMS.map((term) => ({ term, pages: term === 'library' ? 90 : term === 'libya' ? 40 : 1 }));

describe('coverWith', () => {
  const { items, mergedPages } = coverWith(WORDS, 'lib', at(WORDS, ['library', 'libya']), 100)!;
  it('matches every word of the prefix, and nothing else', () => {
    const covered = new Set(items.flatMap((i) => matched(i, TERMS)));
    expect([...covered].sort()).toEqual([...TERMS].sort());
  });
  it('names the named words, and no prefix in it begins a named word', () => {
    expect(shown(items)).toContain('library');
    expect(shown(items)).toContain('libya');
    for (const item of items.filter((i) => i.prefix)) expect(matched(item, ['library', 'libya'])).toEqual([]);
  });
  it('takes the shortest prefixes that leave the named words, and counts the pages they merge', () => {
    // liba, libb: each its own prefix; libre and libreoffice under one (libre*); libraries under librari*.
    expect(shown(items)).toEqual(expect.arrayContaining(['liba*', 'libb*', 'libre*', 'librari*', 'librax*', 'librz*', 'libyan*']));
    // Words that begin a named one are named by themselves, not as prefixes (which would hold the named word).
    expect(shown(items)).toEqual(expect.arrayContaining(['lib', 'libra', 'librar', 'liby']));
    expect(items).toHaveLength(new Set(shown(items)).size);
    // liba, libb, libraries, librax, libre, libreoffice, librz, libyan: a page each.
    expect(mergedPages).toBe(8);
  });
  it('gives up past the most items asked for', () => {
    expect(coverWith(WORDS, 'lib', at(WORDS, ['library', 'libya']), items.length - 1)).toBeNull();
    expect(coverWith(WORDS, 'lib', at(WORDS, ['library', 'libya']), items.length)?.items).toEqual(items);
  });
  it('cuts between characters, not inside a surrogate pair', () => {
    // In code point order; two of them part inside a surrogate pair (U+1F600 and U+1F601 share their first half).
    const words = ['x"q', 'x\u{1F600}a', 'x\u{1F600}b', 'x\u{1F601}'].map((term) => ({ term, pages: 1 }));
    const got = shown(coverWith(words, 'x', at(words, ['x\u{1F600}a']), 10)!.items);
    expect(got).toEqual(expect.arrayContaining(['x\u{1F600}a', 'x\u{1F600}b*', 'x\u{1F601}*', 'x"*']));
    for (const item of got) expect(item).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('prefixCover', () => {
  // 'wa' + two letters: 676 words. The first 100 (by pages) are on many pages each, the rest on one.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const terms = [...letters].flatMap((a) => [...letters].map((b) => `wa${a}${b}`));
  // Every seventh word is on many pages (100 of them), the rest on one.
  const heavy: IndexWord[] = terms.map((term, i) => ({ term, pages: i % 7 === 0 && i < 700 ? 100_000 : 1 }));
  it('names more of the frequent words when the pages left to merge cost more than the items added', () => {
    const { items } = prefixCover(heavy, 'wa', 2000)!;
    // Fifty named would leave fifty words of 100,000 pages to merge: a hundred (or more) are named instead.
    for (const w of heavy.filter((h) => h.pages > 1)) expect(items).toContain(`"${w.term}"`);
    // As FTS5 items: a word quoted, a prefix quoted with its star.
    expect(items.every((i) => /^"[a-z]+"\*?$/.test(i))).toBe(true);
    expect(new Set(items.flatMap((i) => matched(i, terms))).size).toBe(terms.length);
  });
  it('quotes a quote in a word', () => {
    const words = [{ term: 'q"a', pages: 9 }, { term: 'q"b', pages: 1 }];
    expect(prefixCover(words, 'q', 10)?.items).toEqual(['"q""a"', '"q""b"']);
  });
  it('names the fewest when the rest are on few pages, and none fits when the cover would pass the bound', () => {
    const light: IndexWord[] = terms.map((term, i) => ({ term, pages: i % 100 === 0 ? 100_000 : 1 }));
    const { items } = prefixCover(light, 'wa', 2000)!;
    // The most frequent first (ties in order), as prefixCover names them.
    const top = (k: number) => new Set(light.map((_, i) => i).sort((a, b) => light[b].pages - light[a].pages || a - b).slice(0, k));
    const fifty = coverWith(light, 'wa', top(50), 2000)!;
    const hundred = coverWith(light, 'wa', top(100), 2000)!;
    // Fifty named leave only words of one page to merge; naming more only cuts the rest into more items.
    expect(fifty.mergedPages).toBeLessThan(1000);
    expect(hundred.items.length).toBeGreaterThan(fifty.items.length);
    expect(items.map((i) => matched(i, terms))).toEqual(fifty.items.map((i) => matched(i, terms)));
    expect(prefixCover(heavy, 'wa', 20)).toBeNull();
  });
});
