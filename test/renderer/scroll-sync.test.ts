// Side by side scrolling (src/renderer/scroll-sync.ts): the person's scrolls pass to the other frame; loads, answers
// to a command and a short page's end do not come back.
import { describe, expect, it } from 'vitest';
import { scrollSync } from '../../src/renderer/scroll-sync.js';

describe('scrollSync', () => {
  it("passes a frame's scroll to the other one, and not the other's answer", () => {
    const s = scrollSync();
    expect(s.report('left', 0, 900)).toBeNull(); // loaded
    expect(s.report('right', 0, 900)).toBeNull(); // loaded
    expect(s.report('left', 300, 900)).toEqual({ to: 'right', y: 300 });
    expect(s.report('right', 300, 900)).toBeNull(); // did as told
    expect(s.report('right', 120, 900)).toEqual({ to: 'left', y: 120 });
    expect(s.report('left', 120, 900)).toBeNull();
    expect(s.report('left', 500, 900)).toEqual({ to: 'right', y: 500 });
  });

  it('does not pass on a load, or a report of no movement', () => {
    const s = scrollSync();
    expect(s.report('left', 200, 900)).toBeNull(); // a page restored at 200 on load
    expect(s.report('left', 200, 900)).toBeNull();
    expect(s.report('right', 0, 900)).toBeNull();
    expect(s.report('left', 260, 900)).toEqual({ to: 'right', y: 260 });
  });

  it("keeps a longer page where it is when the shorter one stops at its end", () => {
    const s = scrollSync();
    s.report('left', 0, 2000);
    s.report('right', 0, 400);
    expect(s.report('left', 1500, 2000)).toEqual({ to: 'right', y: 1500 });
    expect(s.report('right', 400, 400)).toBeNull(); // its end, not a scroll back to 400
    // Then the person scrolls the short page up: that is passed on.
    expect(s.report('right', 250, 400)).toEqual({ to: 'left', y: 250 });
  });
});
