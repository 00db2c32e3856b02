// Charts of a collection (or of the current query's matches): media types, statuses, top hosts, captures over time.
import { useEffect, useMemo, useState } from 'react';
import type { CollectionStats } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { Chart, type Series } from '../components/Chart.js';
import { describeError } from '../format.js';
import { useAppFields } from '../store.js';

const series = (xs: Array<{ value: string; count: number }>): Series => ({ labels: xs.map((x) => x.value), values: xs.map((x) => x.count) });

export function StatsView() {
  const { current, search, detail, timeZone } = useAppFields('current', 'search', 'detail', 'timeZone');
  // The engine counts by the archive's UTC dates; say so where the screen shows local times.
  const utc = timeZone === 'local' ? ' (UTC)' : '';
  const [scope, setScope] = useState<'collection' | 'query'>('collection');
  const [stats, setStats] = useState<CollectionStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = scope === 'query' && search.q.trim() ? search.q : undefined;

  useEffect(() => {
    if (!current) return;
    let live = true;
    setStats(null);
    setError(null);
    call('stats.get', q === undefined ? { collection: current } : { collection: current, q }).then(
      (s) => {
        if (live) setStats(s);
      },
      (e: unknown) => {
        if (live) setError(describeError(e));
      },
    );
    return () => {
      live = false;
    };
  }, [current, q, detail?.captures]);

  const charts = useMemo(
    () =>
      stats && {
        mime: series(stats.mime),
        status: series(stats.status),
        hosts: series(stats.hosts),
        months: series(stats.months),
        years: series(stats.years),
      },
    [stats],
  );

  if (!current) return <p className="empty">Choose or create a collection to see its statistics.</p>;
  return (
    <section aria-label="Statistics" className="stats">
      <fieldset className="row">
        <legend>Count</legend>
        <label>
          <input type="radio" name="scope" checked={scope === 'collection'} onChange={() => setScope('collection')} /> the whole collection (captures)
        </label>
        <label>
          <input type="radio" name="scope" checked={scope === 'query'} disabled={!search.q.trim()} onChange={() => setScope('query')} />{' '}
          {search.q.trim() ? `pages matching “${search.q}”` : 'pages matching a search (type one in the search box first)'}
        </label>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!stats && !error && (
        <p role="status" className="meta">
          Counting{q === undefined ? ' the collection' : ` the pages matching “${q}”`}…
        </p>
      )}
      {charts && stats && stats.mime.length === 0 && stats.years.length === 0 && <p className="empty">Nothing to count yet: add archives and ingest them.</p>}
      {charts && (
        <div className="chart-grid">
          <Chart title="Media types" series={charts.mime} horizontal />
          <Chart title="HTTP statuses" series={charts.status} />
          <Chart title="Top hosts" series={charts.hosts} horizontal />
          {stats!.scope === 'collection' && <Chart title={`Captures per month${utc}`} series={charts.months} kind={charts.months.labels.length > 24 ? 'line' : 'bar'} />}
          <Chart title={`${stats!.scope === 'collection' ? 'Captures per year' : 'Pages per year'}${utc}`} series={charts.years} />
        </div>
      )}
    </section>
  );
}
