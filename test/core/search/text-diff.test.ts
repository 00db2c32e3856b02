// The line diff behind 'record.diff': a shortest edit script (Myers 1986) that, applied to a, gives b.
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../../src/core/search/text-diff.js';

function apply(ops: ReturnType<typeof diffLines>['ops']): { a: string; b: string } {
  const a: string[] = [];
  const b: string[] = [];
  for (const o of ops) {
    const lines = o.text.split('\n');
    if (o.op !== 'add') a.push(...lines);
    if (o.op !== 'del') b.push(...lines);
  }
  return { a: a.join('\n'), b: b.join('\n') };
}

/** Length of a longest common subsequence of lines, by dynamic programming: the reference for minimality. */
function lcs(x: string[], y: string[]): number {
  const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = 1; i <= x.length; i++) for (let j = 1; j <= y.length; j++) t[i][j] = x[i - 1] === y[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[x.length][y.length];
}

describe('diffLines', () => {
  it('finds nothing to change in equal texts', () => {
    expect(diffLines('a\nb', 'a\nb')).toEqual({ ops: [{ op: 'same', text: 'a\nb' }], added: 0, removed: 0, coarse: false });
    expect(diffLines('', '')).toEqual({ ops: [], added: 0, removed: 0, coarse: false });
  });

  it('marks an inserted and a removed line', () => {
    const d = diffLines('title\nold line\nfooter', 'title\nnew line\nfooter');
    expect(d.ops).toEqual([
      { op: 'same', text: 'title' },
      { op: 'del', text: 'old line' },
      { op: 'add', text: 'new line' },
      { op: 'same', text: 'footer' },
    ]);
    expect([d.added, d.removed]).toEqual([1, 1]);
  });

  it('is a minimal edit script that rebuilds both texts, on random inputs', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 200; round++) {
      const x = Array.from({ length: rnd(12) }, () => 'abcd'[rnd(4)]);
      const y = Array.from({ length: rnd(12) }, () => 'abcd'[rnd(4)]);
      const d = diffLines(x.join('\n'), y.join('\n'));
      expect(apply(d.ops)).toEqual({ a: x.join('\n'), b: y.join('\n') });
      // Minimal: every line not in a longest common subsequence is added or removed, and no more.
      expect(d.removed).toBe(x.length - lcs(x, y));
      expect(d.added).toBe(y.length - lcs(x, y));
    }
  });

  it('falls back to one replace when the texts differ too much, still rebuilding both', () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`).join('\n');
    const d = diffLines(`same\n${a}\nend`, `same\n${b}\nend`, 10);
    expect(d.coarse).toBe(true);
    expect(apply(d.ops)).toEqual({ a: `same\n${a}\nend`, b: `same\n${b}\nend` });
  });
});
