// The provenance ledger of a replayed page: every request the page made as the replay origin saw it, how each was
// answered (which record of which file, captured when, how far in time from the page) or what blocked it. Exported
// as JSON or CSV for a citation or a report.
import { useState } from 'react';
import type { LedgerRecord } from '../../shared/replay.js';
import { ledgerToCsv, ledgerToJson } from '../../core/replay/ledger.js';
import { call } from '../api/client.js';
import { Time } from '../components/Time.js';
import { download } from '../download.js';
import { formatDrift, plural } from '../format.js';
import { HOW, ledgerFileName, ledgerSummary } from '../ledger.js';
import { useAsync } from '../use-async.js';

/** Where a record is: its file's name, its offset and its WARC-Record-ID (the full path is in the exports). */
function RecordCell({ record }: { record: LedgerRecord }) {
  return (
    <>
      <span className="uri">{record.file.split(/[\\/]/).pop()}</span> @ {record.offset}
      {record.recordId && <div className="meta uri">{record.recordId.replace(/^<|>$/g, '')}</div>}
    </>
  );
}

export function LedgerPanel({ collection, url, at, loads }: { collection: string; url: string; at: string; loads: number }) {
  // Read again after each load of the page and on request (scripts may go on asking after the page has loaded),
  // the rows read last staying on screen meanwhile; another capture is another panel (the replay view's key).
  const [reads, setReads] = useState(0);
  const ledger = useAsync(() => call('replay.ledger', { collection, url, at }), [collection, url, at, loads, reads], { keep: true });
  const view = ledger.value?.view ?? null;
  const entries = view?.entries ?? [];
  return (
    <section id="ledger" aria-labelledby="ledger-title" className="ledger">
      <div className="row spread">
        <h3 id="ledger-title">Provenance ledger</h3>
        <div className="row" role="group" aria-label="Ledger actions">
          <button type="button" onClick={() => setReads((n) => n + 1)}>
            Read again
          </button>
          <button type="button" disabled={entries.length === 0} onClick={() => download(ledgerFileName(url, at, 'json'), ledgerToJson(entries), 'application/json')}>
            Export JSON
          </button>
          <button type="button" disabled={entries.length === 0} onClick={() => download(ledgerFileName(url, at, 'csv'), ledgerToCsv(entries), 'text/csv')}>
            Export CSV
          </button>
        </div>
      </div>
      {ledger.error && (
        <p role="alert" className="error">
          Could not read the ledger: {ledger.error}
        </p>
      )}
      {!ledger.value && !ledger.error && <p className="meta">Reading the ledger…</p>}
      {ledger.value && !view && <p className="empty">No request of this page has been seen yet: the ledger fills as the page loads above.</p>}
      {view && (
        <>
          <p className="meta" data-testid="ledger-summary">
            {ledgerSummary(entries)}
            {view.dropped > 0 && ` (and ${plural(view.dropped, 'more request')} not kept)`}
            {view.scripts ? ' · archived scripts on' : ' · archived scripts off'}
          </p>
          <table aria-label="Requests of the page">
              <thead>
                <tr>
                  <th>URL asked</th>
                  <th>Resolved</th>
                  <th className="num">Status</th>
                  <th>Record served</th>
                  <th>Captured</th>
                  <th className="num">From the page</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e, i) => (
                  <tr key={i} className={e.how === 'blocked' ? 'blocked' : e.temporalDrift ? 'drift' : undefined}>
                    <td className="uri">{e.url || '(inline)'}</td>
                    <td>
                      {HOW[e.how]}
                      {e.viaRevisit && ', revisit → original'}
                      {e.blockedBy && <div className="meta">by {e.blockedBy}</div>}
                    </td>
                    <td className="num">{e.status ?? ''}</td>
                    <td>
                      {e.record && <RecordCell record={e.record} />}
                      {e.revisit && (
                        <div className="meta">
                          through the revisit <RecordCell record={e.revisit} />
                        </div>
                      )}
                    </td>
                    <td className="nowrap">
                      <Time value={e.captureTime} />
                    </td>
                    <td className="num">
                      {formatDrift(e.driftSeconds)}
                      {e.temporalDrift && <div className="badge">temporal drift</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
          </table>
        </>
      )}
    </section>
  );
}
