// The replay view: an archived page as it was, in a frame on the replay origin (a loopback port of its own, never the
// UI's: archived scripts there cannot reach the engine), with its capture time, the previous and next captures of the
// URL a click away, archived scripts switched on or off, two captures side by side with their scroll kept in step
// beside the text diff, and the provenance ledger of every request the page made. Its address is the location hash
// (route.ts), so reload, Back/Forward and pasted links come back to it.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { REPLAY_FRAME_SANDBOX } from '../../shared/api-replay.js';
import type { ReplaySlot, ShellBridge } from '../../shared/api.js';
import type { ResolvedCapture } from '../../shared/api-collections.js';
import type { ReplayFlag } from '../../shared/replay.js';
import { FRAME_MESSAGE_SOURCE, UI_MESSAGE_SOURCE } from '../../core/replay/frame.js';
import { parseReplayPath, replayPath } from '../../core/replay/urls.js';
import { call, engine } from '../api/client.js';
import { TextDiff } from '../components/TextDiff.js';
import { Time, useFormatTime } from '../components/Time.js';
import { captureForRoute, type ReplayRoute } from '../route.js';
import { scrollSync, type Side } from '../scroll-sync.js';
import { useShellReplay } from '../shell-replay.js';
import { useAppFields } from '../store.js';
import { useAsync } from '../use-async.js';
import { ExportWacz } from './ExportWacz.js';
import { LedgerPanel } from './LedgerPanel.js';

/** The replay origin does not change while the engine runs: asked once. */
let originOnce: Promise<string> | null = null;
function replayOrigin(): Promise<string> {
  originOnce ??= call('replay.origin', {}).then(
    (r) => r.origin,
    (e: unknown) => {
      originOnce = null; // asked again next time: the engine may have been restarting
      throw e;
    },
  );
  return originOnce;
}

/** What the injected helper script (frame.ts) reports of its page: where it is scrolled and which archived URL it
 *  shows; null for any other message. */
function frameState(data: unknown): { scrollY: number; scrollMax: number; url: string } | null {
  const d = data as { source?: unknown; type?: unknown; scrollY?: unknown; scrollMax?: unknown; url?: unknown } | null;
  if (d?.source !== FRAME_MESSAGE_SOURCE || d.type !== 'state' || typeof d.scrollY !== 'number' || !Number.isFinite(d.scrollY)) return null;
  return { scrollY: d.scrollY, scrollMax: typeof d.scrollMax === 'number' ? d.scrollMax : Infinity, url: typeof d.url === 'string' ? d.url : '' };
}

/** One archived page in a frame. The sandbox (REPLAY_FRAME_SANDBOX) lets the page keep the replay origin and run
 *  scripts, but never open windows or navigate this window; whether archived scripts run is the replay origin's
 *  Content-Security-Policy, chosen by the address's flag: without js_ only the helper script runs. */
function ReplayFrame({ origin, collection, ts, url, flag, slot = 'primary', frameRef, onLoad }: {
  origin: string;
  collection: string;
  ts: string;
  url: string;
  flag: ReplayFlag;
  /** Which of the desktop shell's two views shows it (side by side uses both). */
  slot?: ReplaySlot;
  frameRef?: RefObject<HTMLIFrameElement | null>;
  onLoad?(): void;
}) {
  const formatTime = useFormatTime();
  const src = origin + replayPath({ collection, ts, flag, url });
  const title = `Archived page ${url}, captured ${formatTime(ts)}`;
  if (engine.shell) return <ShellFrame shell={engine.shell} src={src} title={title} slot={slot} />;
  return (
    // A new frame for each address (the key), never a changed src: changing the src of a loaded frame adds an entry
    // to the window's history, and Back would then step the frame instead of the view's own address.
    <iframe
      key={src}
      ref={frameRef}
      className="replay-frame"
      title={title}
      src={src}
      sandbox={REPLAY_FRAME_SANDBOX}
      referrerPolicy="no-referrer"
      onLoad={onLoad}
    />
  );
}

/** The desktop's stand-in for the frame: a placeholder the shell lays its own replay view over (shell-replay.ts). */
function ShellFrame({ shell, src, title, slot }: { shell: ShellBridge; src: string; title: string; slot: ReplaySlot }) {
  const placeholder = useRef<HTMLDivElement>(null);
  const refused = useShellReplay(shell, placeholder, src, slot);
  return (
    <div ref={placeholder} className="replay-frame" role="region" aria-label={title}>
      {refused && (
        <p role="alert" className="error">
          The desktop refused to show this address: it shows pages of the replay origin only.
        </p>
      )}
    </div>
  );
}

/** Two captures of the URL side by side, scrolled together (each frame's helper reports its scroll, and the other is
 *  told to follow), above the diff of their extracted texts. */
function SideBySide({ origin, route, me, versions, flag }: { origin: string; route: ReplayRoute; me: ResolvedCapture; versions: ResolvedCapture[]; flag: ReplayFlag }) {
  const others = versions.filter((v) => v.id !== me.id);
  const [picked, setPicked] = useState<number | null>(null);
  // The next capture by default (what changed since this one), else the one before.
  const fallback = versions[versions.indexOf(me) + 1] ?? versions[versions.indexOf(me) - 1] ?? null;
  const other = others.find((v) => v.id === picked) ?? fallback;
  const [inStep, setInStep] = useState(true);
  const left = useRef<HTMLIFrameElement>(null);
  const right = useRef<HTMLIFrameElement>(null);
  const formatTime = useFormatTime();

  useEffect(() => {
    if (!inStep) return;
    const sync = scrollSync();
    const onMessage = (e: MessageEvent) => {
      const state = e.origin === origin ? frameState(e.data) : null;
      const from: Side | null = !state ? null : e.source === left.current?.contentWindow ? 'left' : e.source === right.current?.contentWindow ? 'right' : null;
      const tell = from && sync.report(from, state!.scrollY, state!.scrollMax);
      if (tell) (tell.to === 'left' ? left : right).current?.contentWindow?.postMessage({ source: UI_MESSAGE_SOURCE, type: 'scroll', y: tell.y }, origin);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, inStep, other?.id]); // a new frame beside: its load is not a scroll

  if (!other) return <p className="empty">This URL has no other capture to show beside this one.</p>;
  // The diff reads forward in time, whichever of the two is this view's capture.
  const [older, newer] = versions.indexOf(other) < versions.indexOf(me) ? [other, me] : [me, other];
  return (
    <section aria-label="Side by side" className="side-by-side">
      <div className="row">
        <label>
          Beside it{' '}
          <select value={other.id} onChange={(e) => setPicked(Number(e.target.value))}>
            {others.map((v) => (
              <option key={v.id} value={v.id}>
                {formatTime(v.timestamp)}
                {v.type === 'revisit' ? ' (revisit)' : ''}
              </option>
            ))}
          </select>
        </label>
        {engine.shell ? (
          <span className="meta">Each side scrolls on its own here: scrolling in step needs browser mode for now.</span>
        ) : (
          <label>
            <input type="checkbox" checked={inStep} onChange={(e) => setInStep(e.target.checked)} /> Keep scrolling in step
          </label>
        )}
      </div>
      <div className="frames">
        <figure>
          <figcaption>
            <Time value={me.timestamp} /> (this capture)
          </figcaption>
          <ReplayFrame origin={origin} collection={route.collection} ts={me.timestamp ?? route.ts} url={route.url} flag={flag} frameRef={left} />
        </figure>
        <figure>
          <figcaption>
            <Time value={other.timestamp} />
          </figcaption>
          <ReplayFrame origin={origin} collection={route.collection} ts={other.timestamp ?? route.ts} url={route.url} flag={flag} slot="secondary" frameRef={right} />
        </figure>
      </div>
      <h3>Text differences</h3>
      <p className="meta">
        What changed from <Time value={older.timestamp} /> to <Time value={newer.timestamp} />.
      </p>
      <TextDiff collection={route.collection} a={older.id} b={newer.id} />
    </section>
  );
}

export function ReplayView({ route }: { route: ReplayRoute }) {
  const { collections, viewPage, open } = useAppFields('collections', 'viewPage', 'open');
  const [scripts, setScripts] = useState(false);
  const [sideBySide, setSideBySide] = useState(false);
  const [ledgerOpen, setLedgerOpen] = useState(false);
  // Bumped when the page's frame has loaded, so that an open ledger reads the requests it made.
  const [loads, setLoads] = useState(0);
  // The archived URL the frame showed first, and the one it shows now: they differ once a link was followed in it.
  const single = useRef<HTMLIFrameElement>(null);
  const [frameUrl, setFrameUrl] = useState<{ first: string; now: string } | null>(null);
  const known = collections.some((c) => c.name === route.collection);
  const origin = useAsync(replayOrigin, []);
  const versions = useAsync(() => (known ? call('captures.timeline', { collection: route.collection, url: route.url }) : Promise.resolve([])), [known, route.collection, route.url]);
  const list = versions.value ?? [];
  const me = captureForRoute(list, route.ts);
  const at = me ? list.indexOf(me) : -1;
  const flag: ReplayFlag = scripts ? 'js_' : '';

  // A partial or inexact timestamp (a pasted link) becomes the shown capture's own, in place: the address then names
  // exactly what is on screen, and the replay origin is asked for that capture.
  useEffect(() => {
    if (me?.timestamp && me.timestamp !== route.ts) void viewPage({ collection: route.collection, ts: me.timestamp, url: route.url }, { replace: true });
  }, [me?.timestamp, route.ts, route.collection, route.url, viewPage]);

  const shownTs = me?.timestamp ?? route.ts;
  useEffect(() => setFrameUrl(null), [route.url, shownTs, flag, sideBySide]);
  useEffect(() => {
    const shows = (url: string | undefined) => url && setFrameUrl((f) => (f ? { ...f, now: url } : { first: url, now: url }));
    const onMessage = (e: MessageEvent) => shows(e.origin === origin.value && e.source === single.current?.contentWindow ? frameState(e.data)?.url : undefined);
    window.addEventListener('message', onMessage);
    // The desktop's view is a page of its own, with no parent to post to: the shell says where it went instead.
    const offShell = engine.shell?.onReplayNavigated((slot, address) =>
      shows(slot === 'primary' && origin.value && address.startsWith(origin.value + '/') ? parseReplayPath(address.slice(origin.value.length))?.url : undefined),
    );
    return () => {
      window.removeEventListener('message', onMessage);
      offShell?.();
    };
  }, [origin.value]);
  const followed = frameUrl && frameUrl.now !== frameUrl.first ? frameUrl.now : null;

  const step = (c: ResolvedCapture | undefined) => c?.timestamp && void viewPage({ collection: route.collection, ts: c.timestamp, url: route.url });
  const close = (
    <button type="button" onClick={() => void viewPage(null)} aria-label="Close the replay view">
      Close
    </button>
  );

  if (!known)
    return (
      <section aria-label="Replay" className="replay">
        <header className="row spread">
          <h2 className="uri">{route.url}</h2>
          {close}
        </header>
        <p role="alert" className="error">
          There is no collection named “{route.collection}” here, so this page cannot be shown. Open it from a collection listed on the left.
        </p>
      </section>
    );

  const ready = origin.value && (me || versions.value);
  return (
    <section aria-label="Replay" className={`replay${ledgerOpen ? ' with-ledger' : ''}`}>
      <header className="row spread replay-head">
        <div>
          <h2 className="uri">{route.url}</h2>
          <p className="meta" data-testid="replay-capture">
            {me ? (
              <>
                Captured <Time value={me.timestamp} /> · capture {at + 1} of {list.length} · {route.collection}
                {me.type === 'revisit' && ' · a revisit, shown with its original’s content'}
                {me.status !== null && me.status >= 300 && me.status < 400 && ` · a ${me.status} redirect, followed in the frame to where it led`}
              </>
            ) : versions.value ? (
              <>No capture of this URL in {route.collection}: the page below lists the nearest ones.</>
            ) : (
              'Finding the captures of this URL…'
            )}
          </p>
        </div>
        <div className="row">
          <button type="button" disabled={at <= 0} onClick={() => step(list[at - 1])}>
            ← Previous capture
          </button>
          <button type="button" disabled={at < 0 || at >= list.length - 1} onClick={() => step(list[at + 1])}>
            Next capture →
          </button>
          <label title="Archived scripts may make the page look as it did, or try to reach outside the archive; the replay origin still blocks what would leave it.">
            <input type="checkbox" checked={scripts} onChange={(e) => setScripts(e.target.checked)} /> Run archived scripts
          </label>
          <button
            type="button"
            aria-pressed={sideBySide}
            disabled={list.length < 2}
            title={list.length < 2 ? 'This URL has one capture only.' : undefined}
            onClick={() => setSideBySide(!sideBySide)}
          >
            Side by side
          </button>
          <button type="button" aria-expanded={ledgerOpen} aria-controls="ledger" onClick={() => setLedgerOpen(!ledgerOpen)}>
            Provenance ledger
          </button>
          <button type="button" disabled={!me} onClick={() => me && (open(me), void viewPage(null))}>
            Open record
          </button>
          {me && <ExportWacz collection={route.collection} selection={{ url: route.url, at: shownTs }} title={`${route.url} at ${shownTs}`} />}
          {close}
        </div>
      </header>
      {origin.error && (
        <p role="alert" className="error">
          Archived pages cannot be shown: {origin.error}
        </p>
      )}
      {versions.error && (
        <p role="alert" className="error">
          Could not list the captures of this URL: {versions.error}
        </p>
      )}
      {!ready && !origin.error && <p className="meta">Loading…</p>}
      {ready &&
        (sideBySide && me ? (
          <SideBySide origin={origin.value!} route={route} me={me} versions={list} flag={flag} />
        ) : (
          <>
            {followed && (
              <p className="note row" role="status">
                <span>
                  A link was followed in the page: the frame now shows <span className="uri">{followed}</span>, while the header and the ledger still
                  describe <span className="uri">{route.url}</span>.
                </span>
                <button type="button" onClick={() => void viewPage({ collection: route.collection, ts: shownTs, url: followed })}>
                  Open it in the replay view
                </button>
              </p>
            )}
            <ReplayFrame origin={origin.value!} collection={route.collection} ts={shownTs} url={route.url} flag={flag} frameRef={single} onLoad={() => setLoads((n) => n + 1)} />
          </>
        ))}
      {ledgerOpen && <LedgerPanel key={shownTs} collection={route.collection} url={route.url} at={shownTs} loads={loads} />}
    </section>
  );
}
