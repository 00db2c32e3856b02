// Inspect one archive file without a collection: list its records in file order and read one. Useful for a damaged
// file, whose problems are listed with their offsets.
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { OpenedFile, ProblemSummary, RecordDetail, RecordSummary } from '../../shared/api.js';
import { call } from '../api/client.js';
import { Time } from '../components/Time.js';
import { CUT_SHORT } from '../file-status.js';
import { describeError, formatBytes, plural } from '../format.js';
import { useApp } from '../store.js';

interface InspectState {
  file: OpenedFile | null;
  records: RecordSummary[];
  problems: ProblemSummary[];
  next: number | null;
  loading: boolean;
  error: string | null;
  selected: RecordDetail | null;
  openFile(path: string): Promise<void>;
  loadMore(): Promise<void>;
  select(r: RecordSummary): Promise<void>;
}

const useInspect = create<InspectState>((set, get) => ({
  file: null,
  records: [],
  problems: [],
  next: null,
  loading: false,
  error: null,
  selected: null,
  async openFile(path) {
    set({ loading: true, error: null, records: [], problems: [], selected: null, file: null });
    try {
      const [file] = await call('archive.open', { paths: [path] });
      const page = await call('archive.records', { file: file.path, limit: 500 });
      set({ file, records: page.records, problems: page.problems, next: page.next, loading: false });
    } catch (e) {
      set({ loading: false, error: describeError(e) });
    }
  },
  async loadMore() {
    const { file, next, records, problems } = get();
    if (!file || next === null) return;
    set({ loading: true });
    try {
      const page = await call('archive.records', { file: file.path, after: next, limit: 500 });
      set({ records: [...records, ...page.records], problems: [...problems, ...page.problems], next: page.next, loading: false });
    } catch (e) {
      set({ loading: false, error: describeError(e) });
    }
  },
  async select(r) {
    const { file } = get();
    if (!file) return;
    try {
      set({ selected: await call('archive.record', { file: file.path, offset: r.offset, length: r.length }) });
    } catch (e) {
      set({ error: describeError(e) });
    }
  },
}));

function RecordDetailPane({ selected }: { selected: RecordDetail | null }) {
  const open = useApp((s) => s.open);
  if (!selected) return <p className="empty">Select a record to see its headers and payload.</p>;
  return (
    <article aria-label="Record detail" className="detail">
      <h2>
        {selected.type} <small>{selected.uri ?? ''}</small>
      </h2>
      <p className="meta">
        {selected.file} @ {selected.offset} ({plural(selected.length, 'byte')} on disk){' '}
        <button
          type="button"
          onClick={() =>
            open({
              id: -1,
              file: selected.file,
              offset: selected.offset,
              length: selected.length,
              type: selected.type,
              uri: selected.uri,
              timestamp: null,
              status: selected.status,
              mime: selected.contentType,
              digest: selected.digest,
              refersToUri: null,
              refersToDate: null,
            })
          }
        >
          Open in viewer
        </button>
      </p>
      <h3>WARC headers</h3>
      <pre className="headers" tabIndex={0}>{selected.warcHeaders.map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
      {selected.http && (
        <>
          <h3>HTTP headers</h3>
          <pre className="headers" tabIndex={0}>{[selected.http.startLine, ...selected.http.headers.map(([k, v]) => `${k}: ${v}`)].join('\n')}</pre>
        </>
      )}
      <h3>Payload ({plural(selected.payloadSize, 'byte')})</h3>
      <pre className="payload" tabIndex={0}>{selected.payloadText ?? '(binary payload)'}</pre>
    </article>
  );
}

/** A file that ends early: say so first, with what was read before the break (issue 15: "0 records, 1 problems"
 *  said nothing of the 75 KB inflated before it). */
function CutShort({ problems, records, complete, file }: { problems: ProblemSummary[]; records: number; complete: boolean; file: OpenedFile }) {
  const cut = problems.filter((p) => CUT_SHORT.has(p.code));
  if (cut.length === 0) return null;
  // In one gzip stream, offsets are positions in the inflated bytes: the break's is how much inflated before it.
  const inflated = file.compression === 'gzip-single' ? Math.max(...cut.map((p) => p.offset)) : null;
  return (
    <div role="note" className="damage">
      <strong>Damaged: this file ends early.</strong>{' '}
      {inflated !== null && `${formatBytes(inflated)} inflated before the break; `}
      {records === 0 ? 'no record is complete before it' : `${plural(records, 'complete record')} ${records === 1 ? 'was' : 'were'} read before it${complete ? '' : ' so far'}`}
      ; what follows cannot be read.
      <ul>
        {cut.map((p, i) => (
          <li key={i}>
            At offset {p.offset.toLocaleString('en-US')}: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function InspectForm() {
  const { openFile, loading } = useInspect();
  const navigate = useApp((s) => s.navigate);
  const route = useApp((s) => s.route);
  const routePath = route?.kind === 'inspect' ? route.path : '';
  const [path, setPath] = useState(routePath);
  useEffect(() => setPath(routePath), [routePath]);
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (!path.trim()) return;
        // The file is the address's (route.ts 'inspect'): InspectView opens what it names.
        if (route?.kind === 'inspect' && route.path === path.trim()) void openFile(path.trim());
        else void navigate({ kind: 'inspect', path: path.trim() });
      }}
    >
      <label>
        Archive path
        <input aria-label="Archive path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/file.warc.gz" size={50} />
      </label>
      <button type="submit" disabled={loading}>
        Open
      </button>
    </form>
  );
}

export function InspectView() {
  const { file, records, problems, next, loading, error, loadMore, select, selected, openFile } = useInspect();
  const route = useApp((s) => s.route);
  const path = route?.kind === 'inspect' ? route.path : '';
  useEffect(() => {
    if (path && path !== useInspect.getState().file?.path) void openFile(path);
    // An address without a file (Back to before one was opened) shows none.
    if (!path) useInspect.setState({ file: null, records: [], problems: [], next: null, selected: null, error: null });
  }, [path, openFile]);
  return (
    <section aria-label="Inspect a file" className="inspect">
      <h2>Inspect a file</h2>
      <InspectForm />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {file && (
        <div className="split">
          <section aria-label="Records" className="records">
            <p className="meta file-line">
              {file.path}: {file.format.toUpperCase()}, {file.compression}, {formatBytes(file.size)} — {plural(records.length, 'record')}
              {next !== null ? ' so far' : ''}
              {problems.length > 0 && `, ${plural(problems.length, 'problem')}`}
            </p>
            <CutShort problems={problems} records={records.length} complete={next === null} file={file} />
            {file.randomAccess !== 'direct' && (
              <p className="meta" role="note">
                This file is one gzip stream, so its records are read in order from the start (offsets are positions in
                the uncompressed stream). <code>archivestream recompress</code> rewrites it as one gzip member per record,
                which makes every record directly addressable.
              </p>
            )}
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
                    <td className="uri" title={r.uri ?? undefined}>
                      {r.uri}
                    </td>
                    <td className="date">
                      <Time value={r.date} />
                    </td>
                    <td>{r.status ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next !== null && (
              <button type="button" onClick={() => void loadMore()} disabled={loading}>
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
          <RecordDetailPane selected={selected} />
        </div>
      )}
    </section>
  );
}
