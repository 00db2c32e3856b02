// Archives come in from every screen: Ctrl/Cmd+O (in the desktop app, its File > Open Archive… menu item), files
// dragged onto the window anywhere, and the folder browser that stands in for the open dialog in browser mode. They go
// to the current collection; with none chosen, a new collection is offered for them.
import { useEffect, useRef, useState } from 'react';
import { engine } from '../api/client.js';
import { describeError, formatCount, suggestCollectionName } from '../format.js';
import { useApp, useAppFields } from '../store.js';
import { FolderBrowser } from './FolderBrowser.js';

const NO_PATHS_IN_BROWSER =
  'This browser does not tell the page where a dropped file is: choose the files here instead (the desktop app takes dropped files).';

/** Ctrl/Cmd+O opens the add-files flow. The desktop app's menu owns the accelerator and sends onOpenArchive instead,
 *  so the page listens for the key only in browser mode (there it also keeps the browser's own "Open file" away). */
function useOpenShortcut(): void {
  useEffect(() => {
    const shell = engine.shell;
    if (shell) return shell.onOpenArchive(() => void useApp.getState().pickArchives('files'));
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'o') return;
      e.preventDefault();
      // Not over a dialog already open (this flow's, or the relink browser): one modal at a time.
      if (!document.querySelector('dialog[open]')) void useApp.getState().pickArchives('files');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Files dropped anywhere on the window: their paths come from the desktop shell; a browser does not tell a page
 *  where a file lives, so there the drop opens the folder browser with a note saying why. True while files are being
 *  dragged over the window. */
function useFileDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
    // dragenter/dragleave fire for every element crossed (the next one's enter before the last one's leave), so the
    // drag has left the window when they balance out.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // or the drop is not ours: the window would navigate to the file
      e.dataTransfer!.dropEffect = 'copy';
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const app = useApp.getState();
      const shell = engine.shell;
      if (!shell) return void app.pickArchives('files', NO_PATHS_IN_BROWSER);
      const paths = [...e.dataTransfer!.files].map((f) => shell.pathForFile(f)).filter(Boolean);
      if (paths.length > 0) void app.addArchives(paths);
      else app.setError('What was dropped is not a file on this computer: drop WARC, ARC or WACZ files or folders.');
    };
    const events = { dragenter: enter, dragover: over, dragleave: leave, drop } as const;
    for (const [name, fn] of Object.entries(events)) window.addEventListener(name, fn as EventListener);
    return () => {
      for (const [name, fn] of Object.entries(events)) window.removeEventListener(name, fn as EventListener);
    };
  }, []);
  return dragging;
}

function DropOverlay() {
  const current = useApp((s) => s.current);
  return (
    // Decoration for the pointer's user: the drop itself says what happened (a message, a dialog or the new files).
    <div className="drop-overlay" aria-hidden="true">
      <p>
        Drop WARC, ARC or WACZ files or folders to add them{current ? ` to “${current}”` : ' to a new collection'}
      </p>
      {!engine.shell && <p className="meta">In a browser you then pick them in the folder browser: a page is not told where dropped files are.</p>}
    </div>
  );
}

/** Archives arrived with no collection chosen: name a new one for them, or cancel. */
function NewCollectionOffer({ paths }: { paths: string[] }) {
  const { collections, createCollectionFor, dismissOffer } = useAppFields('collections', 'createCollectionFor', 'dismissOffer');
  const [name, setName] = useState(() => suggestCollectionName(paths, collections.map((c) => c.name)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  const names = paths.map((p) => p.replace(/[\\/]+$/, '').split(/[\\/]/).pop());
  return (
    <dialog ref={dialog} aria-labelledby="offer-title" className="browser" onClose={dismissOffer}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await createCollectionFor(name, paths);
          } catch (err) {
            setError(describeError(err));
            setBusy(false);
          }
        }}
      >
        <h2 id="offer-title">Create a collection for {paths.length === 1 ? 'this archive' : `these ${formatCount(paths.length)} archives`}?</h2>
        <p className="meta uri">
          {names.slice(0, 3).join(', ')}
          {names.length > 3 && ` and ${formatCount(names.length - 3)} more`}
        </p>
        <p>No collection is open. A collection indexes archive files so that you can search and browse them.</p>
        <label>
          Collection name
          <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="row end">
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Create and add
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function ArchiveIntake() {
  const { adding, offer, closeAdding, addArchives } = useAppFields('adding', 'offer', 'closeAdding', 'addArchives');
  useOpenShortcut();
  const dragging = useFileDrop();
  return (
    <>
      {dragging && <DropOverlay />}
      {adding && (
        <FolderBrowser
          note={adding.note}
          onClose={closeAdding}
          onPick={(paths) => {
            closeAdding();
            void addArchives(paths);
          }}
        />
      )}
      {/* Keyed by the paths: a second offer while one is open starts afresh. */}
      {offer && <NewCollectionOffer key={offer.join('\n')} paths={offer} />}
    </>
  );
}
