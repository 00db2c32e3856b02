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

  it('tells token edges by whole characters outside the Basic Multilingual Plane (surrogate pairs)', () => {
    // Gothic letters: each two UTF-16 units, letters of a script written with spaces.
    expect(snip('𐌰𐌱 𐌱 x𐌱 𐌱y 𐌱!', '𐌱')).toBe('𐌰𐌱 [𐌱] x𐌱 𐌱y [𐌱]!');
    expect(snip('𐌰𐌱 𐌱𐌲 𐌱 𐌲', '"𐌱 𐌲"')).toBe('𐌰𐌱 𐌱𐌲 [𐌱 𐌲]');
    expect(snip('𐌰𐌱𐌲 𐌱𐌲𐌳', '𐌱*')).toBe('𐌰𐌱𐌲 [𐌱𐌲𐌳]');
  });

  it('where two terms start at one place, marks the first of the query that is there', () => {
    expect(snip('cat cats catalog', 'cat cats')).toBe('[cat] [cats] catalog');
    expect(snip('foo-bar foo bar foobar', '"foo bar" foo')).toBe('[foo-bar] [foo bar] foobar');
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

describe('snippets mark every term whatever its diacritics', () => {
  // Each case: a term found in the text as written beside one found only once diacritics fold (or the other way).
  it('marks a Russian word ending in -ой beside a second word (й folds to и)', () => {
    expect(snip('Правила пожарной безопасности в зданиях', 'пожарной безопасности')).toBe('Правила [пожарной] [безопасности] в зданиях');
    expect(snip('Правила пожарной безопасности в зданиях', 'пожарной')).toBe('Правила [пожарной] безопасности в зданиях');
    expect(snip('Правила ПОЖАРНОЙ безопасности', '"пожарной безопасности"')).toBe('Правила [ПОЖАРНОЙ безопасности]');
    expect(snip('ёлка и елка', 'ёлка')).toBe('[ёлка] и [елка]');
  });

  it('marks Greek with tonos, Latin with accents, Arabic with harakat, beside plain words', () => {
    expect(snip('Η Αθήνα είναι πόλη', 'αθηνα πόλη')).toBe('Η [Αθήνα] είναι [πόλη]');
    expect(snip('Un café crème à Paris', 'cafe paris')).toBe('Un [café] crème à [Paris]');
    expect(snip('Un cafe et un café à Paris', 'café')).toBe('Un [cafe] et un [café] à Paris');
    // Harakat are marks of their own (not precomposed): the index keeps them in the word, and so does the snippet.
    expect(snip('قرأتُ الكِتَابَ في المكتبة', 'الكِتَابَ المكتبة')).toBe('قرأتُ [الكِتَابَ] في [المكتبة]');
    // The index leaves them out (segment.ts): typed without them, the word is found and marked as the text has it.
    expect(snip('قرأتُ الكِتَابَ في المكتبة', 'الكتاب')).toBe('قرأتُ [الكِتَابَ] في المكتبة');
    expect(snip('هذا الكتاب جديد', 'الكِتَابَ')).toBe('هذا [الكتاب] جديد');
  });

  it('folds the text for an OR only when none of its terms is found as written', () => {
    // Found as written, 'paris' serves the OR: the text is not folded for the other term.
    expect(snip('Un café crème à Paris', 'cafe OR paris')).toBe('Un café crème à [Paris]');
    // None found as written: folded, 'café' is the OR's term in this page.
    expect(snip('Un café crème à Lyon', 'cafe OR paris')).toBe('Un [café] crème à Lyon');
    // Each clause needs a term: 'lyon' is found as written, the first clause only in the folded text.
    expect(snip('Un café crème à Lyon', '(cafe OR the) lyon')).toBe('Un [café] crème à [Lyon]');
  });

  it('marks two CJK words side by side', () => {
    expect(snip('我在東京大学读书', '東京 大学')).toBe('我在[東京][大学]读书');
  });
});
