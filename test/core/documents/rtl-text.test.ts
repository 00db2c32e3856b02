// Right-to-left text from glyphs that carry several characters (src/core/documents/rtl-text.ts). Each case gives the
// glyphs as a PDF draws them (left to right, each with its ToUnicode text in reading order) and the text item pdf.js
// 4.9 makes of them: their characters joined and each right-to-left run reversed character by character (its bidi
// step). The expected text is the words as a reader types them. The real-file case (the corpus's 015-arabic PDFs) is
// in test/core/ingest/documents.test.ts.
import { describe, expect, it } from 'vitest';
import { withArabicLetters, withRtlClustersInOrder } from '../../../src/core/documents/rtl-text.js';

/** pdf.js's item for glyphs drawn in this order, in the simple case of one right-to-left line: all reversed. */
const pdfjsRtlItem = (glyphs: string[]) => [...glyphs.join('')].reverse().join('');

describe('withRtlClustersInOrder', () => {
  it('leaves one-letter glyphs as pdf.js orders them (it is right there)', () => {
    // سلام drawn right to left: م first from the left.
    const glyphs = ['م', 'ا', 'ل', 'س'];
    expect(pdfjsRtlItem(glyphs)).toBe('سلام');
    expect(withRtlClustersInOrder([pdfjsRtlItem(glyphs)], glyphs)).toEqual(['سلام']);
  });

  it('puts a lam-alef ligature back in order, and not the separate lam and alef of the article', () => {
    // السلام: alef and lam of the article as two glyphs, then سـ, the lam-alef ligature (ToUnicode "لا"), م.
    const glyphs = ['م', 'لا', 'س', 'ل', 'ا'];
    expect(pdfjsRtlItem(glyphs)).toBe('السالم'); // the ligature reversed
    expect(withRtlClustersInOrder([pdfjsRtlItem(glyphs)], glyphs)).toEqual(['السلام']);
  });

  it('puts a letter and its vowel mark drawn as one glyph back in order', () => {
    // كَتَبَ with each letter and its fatha as one glyph.
    const glyphs = ['بَ', 'تَ', 'كَ'];
    expect(pdfjsRtlItem(glyphs)).toBe('\u064e\u0643\u064e\u062a\u064e\u0628'); // each fatha before its letter
    expect(withRtlClustersInOrder([pdfjsRtlItem(glyphs)], glyphs)).toEqual(['كَتَبَ']);
  });

  it('puts a whole-word glyph back with its trailing space, in a line that also has Latin text', () => {
    // The shape of the corpus's WeasyPrint PDFs: empty-mapped glyphs, then one glyph carrying the word and a space.
    // pdf.js keeps the Latin run in its order (its own level) and reverses the Arabic one.
    const glyphs = ['x', 'y', 'حَبيبي '];
    const item = ' يبيبَحxy';
    expect(withRtlClustersInOrder([item], glyphs)).toEqual([' حَبيبي xy']);
  });

  it('fixes each item from its own glyphs, across items, and leaves left-to-right items alone', () => {
    const glyphs = ['Total', ':', 'م', 'لا', 'س', 'ل', 'ا', '2024'];
    const items = ['Total:', 'السالم', '2024'];
    expect(withRtlClustersInOrder(items, glyphs)).toEqual(['Total:', 'السلام', '2024']);
  });

  it('changes nothing from where items and glyphs stop agreeing (a glyph pdf.js left out)', () => {
    // pdf.js drops a glyph drawn twice over itself (fake bold): the first item no longer matches its glyphs.
    const glyphs = ['A', 'A', 'م', 'لا', 'س'];
    const items = ['A', 'سالم'];
    expect(withRtlClustersInOrder(items, glyphs)).toEqual(items);
  });
});

describe('withArabicLetters', () => {
  it('gives the letters of Arabic presentation forms, a ligature in reading order', () => {
    // ﻟﻠﻪ as positional forms, and the lam-alef ligature U+FEFB.
    expect(withArabicLetters('\ufedf\ufee0\ufeea \ufefb')).toBe('لله لا');
    expect(withArabicLetters('plain ﬁ text')).toBe('plain ﬁ text'); // Latin ligatures are pdf.js's normalization's
  });
});
