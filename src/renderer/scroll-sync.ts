// Two frames scrolled in step (the replay view's side by side). Each frame's helper reports its position on load and
// on every scroll; this decides which reports are the person scrolling (passed on to the other frame) and which are
// not: a frame's first report (its page loading, not a scroll), a report of no movement, and a frame's answer to
// being told to scroll, which is where it was told or, on a page too short to get there, its end. Passing any of
// those on would drag the other frame back to where it was, or bounce the two frames between each other.

export type Side = 'left' | 'right';

export interface ScrollSync {
  /** A frame's report; the scroll to tell the other frame, or null. */
  report(from: Side, scrollY: number, scrollMax: number): { to: Side; y: number } | null;
}

export function scrollSync(): ScrollSync {
  const last = new Map<Side, number>();
  const told = new Map<Side, number>();
  return {
    report(from, y, max) {
      const before = last.get(from);
      last.set(from, y);
      if (before === undefined || Math.abs(y - before) < 1) return null;
      const asked = told.get(from);
      if (asked !== undefined && (Math.abs(y - asked) < 2 || (y < asked && y >= max - 1))) return null;
      const to: Side = from === 'left' ? 'right' : 'left';
      told.set(to, y);
      return { to, y };
    },
  };
}
