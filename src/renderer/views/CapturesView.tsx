// Browse captures by URL, URL prefix or host; per URL a timeline chart and the version list.
import { useMemo, useState } from 'react';
import type { ResolvedCapture } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { Chart } from '../components/Chart.js';
import { Time, useFormatTime } from '../components/Time.js';
import { describeError, monthlySeries } from '../format.js';
import { useApp } from '../store.js';
import { ViewPageButton } from './ViewPage.js';

type Mode = 'url' | 'prefix' | 'host';
const METHOD = { url: 'captures.byUrl', prefix: 'captures.byPrefix', host: 'captures.byHost' } as const;

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

export function CapturesView() {
  const { current, open } = useApp();
  const [mode, setMode] = useState<Mode>('url');
  const [url, setUrl] = useState('');
  const [rows, setRows] = useState<ResolvedCapture[] | null>(null);
  const [timeline, setTimeline] = useState<{ url: string; versions: ResolvedCapture[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formatTime = useFormatTime();

  if (!current) return <p className="empty">Choose or create a collection to browse its captures.</p>;

  const showTimeline = async (u: string) => {
    try {
      setTimeline({ url: u, versions: await call('captures.timeline', { collection: current, url: u }) });
    } catch (e) {
      setError(describeError(e));
    }
  };

  const lookup = async () => {
    setError(null);
    setTimeline(null);
    try {
      const r = await call(METHOD[mode], { collection: current, url: url.trim(), limit: 2000 });
      setRows(r);
      if (mode === 'url' && r.length > 0) await showTimeline(url.trim());
    } catch (e) {
      setRows(null);
      setError(describeError(e));
    }
  };

  return (
    <section aria-label="Captures" className="captures">
      <form
        className="row"
        aria-label="Look up captures"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void lookup();
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
      {rows && rows.length === 0 && <p className="empty">No captures found.</p>}
      <div className="split">
        {rows && rows.length > 0 && (
          <table aria-label="Captures found">
            <thead>
              <tr>
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
                  <td className="uri">
                    <button type="button" className="link" onClick={() => void showTimeline(c.uri!)} aria-label={`Timeline of ${c.uri} (capture ${formatTime(c.timestamp)})`}>
                      {c.uri}
                    </button>
                  </td>
                  <td>
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
        )}
        {timeline && <Timeline url={timeline.url} versions={timeline.versions} />}
      </div>
    </section>
  );
}
