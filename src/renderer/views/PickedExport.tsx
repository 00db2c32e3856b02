// Captures picked by hand (the Captures screen's checkboxes, the search results' pick boxes): how many, select all or
// none of those shown, and their export as a WACZ (export.wacz with captureIds). The pick is the screen's own state,
// not the address's: it lasts while the list it was made in is shown.
import { useState } from 'react';
import { plural } from '../format.js';
import { ExportWacz } from './ExportWacz.js';

/** A set of picked capture ids, with a toggle for one. */
export function usePicked(): [ReadonlySet<number>, (ids: ReadonlySet<number>) => void, (id: number) => void] {
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setPicked((p) => {
      const next = new Set(p);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return [picked, setPicked, toggle];
}

/** `shown`: the capture ids of the rows on screen, in their order ("Select all" picks these). `noun`: what a row is. */
export function PickedExport({ collection, shown, picked, onPick, noun }: {
  collection: string;
  shown: number[];
  picked: ReadonlySet<number>;
  onPick(ids: ReadonlySet<number>): void;
  noun: string;
}) {
  const ids = shown.filter((id) => picked.has(id));
  return (
    <div className="row picked" role="group" aria-label={`Selected ${noun}s`}>
      <span className="meta" aria-live="polite" data-testid="picked-count">
        {plural(ids.length, noun)} selected
      </span>
      <button type="button" disabled={ids.length === shown.length} onClick={() => onPick(new Set(shown))}>
        Select all
      </button>
      <button type="button" disabled={ids.length === 0} onClick={() => onPick(new Set())}>
        Select none
      </button>
      <ExportWacz collection={collection} selection={{ captureIds: ids }} title={`${plural(ids.length, noun)} of ${collection}`} label="Export selected as WACZ" />
    </div>
  );
}
