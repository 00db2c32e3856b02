// Search: the query box (focus with '/'), inline help, facets that filter on click, a virtualised result list that
// loads on as it scrolls, and export of the results or of the ones picked (Space, or the pick box).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExportFormat, FacetName, SearchHitView } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { Time } from '../components/Time.js';
import { download } from '../download.js';
import { formatCount, plural, snippetParts } from '../format.js';
import { useApp, useAppFields } from '../store.js';
import { canViewPage, useViewPage } from './ViewPage.js';
import { SavedSearches } from './SavedSearches.js';
import { ExportWacz } from './ExportWacz.js';
import { PickedExport, usePicked } from './PickedExport.js';
import { hasFilter, toggleFilter } from '../query-filter.js';

export const DEBOUNCE_MS = 200;
const ROW_HEIGHT = 84;
/** Rows rendered past each edge of the list's window: enough for a wheel step (~100 px) to land on rows already
 *  drawn. Every frame of a fast scroll draws the window's rows anew, these with them: at 8 a side they were twice the
 *  ~9 rows on screen (ARCHITECTURE.md, "Drawing a fast scroll": 87-96 % of frames on time then, 96-99 % now). */
const OVERSCAN_ROWS = 3;

export function Snippet({ text }: { text: string }) {
  // Archived text is rendered as text nodes only: the marks become <mark> elements, nothing is parsed as HTML. The text
  // between marks is bare text nodes, not an element each: a fast scroll builds ~30 of these snippets a frame.
  return (
    <p className="snippet">
      {snippetParts(text).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text))}
    </p>
  );
}

function QueryHelp() {
  return (
    <details className="help">
      <summary>Query help</summary>
      <dl>
        <dt>
          <code>climate policy</code>
        </dt>
        <dd>
          pages with both words, best matches first; words on most pages (the, that) and phrases holding one only narrow
          the search, and a query made only of those lists the newest pages first
        </dd>
        <dt>
          <code>"exact phrase"</code>
        </dt>
        <dd>the words next to each other</dd>
        <dt>
          <code>archiv*</code>
        </dt>
        <dd>
          words starting so; on a large collection a prefix is not ranked: its pages come newest first, and beside
          another word it only narrows the search
        </dd>
        <dt>
          <code>cats OR dogs</code>, <code>-spam</code>
        </dt>
        <dd>either word; must not contain</dd>
        <dt>
          <code>site:example.com</code>
        </dt>
        <dd>that host and its subdomains</dd>
        <dt>
          <code>mime:text/html</code>, <code>mime:image/*</code>
        </dt>
        <dd>by media type</dd>
        <dt>
          <code>status:200</code>, <code>status:4xx</code>
        </dt>
        <dd>by HTTP status</dd>
        <dt>
          <code>from:2014 to:2015-06</code>
        </dt>
        <dd>by capture date (YYYY, YYYY-MM or YYYY-MM-DD)</dd>
        <dt>
          <code>in:main</code>, <code>in:all</code>
        </dt>
        <dd>
          only pages with the words in their main content (the article); or the whole page ranked as one. By default
          words match anywhere, and pages with them in the main content come first
        </dd>
        <dt>
          <code>tag:to-read</code>, <code>note:source</code>
        </dt>
        <dd>pages (or captures) you tagged so, or whose note holds the word; add tags and notes in the record viewer</dd>
      </dl>
    </details>
  );
}

const FACET_TITLE: Record<FacetName, string> = { site: 'Host', mime: 'Media type', status: 'Status', year: 'Year' };
const FACET_FILTER: Record<FacetName, (v: string) => string> = {
  site: (v) => `site:${v}`,
  mime: (v) => `mime:${v}`,
  status: (v) => `status:${v}`,
  year: (v) => `from:${v} to:${v}`,
};

function Facets() {
  const { facets, q, hits, error } = useApp((s) => s.search);
  const runSearch = useApp((s) => s.runSearch);
  if (!facets)
    return (
      <aside aria-label="Facets" className="facets" data-testid="facets" data-ready="false" aria-busy={hits.length > 0 && !error}>
        {hits.length > 0 && !error && <p className="meta">Counting hosts, types and years…</p>}
      </aside>
    );
  return (
    <aside aria-label="Facets" className="facets" data-testid="facets" data-ready="true">
      {(Object.keys(FACET_TITLE) as FacetName[]).map((name) =>
        facets.facets[name].length === 0 ? null : (
          <section key={name} aria-label={`${FACET_TITLE[name]} facet`}>
            <h3>{FACET_TITLE[name]}</h3>
            <ul>
              {facets.facets[name].slice(0, 10).map((f) => {
                const filter = FACET_FILTER[name](f.value);
                const active = hasFilter(q, filter);
                return (
                  <li key={f.value}>
                    <button
                      type="button"
                      className={`facet${active ? ' active' : ''}`}
                      aria-pressed={active}
                      onClick={() => void runSearch(toggleFilter(q, filter))}
                    >
                      <span className="uri">{f.value}</span> <span className="count">{formatCount(f.count)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ),
      )}
      {facets.facetsAreSample && <p className="meta">Counted over a sample of the matches.</p>}
    </aside>
  );
}

function HitRow({ hit, active, picked, onOpen, onViewPage, onPick }: { hit: SearchHitView; active: boolean; picked: boolean; onOpen(): void; onViewPage(): void; onPick(): void }) {
  return (
    <div className={`hit${active ? ' active' : ''}`} onClick={onOpen}>
      <div className="hit-title">
        {/* The pointer's way to pick a hit for export; Space is the keyboard's, and aria-selected says it (Results). */}
        <span
          className={`pick${picked ? ' on' : ''}`}
          title="Select for export (Space)"
          onClick={(e) => {
            e.stopPropagation();
            onPick();
          }}
        />{' '}
        {hit.internal && <span className="badge internal">{hit.internal}</span>} {hit.title || hit.url}
      </div>
      <div className="hit-meta">
        {/* An option may hold no control of its own (its children are presentational): this is the pointer's way to
            the page, and V is the keyboard's (Results' onKey). */}
        {canViewPage(hit.capture) && (
          <span
            className="hit-action"
            title="View the page as it was (V)"
            onClick={(e) => {
              e.stopPropagation();
              onViewPage();
            }}
          >
            View page
          </span>
        )}
        <span className="uri">{hit.url}</span> · <Time value={hit.timestamp} />
        {hit.captureCount > 1 && ` · ${plural(hit.captureCount, 'capture')}`}
      </div>
      <Snippet text={hit.snippet} />
    </div>
  );
}

function Results({ picked, onPick }: { picked: ReadonlySet<number>; onPick(captureId: number): void }) {
  // Not the whole search state: the facets that follow the hits would draw every row again.
  const { hits, more, loading } = useApp(useShallow((s) => ({ hits: s.search.hits, more: s.search.more, loading: s.search.loading })));
  const { loadMoreHits, open } = useAppFields('loadMoreHits', 'open');
  const viewPage = useViewPage();
  const parent = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const virtualizer = useVirtualizer({ count: hits.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN_ROWS });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);

  useEffect(() => {
    // Within two screens of the end: load on. Not sooner, or every query would pay for a second page at once.
    if (last && last.index >= hits.length - 20 && more && !loading) void loadMoreHits();
  }, [last?.index, hits.length, more, loading, loadMoreHits]);
  useEffect(() => setActive(0), [hits.length === 0]);

  const onKey = (e: KeyboardEvent) => {
    const move = (to: number) => {
      e.preventDefault();
      const i = Math.max(0, Math.min(hits.length - 1, to));
      setActive(i);
      virtualizer.scrollToIndex(i);
    };
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'PageDown') move(active + 10);
    else if (e.key === 'PageUp') move(active - 10);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(hits.length - 1);
    else if (e.key === 'Enter' && hits[active]) open(hits[active].capture);
    else if (e.key === ' ' && hits[active]) {
      e.preventDefault();
      onPick(hits[active].capture.id);
    }
    else if ((e.key === 'v' || e.key === 'V') && !e.ctrlKey && !e.metaKey && !e.altKey && hits[active]) {
      e.preventDefault();
      viewPage(hits[active].capture);
    }
  };

  return (
    <div
      ref={parent}
      className="results"
      role="listbox"
      aria-label="Results"
      aria-keyshortcuts="Enter V Space"
      aria-multiselectable
      tabIndex={0}
      aria-activedescendant={hits[active] ? `hit-${active}` : undefined}
      onKeyDown={onKey}
      data-testid="results-scroller"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((v) => (
          <div
            key={v.key}
            id={`hit-${v.index}`}
            role="option"
            aria-selected={picked.has(hits[v.index].capture.id)}
            aria-label={hits[v.index].title || hits[v.index].url}
            // Its size is its own (contain): a row drawn in a frame of a fast scroll is laid out and painted alone.
            style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)`, contain: 'strict' }}
          >
            <HitRow
              hit={hits[v.index]}
              active={v.index === active}
              picked={picked.has(hits[v.index].capture.id)}
              onPick={() => onPick(hits[v.index].capture.id)}
              onOpen={() => {
                setActive(v.index);
                open(hits[v.index].capture);
              }}
              onViewPage={() => viewPage(hits[v.index].capture)}
            />
          </div>
        ))}
      </div>
    </div>
  );
}

function ExportButtons() {
  const { current, search, setError } = useAppFields('current', 'search', 'setError');
  const [busy, setBusy] = useState(false);
  const run = async (format: ExportFormat) => {
    if (!current) return;
    setBusy(true);
    try {
      const r = await call('export.results', { collection: current, q: search.q, sort: search.sort, format });
      download(`${current}-results.${format}`, r.content, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      if (r.truncated) setError(new Error(`Exported the first ${plural(r.rows, 'result')} only.`));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="row" role="group" aria-label="Export results">
      <button type="button" disabled={busy} onClick={() => void run('csv')}>
        Export CSV
      </button>
      <button type="button" disabled={busy} onClick={() => void run('jsonl')}>
        Export JSONL
      </button>
      {current && <ExportWacz collection={current} selection={{ q: search.q }} title={`“${search.q}” in ${current}`} />}
    </div>
  );
}

export function SearchBox() {
  const { q, sort } = useApp((s) => s.search);
  const { runSearch, current } = useAppFields('runSearch', 'current');
  const [text, setText] = useState(q);
  const input = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => setText(q), [q]);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = (value: string, now = false) => {
    if (timer.current) clearTimeout(timer.current);
    // Typing refines the query in place in the history; Enter, or typing from another screen, makes a new entry, so
    // that Back returns to the query before and not to each letter of this one.
    const go = () => void runSearch(value, sort, { replace: !now && useApp.getState().route?.kind === 'search' });
    if (now) go();
    else timer.current = setTimeout(go, DEBOUNCE_MS);
  };

  return (
    <form
      role="search"
      className="searchbox"
      onSubmit={(e) => {
        e.preventDefault();
        submit(text, true);
      }}
    >
      <input
        ref={input}
        type="search"
        aria-label="Search the collection (press / to focus)"
        placeholder={current ? 'Search… (press /)' : 'Choose a collection to search'}
        disabled={!current}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          submit(e.target.value);
        }}
      />
    </form>
  );
}

export function SearchView() {
  const { search, runSearch, current } = useAppFields('search', 'runSearch', 'current');
  const [picked, setPicked, togglePicked] = usePicked();
  useEffect(() => setPicked(new Set()), [search.q, current]);
  if (!current) return <p className="empty">Choose or create a collection to search it.</p>;
  const total = search.facets
    ? `${search.facets.totalIsEstimate ? 'about ' : ''}${plural(search.facets.total, 'result')}`
    : search.hits.length
      ? search.more
        ? `${formatCount(search.hits.length)}+ results`
        : plural(search.hits.length, 'result')
      : '';
  return (
    <section aria-label="Search" className="search">
      <div className="row spread">
        <div className="row">
          <label>
            Sort by{' '}
            <select value={search.sort} onChange={(e) => void runSearch(search.q, e.target.value as 'relevance' | 'date')}>
              <option value="relevance">Relevance</option>
              <option value="date">Date</option>
            </select>
          </label>
          <span className="meta" aria-live="polite" data-testid="result-count">
            {search.loading && search.hits.length === 0 ? 'Searching…' : total}
            {search.tookMs !== null && search.hits.length > 0 && ` (${search.tookMs.toFixed(0)} ms)`}
          </span>
        </div>
        {search.hits.length > 0 && <ExportButtons />}
      </div>
      <QueryHelp />
      <SavedSearches collection={current} />
      {search.error && (
        <p role="alert" className="error">
          {search.error}
        </p>
      )}
      {!search.q.trim() && <p className="empty">Type words to search the pages of this collection. Press / to jump to the search box.</p>}
      {search.q.trim() && !search.loading && !search.error && search.hits.length === 0 && <p className="empty">No pages match “{search.q}”.</p>}
      {search.hits.length > 0 && (
        <PickedExport collection={current} shown={search.hits.map((h) => h.capture.id)} picked={picked} onPick={setPicked} noun="result" />
      )}
      <div className="search-body">
        <Facets />
        {search.hits.length > 0 ? <Results picked={picked} onPick={togglePicked} /> : <div />}
      </div>
    </section>
  );
}

