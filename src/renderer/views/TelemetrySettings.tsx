// Settings, Telemetry: exporting traces to an OpenTelemetry collector (off by default; the OTEL_* variables may also
// turn it on), "test connection" that says what happened, query text in spans or only its keyed hash, and the
// Prometheus endpoint with the file its token is in.
import { useEffect, useState } from 'react';
import type { ExportTest, TelemetryStatus } from '../../shared/telemetry.js';
import { call } from '../api/client.js';
import { describeError, formatCount } from '../format.js';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';

export function TelemetrySettings() {
  const [status, setStatus] = useState<TelemetryStatus | null>(null);
  const [endpoint, setEndpoint] = useState(DEFAULT_ENDPOINT);
  const [test, setTest] = useState<ExportTest | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void call('telemetry.recent', { limit: 0 }).then((r) => {
      setStatus(r.status);
      if (r.status.exportEndpoint) setEndpoint(r.status.exportEndpoint.replace(/\/v1\/traces$/, ''));
    }, (e: unknown) => setError(describeError(e)));
  }, []);
  const configure = (args: Parameters<typeof call<'telemetry.configure'>>[1]) =>
    call('telemetry.configure', args).then((s) => {
      setStatus(s);
      setError(null);
    }, (e: unknown) => setError(describeError(e)));
  if (!status) return error ? <p role="alert" className="error">{error}</p> : null;
  return (
    <section aria-labelledby="telemetry-title">
      <h3 id="telemetry-title">Telemetry</h3>
      <div>
      <label>
        <input type="checkbox" checked={status.exportEndpoint !== null} onChange={(e) => void configure({ exportOn: e.target.checked, endpoint })} />{' '}
        Export traces to an OpenTelemetry collector (OTLP over HTTP)
      </label>
      </div>
      <div className="row">
        <label>
          Endpoint <input type="url" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} aria-describedby="telemetry-endpoint-hint" />
        </label>{' '}
        <button type="button" onClick={() => void configure({ endpoint, exportOn: status.exportEndpoint !== null })}>Save endpoint</button>{' '}
        <button type="button" onClick={() => void call('telemetry.testExport', { endpoint }).then(setTest, (e: unknown) => setError(describeError(e)))}>Test connection</button>
      </div>
      <small id="telemetry-endpoint-hint" className="meta">
        Any collector that takes OTLP over HTTP will do (Jaeger, Grafana Tempo, the OpenTelemetry Collector); the
        project's docker-compose.observability.yml starts Jaeger at {DEFAULT_ENDPOINT}.
        {status.exportSource === 'environment' && ' Export is on because OTEL_EXPORTER_OTLP_ENDPOINT is set.'}
      </small>
      {test && <p role="status" className={test.ok ? 'meta' : 'error'}>{test.ok ? 'Connected: ' : 'Failed: '}{test.message}</p>}
      {status.exportEndpoint && (
        <p className="meta">
          {formatCount(status.exported)} spans sent, {formatCount(status.exportDropped)} dropped
          {status.lastExportError ? ` (last failure: ${status.lastExportError})` : ''}. A collector that is down never slows the app: spans it cannot take are counted here and dropped.
        </p>
      )}
      <div>
      <label>
        <input type="checkbox" checked={status.queryText} onChange={(e) => void configure({ queryText: e.target.checked })} />{' '}
        Put search text in traces (otherwise a keyed hash that cannot be read back)
      </label>
      </div>
      <div>
      <label>
        <input type="checkbox" checked={status.metricsEnabled} onChange={(e) => void configure({ metrics: e.target.checked })} />{' '}
        Serve Prometheus metrics at /metrics
      </label>
      </div>
      {status.metricsEnabled && <small className="meta">Prometheus sends the token in <code>{status.metricsTokenFile}</code> (authorization.credentials_file).</small>}
      {status.metricsUrl && <small className="meta"> It scrapes <code>{status.metricsUrl}</code>.</small>}
      {status.metricsError && <p role="alert" className="error">{status.metricsError}</p>}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
