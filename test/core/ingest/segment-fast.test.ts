// The fast paths of search/segment.ts that ingest relies on (issue "Collections and offline full-text search":
// ingest >= 1,500 pages/s; CJK/Thai words findable): a page's runs segmented in one call and cached must give
// exactly what segmenting each run alone gives, since the same function runs again at query time and when FTS5
// reads a row back for snippet() or 'delete' (store/schema.ts migration 2).
import { describe, expect, it } from 'vitest';
import { segmentWords } from '../../../src/core/search/segment.js';

/** The reference: every run segmented on its own with a fresh segmenter, no cache, no joining. */
function reference(text: string): string {
  const run = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc\u3005][\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc\u3005\p{M}]*/gu;
  const nfc = text.normalize('NFC');
  return nfc.replace(run, (r: string, at: number) => {
    const seg = new Intl.Segmenter(undefined, { granularity: 'word' });
    const words = [...seg.segment(r)].map((s) => s.segment).filter((s) => s.trim());
    const before = at > 0 && /[\p{L}\p{N}]/u.test(nfc[at - 1]) ? ' ' : '';
    const after = /[\p{L}\p{N}]/u.test(nfc[at + r.length] ?? '') ? ' ' : '';
    return before + words.join(' ') + after;
  });
}

describe('segmentWords fast paths', () => {
  it('segments many runs of several scripts in one text exactly as each run alone', () => {
    const text = [
      'Intro 我们在东京大学学习中文 and then',
      'ภาษาไทยเป็นภาษาที่สวยงาม, café\u0301 x',
      'カタカナのテキストです。iPhone手机2020年',
      '关注点也转移到国家\n以确保他们的身体获得保持健康所需要的营养',
      'Ελληνικά κείμενο и русский текст 한국어 문장',
    ].join(' | ');
    expect(segmentWords(text)).toBe(reference(text));
    // Again, now from the run cache.
    expect(segmentWords(text)).toBe(reference(text));
  });

  it('the cached result of a run does not depend on the text it first appeared in', () => {
    const a = segmentWords('x 东京大学 y');
    segmentWords('大学东京大学学习');
    expect(segmentWords('x 东京大学 y')).toBe(a);
    expect(a).toBe('x 东京 大学 y');
  });

  it('returns Latin-1 text as it is, and NFC-normalises text with marks but no segmenting to do', () => {
    const latin = 'Grüße aus Köln — 2020';
    expect(segmentWords(latin)).toBe(latin);
    expect(segmentWords('Cafe\u0301 Ŝablono')).toBe('Café Ŝablono');
    expect(segmentWords('')).toBe('');
  });

  it('keeps characters outside the no-space scripts (supplementary planes, Hangul) untouched', () => {
    const text = 'emoji 😀 then 𠀋𠀋 han ext-B, 한국어';
    expect(segmentWords(text)).toBe(reference(text));
  });
});
