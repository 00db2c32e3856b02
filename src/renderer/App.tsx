// The workstation: collections on the left, the chosen view in the middle, the record viewer over it when a capture
// is open, and the replay view over both when a page is (its address is the location hash: route.ts). Works the same
// in Electron (preload bridge) and in browser mode (HTTP + SSE). Archives can be opened or dropped from every screen
// (ArchiveIntake).
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ArchiveIntake } from './components/ArchiveIntake.js';
import { plural } from './format.js';
import { useApp, useAppFields, type View } from './store.js';
import { CapturesView } from './views/CapturesView.js';
import { CollectionView, CreateCollection } from './views/CollectionView.js';
import { InspectView } from './views/InspectView.js';
import { ProfilerView } from './views/ProfilerView.js';
import { RecordViewer } from './views/RecordViewer.js';
import { ReplayView } from './views/ReplayView.js';
import { SearchBox, SearchView } from './views/SearchView.js';
import { SettingsView } from './views/SettingsView.js';
import { StatsView } from './views/StatsView.js';

const NAV: Array<[View, string]> = [
  ['collection', 'Files & ingest'],
  ['search', 'Search'],
  ['captures', 'Captures'],
  ['stats', 'Statistics'],
  ['inspect', 'Inspect a file'],
  ['settings', 'Settings'],
  ['profiler', 'Profiler'],
];

function CollectionList() {
  const { collections, current, select, progress } = useAppFields('collections', 'current', 'select', 'progress');
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const to = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : -1;
    if (to < 0 || to >= collections.length) return;
    e.preventDefault();
    refs.current[to]?.focus();
  };
  return (
    <nav aria-label="Collections" className="collections">
      <h2>Collections</h2>
      {collections.length === 0 && <p className="empty">None yet.</p>}
      <ul>
        {collections.map((c, i) => {
          const p = progress[c.name];
          return (
            <li key={c.name}>
              <button
                type="button"
                ref={(el) => {
                  refs.current[i] = el;
                }}
                aria-current={c.name === current ? 'true' : undefined}
                onClick={() => void select(c.name)}
                onKeyDown={(e) => onKey(e, i)}
              >
                <span className="name">{c.name}</span>
                <small>
                  {c.ingesting ? (p ? `ingesting ${Math.round((p.bytesDone / Math.max(1, p.bytesTotal)) * 100)} %` : 'ingesting…') : plural(c.captures, 'capture')}
                </small>
              </button>
            </li>
          );
        })}
      </ul>
      <CreateCollection compact />
    </nav>
  );
}

function Main() {
  const view = useApp((s) => s.view);
  switch (view) {
    case 'collection':
      return <CollectionView />;
    case 'search':
      return <SearchView />;
    case 'captures':
      return <CapturesView />;
    case 'stats':
      return <StatsView />;
    case 'settings':
      return <SettingsView />;
    case 'inspect':
      return <InspectView />;
    case 'profiler':
      return <ProfilerView />;
  }
}

export function App() {
  const { init, view, setView, error, setError, viewing, replay, settings } = useAppFields('init', 'view', 'setView', 'error', 'setError', 'viewing', 'replay', 'settings');
  useEffect(() => {
    void init();
  }, [init]);
  useEffect(() => {
    // 'system' leaves the choice to prefers-color-scheme in styles.css.
    const theme = settings?.theme ?? 'system';
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [settings?.theme]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>ArchiveStream</h1>
        <SearchBox />
        <nav aria-label="Views" className="views">
          {NAV.map(([v, label]) => (
            <button key={v} type="button" aria-current={view === v && !replay ? 'page' : undefined} onClick={() => setView(v)}>
              {label}
            </button>
          ))}
        </nav>
      </header>
      <div className="body">
        <CollectionList />
        <main>
          {error && (
            <div role="alert" className="error banner">
              <span>{error}</span>
              <button type="button" onClick={() => setError(null)} aria-label="Dismiss the message">
                ✕
              </button>
            </div>
          )}
          {replay ? <ReplayView key={`${replay.collection}\n${replay.url}`} route={replay} /> : viewing ? <RecordViewer capture={viewing} /> : <Main />}
        </main>
      </div>
      <ArchiveIntake />
    </div>
  );
}
