// The Profiler: where the time of the app's own work went. Recent operations (ingest, search, replay, export) from the
// engine's span store; one opens as a waterfall across processes (UI, engine, its threads) with its time by stage;
// a second run of the same kind compares stage by stage; a trace exports as OTLP/JSON, which Jaeger's UI loads.
import { useState } from 'react';
import type { SpanRecord } from '../../shared/telemetry.js';
import { call } from '../api/client.js';
import { download } from '../download.js';
import { describeError, formatCount } from '../format.js';
import { compareRuns, operations, stageTotals, waterfall, type Operation } from '../profile.js';
import { useAsync } from '../use-async.js';

const SPANS = 20_000;

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
const pct = (v: number) => `${Math.round(v * 100)}%`;

export function ProfilerView() {
  const [reload, setReload] = useState(0);
  const { value, error } = useAsync(() => call('telemetry.recent', { limit: SPANS }), [reload], { keep: true });
  const [open, setOpen] = useState<string | null>(null);
  const [against, setAgainst] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  if (error) return <section className="profiler"><h2>Profiler</h2><p role="alert" className="error">{error}</p></section>;
  if (!value) return <section className="profiler"><h2>Profiler</h2><p className="empty">Loading…</p></section>;
  const ops = operations(value.spans);
  const spansOf = (traceId: string) => value.spans.filter((s) => s.traceId === traceId);
  const current = ops.find((o) => o.traceId === open) ?? null;
  const other = ops.find((o) => o.traceId === against) ?? null;
  const status = value.status;

  const exportTrace = async (op: Operation) => {
    try {
      const doc = await call('telemetry.export', { traceId: op.traceId });
      download(`archivestream-${op.kind}-${op.traceId.slice(0, 8)}.otlp.json`, JSON.stringify(doc, null, 1), 'application/json');
      setNote(`Exported ${op.kind} trace ${op.traceId.slice(0, 8)} as OTLP/JSON.`);
    } catch (e) {
      setNote(describeError(e));
    }
  };

  return (
    <section className="profiler" aria-labelledby="profiler-title">
      <h2 id="profiler-title">Profiler</h2>
      <p className="meta">
        {formatCount(status.stored)} spans kept of {formatCount(status.capacity)}
        {status.storeDropped > 0 && `, ${formatCount(status.storeDropped)} older ones dropped`}.{' '}
        {status.exportEndpoint
          ? `Exported to ${status.exportEndpoint}: ${formatCount(status.exported)} sent, ${formatCount(status.exportDropped)} dropped${status.lastExportError ? ` (last failure: ${status.lastExportError})` : ''}.`
          : 'Not exported (Settings, Telemetry).'}{' '}
        <button type="button" onClick={() => setReload((n) => n + 1)}>Refresh</button>
      </p>
      {note && <p role="status">{note}</p>}
      <table aria-label="Recent operations">
        <thead>
          <tr><th scope="col">Operation</th><th scope="col">Started by</th><th scope="col">When</th><th scope="col">Duration</th><th scope="col">Spans</th><th scope="col">Processes</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {ops.map((op) => (
            <tr key={op.traceId} aria-current={op.traceId === open ? 'true' : undefined}>
              <td>{op.kind}{op.failed && ' (failed)'}</td>
              <td><code>{op.name}</code></td>
              <td>{new Date(op.startMs).toLocaleTimeString()}</td>
              <td>{ms(op.durationMs)}</td>
              <td>{op.spans}</td>
              <td>{op.processes.join(', ')}</td>
              <td>
                <button type="button" onClick={() => { setOpen(op.traceId); setAgainst(null); }} aria-label={`Open the ${op.kind} of ${new Date(op.startMs).toLocaleTimeString()}`}>Open</button>{' '}
                {current && current.kind === op.kind && current.traceId !== op.traceId && (
                  <button type="button" onClick={() => setAgainst(op.traceId)} aria-label={`Compare with the ${op.kind} of ${new Date(op.startMs).toLocaleTimeString()}`}>Compare</button>
                )}
              </td>
            </tr>
          ))}
          {ops.length === 0 && <tr><td colSpan={7} className="empty">No ingest, search, replay or export yet.</td></tr>}
        </tbody>
      </table>
      {current && <Trace op={current} spans={spansOf(current.traceId)} onExport={() => void exportTrace(current)} />}
      {current && other && <Comparison a={current} b={other} spansA={spansOf(current.traceId)} spansB={spansOf(other.traceId)} />}
    </section>
  );
}

function Trace({ op, spans, onExport }: { op: Operation; spans: SpanRecord[]; onExport: () => void }) {
  const rows = waterfall(spans);
  const totals = stageTotals(spans).slice(0, 8);
  return (
    <section aria-label={`Waterfall of the ${op.kind}`} className="trace">
      <h3>
        {op.kind} · {ms(op.durationMs)} · trace <code>{op.traceId.slice(0, 8)}</code>{' '}
        <button type="button" onClick={onExport}>Export OTLP JSON</button>
      </h3>
      <p aria-label="Time by stage" className="stage-totals">
        {totals.map((t) => `${pct(t.share)} ${t.stage}`).join(', ')}
      </p>
      <p className="meta">Stages are the spans that hold no others; the time around them is spent waiting for them (threads starting, queues).</p>
      <ol className="waterfall">
        {rows.map(({ span, depth, left, width }) => (
          <li key={span.spanId} className={`process-${span.process}`} title={Object.entries(span.attributes).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}>
            <span className="label" style={{ paddingLeft: `${depth * 0.8}em` }}>
              {span.name} <small>{span.process}</small>
            </span>
            <span className="lane">
              <span className={`bar${span.error ? ' failed' : ''}`} style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }} />
            </span>
            <span className="dur">{ms(span.durationMs)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Comparison({ a, b, spansA, spansB }: { a: Operation; b: Operation; spansA: SpanRecord[]; spansB: SpanRecord[] }) {
  const rows = compareRuns(spansA, spansB).slice(0, 12);
  return (
    <table aria-label={`Comparison of two ${a.kind} runs`}>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">{new Date(a.startMs).toLocaleTimeString()} ({ms(a.durationMs)})</th>
          <th scope="col">{new Date(b.startMs).toLocaleTimeString()} ({ms(b.durationMs)})</th>
          <th scope="col">Second / first</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.stage}><td><code>{r.stage}</code></td><td>{ms(r.a)}</td><td>{ms(r.b)}</td><td>{r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`}</td></tr>
        ))}
      </tbody>
    </table>
  );
}
