// A value an engine call computes for the props in `deps`: null while it loads, or the error in words. A reply that
// arrives after the props changed is dropped, so a slow answer for an old capture never shows for a new one.
import { useEffect, useState } from 'react';
import { describeError } from './format.js';

/** `keep`: the last value stays on screen while the next loads (a list read again), instead of a loading state. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[], { keep = false } = {}): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ value: T | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    setState((s) => (keep ? s : { value: null, error: null }));
    fn().then(
      (value) => live && setState({ value, error: null }),
      (e: unknown) => live && setState({ value: null, error: describeError(e) }),
    );
    return () => {
      live = false;
    };
    // The caller's deps say when to load again: fn is a new closure on every render, so it is not one of them.
  }, deps);
  return state;
}
