import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/core/search/query.js';
import { foldText, snippetOf, termPattern } from '../../../src/core/search/snippet.js';

const show = (s: string | null) => s?.replace(/\u0002/g, '[').replace(/\u0003/g, ']') ?? null;
const snip = (text: string, query: string) => show(snippetOf(text, termPattern(parseQuery(query))!));

describe('snippets from stored text', () => {
  it('marks whole words only, in any case', () => {
    expect(snip('The cat sat. Concatenate CAT.', 'cat')).toBe('The [cat] sat. Concatenate [CAT].');
  });

  it('folds diacritics both ways and keeps positions when lower-casing changes the length', () => {
    expect(snip('İstanbul has a café', 'cafe')).toBe('İstanbul has a [café]');
    expect(snip('a cafe here', 'café')).toBe('a [cafe] here');
    expect(foldText('İÉé').length).toBe(3);
  });

  it('marks a phrase across white space and line breaks, and a prefix to the end of its word', () => {
    expect(snip('in New\nYork today', '"new york"')).toBe('in [New\nYork] today'.replace('\n', ' '));
    expect(snip('Web archives archived', 'archiv*')).toBe('Web [archives] [archived]');
  });

  it('does not mark negated terms', () => {
    expect(snip('alpha beta', 'alpha -beta')).toBe('[alpha] beta');
  });

  it('finds words of scripts written without spaces', () => {
    expect(snip('我在東京大学读书', '東京')).toBe('我在[東京]大学读书');
  });

  it('chooses the stretch holding the most distinct terms and says where it cut', () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
    const text = `alpha ${filler(80)} alpha beta together ${filler(80)}`;
    const s = snip(text, 'alpha beta')!;
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('[alpha] [beta] together');
    expect(s.length).toBeLessThan(260);
  });

  it('returns null when no term is in the text', () => {
    expect(snip('nothing here', 'absent')).toBeNull();
    expect(termPattern(parseQuery('site:example.com'))).toBeNull();
  });
});
