// The record viewer: one capture, with tabs for its extracted text, WARC headers, HTTP headers, raw bytes and a
// diff against another capture of the same URL; the URL's other captures are a previous/next away. Its payload can be
// saved to a file and a citation of it copied.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RecordDetail } from '../../shared/api.js';
import type { CaptureView, RecordText, ResolvedCapture } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { HexView } from '../components/HexView.js';
import { TextDiff } from '../components/TextDiff.js';
import { Time, useFormatTime } from '../components/Time.js';
import { useAsync } from '../use-async.js';
import { ViewPageButton } from './ViewPage.js';
import { NotesPanel } from './NotesPanel.js';
import { describeError, formatBytes, plural } from '../format.js';
import { CITATION_FORMATS, formatCitation, type CitationFormat } from '../../core/cite/index.js';
import { useAppFields } from '../store.js';

const TABS = ['Text', 'WARC headers', 'HTTP headers', 'Raw bytes', 'Compare'] as const;
type Tab = (typeof TABS)[number];

const EXTENSIONS: Record<string, string> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'txt',
  'text/css': 'css',
  'text/csv': 'csv',
  'application/javascript': 'js',
  'text/javascript': 'js',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
  'image/webp': 'webp',
};

/** A file name for a saved payload: the URL's last path segment (or "index"), with an extension from the media type
 *  when it has none; records without a URL are named by their offset. */
export function payloadFileName(uri: string | null, mime: string | null, offset: number): string {
  let base = `record-${offset}`;
  if (uri) {
    try {
      const last = decodeURIComponent(new URL(uri).pathname.split('/').pop() ?? '');
      base = last || 'index';
    } catch {
      // Not a URL we can read (dns:, urn:...): keep the offset name.
    }
  }
  base = base.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120);
  if (/\.[a-z0-9]{1,5}$/i.test(base)) return base;
  const type = (mime ?? '').split(';')[0].trim().toLowerCase();
  return `${base}.${EXTENSIONS[type] ?? 'bin'}`;
}

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The payload, fetched through the contract page by page (each at most 4 MiB), as a Blob. */
async function fetchPayload(capture: CaptureView): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let from = 0, total = 1; from < total; ) {
    const page = await call('record.payload', { file: capture.file, offset: capture.offset, length: capture.length, from });
    total = page.payloadSize;
    const bytes = base64Bytes(page.base64);
    if (bytes.length === 0) break;
    parts.push(bytes);
    from += bytes.length;
  }
  return new Blob(parts);
}

const CITATION_LABELS: Record<CitationFormat, string> = { plain: 'Plain text', bibtex: 'BibTeX', 'csl-json': 'CSL-JSON', memento: 'Memento / PWID' };

function RecordActions({ capture, detail }: { capture: CaptureView; detail: RecordDetail | null }) {
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [saving, setSaving] = useState(false);
  const [citeAs, setCiteAs] = useState<CitationFormat>('plain');
  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(null), 5000);
    return () => clearTimeout(t);
  }, [status]);

  const save = async () => {
    setSaving(true);
    try {
      const blob = await fetchPayload(capture);
      const contentType = detail?.http?.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? capture.mime;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = payloadFileName(capture.uri, contentType, capture.offset);
      a.click();
      // The download has its own copy once it started; the URL only has to outlive the click.
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      setStatus({ text: `Saving ${a.download} (${formatBytes(blob.size)})`, error: false });
    } catch (e) {
      setStatus({ text: `Could not save the payload: ${describeError(e)}`, error: true });
    } finally {
      setSaving(false);
    }
  };
  const copy = async () => {
    const citation = formatCitation({ ...capture, date: detail?.date, id: detail?.id }, citeAs);
    try {
      await navigator.clipboard.writeText(citation);
      setStatus({ text: 'Citation copied', error: false });
    } catch {
      setStatus({ text: `Could not reach the clipboard; the citation is: ${citation}`, error: true });
    }
  };
  return (
    <div className="row">
      <button type="button" disabled={saving} onClick={() => void save()}>
        {saving ? 'Saving…' : 'Save payload…'}
      </button>
      <button type="button" onClick={() => void copy()}>
        Copy citation
      </button>
      <select aria-label="Citation format" value={citeAs} onChange={(e) => setCiteAs(e.target.value as CitationFormat)}>
        {CITATION_FORMATS.map((f) => (
          <option key={f} value={f}>
            {CITATION_LABELS[f]}
          </option>
        ))}
      </select>
      <span role="status" className={status?.error ? 'error' : 'meta'} data-testid="record-action-status">
        {status?.text}
      </span>
    </div>
  );
}

function Headers({ lines }: { lines: string[] }) {
  return <pre className="headers" tabIndex={0}>{lines.join('\n')}</pre>;
}

function DiffPanel({ collection, capture, versions }: { collection: string; capture: CaptureView; versions: ResolvedCapture[] }) {
  const others = versions.filter((v) => v.id !== capture.id);
  const [picked, setOther] = useState<number | null>(null);
  // The first other capture until one is picked (the list may arrive after the tab opened).
  const other = others.some((v) => v.id === picked) ? picked : (others[0]?.id ?? null);
  const formatTime = useFormatTime();
  if (others.length === 0) return <p className="empty">This URL has no other capture to compare with.</p>;
  return (
    <div>
      <label>
        Compare with{' '}
        <select value={other ?? ''} onChange={(e) => setOther(Number(e.target.value))}>
          {others.map((v) => (
            <option key={v.id} value={v.id}>
              {formatTime(v.timestamp)} ({v.type})
            </option>
          ))}
        </select>
      </label>
      {other !== null && <TextDiff collection={collection} a={other} b={capture.id} />}
    </div>
  );
}

const TEXT_VIEWS = ['Main content', 'Full text'] as const;

/** Why the main content is the whole text, when it is. */
function mainContentNote(mainFound: boolean | null): string | null {
  if (mainFound === null) {
    return 'Indexed before main content was extracted: this shows the full text. Extract the collection’s pages again to separate the article from menus and footers.';
  }
  return mainFound ? null : 'No article found on this page (a home page or a list of links, say): its main content is its full text.';
}

/** A page's text in two views: its main content (the article, without navigation, headers and footers) and its full
 *  text, with a note when the page has no article apart from its full text. */
function PageText({ text }: { text: RecordText }) {
  const [view, setView] = useState<(typeof TEXT_VIEWS)[number]>('Main content');
  // A document (a PDF) has no article apart from its text: one view, nothing to say.
  if (text.pageCount !== null) {
    return (
      <pre className="payload" tabIndex={0} aria-label="Full text">
        {text.text}
      </pre>
    );
  }
  const note = mainContentNote(text.mainFound);
  return (
    <>
      <div className="row" role="group" aria-label="Text view">
        {TEXT_VIEWS.map((v) => (
          <button key={v} type="button" aria-pressed={view === v} className={view === v ? 'primary' : undefined} onClick={() => setView(v)}>
            {v}
          </button>
        ))}
      </div>
      {view === 'Main content' && note && (
        <p className="meta" data-testid="main-content-note">
          {note}
        </p>
      )}
      <pre className="payload" tabIndex={0} aria-label={view}>
        {view === 'Main content' ? text.main : text.text}
      </pre>
    </>
  );
}

export function RecordViewer({ capture }: { capture: CaptureView }) {
  const { current, open } = useAppFields('current', 'open');
  const [tab, setTab] = useState<Tab>('Text');
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const collection = current ?? '';
  const inCollection = capture.id >= 0 && !!current;

  const detail = useAsync<RecordDetail>(() => call('archive.record', { file: capture.file, offset: capture.offset, length: capture.length }), [capture.file, capture.offset]);
  const text = useAsync<RecordText | null>(
    () => (inCollection ? call('record.text', { collection, captureId: capture.id }) : Promise.resolve(null)),
    [collection, capture.id],
  );
  const versions = useAsync<ResolvedCapture[]>(
    () => (inCollection && capture.uri ? call('captures.timeline', { collection, url: capture.uri }) : Promise.resolve([])),
    [collection, capture.uri],
  );
  const list = versions.value ?? [];
  const at = list.findIndex((v) => v.id === capture.id);
  const me = list[at];

  const onTabKey = (e: KeyboardEvent, i: number) => {
    const to = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (to < 0) return;
    e.preventDefault();
    setTab(TABS[to]);
    tabRefs.current[to]?.focus();
  };

  const d = detail.value;
  return (
    <section aria-label="Record viewer" className="viewer">
      <header className="row spread">
        <div>
          <h2 className="uri">{capture.uri ?? `${capture.type} record`}</h2>
          <p className="meta">
            {capture.type} · <Time value={capture.timestamp ?? d?.date} /> · {capture.status ?? ''} {capture.mime ?? ''} · {capture.file.split('/').pop()} @ {capture.offset} (
            {formatBytes(capture.length)} on disk)
          </p>
          {capture.type === 'revisit' && (
            <p className="meta">
              Revisit: the payload is that of{' '}
              {me?.original ? (
                <button type="button" className="link" onClick={() => open(me.original)}>
                  the capture of <Time value={me.original.timestamp} />
                </button>
              ) : (
                <>an original not in this collection{capture.refersToUri ? ` (${capture.refersToUri})` : ''}</>
              )}
            </p>
          )}
          <div className="row">
            {inCollection && <ViewPageButton capture={capture} className="primary" />}
            <RecordActions capture={capture} detail={d} />
          </div>
          {inCollection && <NotesPanel collection={collection} captureId={capture.id} />}
        </div>
        <div className="row">
          {list.length > 1 && (
            <>
              <button type="button" disabled={at <= 0} onClick={() => open(list[at - 1])}>
                ← Previous capture
              </button>
              <span className="meta">
                {at + 1} of {list.length}
              </span>
              <button type="button" disabled={at < 0 || at >= list.length - 1} onClick={() => open(list[at + 1])}>
                Next capture →
              </button>
            </>
          )}
          <button type="button" onClick={() => open(null)} aria-label="Close the record viewer">
            Close
          </button>
        </div>
      </header>
      <div role="tablist" aria-label="Record views" className="tabs">
        {TABS.map((t, i) => (
          <button
            key={t}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            role="tab"
            id={`tab-${i}`}
            aria-selected={tab === t}
            aria-controls="tabpanel"
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="tabpanel" aria-labelledby={`tab-${TABS.indexOf(tab)}`} className="tabpanel" tabIndex={0}>
        {detail.error && (
          <p role="alert" className="error">
            {detail.error}
          </p>
        )}
        {tab === 'Text' &&
          (inCollection ? (
            text.value ? (
              text.value.text ? (
                <article className="text">
                  <h3>{text.value.title}</h3>
                  {text.value.pageCount !== null && <p className="meta" data-testid="page-count">PDF document, {plural(text.value.pageCount, 'page')}</p>}
                  {text.value.from.id !== capture.id && <p className="meta">Text of the original capture, <Time value={text.value.from.timestamp} />.</p>}
                  <PageText text={text.value} />
                </article>
              ) : (
                <p className="empty">No text was extracted from this record (it is not an HTML or text page).</p>
              )
            ) : (
              <p className="meta">{text.error ?? 'Loading…'}</p>
            )
          ) : (
            <pre className="payload" tabIndex={0}>{d?.payloadText ?? '(binary payload)'}</pre>
          ))}
        {tab === 'WARC headers' && d && <Headers lines={[d.version, ...d.warcHeaders.map(([k, v]) => `${k}: ${v}`)]} />}
        {tab === 'HTTP headers' &&
          d &&
          (d.http ? <Headers lines={[d.http.startLine, ...d.http.headers.map(([k, v]) => `${k}: ${v}`)]} /> : <p className="empty">This record holds no HTTP message.</p>)}
        {tab === 'Raw bytes' && <HexView file={capture.file} offset={capture.offset} length={capture.length} />}
        {tab === 'Compare' && (inCollection ? <DiffPanel collection={collection} capture={capture} versions={list} /> : <p className="empty">Comparing needs a collection.</p>)}
      </div>
    </section>
  );
}
