// Capture times as the person chose to see them (Settings: local time or UTC), the other zone a hover away.
import { useCallback } from 'react';
import { formatTimestamp, isoUtc, timestampTitle } from '../format.js';
import { useApp } from '../store.js';

/** For times inside plain text (an option, an accessible name): formats in the chosen zone. */
export function useFormatTime(): (value: string | null | undefined) => string {
  const zone = useApp((s) => s.timeZone);
  return useCallback((value) => formatTimestamp(value, zone), [zone]);
}

/** A capture time: a <time> whose datetime is the UTC instant and whose tooltip shows it in the other zone. */
export function Time({ value }: { value: string | null | undefined }) {
  const zone = useApp((s) => s.timeZone);
  return (
    <time dateTime={isoUtc(value) ?? undefined} title={timestampTitle(value, zone)}>
      {formatTimestamp(value, zone)}
    </time>
  );
}
