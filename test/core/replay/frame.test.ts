// The helper script injected into replayed documents, run against a minimal window: it reports the archived URL,
// title and scroll position to the parent, and scrolls when the parent (only the parent) says so.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FRAME_MESSAGE_SOURCE, FRAME_SCRIPT, UI_MESSAGE_SOURCE } from '../../../src/core/replay/frame.js';

function load() {
  const listeners = new Map<string, (e: unknown) => void>();
  const posted: unknown[] = [];
  const scrolled: number[] = [];
  const parent = { postMessage: (m: unknown, origin: string) => posted.push({ m, origin }) };
  const window = {
    parent, scrollX: 0, scrollY: 120, innerHeight: 600,
    addEventListener: (type: string, fn: (e: unknown) => void) => listeners.set(type, fn),
    scrollTo: (_x: number, y: number) => scrolled.push(y),
  };
  const document = { title: 'IANA', documentElement: { scrollHeight: 2600 }, addEventListener: (type: string, fn: (e: unknown) => void) => listeners.set(type, fn) };
  const location = { pathname: '/my%20coll/20140126200624/http://www.iana.org/about', search: '?x=1', hash: '#top', href: 'http://127.0.0.1:1/' };
  runInNewContext(FRAME_SCRIPT, { window, document, location, requestAnimationFrame: (f: () => void) => f() });
  return { listeners, posted, scrolled, parent };
}

describe('frame helper script', () => {
  it('posts the archived URL, title and scroll position on scroll', () => {
    const { listeners, posted } = load();
    listeners.get('scroll')!({});
    expect(posted).toEqual([{
      m: { source: FRAME_MESSAGE_SOURCE, type: 'state', scrollY: 120, scrollMax: 2000, url: 'http://www.iana.org/about?x=1#top', title: 'IANA' },
      origin: '*',
    }]);
  });
  it('scrolls to a position or a fraction when the parent asks, ignores anyone else', () => {
    const { listeners, scrolled, parent } = load();
    const message = listeners.get('message')!;
    message({ source: parent, data: { source: UI_MESSAGE_SOURCE, type: 'scroll', y: 300 } });
    message({ source: parent, data: { source: UI_MESSAGE_SOURCE, type: 'scroll', fraction: 0.5 } });
    message({ source: {}, data: { source: UI_MESSAGE_SOURCE, type: 'scroll', y: 999 } }); // not the parent
    message({ source: parent, data: { source: 'other', type: 'scroll', y: 999 } });
    expect(scrolled).toEqual([300, 1000]);
  });
});
