// The workstation's state: plain data from the engine plus what the person chose. Views read slices of it; every
// engine call goes through `call` (api/client.ts), typed by the contract.
import { create } from 'zustand';
import type {
  CaptureView,
  CollectionDetail,
  CollectionSummary,
  SearchFacetsView,
  SearchHitView,
  Settings,
  SortOrder,
  TimeZoneChoice,
} from '../shared/api-collections.js';
import type { IngestProgress } from '../shared/records.js';
import { call, engine, uiTracer } from './api/client.js';
import { describeError } from './format.js';
import { parseRoute, routeHash, type ReplayRoute } from './route.js';

export type View = 'collection' | 'search' | 'captures' | 'stats' | 'settings' | 'inspect' | 'profiler';

/** The first page fills a screen and comes back fast: every hit reads its page's text for the snippet (at 200k pages
 *  50 hits took 6-15 ms of reading where 20 take a third of that); the list loads on in bigger pages as it scrolls. */
export const FIRST_PAGE = 20;
const NEXT_PAGE = 200;

interface SearchState {
  q: string;
  sort: SortOrder;
  hits: SearchHitView[];
  /** More hits may follow the loaded ones. */
  more: boolean;
  facets: SearchFacetsView | null;
  loading: boolean;
  error: string | null;
  tookMs: number | null;
  /** Bumped by each new query, so a late reply of an older one is dropped. */
  seq: number;
}

interface AppState {
  view: View;
  collections: CollectionSummary[];
  current: string | null;
  detail: CollectionDetail | null;
  progress: Record<string, IngestProgress>;
  settings: Settings | null;
  error: string | null;
  search: SearchState;
  /** The capture open in the record viewer. */
  viewing: CaptureView | null;
  /** The page open in the replay view, over the record viewer and the views; its address is the location hash. */
  replay: ReplayRoute | null;
  /** Times on screen: local or UTC (citations and exports stay UTC). Kept in the engine's settings; a copy here so
   *  that times can be drawn before the settings arrive and a choice shows at once. */
  timeZone: TimeZoneChoice;
  /** Browser mode's add-files flow is open (the folder browser), with a note when a drop opened it. */
  adding: { note: string | null } | null;
  /** Archives picked or dropped while no collection is chosen: a new collection is offered for them. */
  offer: string[] | null;

  setView(v: View): void;
  setError(e: unknown): void;
  init(): Promise<void>;
  refreshCollections(): Promise<void>;
  select(name: string | null): Promise<void>;
  refreshDetail(): Promise<void>;
  runSearch(q: string, sort?: SortOrder): Promise<void>;
  loadMoreHits(): Promise<void>;
  open(c: CaptureView | null): void;
  /** Opens the replay view on a page (a new history entry, so that Back returns to where the person was), or closes
   *  it (null). */
  viewPage(page: Omit<ReplayRoute, 'kind'> | null, how?: { replace?: boolean }): Promise<void>;
  /** Shows what the location hash names: at start, after Back/Forward, or when a link is pasted. */
  applyRoute(): Promise<void>;
  updateSettings(s: Parameters<typeof call<'settings.update'>>[1]): Promise<void>;
  setTimeZone(z: TimeZoneChoice): Promise<void>;
  /** Ctrl/Cmd+O, File > Open Archive…, the Open and Browse buttons: the desktop's open dialog, or the folder browser. */
  pickArchives(kind?: 'files' | 'folders', note?: string): Promise<void>;
  closeAdding(): void;
  /** Adds archives to the current collection and shows it; with none chosen, offers a new one for them. */
  addArchives(paths: string[]): Promise<void>;
  /** Creates the offered collection and adds the archives to it; throws (for the offer dialog to show) when the name
   *  is refused. */
  createCollectionFor(name: string, paths: string[]): Promise<void>;
  dismissOffer(): void;
}

/** init may run twice (React's StrictMode in development); Back/Forward must be answered once. */
let listeningToHistory = false;

export const useApp = create<AppState>((set, get) => ({
  view: 'collection',
  collections: [],
  current: null,
  detail: null,
  progress: {},
  settings: null,
  error: null,
  search: { q: '', sort: 'relevance', hits: [], more: false, facets: null, loading: false, error: null, tookMs: null, seq: 0 },
  viewing: null,
  replay: null,
  timeZone: 'local',
  adding: null,
  offer: null,

  setView(view) {
    if (get().replay) void get().viewPage(null);
    set({ view });
  },

  setError(e) {
    set({ error: e === null ? null : describeError(e) });
  },

  async init() {
    // Progress comes after every batch; the file list is re-read at most twice a second (and once after the last).
    let pending: ReturnType<typeof setTimeout> | null = null;
    engine.on('ingest.progress', (p) => {
      set((s) => ({ progress: { ...s.progress, [p.collection]: p } }));
      if (p.collection !== get().current || pending) return;
      pending = setTimeout(() => {
        pending = null;
        void get().refreshDetail();
      }, 500);
    });
    engine.on('engine.notice', (n) => {
      if (n.level !== 'info') set({ error: n.message }); // warnings (an engine restart) are shown too
    });
    try {
      const [settings, collections] = await Promise.all([call('settings.get', {}), call('collections.list', {})]);
      set({ settings, timeZone: settings.timeZone, collections });
      if (!listeningToHistory) window.addEventListener('popstate', () => void get().applyRoute());
      listeningToHistory = true;
      // A reloaded or pasted address opens its own collection instead of the last one.
      if (parseRoute(location.hash)) return await get().applyRoute();
      const last = settings.lastCollection && collections.some((c) => c.name === settings.lastCollection) ? settings.lastCollection : (collections[0]?.name ?? null);
      if (last) await get().select(last);
    } catch (e) {
      get().setError(e);
    }
  },

  async refreshCollections() {
    try {
      set({ collections: await call('collections.list', {}) });
    } catch (e) {
      get().setError(e);
    }
  },

  async select(name) {
    // Another collection is another set of pages: the replay view of this one closes.
    if (get().replay) await get().viewPage(null);
    const search = { ...get().search, hits: [], facets: null, more: false, error: null, seq: get().search.seq + 1 };
    set({ current: name, detail: null, viewing: null, search });
    if (!name) return;
    try {
      set({ detail: await call('collections.get', { collection: name }) });
      if (get().settings?.lastCollection !== name) set({ settings: await call('settings.update', { lastCollection: name }) });
      if (get().search.q.trim()) void get().runSearch(get().search.q);
    } catch (e) {
      get().setError(e);
    }
  },

  async refreshDetail() {
    const name = get().current;
    if (!name) return;
    try {
      const detail = await call('collections.get', { collection: name });
      if (get().current === name) set({ detail });
      if (!detail.ingest.running) void get().refreshCollections();
    } catch (e) {
      get().setError(e);
    }
  },

  async runSearch(q, sort) {
    const collection = get().current;
    const seq = get().search.seq + 1;
    const order = sort ?? get().search.sort;
    set((s) => ({ search: { ...s.search, q, sort: order, seq, loading: !!q.trim(), error: null, ...(q.trim() ? {} : { hits: [], facets: null, more: false }) } }));
    if (!collection || !q.trim()) return;
    const current = () => get().search.seq === seq;
    try {
      // Hits first, facets after: the list shows as soon as its first page is ready. One trace for both (Profiler).
      await uiTracer.action('ui.search', { sort: order }, async (traceparent) => {
        const r = await call('search.query', { collection, q, sort: order, limit: FIRST_PAGE }, traceparent);
        if (!current()) return;
        set((s) => ({ search: { ...s.search, hits: r.hits, more: r.hits.length === FIRST_PAGE, tookMs: r.tookMs, loading: false, facets: null } }));
        const facets = await call('search.facets', { collection, q }, traceparent);
        if (current()) set((s) => ({ search: { ...s.search, facets } }));
      });
    } catch (e) {
      if (current()) set((s) => ({ search: { ...s.search, loading: false, hits: [], facets: null, more: false, error: describeError(e) } }));
    }
  },

  async loadMoreHits() {
    const { current: collection, search } = get();
    if (!collection || !search.more || search.loading) return;
    const seq = search.seq;
    set((s) => ({ search: { ...s.search, loading: true } }));
    try {
      const r = await uiTracer.action('ui.search.more', { offset: search.hits.length }, (traceparent) =>
        call('search.query', { collection, q: search.q, sort: search.sort, limit: NEXT_PAGE, offset: search.hits.length }, traceparent));
      if (get().search.seq !== seq) return;
      set((s) => ({ search: { ...s.search, hits: [...s.search.hits, ...r.hits], more: r.hits.length === NEXT_PAGE, loading: false } }));
    } catch (e) {
      if (get().search.seq === seq) set((s) => ({ search: { ...s.search, loading: false, more: false, error: describeError(e) } }));
    }
  },

  open(viewing) {
    set({ viewing });
  },

  async viewPage(page, how) {
    const hash = page ? routeHash({ kind: 'replay', ...page }) : '';
    if (hash === location.hash) return;
    // pushState, not an assignment to location.hash: closing leaves no bare '#' behind, and no hashchange runs twice.
    history[how?.replace ? 'replaceState' : 'pushState'](null, '', hash || location.pathname + location.search);
    await get().applyRoute();
  },

  async applyRoute() {
    const route = parseRoute(location.hash);
    if (!route) return set({ replay: null });
    const known = get().collections.some((c) => c.name === route.collection);
    // The replay view says when the collection is not there; the open one stays open behind it.
    if (known && get().current !== route.collection) {
      set({ replay: null });
      await get().select(route.collection);
    }
    set({ replay: route });
  },

  async updateSettings(args) {
    try {
      const settings = await call('settings.update', args);
      set({ settings, timeZone: settings.timeZone });
    } catch (e) {
      get().setError(e);
      // A choice drawn ahead of the engine's answer goes back to what the engine keeps.
      const kept = get().settings;
      if (kept) set({ timeZone: kept.timeZone });
    }
  },

  async setTimeZone(timeZone) {
    set({ timeZone });
    await get().updateSettings({ timeZone });
  },

  async pickArchives(kind = 'files', note) {
    const shell = engine.shell;
    if (!shell) return set({ adding: { note: note ?? null } });
    try {
      await get().addArchives(await shell.pickPaths(kind));
    } catch (e) {
      get().setError(e);
    }
  },

  closeAdding() {
    set({ adding: null });
  },

  async addArchives(paths) {
    if (paths.length === 0) return;
    const collection = get().current;
    if (!collection) return set({ offer: paths });
    try {
      await call('files.add', { collection, paths });
      set({ error: null });
    } catch (e) {
      get().setError(e);
    }
    // Where the files and the ingest button are, whatever screen the archives came from.
    get().setView('collection');
    set({ viewing: null });
    await get().refreshDetail();
    await get().refreshCollections();
  },

  async createCollectionFor(name, paths) {
    const c = await call('collections.create', { name });
    set({ offer: null });
    await get().refreshCollections();
    await get().select(c.name);
    await get().addArchives(paths);
  },

  dismissOffer() {
    set({ offer: null });
  },
}));
