// Browse captures by URL, URL prefix or host; per URL a timeline chart and the version list. What is looked up and
// whose timeline is shown are the address's (route.ts 'captures'): the form and the URL links navigate, and the view
// loads what the route names, so Back/Forward and a pasted link show the same lookup. Captures found can be picked
// (checkboxes; the pick is the view's, not the address's) and exported as a WACZ, and a host over a range of days.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ResolvedCapture } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { Chart } from '../components/Chart.js';
import { Time, useFormatTime } from '../components/Time.js';
import { dayTimestamp, describeError, formatCount, monthlySeries, plural } from '../format.js';
import type { CaptureLookup, RouteOf } from '../route.js';
import { useApp, useAppFields } from '../store.js';
import { ViewPageButton } from './ViewPage.js';
import { ExportWacz } from './ExportWacz.js';
import { PickedExport, usePicked } from './PickedExport.js';

type Mode = CaptureLookup;
const METHOD = { url: 'captures.byUrl', prefix: 'captures.byPrefix', host: 'captures.byHost' } as const;
/** Captures asked for at a time, in URL order then time: a host can hold a hundred thousand. */
const CAPTURES_PAGE = 2000;

function Timeline({ url, versions }: { url: string; versions: ResolvedCapture[] }) {
  const open = useApp((s) => s.open);
  const zone = useApp((s) => s.timeZone);
  const series = useMemo(() => monthlySeries(versions, zone), [versions, zone]);
  return (
    <section aria-label={`Timeline of ${url}`} className="timeline">
      <h3 className="uri">{url}</h3>
      <Chart title={`Captures per month of ${url}`} series={series} />
      <ol className="versions" aria-label="Versions">
        {versions.map((v) => (
          <li key={v.id}>
            <button type="button" className="link" onClick={() => open(v)}>
              <Time value={v.timestamp} />
            </button>{' '}
            <span className="meta">
              {v.type}
              {v.status ? ` · ${v.status}` : ''}
              {v.type === 'revisit' &&
                (v.original ? (
                  <>
                    {' · same as '}
                    <Time value={v.original.timestamp} />
                  </>
                ) : (
                  ' · original not in collection'
                ))}
            </span>{' '}
            <ViewPageButton capture={v} named className="link" />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A host's captures between two days (either may be left empty), taken in the zone times are shown in. */
function HostExport({ collection, host }: { collection: string; host: string }) {
  const zone = useApp((s) => s.timeZone);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const title = useId();
  const range = from || to ? ` from ${from || 'the first capture'} to ${to || 'the last'}` : '';
  return (
    <div className="row" role="group" aria-labelledby={title}>
      <strong id={title}>Export this host</strong>
      <label>
        From <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
      </label>
      <span className="meta">{zone === 'utc' ? 'days in UTC' : 'days in local time'}; empty for no limit</span>
      <ExportWacz
        collection={collection}
        selection={{ host, from: dayTimestamp(from, zone), to: dayTimestamp(to, zone, true) }}
        title={`${host}${range} in ${collection}`}
      />
    </div>
  );
}

const NO_LOOKUP = { by: 'url', url: '', timeline: '' } as const;

export function CapturesView() {
  const { current, open, navigate } = useAppFields('current', 'open', 'navigate');
  const route = useApp((s) => s.route);
  const shown: Pick<RouteOf<'captures'>, 'by' | 'url' | 'timeline'> = route?.kind === 'captures' ? route : NO_LOOKUP;
  const [mode, setMode] = useState<Mode>(shown.by);
  const [url, setUrl] = useState(shown.url);
  const [rows, setRows] = useState<ResolvedCapture[] | null>(null);
  /** The last page asked for came back full: there may be more. */
  const [more, setMore] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  /** The lookup on screen, so that a page that comes back after another lookup began is dropped. */
  const lookupKey = useRef('');
  const [timeline, setTimeline] = useState<{ url: string; versions: ResolvedCapture[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked, togglePicked] = usePicked();
  const formatTime = useFormatTime();
  /** The lookup's captures from `offset` on, added to those shown; dropped if another lookup began meanwhile. */
  function loadPage(offset: number): void {
    const key = lookupKey.current;
    call(METHOD[shown.by], { collection: current!, url: shown.url, limit: CAPTURES_PAGE, offset })
      .then(
        (r) => {
          if (lookupKey.current !== key) return;
          setRows((before) => [...(before ?? []), ...r]);
          setMore(r.length === CAPTURES_PAGE);
        },
        (e) => lookupKey.current === key && setError(describeError(e)),
      )
      .finally(() => lookupKey.current === key && setLoadingMore(false));
  }
  // An exact URL's lookup shows its timeline unasked.
  const timelineUrl = shown.timeline || (shown.by === 'url' ? shown.url : '');

  useEffect(() => {
    setMode(shown.by);
    setUrl(shown.url);
    setRows(null);
    setMore(false);
    setLoadingMore(false);
    setPicked(new Set());
    setError(null);
    lookupKey.current = `${current} ${shown.by} ${shown.url}`;
    if (!current || !shown.url) return;
    loadPage(0);
  }, [current, shown.by, shown.url]);

  useEffect(() => {
    setTimeline(null);
    if (!current || !timelineUrl) return;
    let live = true;
    call('captures.timeline', { collection: current, url: timelineUrl }).then(
      (versions) => live && versions.length > 0 && setTimeline({ url: timelineUrl, versions }),
      (e) => live && setError(describeError(e)),
    );
    return () => void (live = false);
  }, [current, timelineUrl]);

  if (!current) return <p className="empty">Choose or create a collection to browse its captures.</p>;

  const showMore = () => {
    if (!rows) return;
    setLoadingMore(true);
    loadPage(rows.length);
  };
  const showTimeline = (u: string) => void navigate({ kind: 'captures', collection: current, by: shown.by, url: shown.url, timeline: u });
  const lookup = () => void navigate({ kind: 'captures', collection: current, by: mode, url: url.trim(), timeline: '' });

  return (
    <section aria-label="Captures" className="captures">
      <form
        className="row"
        aria-label="Look up captures"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) lookup();
        }}
      >
        <label>
          {mode === 'host' ? 'Host' : 'URL'}
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={mode === 'host' ? 'example.com' : 'http://example.com/'} size={50} />
        </label>
        <fieldset className="row">
          <legend className="sr-only">Match</legend>
          {(['url', 'prefix', 'host'] as Mode[]).map((m) => (
            <label key={m}>
              <input type="radio" name="mode" checked={mode === m} onChange={() => setMode(m)} /> {m === 'url' ? 'Exact URL' : m === 'prefix' ? 'URL prefix' : 'Host'}
            </label>
          ))}
        </fieldset>
        <button type="submit">Look up</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {shown.url && !rows && !error && (
        <p role="status" className="meta">
          Looking up captures…
        </p>
      )}
      {rows && rows.length === 0 && <p className="empty">No captures found.</p>}
      {rows && rows.length > 0 && (
        <p role="status" className="meta" data-testid="captures-count">
          {more ? `The first ${formatCount(rows.length)} captures, in URL order; there are more.` : `${plural(rows.length, 'capture')}.`}
        </p>
      )}
      {shown.by === 'host' && rows && rows.length > 0 && <HostExport collection={current} host={shown.url} />}
      {rows && rows.length > 0 && <PickedExport collection={current} shown={rows.map((c) => c.id)} picked={picked} onPick={setPicked} noun="capture" />}
      {/* Two columns only with a timeline beside the table: alone, the table has the width for its URLs. */}
      <div className={timeline ? 'split' : undefined}>
        {rows && rows.length > 0 && (
          <div>
            <table aria-label="Captures found" className="captures-found">
              <thead>
                <tr>
                  <th>
                    <span className="sr-only">Selected</span>
                  </th>
                  <th>URL</th>
                  <th>Captured</th>
                  <th>Type</th>
                  <th className="num">Status</th>
                  <th>
                    <span className="sr-only">Page</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <input type="checkbox" checked={picked.has(c.id)} onChange={() => togglePicked(c.id)} aria-label={`Select ${c.uri} at ${formatTime(c.timestamp)}`} />
                    </td>
                    <td className="uri" title={c.uri ?? undefined}>
                      <button type="button" className="link" onClick={() => showTimeline(c.uri!)} aria-label={`Timeline of ${c.uri} (capture ${formatTime(c.timestamp)})`}>
                        {c.uri}
                      </button>
                    </td>
                    <td className="nowrap">
                      <button type="button" className="link" onClick={() => open(c)}>
                        <Time value={c.timestamp} />
                      </button>
                    </td>
                    <td>{c.type}</td>
                    <td className="num">{c.status ?? ''}</td>
                    <td className="nowrap">
                      <ViewPageButton capture={c} named className="link" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {more && (
              <button type="button" onClick={showMore} disabled={loadingMore}>
                {loadingMore ? 'Loading more captures…' : `Show ${formatCount(CAPTURES_PAGE)} more`}
              </button>
            )}
          </div>
        )}
        {timeline && <Timeline url={timeline.url} versions={timeline.versions} />}
      </div>
    </section>
  );
}
