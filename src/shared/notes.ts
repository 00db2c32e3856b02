// Notes, tags and saved searches as data: the shapes the store returns and the engine passes on, and the one rule of
// what a tag is, which the store, the query language (tag:) and the UI share. Types plus one pure function.

/** What a note or tag is on: the page (every capture of the same payload) or the one capture. */
export type NoteScope = 'page' | 'capture';

/** The note and tags on one target. */
export interface Annotations {
  /** The note, or null when there is none. */
  note: string | null;
  tags: string[];
}

export interface TagCount {
  tag: string;
  /** Pages and captures carrying it. */
  count: number;
}

export interface SavedSearch {
  id: number;
  name: string;
  /** The query text, with its filters (site:, mime:, tag:, ...), as the search box holds it. */
  query: string;
  sort: 'relevance' | 'date';
  createdAt: string;
}

/** The notes and tags of a set of captures and their pages, as an export carries them (a WACZ's annotations file, see
 *  Collection.annotationsFor): each with what names it outside this collection (URL, time, digest, WARC-Record-ID). */
export interface AnnotationsExport {
  format: 'archivestream-annotations';
  version: 1;
  pages: Array<{ digest: string; url: string; title: string } & Annotations>;
  captures: Array<{
    url: string | null;
    timestamp: string | null;
    digest: string | null;
    recordId: string | null;
    /** The archive file the record was indexed from, and its offset there. */
    file: string;
    offset: number;
  } & Annotations>;
}

/** What an export row says of a capture's notes and tags: its page's and its own tags together, each note apart. */
export interface CaptureLabels {
  tags: string[];
  pageNote: string | null;
  captureNote: string | null;
}

/** The note and tags of a capture and of its page (null when the capture has no payload digest, so no page). */
export interface CaptureAnnotations {
  captureId: number;
  page: Annotations | null;
  capture: Annotations;
}

/** Longest tag, in characters. */
export const TAG_MAX = 64;
/** Longest note, in characters. */
export const NOTE_MAX = 100_000;

/** A tag as stored: trimmed, lower case (NFC), letters, digits and `_ - . /` only, so that it can be typed as a query's
 *  `tag:` value (no spaces, no quotes); null when it is not a tag. */
export function normalizeTag(tag: string): string | null {
  const t = tag.trim().normalize('NFC').toLowerCase();
  return t.length > 0 && t.length <= TAG_MAX && /^[\p{L}\p{N}\p{M}_./-]+$/u.test(t) ? t : null;
}
