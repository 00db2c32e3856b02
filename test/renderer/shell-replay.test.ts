// Where the desktop shell lays its replay view: the placeholder's part that is on screen (src/renderer/shell-replay.ts).
import { describe, expect, it } from 'vitest';
import { visibleBounds } from '../../src/renderer/shell-replay.js';

const main = { x: 200, y: 50, width: 1200, height: 850 };

describe('visibleBounds', () => {
  it('keeps a placeholder that is wholly on screen as it is, in whole pixels', () => {
    expect(visibleBounds({ x: 212.4, y: 160.6, width: 1100, height: 600 }, main)).toEqual({ x: 212, y: 161, width: 1100, height: 600 });
  });

  it('cuts what is scrolled above the scroller, so the view never covers the top bar', () => {
    expect(visibleBounds({ x: 212, y: -100, width: 1100, height: 600 }, main)).toEqual({ x: 212, y: 50, width: 1100, height: 450 });
  });

  it('cuts what runs past the bottom and the right', () => {
    expect(visibleBounds({ x: 1000, y: 700, width: 600, height: 600 }, main)).toEqual({ x: 1000, y: 700, width: 400, height: 200 });
  });

  it('has nothing to show for a placeholder scrolled out of sight', () => {
    expect(visibleBounds({ x: 212, y: -700, width: 1100, height: 600 }, main)).toBeNull();
    expect(visibleBounds({ x: 212, y: 900, width: 1100, height: 600 }, main)).toBeNull();
  });
});
