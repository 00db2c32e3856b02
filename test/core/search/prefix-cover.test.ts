// A prefix of more words than an OR holds is written out as its frequent words and longer prefixes for the rest
// (search/prefix-cover.ts): the items must match exactly the prefix's words, and no prefix among them may hold a named
// word (whose long doclist FTS5 would then merge).
import { describe, expect, it } from 'vitest';
import { prefixCover } from '../../../src/core/search/prefix-cover.js';

/** The words an item matches, of `words`. */
function matched(item: string, words: readonly string[]): string[] {
  const prefix = item.endsWith('*');
  const text = item.slice(1, prefix ? -2 : -1).replace(/""/g, '"');
  return words.filter((w) => (prefix ? w.startsWith(text) : w === text));
}

const WORDS = ['lib', 'liba', 'libb', 'libra', 'librar', 'library', 'libraries', 'librax', 'libre', 'libreoffice', 'librz', 'liby', 'libya', 'libyan'];

describe('prefixCover', () => {
  const items = prefixCover(WORDS, 'lib', ['library', 'libya'], 100)!;
  it('matches every word of the prefix, and nothing else', () => {
    const covered = new Set(items.flatMap((i) => matched(i, WORDS)));
    expect([...covered].sort()).toEqual([...WORDS].sort());
  });
  it('names the named words, and no prefix in it begins a named word', () => {
    expect(items).toContain('"library"');
    expect(items).toContain('"libya"');
    for (const item of items.filter((i) => i.endsWith('*'))) {
      expect(matched(item, ['library', 'libya'])).toEqual([]);
    }
  });
  it('takes the shortest prefixes that leave the named words: one item for a run of words that holds none', () => {
    // liba, libb: each its own prefix; libre and libreoffice under one (libre*); libraries under "librari"*.
    expect(items).toEqual(expect.arrayContaining(['"liba"*', '"libb"*', '"libre"*', '"librari"*', '"librax"*', '"librz"*', '"libyan"*']));
    // Words that begin a named one are named by themselves, not as prefixes (which would hold the named word).
    expect(items).toEqual(expect.arrayContaining(['"lib"', '"libra"', '"librar"', '"liby"']));
    expect(items).toHaveLength(new Set(items).size);
  });
  it('gives up past the most items asked for', () => {
    expect(prefixCover(WORDS, 'lib', ['library', 'libya'], items.length - 1)).toBeNull();
    expect(prefixCover(WORDS, 'lib', ['library', 'libya'], items.length)).toEqual(items);
  });
  it('cuts between characters, not inside a surrogate pair, and quotes a quote', () => {
    const words = ['x\u{1F600}a', 'x\u{1F600}b', 'x\u{1F601}', 'x"q'];
    const got = prefixCover(words, 'x', ['x\u{1F600}a'], 10)!;
    expect(got).toEqual(expect.arrayContaining(['"x\u{1F600}a"', '"x\u{1F600}b"*', '"x\u{1F601}"*', '"x"""*']));
    for (const item of got) expect(item).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
