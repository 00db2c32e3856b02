// "View page": every place that lists a capture opens the replay view on it the same way.
import type { CaptureView } from '../../shared/api-collections.js';
import { useFormatTime } from '../components/Time.js';
import { useAppFields } from '../store.js';

/** Records that show what a URL looked like; requests, metadata and warcinfo have no page to show. */
const REPLAYABLE = new Set(['response', 'revisit', 'resource']);

export function canViewPage(c: Pick<CaptureView, 'type' | 'uri' | 'timestamp'>): boolean {
  return REPLAYABLE.has(c.type) && !!c.uri && /^https?:/i.test(c.uri) && !!c.timestamp;
}

/** Opens the replay view of `capture` in the current collection. */
export function useViewPage(): (capture: Pick<CaptureView, 'uri' | 'timestamp'>) => void {
  const { current, viewPage } = useAppFields('current', 'viewPage');
  return (c) => {
    if (current && c.uri && c.timestamp) void viewPage({ collection: current, ts: c.timestamp, url: c.uri });
  };
}

/** The button, named for its capture where a list holds many ('View page of http://… captured 2014-01-26 …'). */
export function ViewPageButton({ capture, named = false, className }: { capture: CaptureView; named?: boolean; className?: string }) {
  const viewPage = useViewPage();
  const formatTime = useFormatTime();
  if (!canViewPage(capture)) return null;
  return (
    <button type="button" className={className} onClick={() => viewPage(capture)} aria-label={named ? `View page ${capture.uri} as captured ${formatTime(capture.timestamp)}` : undefined}>
      View page
    </button>
  );
}
