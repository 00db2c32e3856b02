// What the API reads of stored captures besides searches: a URL's or host's captures with each revisit's original, a
// capture's extracted text, and the line diff of two captures' texts, as the contract's views. They run on the search
// reader threads (reader-thread.ts) like searches: a host lookup of ten thousand rows or the diff of two long texts
// would otherwise hold up the engine's thread that answers requests.
import {
  CAPTURE_VIEW_FIELDS,
  type CaptureView,
  type RecordText,
  type ResolvedCapture,
  type TextDiff,
} from '../../shared/api-collections.js';
import { CodedError } from '../../shared/errors.js';
import { pick } from '../../shared/pick.js';
import type { Collection, StoredCapture } from '../store/index.js';
import { capturesOfUrl, resolveRevisit, type UrlLookupOptions } from './lookup.js';
import { diffLines } from './text-diff.js';

export function toCaptureView(c: StoredCapture): CaptureView {
  return pick(c, CAPTURE_VIEW_FIELDS);
}

function resolved(c: Collection, cap: StoredCapture): ResolvedCapture {
  const original = resolveRevisit(c, cap);
  return { ...toCaptureView(cap), original: original ? toCaptureView(original) : null };
}

/** The captures `capturesOfUrl` finds, each with its revisit's original; `byTime` orders them oldest first (a
 *  timeline) instead of by URL. */
export function resolvedCaptures(c: Collection, url: string, opts: UrlLookupOptions & { byTime?: boolean }): ResolvedCapture[] {
  const found = capturesOfUrl(c, url, opts);
  if (opts.byTime) found.sort((a, b) => (a.timestamp ?? '').localeCompare(b.timestamp ?? '') || a.id - b.id);
  return found.map((x) => resolved(c, x));
}

function textOf(c: Collection, id: number): RecordText & { capture: CaptureView } {
  const cap = c.capture(id);
  if (!cap) throw new CodedError('record-not-found', `No capture with id ${id} in this collection.`);
  const from = resolveRevisit(c, cap) ?? cap;
  const page = from.digest ? c.page(from.digest) : undefined;
  return {
    title: page?.title ?? '', text: page?.text ?? '', main: page?.main ?? '', mainFound: page?.mainFound ?? null,
    pageCount: page?.pageCount ?? null, from: toCaptureView(from), capture: toCaptureView(cap),
  };
}

/** The text extracted from a capture's payload (its original's, for a revisit). */
export function recordText(c: Collection, id: number): RecordText {
  const { capture: _capture, ...text } = textOf(c, id);
  return text;
}

/** How the text of capture `a` became that of capture `b`, line by line. */
export function recordDiff(c: Collection, a: number, b: number): TextDiff {
  const ta = textOf(c, a);
  const tb = textOf(c, b);
  const d = diffLines(ta.text, tb.text);
  return { a: ta.capture, b: tb.capture, ops: d.ops, added: d.added, removed: d.removed, coarse: d.coarse };
}
