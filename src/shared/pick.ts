/** A copy of the named fields of an object and no others: how a row is cut down to a shape whose field list is kept as
 *  data (the store's StoredCapture, the contract's CaptureView), instead of a copy of the list in each function. */
export function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = from[k];
  return out;
}
