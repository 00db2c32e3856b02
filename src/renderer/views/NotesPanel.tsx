// The record viewer's notes and tags: the researcher's note and tags on the page (every capture of the same payload)
// or on this one capture, saved in the collection (notes.*, tags.*), and found again with tag: and note: in search.
import { useEffect, useState } from 'react';
import type { CaptureAnnotations, NoteScope } from '../../shared/api-notes.js';
import { normalizeTag } from '../../shared/notes.js';
import { call } from '../api/client.js';
import { useAppFields } from '../store.js';

const SCOPES: Array<{ scope: NoteScope; label: string }> = [
  { scope: 'page', label: 'This page (all its captures)' },
  { scope: 'capture', label: 'This capture only' },
];

export function NotesPanel({ collection, captureId }: { collection: string; captureId: number }) {
  const { setError, runSearch, setView } = useAppFields('setError', 'runSearch', 'setView');
  const [scope, setScope] = useState<NoteScope>('page');
  const [state, setState] = useState<CaptureAnnotations | null>(null);
  const [note, setNote] = useState('');
  const [tag, setTag] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    setState(null);
    call('notes.get', { collection, captureId }).then((a) => live && setState(a), (e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [collection, captureId]);

  // No page (a record without a payload digest): notes go on the capture.
  const effective: NoteScope = state && !state.page ? 'capture' : scope;
  const here = state ? (effective === 'page' ? state.page : state.capture) : null;
  useEffect(() => setNote(here?.note ?? ''), [here?.note, effective, captureId]);
  useEffect(() => setSaved(false), [effective, captureId]);

  const apply = async (p: Promise<CaptureAnnotations>) => {
    try {
      setState(await p);
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const addTag = async () => {
    if (await apply(call('tags.add', { collection, captureId, scope: effective, tag }))) setTag('');
  };
  const tagValid = tag.trim() === '' || normalizeTag(tag) !== null;

  return (
    <section aria-label="Notes and tags" className="notes" data-testid="notes-panel">
      <h3>Notes and tags</h3>
      <div className="row" role="radiogroup" aria-label="Note on">
        {SCOPES.map((s) => (
          <label key={s.scope}>
            <input type="radio" name="note-scope" checked={effective === s.scope} disabled={s.scope === 'page' && !!state && !state.page}
              onChange={() => setScope(s.scope)} /> {s.label}
          </label>
        ))}
      </div>
      <ul className="tags" aria-label="Tags">
        {here?.tags.map((t) => (
          <li key={t} className="tag">
            <button type="button" className="link" title={`Search for tag:${t}`} onClick={() => {
              setView('search');
              void runSearch(`tag:${t}`);
            }}>
              {t}
            </button>
            <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`}
              onClick={() => void apply(call('tags.remove', { collection, captureId, scope: effective, tag: t }))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={(e) => {
        e.preventDefault();
        if (tag.trim() && tagValid) void addTag();
      }}>
        <input aria-label="New tag" placeholder="Add a tag (letters, digits, - _ . /)" value={tag} aria-invalid={!tagValid}
          onChange={(e) => setTag(e.target.value)} />
        <button type="submit" disabled={!tag.trim() || !tagValid || !state}>Add tag</button>
      </form>
      <label className="note-label">
        Note
        <textarea aria-label="Note" rows={3} value={note} disabled={!state} onChange={(e) => {
          setNote(e.target.value);
          setSaved(false);
        }} />
      </label>
      <div className="row">
        <button type="button" disabled={!state || note === (here?.note ?? '')} onClick={() => void (async () => {
          if (await apply(call('notes.set', { collection, captureId, scope: effective, note }))) setSaved(true);
        })()}>
          Save note
        </button>
        <span className="meta" aria-live="polite">{saved ? 'Note saved.' : ''}</span>
      </div>
    </section>
  );
}
