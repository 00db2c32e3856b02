// The researcher's part of the contract: notes and tags on captures and pages, and saved searches. Merged into Api in
// api.ts. Searching by them is the query language's (tag:, note:, src/core/search/query.ts). Types only, plus the
// method list.
import type { SortOrder } from './api-collections.js';
import type { CaptureAnnotations, NoteScope, SavedSearch, TagCount } from './notes.js';

export type { Annotations, CaptureAnnotations, NoteScope, SavedSearch, TagCount } from './notes.js';

type Named = { collection: string };
/** A note or tag on the capture `captureId`, or (scope 'page') on its page: every capture of the same payload (for a
 *  revisit, its original's). */
type Target = Named & { captureId: number; scope: NoteScope };

export interface NotesApi {
  'notes.get': [Named & { captureId: number }, CaptureAnnotations];
  /** Sets the note; an empty note removes it. */
  'notes.set': [Target & { note: string }, CaptureAnnotations];
  'tags.add': [Target & { tag: string }, CaptureAnnotations];
  'tags.remove': [Target & { tag: string }, CaptureAnnotations];
  /** Every tag of the collection with how many pages and captures carry it, most used first. */
  'tags.list': [Named, TagCount[]];
  'searches.list': [Named, SavedSearch[]];
  /** Saves a query (with its filters, as typed) and its sort under a name; the same name again replaces it. */
  'searches.save': [Named & { name: string; q: string; sort?: SortOrder }, SavedSearch[]];
  'searches.delete': [Named & { id: number }, SavedSearch[]];
}

export const NOTES_METHODS = [
  'notes.get',
  'notes.set',
  'tags.add',
  'tags.remove',
  'tags.list',
  'searches.list',
  'searches.save',
  'searches.delete',
] as const satisfies ReadonlyArray<keyof NotesApi>;
