// The desktop shell's replay view: not an iframe but a sandboxed page of its own, in the replay partition, laid over
// the window where the renderer keeps a placeholder (ShellBridge.showReplay). The renderer tells it where that
// placeholder is whenever it moves or resizes, cut to the part of it that is on screen, since the view lies over
// everything: uncut, it would cover the top bar when the placeholder is scrolled up.
import { useEffect, useState, type RefObject } from 'react';
import type { ReplaySlot, ShellBridge } from '../shared/api.js';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of `rect` inside `clip`, in whole CSS pixels; null when none of it is. */
export function visibleBounds(rect: Bounds, clip: Bounds): Bounds | null {
  const x = Math.max(rect.x, clip.x);
  const y = Math.max(rect.y, clip.y);
  const right = Math.min(rect.x + rect.width, clip.x + clip.width);
  const bottom = Math.min(rect.y + rect.height, clip.y + clip.height);
  if (right - x < 1 || bottom - y < 1) return null;
  return { x: Math.round(x), y: Math.round(y), width: Math.round(right - x), height: Math.round(bottom - y) };
}

/** Keeps the shell's replay view `slot` on `url` over the placeholder while it is mounted; true once the shell refused.
 *  The placeholder is measured every animation frame and the shell told only of changes: it moves with scrolling, with
 *  a resize, and with anything shown above it (a banner, the ledger), and no one observer sees all of those. */
export function useShellReplay(shell: ShellBridge, placeholder: RefObject<HTMLElement | null>, url: string, slot: ReplaySlot): boolean {
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const el = placeholder.current;
    if (!el) return;
    let frame = 0;
    let told = '';
    const place = () => {
      const scroller = el.closest('main') ?? document.documentElement;
      const bounds = visibleBounds(el.getBoundingClientRect(), scroller.getBoundingClientRect());
      const now = JSON.stringify(bounds);
      if (now !== told) {
        told = now;
        if (bounds) shell.showReplay(url, bounds, slot).then((shown) => setRefused(!shown), () => setRefused(true));
        else void shell.hideReplay(slot);
      }
      frame = requestAnimationFrame(place);
    };
    place();
    return () => {
      cancelAnimationFrame(frame);
      void shell.hideReplay(slot);
    };
  }, [shell, placeholder, url, slot]);
  return refused;
}
