// The GPU sees one byte per code unit (src/core/extract-webgl/glsl.ts uploadCode): non-ASCII and NUL become one OTHER
// byte, and 0 is kept for "outside the page". That is only sound if classAt gives the same classes whatever such a
// code unit is, where it stands and whatever its neighbours (fsm.ts: "non-ASCII is always OTHER"). This pins it down,
// with code units whose low byte is markup ('<' is 0x3C: U+013C, U+3C3C, ...), since a careless byte cast would alias
// them. No Chromium needed.
import { describe, expect, it } from 'vitest';
import { classAt } from '../../src/core/extract/fsm.js';
import { OTHER_CODE, uploadCode } from '../../src/core/extract-webgl/glsl.js';

const TEMPLATES = ['<script>', '</style ', '<!--x', 'a-->', '--!>', 'b/>', '<a href', '="\'', ' \t\n', '</ 3', '<?x', '<svg/'];

function candidates(): number[] {
  const out: number[] = [];
  for (let c = 0; c < 0x180; c++) out.push(c);
  for (let hi = 1; hi < 256; hi++) for (const lo of [0x00, 0x21, 0x22, 0x27, 0x2d, 0x2f, 0x3c, 0x3d, 0x3e, 0x3f, 0x20, 0x53, 0x73]) out.push(hi * 256 + lo);
  return out;
}

describe('uploadCode', () => {
  it('keeps ASCII except NUL, maps the rest to OTHER_CODE, never to 0 (the page separator)', () => {
    for (let c = 1; c < 0x80; c++) expect(uploadCode(c)).toBe(c);
    for (const c of [0, 0x80, 0xa0, 0xff, 0x13c, 0xfffd, 0xd83d]) expect(uploadCode(c)).toBe(OTHER_CODE);
    expect(OTHER_CODE).toBeGreaterThan(0x7f);
  });

  it('changes no class: classAt over the uploaded code units equals classAt over the page', () => {
    const bad: string[] = [];
    for (const template of TEMPLATES) {
      for (let j = 0; j < template.length; j++) {
        for (const c of candidates()) {
          const original = template.slice(0, j) + String.fromCharCode(c) + template.slice(j + 1);
          const uploaded = template.slice(0, j) + String.fromCharCode(uploadCode(c)) + template.slice(j + 1);
          for (let i = 0; i < original.length; i++) {
            if (classAt(original, i) !== classAt(uploaded, i)) bad.push(`${JSON.stringify(original)} at ${i}`);
          }
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
