// "Export WACZ": a search's results, the page the replay view shows, captures picked in the captures view, or a host
// over a range of days, with what their pages need to replay, as a WACZ package the engine writes into its data folder (export.wacz); progress from 'export.progress', and Cancel
// while it runs.
import { useEffect, useRef, useState } from 'react';
import type { WaczExportProgressEvent, WaczExportRequest, WaczExportResult } from '../../shared/api-export.js';
import { call, engine } from '../api/client.js';
import { describeError, formatBytes, formatCount, plural } from '../format.js';

const PHASES: Record<WaczExportProgressEvent['phase'], string> = {
  selecting: 'Finding pages and their resources',
  records: 'Copying records',
  pages: 'Writing pages and the full-text index',
  finishing: 'Finishing',
  done: 'Done',
};

/** What to export: a search's results (q), one page at a time (url, at), picked captures, or a host (from, to). */
type Selection = Pick<WaczExportRequest, 'q' | 'url' | 'at' | 'captureIds' | 'host' | 'from' | 'to'>;

/** A selection with nothing in it yet (an empty query, no capture picked): the button waits for one. */
const isEmpty = (s: Selection) => (s.q !== undefined && !s.q.trim()) || (s.captureIds !== undefined && s.captureIds.length === 0);

/** `label`: the button's words, where the screen has another export beside this one ("Export selected as WACZ"). */
export function ExportWacz({ collection, selection, title, label = 'Export WACZ' }: { collection: string; selection: Selection; title: string; label?: string }) {
  const [progress, setProgress] = useState<WaczExportProgressEvent | null>(null);
  const [result, setResult] = useState<{ done?: WaczExportResult; error?: string } | null>(null);
  const running = progress !== null;
  // Events can arrive after the call answered (they travel apart): only those of a run still going are shown.
  const active = useRef(false);
  useEffect(() => engine.on('export.progress', (p) => active.current && p.collection === collection && setProgress(p)), [collection]);

  const run = async () => {
    active.current = true;
    setResult(null);
    setProgress({ collection, phase: 'selecting', done: 0, total: 0, bytes: 0 });
    try {
      setResult({ done: await call('export.wacz', { collection, ...selection, title }) });
    } catch (e) {
      setResult({ error: describeError(e) });
    } finally {
      active.current = false;
      setProgress(null);
    }
  };

  return (
    <>
      <button type="button" disabled={running || isEmpty(selection)} onClick={() => void run()}>
        {label}
      </button>
      {running && (
        <button type="button" onClick={() => void call('export.cancel', { collection })}>
          Cancel export
        </button>
      )}
      <span role="status" className={result?.error ? 'error' : 'meta'} data-testid="export-wacz-status">
        {progress &&
          `${PHASES[progress.phase]}${progress.total ? ` ${formatCount(progress.done)}/${formatCount(progress.total)}` : ''}${progress.bytes ? `, ${formatBytes(progress.bytes)}` : ''}…`}
        {result?.done &&
          `Saved ${result.done.path}: ${plural(result.done.pages, 'page')}, ${plural(result.done.records, 'record')}, ${formatBytes(result.done.bytes)}` +
            (result.done.missing ? ` (${plural(result.done.missing, 'resource')} not in the collection)` : '')}
        {result?.error && `Export failed: ${result.error}`}
      </span>
    </>
  );
}
