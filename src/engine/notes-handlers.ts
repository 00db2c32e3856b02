// The notes, tags and saved-search methods of the contract (shared/api-notes.ts), over the store's own
// (Collection.setNote, addTag, saveSearch, ...). A page-scope note is on the page the record viewer shows for the
// capture: a revisit's original's.
import type { NotesApi } from '../shared/api-notes.js';
import type { ArgsOf, ResultOf } from '../shared/api.js';
import { CodedError } from '../shared/errors.js';
import type { CaptureAnnotations, NoteScope } from '../shared/notes.js';
import { resolveRevisit } from '../core/search/index.js';
import { Collection, type StoredCapture } from '../core/store/index.js';
import type { Shape, Shapes } from './shape.js';

export type NotesHandlers = { [M in keyof NotesApi]: (args: ArgsOf<M>) => ResultOf<M> };

/** How the handlers reach a collection: to read it, or to write to it (refused on read-only media). */
export interface CollectionAccess {
  read(name: string): Collection;
  write(name: string): Collection;
}

const named = { collection: 'string' } as const satisfies Shape;
const target = { ...named, captureId: 'int', scope: { oneOf: ['page', 'capture'] } } as const satisfies Shape;

export const notesShapes: Shapes<keyof NotesApi> = {
  'notes.get': { ...named, captureId: 'int' },
  'notes.set': { ...target, note: 'body' },
  'tags.add': { ...target, tag: 'string' },
  'tags.remove': { ...target, tag: 'string' },
  'tags.list': named,
  'searches.list': named,
  'searches.save': { ...named, name: 'string', q: 'text', sort: { oneOf: ['relevance', 'date'], optional: true } },
  'searches.delete': { ...named, id: 'int' },
};

export function createNotesHandlers(db: CollectionAccess): NotesHandlers {
  /** The capture, and the one whose payload its page is (itself, or a revisit's original). */
  function captureOf(c: Collection, id: number): { cap: StoredCapture; shown: StoredCapture } {
    const cap = c.capture(id);
    if (!cap) throw new CodedError('record-not-found', `No capture with id ${id} in this collection.`);
    return { cap, shown: resolveRevisit(c, cap) ?? cap };
  }

  function targetOf(c: Collection, id: number, scope: NoteScope): string {
    const { cap, shown } = captureOf(c, id);
    return Collection.noteTarget(scope === 'page' ? shown : cap, scope);
  }

  function view(c: Collection, id: number): CaptureAnnotations {
    const { cap, shown } = captureOf(c, id);
    return {
      captureId: id,
      page: shown.digest ? c.annotations(Collection.noteTarget(shown, 'page')) : null,
      capture: c.annotations(Collection.noteTarget(cap, 'capture')),
    };
  }

  return {
    'notes.get': ({ collection, captureId }) => view(db.read(collection), captureId),
    'notes.set': ({ collection, captureId, scope, note }) => {
      const c = db.write(collection);
      c.setNote(targetOf(c, captureId, scope), note);
      return view(c, captureId);
    },
    'tags.add': ({ collection, captureId, scope, tag }) => {
      const c = db.write(collection);
      c.addTag(targetOf(c, captureId, scope), tag);
      return view(c, captureId);
    },
    'tags.remove': ({ collection, captureId, scope, tag }) => {
      const c = db.write(collection);
      c.removeTag(targetOf(c, captureId, scope), tag);
      return view(c, captureId);
    },
    'tags.list': ({ collection }) => db.read(collection).tagCounts(),
    'searches.list': ({ collection }) => db.read(collection).savedSearches(),
    'searches.save': ({ collection, name, q, sort }) => db.write(collection).saveSearch({ name, query: q, sort: sort ?? 'relevance' }),
    'searches.delete': ({ collection, id }) => db.write(collection).deleteSavedSearch(id),
  };
}
