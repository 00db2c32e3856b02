// Browser mode's stand-in for a native open dialog: the engine lists folders inside the roots the person allowed.
import { useEffect, useRef, useState } from 'react';
import type { BrowseResult } from '../../shared/api-collections.js';
import { call } from '../api/client.js';
import { describeError, formatBytes } from '../format.js';

/** `note` says why the browser opened when the person did not ask for it (a drop, which a browser gives no paths for). */
export function FolderBrowser({ onPick, onClose, note = null }: { onPick(paths: string[]): void; onClose(): void; note?: string | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const go = async (path?: string) => {
    try {
      setListing(await call('fs.browse', path === undefined ? {} : { path }));
      setChosen(new Set());
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };

  useEffect(() => {
    dialog.current?.showModal();
    void go();
  }, []);

  const toggle = (p: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });

  return (
    <dialog ref={dialog} aria-labelledby="browse-title" className="browser" onClose={onClose}>
      <h2 id="browse-title">Choose archives or a folder</h2>
      {note && <p className="note">{note}</p>}
      <p className="meta" aria-live="polite">
        {listing?.path ?? 'Allowed folders'}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {listing && listing.path === null && listing.entries.length === 0 && (
        <p className="empty">No folders are allowed yet. Add one in Settings, or start ArchiveStream with --allow-dir FOLDER.</p>
      )}
      <ul className="browse-list" aria-label="Folder contents">
        {listing?.path !== null && listing && (
          <li>
            <button type="button" className="link" onClick={() => void go(listing.parent ?? undefined)}>
              ⬑ Up
            </button>
          </li>
        )}
        {listing?.entries.map((e) => (
          <li key={e.path}>
            {e.kind === 'dir' ? (
              <>
                <input type="checkbox" aria-label={`Choose folder ${e.name}`} checked={chosen.has(e.path)} onChange={() => toggle(e.path)} />
                <button type="button" className="link" onClick={() => void go(e.path)}>
                  📁 {e.name}
                </button>
              </>
            ) : e.kind === 'archive' ? (
              <label>
                <input type="checkbox" checked={chosen.has(e.path)} onChange={() => toggle(e.path)} /> {e.name} <small>{formatBytes(e.size)}</small>
              </label>
            ) : (
              <label className="not-archive">
                <input type="checkbox" disabled /> {e.name} <small>{e.what}</small>
              </label>
            )}
          </li>
        ))}
      </ul>
      <div className="row end">
        {listing?.path && (
          <button type="button" onClick={() => onPick([listing.path!])}>
            Add this whole folder
          </button>
        )}
        <button type="button" disabled={chosen.size === 0} onClick={() => onPick([...chosen])}>
          Add {chosen.size || ''} chosen
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
