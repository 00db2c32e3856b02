// The search view's researcher bar: save the current search (its query with its filters, and its sort) under a name,
// rerun or delete a saved one, and filter by one of the collection's tags (adds tag:<name> to the query).
import { useEffect, useState } from 'react';
import type { SavedSearch, TagCount } from '../../shared/api-notes.js';
import { call } from '../api/client.js';
import { formatCount } from '../format.js';
import { hasFilter, toggleFilter } from '../query-filter.js';
import { useAppFields } from '../store.js';

export function SavedSearches({ collection }: { collection: string }) {
  const { search, runSearch, setError } = useAppFields('search', 'runSearch', 'setError');
  const [saved, setSaved] = useState<SavedSearch[]>([]);
  const [tags, setTags] = useState<TagCount[]>([]);
  const [name, setName] = useState('');
  const [naming, setNaming] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([call('searches.list', { collection }), call('tags.list', { collection })]).then(
      ([s, t]) => {
        if (!live) return;
        setSaved(s);
        setTags(t);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
    // Tags change in the record viewer: read them again with each search.
  }, [collection, search.seq]);

  const save = async () => {
    try {
      setSaved(await call('searches.save', { collection, name, q: search.q, sort: search.sort }));
      setNaming(false);
      setName('');
    } catch (e) {
      setError(e);
    }
  };
  const q = search.q;

  return (
    <div className="research" aria-label="Saved queries and tag filter" role="group">
      <div className="row">
        {naming ? (
          <form className="row" onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void save();
          }}>
            <input aria-label="Name of the saved search" placeholder="Name this search" value={name} autoFocus onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="primary" disabled={!name.trim()}>Save</button>
            <button type="button" onClick={() => setNaming(false)}>Cancel</button>
          </form>
        ) : (
          <button type="button" disabled={!q.trim()} onClick={() => {
            setName(q.trim());
            setNaming(true);
          }}>
            Save search
          </button>
        )}
        {saved.length > 0 && <span className="meta">Saved:</span>}
        {saved.length > 0 && (
          <ul className="saved" aria-label="Saved searches">
            {saved.map((s) => (
              <li key={s.id}>
                <button type="button" className="link" title={`${s.query} (by ${s.sort})`} onClick={() => void runSearch(s.query, s.sort)}>
                  {s.name}
                </button>
                <button type="button" className="tag-remove" aria-label={`Delete saved search ${s.name}`}
                  onClick={() => void call('searches.delete', { collection, id: s.id }).then(setSaved, setError)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {tags.length > 0 && (
        <div className="row">
        <span className="meta">Filter by tag:</span>
        <ul className="tags" aria-label="Filter by tag">
          {tags.map((t) => {
            const filter = `tag:${t.tag}`;
            const active = hasFilter(q, filter);
            return (
              <li key={t.tag}>
                <button type="button" className={`facet${active ? ' active' : ''}`} aria-pressed={active}
                  onClick={() => void runSearch(toggleFilter(q, filter))}>
                  <span>{t.tag}</span> <span className="count">{formatCount(t.count)}</span>
                </button>
              </li>
            );
          })}
        </ul>
        </div>
      )}
    </div>
  );
}
