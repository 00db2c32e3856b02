// Segmentation for scripts without spaces (issue: "two-character words included ... Intl.Segmenter at index time and
// at query time, same function").
import { describe, expect, it } from 'vitest';
import { ftsCopy, segmentWords, unsegment } from '../../../src/core/search/segment.js';

describe('segmentWords', () => {
  it('puts spaces between Chinese, Japanese and Thai words, leaves other text alone', () => {
    expect(segmentWords('我们在东京大学学习中文')).toBe('我们 在 东京 大学 学习 中文');
    expect(segmentWords('ภาษาไทยเป็นภาษาที่สวยงาม')).toBe('ภาษา ไทย เป็น ภาษา ที่ สวยงาม');
    expect(segmentWords('plain English, café')).toBe('plain English, café');
  });
  it('separates a run from Latin letters or digits touching it', () => {
    expect(segmentWords('iPhone手机2020年')).toBe('iPhone 手机 2020 年');
  });
  it('normalises to NFC so decomposed accents index like composed ones', () => {
    expect(segmentWords('cafe\u0301')).toBe('café');
  });
  it('leaves Arabic vowel marks and tatweel out, the letters kept', () => {
    expect(segmentWords('قرأتُ الكِتَابَ')).toBe('قرأت الكتاب');
    expect(segmentWords('حَبيـــبي')).toBe('حبيبي');
    expect(ftsCopy('حَبيبي')).toBe('حبيبي');
    expect(ftsCopy('حبيبي')).toBeNull();
  });
  it('ftsCopy is null when the text needs no copy', () => {
    expect(ftsCopy('hello world')).toBeNull();
    expect(ftsCopy('东京大学')).toBe('东京 大学');
  });
  it('unsegment restores the text around snippet markers', () => {
    expect(unsegment(segmentWords('我们在东京大学').replace('东京', '\u0002东京\u0003'))).toBe('我们在\u0002东京\u0003大学');
    expect(unsegment('New York 2020')).toBe('New York 2020');
  });
});
