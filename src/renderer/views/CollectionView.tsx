// One collection: its archive files and their states, adding and removing files (typed here; browsed, picked in the
// desktop's open dialog or dropped onto the window through components/ArchiveIntake.tsx), ingest with progress, errors.
import { useEffect, useState } from 'react';
import type { CollectionFile, IngestErrorView, IngestTextStatus } from '../../shared/api-collections.js';
import type { IngestProgress } from '../../shared/records.js';
import { call, engine, uiTracer } from '../api/client.js';
import { FolderBrowser } from '../components/FolderBrowser.js';
import { formatBytes, formatCount, formatDuration, plural } from '../format.js';
import { fileStatus } from '../file-status.js';
import { textStatusLine } from '../gpu/text-status.js';
import { useApp, useAppFields } from '../store.js';
import { InspectForm } from './InspectView.js';


export function CreateCollection({ compact = false }: { compact?: boolean }) {
  const [name, setName] = useState('');
  const { refreshCollections, select, setError } = useAppFields('refreshCollections', 'select', 'setError');
  return (
    <form
      className="row"
      aria-label="New collection"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!name.trim()) return;
        try {
          const c = await call('collections.create', { name });
          setName('');
          await refreshCollections();
          await select(c.name);
          useApp.getState().setView('collection');
        } catch (err) {
          setError(err);
        }
      }}
    >
      <label>
        {compact ? 'New collection' : 'Collection name'}
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Crawl 2024" required />
      </label>
      <button type="submit">Create</button>
    </form>
  );
}

function Progress({ label, value, max }: { label: string; value: number; max: number }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div className="progress">
      <progress aria-label={label} value={value} max={max || 1} />
      <span>{pct.toFixed(0)} %</span>
    </div>
  );
}

function IngestPanel({ progress, running, text, queued }: { progress: IngestProgress | null; running: boolean; text: IngestTextStatus | null; queued: number }) {
  if (!progress && !running) return null;
  const done = !running && progress !== null && progress.filesDone === progress.filesTotal;
  return (
    <section aria-label="Ingest progress" className="ingest">
      <h3>{running ? 'Ingesting…' : done ? 'Ingest done' : 'Ingest stopped'}</h3>
      {text && <p className="meta" title={text.note ?? undefined}>{textStatusLine(text)}</p>}
      {!progress ? (
        // The run has started and no file has been opened yet (the ingest thread is starting, files are being looked at).
        <>
          <div className="progress">
            <progress aria-label="Collection progress" />
            <span>starting</span>
          </div>
          <p className="meta">{plural(queued, 'file')} queued; looking at them…</p>
        </>
      ) : (
        <>
          <Progress label="Collection progress" value={progress.bytesDone} max={progress.bytesTotal} />
          <dl className="figures">
            <dt>Files</dt>
            <dd>
              {formatCount(progress.filesDone)} of {plural(progress.filesTotal, 'file')}
            </dd>
            <dt>Records</dt>
            <dd>{formatCount(progress.records)}</dd>
            <dt>Pages</dt>
            <dd>{formatCount(progress.pages)}</dd>
            <dt>Bytes read</dt>
            <dd>
              {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
            </dd>
            <dt>Rate</dt>
            <dd>{running ? `${formatBytes(Math.round(progress.rate))}/s` : '—'}</dd>
            {running && (
              <>
                <dt>Time left</dt>
                {/* The engine gives an estimate only once it has read for a few seconds; until then, none. */}
                <dd>{progress.etaSeconds === null ? 'estimating…' : formatDuration(progress.etaSeconds)}</dd>
              </>
            )}
            <dt>Problems</dt>
            <dd>{formatCount(progress.errors)}</dd>
          </dl>
          {running &&
            progress.files.map((f) => (
              <div key={f.path} className="file-progress">
                <span className="uri">{f.path.split('/').pop()}</span>
                <Progress label={`Progress of ${f.path.split('/').pop()}`} value={f.bytesDone} max={f.bytes} />
                <small>{plural(f.records, 'record')}</small>
              </div>
            ))}
        </>
      )}
    </section>
  );
}

/** A long message is cut to this many characters, the whole a click away. */
const MESSAGE_CUT = 140;

/** Text that may be long (a problem's message): cut, with the whole of it a click away. */
function LongText({ text }: { text: string }) {
  if (text.length <= MESSAGE_CUT) return <>{text}</>;
  return (
    <details className="long-text">
      <summary>
        <span className="cut">{text.slice(0, MESSAGE_CUT).trimEnd()}…</span>
        <span className="less">show less</span>
      </summary>
      <p>{text}</p>
    </details>
  );
}

function FileState({ file, ingesting }: { file: CollectionFile; ingesting: boolean }) {
  const s = fileStatus(file, ingesting);
  return (
    <>
      <span className={`state tone-${s.tone}`}>{s.label}</span>
      {s.detail && (
        <small className="state-detail">
          <LongText text={s.detail} />
        </small>
      )}
    </>
  );
}

function FileTable({ files, busy, onRemove, onRelink }: { files: CollectionFile[]; busy: boolean; onRemove(p: string): void; onRelink(p: string): void }) {
  return (
    <table aria-label="Archive files">
      <thead>
        <tr>
          <th>File</th>
          <th>State</th>
          <th className="num">Size</th>
          <th className="num">Records</th>
          <th className="num">Errors</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.path}>
            <td className="uri" title={f.path}>
              {f.path}
            </td>
            <td>
              <FileState file={f} ingesting={busy} />
            </td>
            <td className="num">{formatBytes(f.size)}</td>
            <td className="num">{formatCount(f.records)}</td>
            <td className="num">{formatCount(f.errors)}</td>
            <td>
              {f.state === 'missing' && (
                <button type="button" disabled={busy} onClick={() => onRelink(f.path)} aria-label={`Relink ${f.path}`}>
                  Relink…
                </button>
              )}
              <button type="button" disabled={busy} onClick={() => onRemove(f.path)} aria-label={`Remove ${f.path}`}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ErrorList({ collection, count }: { collection: string; count: number }) {
  const [errors, setErrors] = useState<IngestErrorView[]>([]);
  useEffect(() => {
    if (count === 0) return setErrors([]);
    void call('ingest.errors', { collection, limit: 200 }).then(setErrors, () => setErrors([]));
  }, [collection, count]);
  if (errors.length === 0) return null;
  return (
    <details className="errors" open={count <= 20}>
      <summary>{plural(count, 'problem')} found while reading</summary>
      <table aria-label="Ingest errors" className="errors-table">
        <thead>
          <tr>
            <th>File</th>
            <th className="num">Offset</th>
            <th>Code</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="file" title={e.file}>
                {e.file.split('/').pop()}
              </td>
              <td className="num">{e.offset}</td>
              <td>
                <code>{e.code}</code>
              </td>
              <td className="message">
                <LongText text={e.message} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The desktop's open dialog, for files or folders; browser mode's folder browser. Ctrl/Cmd+O does the same. */
function OpenButtons() {
  const pickArchives = useApp((s) => s.pickArchives);
  if (!engine.shell) {
    return (
      <button type="button" onClick={() => void pickArchives('files')} aria-keyshortcuts="Control+O Meta+O">
        Browse…
      </button>
    );
  }
  return (
    <>
      <button type="button" onClick={() => void pickArchives('files')} aria-keyshortcuts="Control+O Meta+O">
        Open files…
      </button>
      <button type="button" onClick={() => void pickArchives('folders')}>
        Open folder…
      </button>
    </>
  );
}

export function CollectionView() {
  const { detail, current, progress, refreshDetail, refreshCollections, select, setError, collections, settings } = useAppFields('detail', 'current', 'progress', 'refreshDetail', 'refreshCollections', 'select', 'setError', 'collections', 'settings');
  const [path, setPath] = useState('');
  const [relinking, setRelinking] = useState<string | null>(null);

  if (!current) {
    return (
      <section aria-label="Start" className="welcome">
        <h2>{collections.length === 0 ? 'Open a WARC to begin' : 'Choose a collection'}</h2>
        <p>Open a WARC, ARC or WACZ file to begin. A collection indexes archive files so that you can search and browse them.</p>
        <p className="row">
          <OpenButtons />
        </p>
        <p className="meta">Opening files makes a collection of them; “New collection” in the sidebar makes an empty one.</p>
        <h3>Or look inside one file</h3>
        <InspectForm />
      </section>
    );
  }
  if (!detail) return <p className="empty">Loading {current}…</p>;

  const running = detail.ingest.running;
  const live = progress[current] ?? detail.ingest.progress;
  const act = async (fn: () => Promise<unknown>) => {
    // Cleared before, not after: a warning the engine sends while doing it (files it did not add) stays on screen.
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
    await refreshDetail();
    await refreshCollections();
  };
  const add = (paths: string[]) => act(() => call('files.add', { collection: current, paths }));

  return (
    <section aria-label={`Collection ${current}`} className="collection">
      <header className="row spread">
        <h2>{current}</h2>
        <div className="row">
          <button
            type="button"
            onClick={() => {
              const to = window.prompt('New name', current);
              if (to && to !== current) void act(async () => select((await call('collections.rename', { collection: current, to })).name));
            }}
          >
            Rename
          </button>
          {running && <small className="meta" id="delete-why">Delete waits for the ingest to end (or cancel it).</small>}
          <button
            type="button"
            className="danger"
            disabled={running}
            title={running ? 'A collection cannot be deleted while it is being ingested: cancel the ingest or wait for it to end.' : undefined}
            aria-describedby={running ? 'delete-why' : undefined}
            onClick={() => {
              if (window.confirm(`Delete the collection “${current}”? The archive files stay where they are.`)) {
                void act(async () => {
                  await call('collections.delete', { collection: current });
                  await select(null);
                });
              }
            }}
          >
            Delete
          </button>
        </div>
      </header>
      <p className="meta">
        {plural(detail.files, 'file')} · {plural(detail.captures, 'capture')} · {plural(detail.pages, 'page')} · {formatBytes(detail.diskBytes)} index on disk
      </p>

      <form
        className="row"
        aria-label="Add archives"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void add([path.trim()]).then(() => setPath(''));
        }}
      >
        <label>
          File or folder path
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/crawl/ or /data/file.warc.gz" size={50} />
        </label>
        <button type="submit">Add</button>
        <OpenButtons />
      </form>
      {relinking && (
        <FolderBrowser
          onClose={() => setRelinking(null)}
          onPick={([to]) => {
            const from = relinking;
            setRelinking(null);
            if (to) void act(() => call('files.relink', { collection: current, from, to }));
          }}
        />
      )}

      {detail.fileList.length === 0 ? (
        <p className="empty">This collection has no archives yet: add a WARC, ARC or WACZ file or a folder holding some.</p>
      ) : (
        <>
          <div className="row">
            {running ? (
              <button type="button" onClick={() => void act(() => call('ingest.cancel', { collection: current }))}>
                Cancel ingest
              </button>
            ) : (
              <>
                <button type="button" className="primary" onClick={() => void act(() => uiTracer.action('ui.ingest.start', { backend: settings?.textBackend ?? 'cpu' }, (tp) => call('ingest.start', { collection: current, backend: settings?.textBackend }, tp)))}>
                  {detail.fileList.some((f) => f.state === 'done') ? 'Ingest new and changed files' : 'Start ingest'}
                </button>
                {detail.fileList.some((f) => f.state === 'done') && (
                  <button
                    type="button"
                    title="Read every file again and extract its pages anew (main content for pages indexed before it)"
                    onClick={() => void act(() => call('ingest.start', { collection: current, backend: settings?.textBackend, mode: 'reextract' }))}
                  >
                    Extract pages again
                  </button>
                )}
              </>
            )}
            {detail.ingest.stopped && !running && <span className="meta">Last run: {detail.ingest.stopped}. Start again to resume.</span>}
          </div>
          <IngestPanel progress={live} running={running} text={detail.ingest.text} queued={detail.fileList.filter((f) => f.state === 'pending' || f.state === 'changed').length} />
          <FileTable
            files={detail.fileList}
            busy={running}
            onRemove={(p) => void act(() => call('files.remove', { collection: current, paths: [p] }))}
            onRelink={(p) => setRelinking(p)}
          />
          <ErrorList collection={current} count={detail.errors} />
        </>
      )}
    </section>
  );
}

