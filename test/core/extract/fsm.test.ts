// The FSM contract the GPU kernels rely on (src/core/extract/fsm.ts header): at most 16 states, a total transition
// table, classes that depend only on the window [i-3, i+10], and agreement between UTF-8 bytes and UTF-16 text.
// Also a fuzz check that the fused CPU scan (index.ts) reports the same output as finish(t, statesOf(t)).
import { describe, expect, it } from 'vitest';
import * as fsm from '../../../src/core/extract/fsm.js';
import { extractText, finish } from '../../../src/core/extract/index.js';
import { randomHtml, rng } from './random-html.js';

const { CLASS_COUNT, STATE_COUNT, TRANSITIONS, WINDOW_AHEAD, WINDOW_BEHIND, classAt, statesOf } = fsm;

describe('fsm tables', () => {
  it('fits 4-bit states and has a total table over valid states', () => {
    expect(STATE_COUNT).toBeLessThanOrEqual(16);
    expect(TRANSITIONS.length).toBe(CLASS_COUNT * STATE_COUNT);
    for (const next of TRANSITIONS) expect(next).toBeLessThan(STATE_COUNT);
    expect(fsm.STATE_NAMES.length).toBe(STATE_COUNT);
  });

  it('gives the documented states on a small page', () => {
    const html = 'a<b class="x>y">c</b><!--z-->d';
    const s = statesOf(html);
    expect(s[0]).toBe(fsm.TEXT);
    expect(s[1]).toBe(fsm.TAG);
    expect(s[html.indexOf('=') + 1]).toBe(fsm.TAG_DQ); // the opening quote
    expect(s[html.indexOf('x>y') + 1]).toBe(fsm.TAG_DQ); // '>' inside the value
    expect(s[html.indexOf('y"') + 1]).toBe(fsm.TAG); // closing quote
    expect(s[html.indexOf('">') + 1]).toBe(fsm.TEXT); // the '>' that closes the tag
    expect(s[html.indexOf('<!--')]).toBe(fsm.COMMENT);
    expect(s[html.length - 2]).toBe(fsm.TEXT); // '>' of '-->'
    expect(s[html.length - 1]).toBe(fsm.TEXT);
  });

  it('computes classAt only from the window [i-3, i+10]', () => {
    const next = rng(7);
    for (let trial = 0; trial < 3000; trial++) {
      const html = randomHtml(next, 12);
      if (html.length === 0) continue;
      const i = Math.floor(next() * html.length);
      const lo = Math.max(0, i - WINDOW_BEHIND);
      const hi = Math.min(html.length, i + WINDOW_AHEAD + 1);
      // Same window, other surroundings; the start or end of input stays where it is when it lies in the window.
      const before = lo === 0 ? '' : randomHtml(next, 3);
      const after = hi === html.length ? '' : randomHtml(next, 3);
      const moved = before + html.slice(lo, hi) + after;
      expect(classAt(moved, before.length + i - lo), JSON.stringify(html) + ' @' + i).toBe(classAt(html, i));
    }
  });

  it('classifies UTF-8 bytes and UTF-16 text alike at every ASCII position', () => {
    const next = rng(11);
    for (let trial = 0; trial < 100; trial++) {
      const html = randomHtml(next, 40);
      const bytes = Buffer.from(html, 'utf8').toString('latin1'); // one code unit per byte
      let b = 0;
      for (let i = 0; i < html.length; i++) {
        const c = html.charCodeAt(i);
        if (c < 0x80) expect(classAt(bytes, b)).toBe(classAt(html, i));
        else expect(classAt(html, i)).toBe(fsm.C_OTHER);
        b += Buffer.byteLength(String.fromCodePoint(html.codePointAt(i)!), 'utf8');
        if (c >= 0xd800 && c <= 0xdbff) i++;
      }
    }
  });
});

describe('fused scan = finish(statesOf)', () => {
  it('agrees on 2000 random pages of tricky tokens', () => {
    const next = rng(3);
    for (let trial = 0; trial < 2000; trial++) {
      const html = randomHtml(next, 1 + Math.floor(next() * 60));
      expect(extractText(html), JSON.stringify(html)).toEqual(finish(html, statesOf(html)));
    }
  });

  it('rejects a states array of the wrong length', () => {
    expect(() => finish('abc', new Uint8Array(2))).toThrow(RangeError);
  });
});
