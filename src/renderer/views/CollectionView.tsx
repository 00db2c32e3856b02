// One collection: its archive files and their states, adding and removing files (typed here; browsed, picked in the
// desktop's open dialog or dropped onto the window through components/ArchiveIntake.tsx), ingest with progress, errors.
import { useEffect, useState } from 'react';
import type { CollectionFile, IngestErrorView, IngestTextStatus } from '../../shared/api-collections.js';
import type { IngestProgress } from '../../shared/records.js';
import { call, engine, uiTracer } from '../api/client.js';
import { FolderBrowser } from '../components/FolderBrowser.js';
import { formatBytes, formatCount, formatDuration, plural } from '../format.js';
import { textStatusLine } from '../gpu/text-status.js';
import { useApp } from '../store.js';
import { InspectForm } from './InspectView.js';


export function CreateCollection({ compact = false }: { compact?: boolean }) {
  const [name, setName] = useState('');
  const { refreshCollections, select, setError } = useApp();
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

function IngestPanel({ progress, running, text }: { progress: IngestProgress | null; running: boolean; text: IngestTextStatus | null }) {
  if (!progress) return null;
  const done = !running && progress.filesDone === progress.filesTotal;
  return (
    <section aria-label="Ingest progress" className="ingest">
      <h3>{running ? 'Ingesting…' : done ? 'Ingest done' : 'Ingest stopped'}</h3>
      {text && <p className="meta" title={text.note ?? undefined}>{textStatusLine(text)}</p>}
      <Progress label="Collection progress" value={progress.bytesDone} max={progress.bytesTotal} />
      <dl className="figures">
        <dt>Files</dt>
        <dd>
          {progress.filesDone} / {progress.filesTotal}
        </dd>
        <dt>Records</dt>
        <dd>{formatCount(progress.records)}</dd>
        <dt>Pages</dt>
        <dd>{formatCount(progress.pages)}</dd>
        <dt>Bytes</dt>
        <dd>
          {formatBytes(progress.bytesDone)} / {formatBytes(progress.bytesTotal)}
        </dd>
        <dt>Rate</dt>
        <dd>{running ? `${formatBytes(Math.round(progress.rate))}/s` : '—'}</dd>
        <dt>Time left</dt>
        <dd>{running ? formatDuration(progress.etaSeconds) : '—'}</dd>
        <dt>Errors</dt>
        <dd>{formatCount(progress.errors)}</dd>
      </dl>
      {running &&
        progress.files.map((f) => (
          <div key={f.path} className="file-progress">
            <span className="uri">{f.path.split('/').pop()}</span>
            <Progress label={`Progress of ${f.path.split('/').pop()}`} value={f.bytesDone} max={f.bytes} />
            <small>{formatCount(f.records)} records</small>
          </div>
        ))}
    </section>
  );
}

const STATE_TEXT: Record<CollectionFile['state'], string> = {
  pending: 'not indexed yet',
  indexing: 'indexing',
  done: 'indexed',
  error: 'failed',
  skipped: 'skipped',
  missing: 'missing on disk',
  changed: 'changed since indexed',
};

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
              <span className={`state state-${f.state}`}>{STATE_TEXT[f.state]}</span>
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
      <summary>
        {formatCount(count)} problem{count === 1 ? '' : 's'} found while reading
      </summary>
      <table aria-label="Ingest errors">
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
              <td className="uri">{e.file.split('/').pop()}</td>
              <td className="num">{e.offset}</td>
              <td>
                <code>{e.code}</code>
              </td>
              <td>{e.message}</td>
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
  const { detail, current, progress, refreshDetail, refreshCollections, select, setError, collections, settings } = useApp();
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
        <CreateCollection />
        <h3>Or look inside one file</h3>
        <InspectForm />
      </section>
    );
  }
  if (!detail) return <p className="empty">Loading {current}…</p>;

  const running = detail.ingest.running;
  const live = progress[current] ?? detail.ingest.progress;
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
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
          <button
            type="button"
            className="danger"
            disabled={running}
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
          <IngestPanel progress={live} running={running} text={detail.ingest.text} />
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

