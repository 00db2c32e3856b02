// The workstation's state: plain data from the engine plus what the person chose. Views read slices of it; every
// engine call goes through `call` (api/client.ts), typed by the contract.
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
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
import { parseRoute, routeCollection, routeHash, type ReplayRoute, type Route, type RouteKind, type RouteOf } from './route.js';

/** The screens of the menu: every route but those shown over a screen (the record viewer, the replay view). */
export type View = Exclude<RouteKind, 'record' | 'replay'>;

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
  /** The page open in the replay view, over the record viewer and the views. */
  replay: ReplayRoute | null;
  /** What the location hash names and the screen shows (route.ts); null before the first is shown. */
  route: Route | null;
  /** The last route each screen showed, so that coming back to it from the menu finds it as it was left. */
  screens: Partial<Record<View, Route>>;
  /** Times on screen: local or UTC (citations and exports stay UTC). Kept in the engine's settings; a copy here so
   *  that times can be drawn before the settings arrive and a choice shows at once. */
  timeZone: TimeZoneChoice;
  /** Browser mode's add-files flow is open (the folder browser), with a note when a drop opened it. */
  adding: { note: string | null } | null;
  /** Archives picked or dropped while no collection is chosen: a new collection is offered for them. */
  offer: string[] | null;

  /** Shows a screen of the menu (a new history entry), as it was last left in the current collection. */
  setView(v: View): void;
  /** Shows a route: a new history entry (or, with `replace`, in place of the current one), then the screen. */
  navigate(route: Route | null, how?: { replace?: boolean }): Promise<void>;
  setError(e: unknown): void;
  init(): Promise<void>;
  refreshCollections(): Promise<void>;
  /** Opens a collection on the screen shown, fresh: no query, no lookup of the one before. */
  select(name: string | null): Promise<void>;
  refreshDetail(): Promise<void>;
  /** Searches the current collection; the query is part of the address (typing replaces it, a new query pushes). */
  runSearch(q: string, sort?: SortOrder, how?: { replace?: boolean }): Promise<void>;
  loadMoreHits(): Promise<void>;
  /** Opens a capture in the record viewer (its own address when it is the collection's), or closes it (null). */
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
/** Routes shown so far: a route still loading when another is shown gives way to it. */
let routesApplied = 0;

const appStore = create<AppState>((set, get) => ({
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
  route: null,
  screens: {},
  timeZone: 'local',
  adding: null,
  offer: null,

  setView(view) {
    const route = screenRoute(get(), view, get().current);
    // A screen of a collection with none chosen has no address: it says to choose one.
    if (route) void get().navigate(route);
    else set({ view, viewing: null, replay: null });
  },

  async navigate(route, how) {
    const hash = route ? routeHash(route) : '';
    // Compared as the browser spells it (a URL's spaces and non-ASCII letters escaped), or the same address would be
    // pushed again and Back would seem to do nothing.
    const same = hash ? new URL(hash, location.href).hash === location.hash : !location.hash;
    // pushState, not an assignment to location.hash: closing leaves no bare '#' behind, and no hashchange runs twice.
    if (!same) history[how?.replace ? 'replaceState' : 'pushState'](null, '', hash || location.pathname + location.search);
    await get().applyRoute();
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
      // A reloaded or pasted address opens its own screen; without one, the last collection's files.
      await get().applyRoute();
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
    if (!name) {
      // None chosen (the collection was deleted): the start screen, with no address to come back to it by.
      await enterCollection(null);
      history.replaceState(null, '', location.pathname + location.search);
      set({ route: null, view: 'collection', replay: null, viewing: null, screens: {} });
      return get().refreshCollections();
    }
    // Another collection is another set of pages: the record and replay views of this one close. A screen of the whole
    // app (Settings) stays, the collection changing under it.
    const route = screenRoute(get(), get().view, name) ?? { kind: 'collection', collection: name };
    if (routeCollection(route) === null && get().current !== name) await enterCollection(name);
    await get().navigate(route);
  },

  async refreshDetail() {
    const name = get().current;
    if (!name) return;
    try {
      const detail = await call('collections.get', { collection: name });
      if (get().current === name) set({ detail });
      void get().refreshCollections(); // the sidebar's counts and 'ingesting' move with the run
    } catch (e) {
      get().setError(e);
    }
  },

  async runSearch(q, sort, how) {
    const collection = get().current;
    if (collection) await get().navigate({ kind: 'search', collection, q, sort: sort ?? get().search.sort }, how);
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
    const collection = get().current;
    if (!viewing) return void get().navigate(screenRoute(get(), get().view, collection));
    // A record read from a file (Inspect), not a capture of the collection, has no address: it opens over the screen.
    if (viewing.id < 0 || !viewing.uri || !collection) return set({ viewing });
    set({ viewing });
    void get().navigate({ kind: 'record', collection, id: viewing.id, url: viewing.uri });
  },

  async viewPage(page, how) {
    if (page) return get().navigate({ kind: 'replay', ...page }, how);
    // Closing goes back to what the page was opened over: the record viewer, or the screen.
    const { viewing, current, view } = get();
    const under: Route | null = viewing && viewing.id >= 0 && viewing.uri && current ? { kind: 'record', collection: current, id: viewing.id, url: viewing.uri } : screenRoute(get(), view, current);
    await get().navigate(under, how);
  },

  async applyRoute() {
    const route = parseRoute(location.hash);
    // Back/Forward can move on while a collection loads: an older route stops where a newer one took over.
    const mine = ++routesApplied;
    const stale = () => routesApplied !== mine;
    if (!route) {
      if (location.hash.length > 1) set({ error: `The address ${location.hash} names no screen of this app.` });
      const last = lastCollection();
      if (last) return get().navigate({ kind: 'collection', collection: last }, { replace: true });
      return set({ route: null, replay: null, viewing: null });
    }
    const collection = routeCollection(route);
    // A screen of the whole app opened by address (Settings reloaded) has the last collection beside it.
    const wanted = collection ?? (get().current === null ? lastCollection() : null);
    if (wanted !== null && wanted !== get().current) {
      if (get().collections.some((c) => c.name === wanted)) await enterCollection(wanted);
      // The replay view says itself when the collection is not there; the open one stays open behind it. Any other
      // screen of a collection not there would show another's: the last collection's files instead.
      else if (route.kind !== 'replay') {
        set({ error: `There is no collection named “${collection}” here.` });
        const last = lastCollection();
        return last ? get().navigate({ kind: 'collection', collection: last }, { replace: true }) : undefined;
      }
      if (stale()) return;
    }
    set({ route });
    switch (route.kind) {
      case 'replay':
        return set({ replay: route });
      case 'record':
        set({ replay: null });
        if (get().viewing?.id !== route.id) await showRecord(route, stale);
        return;
      case 'search': {
        const { q, sort, hits, facets, error, loading } = get().search;
        const done = hits.length > 0 || facets !== null || error !== null || loading;
        if (q !== route.q || sort !== route.sort || !done) void query(route.q, route.sort);
        break;
      }
    }
    const view: View = route.kind;
    set((s) => ({ view, viewing: null, replay: null, screens: { ...s.screens, [view]: route } }));
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
    // Cleared before, not after: a warning the engine sends meanwhile (files it did not add) stays on screen.
    set({ error: null });
    try {
      await call('files.add', { collection, paths });
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

/** The state as a component reads it: through a selector, so that it renders again when what it selected changes,
 *  and only then. zustand's own hook also takes no selector, and then renders its component on every change of the
 *  state: the App read so rendered the whole tree at each change, a search's hits arriving with it. Here the
 *  selector is required. `getState` and `setState` are for code outside components. */
export const useApp = Object.assign(<T>(select: (s: AppState) => T): T => appStore(select), {
  getState: appStore.getState,
  setState: appStore.setState,
});

/** The named fields of the state, for a component to read: it renders again when one of them changes. */
export function useAppFields<K extends keyof AppState>(...keys: K[]): Pick<AppState, K> {
  return useApp(
    useShallow((s: AppState) => {
      const fields = {} as Pick<AppState, K>;
      for (const k of keys) fields[k] = s[k];
      return fields;
    }),
  );
}

/** The route a screen of the menu shows for a collection: as it was last left there, else the screen fresh; null for
 *  a screen of a collection when there is none. */
function screenRoute(s: Pick<AppState, 'screens'>, view: View, collection: string | null): Route | null {
  const last = s.screens[view];
  if (last && (routeCollection(last) ?? collection) === collection) return last;
  return parseRoute(`#/${view}`) ?? (collection === null ? null : parseRoute(`#/${view}/${encodeURIComponent(collection)}`));
}

// The steps of showing a route, shared by the store's actions (module functions over the store, so that the store's
// object stays one list of actions).
const state = () => useApp.getState();
const update = useApp.setState;

/** Makes `name` the current collection, fresh: its detail loading, no query, no hits, no capture open. */
async function enterCollection(name: string | null): Promise<void> {
  const search: SearchState = { ...state().search, q: '', hits: [], facets: null, more: false, error: null, loading: false, tookMs: null, seq: state().search.seq + 1 };
  update({ current: name, detail: null, viewing: null, search });
  if (!name) return;
  try {
    update({ detail: await call('collections.get', { collection: name }) });
    if (state().settings?.lastCollection !== name) update({ settings: await call('settings.update', { lastCollection: name }) });
  } catch (e) {
    state().setError(e);
  }
}

/** The collection to show when an address names none: the last one chosen, else the first. */
function lastCollection(): string | null {
  const { settings, collections } = state();
  return settings?.lastCollection && collections.some((c) => c.name === settings.lastCollection) ? settings.lastCollection : (collections[0]?.name ?? null);
}

/** Runs a query on the current collection. The hits on screen stay with the facets they came with until the new
 *  hits arrive; then the facets are counted for them (the view says so meanwhile), never old hits beside none. */
async function query(q: string, sort: SortOrder): Promise<void> {
  const collection = state().current;
  const seq = state().search.seq + 1;
  update((s) => ({ search: { ...s.search, q, sort, seq, loading: !!q.trim(), error: null, ...(q.trim() ? {} : { hits: [], facets: null, more: false, tookMs: null }) } }));
  if (!collection || !q.trim()) return;
  const current = () => state().search.seq === seq;
  try {
    // Hits first, facets after: the list shows as soon as its first page is ready. One trace for both (Profiler).
    await uiTracer.action('ui.search', { sort }, async (traceparent) => {
      const r = await call('search.query', { collection, q, sort, limit: FIRST_PAGE }, traceparent);
      if (!current()) return;
      update((s) => ({ search: { ...s.search, hits: r.hits, more: r.hits.length === FIRST_PAGE, tookMs: r.tookMs, loading: false, facets: null } }));
      const facets = await call('search.facets', { collection, q }, traceparent);
      if (current()) update((s) => ({ search: { ...s.search, facets } }));
    });
  } catch (e) {
    if (current()) update((s) => ({ search: { ...s.search, loading: false, hits: [], facets: null, more: false, error: describeError(e) } }));
  }
}

/** Opens the capture a record route names: found by its id in its URL's timeline. */
async function showRecord(route: RouteOf<'record'>, stale: () => boolean): Promise<void> {
  try {
    const timeline = await call('captures.timeline', { collection: route.collection, url: route.url });
    if (stale()) return;
    const capture = timeline.find((c) => c.id === route.id) ?? timeline.find((c) => c.original?.id === route.id)?.original;
    if (capture) update({ viewing: capture });
    else update({ viewing: null, error: `Capture ${route.id} of ${route.url} is not in ${route.collection} (re-indexed since the link was made?).` });
  } catch (e) {
    state().setError(e);
  }
}
