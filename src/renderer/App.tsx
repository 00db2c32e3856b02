import { useState } from 'react';
import { useArchive } from './store.js';

function RecordDetailPane() {
  const selected = useArchive((s) => s.selected);
  if (!selected) return <p className="empty">Select a record to see its headers and payload.</p>;
  return (
    <article aria-label="Record detail" className="detail">
      <h2>
        {selected.type} <small>{selected.uri ?? ''}</small>
      </h2>
      <p className="meta">
        {selected.file} @ {selected.offset} ({selected.length} bytes on disk)
      </p>
      <h3>WARC headers</h3>
      <pre className="headers">{selected.warcHeaders.map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
      {selected.http && (
        <>
          <h3>HTTP headers</h3>
          <pre className="headers">{[selected.http.startLine, ...selected.http.headers.map(([k, v]) => `${k}: ${v}`)].join('\n')}</pre>
        </>
      )}
      <h3>Payload ({selected.payloadSize} bytes)</h3>
      <pre className="payload">{selected.payloadText ?? '(binary payload)'}</pre>
    </article>
  );
}

export function App() {
  const { file, records, problems, next, loading, error, open, loadMore, select } = useArchive();
  const [path, setPath] = useState('');
  return (
    <div className="app">
      <header>
        <h1>ArchiveStream</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void open(path.trim());
          }}
        >
          <label>
            Archive path
            <input aria-label="Archive path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/file.warc.gz" size={60} />
          </label>
          <button type="submit" disabled={loading}>
            Open
          </button>
        </form>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!file && !error && <p className="empty">Open a WARC, ARC or WACZ file to begin.</p>}
      {file && (
        <main>
          <section aria-label="Records" className="records">
            <p className="meta">
              {file.path}: {file.format.toUpperCase()}, {file.compression}, {file.size.toLocaleString()} bytes — {records.length} records
              {next !== null ? ' so far' : ''}
              {problems.length > 0 && `, ${problems.length} problems`}
            </p>
            <table>
              <thead>
                <tr>
                  <th>Offset</th>
                  <th>Type</th>
                  <th>URI</th>
                  <th>Date</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.offset} tabIndex={0} onClick={() => void select(r)} onKeyDown={(e) => e.key === 'Enter' && void select(r)}>
                    <td>{r.offset}</td>
                    <td>{r.type}</td>
                    <td className="uri">{r.uri}</td>
                    <td>{r.date}</td>
                    <td>{r.status ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next !== null && (
              <button onClick={() => void loadMore()} disabled={loading}>
                Load more
              </button>
            )}
            {problems.length > 0 && (
              <ul aria-label="Problems" className="problems">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.code} at offset {p.offset}: {p.message}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <RecordDetailPane />
        </main>
      )}
    </div>
  );
}
