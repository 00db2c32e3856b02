// Notes, tags and saved searches (issue 18): stored in the collection (the migration after main content), searchable
// with tag: and note:, kept across a re-index of their file, and given to an export as JSON (annotationsFor).
import { join } from 'node:path';
import Database from 'better-sqlite3'; // test-only: builds a collection of the schema before notes existed
import { describe, expect, it } from 'vitest';
import { Collection, SCHEMA_VERSION } from '../../../src/core/store/index.js';
import { MIGRATIONS, SEGMENT_FUNCTION, MAIN_FUNCTION, REST_FUNCTION } from '../../../src/core/store/schema.js';
import { mainOf, restOf } from '../../../src/core/store/main-lines.js';
import { search, searchFacets } from '../../../src/core/search/index.js';
import { parseQuery } from '../../../src/core/search/query.js';
import { segmentWords } from '../../../src/core/search/segment.js';
import { buildCollection, tempDbs } from '../search/helpers.js';
import { startSchemaChurn } from './schema-churn.js';

const { path: dbPath, defer } = tempDbs();

/** The migration that added notes, found by what it creates (not by its number: the list grows). */
const NOTES_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE notes'));

/** A database of the schema before notes, as that version's store left it (its SQL functions registered). */
function preNotesDatabase(p: string): Database.Database {
  const db = new Database(p);
  db.function(SEGMENT_FUNCTION, { deterministic: true }, (t: unknown) => (typeof t === 'string' ? segmentWords(t) : t));
  db.function(MAIN_FUNCTION, { deterministic: true }, (t: unknown, l: unknown) => (typeof t === 'string' ? mainOf(t, (l as string) ?? null) : t));
  db.function(REST_FUNCTION, { deterministic: true }, (t: unknown, l: unknown) => (typeof t === 'string' ? restOf(t, (l as string) ?? null) : ''));
  for (const m of MIGRATIONS.slice(0, NOTES_MIGRATION)) db.exec(m);
  db.pragma(`user_version = ${NOTES_MIGRATION}`);
  return db;
}

function twoPages(p: string): Collection {
  return buildCollection(p, [
    { digest: 'dA', title: 'Okapi report', text: 'okapis live in the forest', captures: [
      { uri: 'http://a.com/okapi', timestamp: '20200101000000' },
      { uri: 'http://a.com/okapi', timestamp: '20210101000000' },
    ] },
    { digest: 'dB', title: 'Zebra report', text: 'zebras live on the plain, okapis do not', captures: [
      { uri: 'http://b.com/zebra', timestamp: '20200601000000' },
    ] },
  ]);
}

const digests = (hits: Array<{ capture: { digest: string | null } }>) => hits.map((h) => h.capture.digest).sort();

describe('notes and tags', () => {
  it('upgrades a collection of the schema before notes in place: its pages stay searchable and take notes', () => {
    expect(NOTES_MIGRATION).toBeGreaterThan(0);
    const p = dbPath();
    const db = preNotesDatabase(p);
    db.prepare(`INSERT INTO warc_files (id, path, size, mtime, fingerprint, status) VALUES (1, '/fake/a.warc', 1, 1, 'x', 'done')`).run();
    db.prepare(`INSERT INTO captures (file_id, offset, length, type, uri, urlkey, rhost, timestamp, status, mime, digest)
      VALUES (1, 0, 1, 'response', 'http://a.com/', 'com,a)/', 'com.a.', '20200101000000', 200, 'text/html', 'd1')`).run();
    db.prepare(`INSERT INTO pages (id, digest, url, title, description, text, lang, main_found) VALUES (1, 'd1', 'http://a.com/', 'Old', '', 'okapi forest', NULL, 0)`).run();
    db.prepare(`INSERT INTO pages_fts (rowid, title, description, main, rest) VALUES (1, 'Old', '', 'okapi forest', '')`).run();
    db.close();

    const coll = Collection.open(p);
    defer(() => coll.close());
    expect(coll.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(coll.page('d1')).toMatchObject({ title: 'Old', pageCount: null });
    expect(digests(search(coll, 'okapi').hits)).toEqual(['d1']);
    const cap = coll.capture(search(coll, 'okapi').hits[0].capture.id)!;
    coll.addTag(Collection.noteTarget(cap, 'page'), 'Field-Work');
    coll.setNote(Collection.noteTarget(cap, 'capture'), 'Seen at the zoo first');
    expect(digests(search(coll, 'tag:field-work').hits)).toEqual(['d1']);
    expect(digests(search(coll, 'okapi note:zoo').hits)).toEqual(['d1']);
    expect(search(coll, 'okapi note:giraffe').hits).toEqual([]);
  });

  it('says what to do when tag: is asked of a collection opened read-only as it was before notes', () => {
    const p = dbPath();
    const db = preNotesDatabase(p);
    db.close();
    const ro = Collection.open(p, { readonly: true });
    defer(() => ro.close());
    expect(ro.hasNotes()).toBe(false);
    expect(search(ro, 'okapi').hits).toEqual([]);
    expect(() => search(ro, 'okapi tag:x')).toThrow(expect.objectContaining({ code: 'read-only', file: p, message: expect.stringContaining('writable') }));
    expect(ro.labelIndex().page('d1')).toEqual({ note: null, tags: [] });
  });

  it('a page tag finds every capture of the page; a capture tag makes that capture the hit', () => {
    const coll = twoPages(dbPath());
    defer(() => coll.close());
    const okapi = search(coll, 'okapis').hits.find((h) => h.capture.digest === 'dA')!;
    // The hit shows the newest capture; tag the older one alone.
    expect(okapi.capture.timestamp).toBe('20210101000000');
    const older = coll.all<{ id: number }>({ sql: "SELECT id FROM captures WHERE digest = 'dA' AND timestamp = '20200101000000'", params: {} })[0];
    const olderCap = coll.capture(older.id)!;
    expect(coll.addTag(Collection.noteTarget(olderCap, 'capture'), 'first-seen')).toEqual({ note: null, tags: ['first-seen'] });
    const tagged = search(coll, 'tag:first-seen').hits;
    expect(tagged.map((h) => h.capture.timestamp)).toEqual(['20200101000000']);
    // With words, the tag still narrows: okapis is on both pages, only one is tagged.
    expect(digests(search(coll, 'okapis tag:first-seen').hits)).toEqual(['dA']);
    expect(searchFacets(coll, 'okapis tag:first-seen').total).toBe(1);

    const zebra = coll.capture(search(coll, 'zebras').hits[0].capture.id)!;
    coll.addTag(Collection.noteTarget(zebra, 'page'), 'first-seen');
    coll.addTag(Collection.noteTarget(zebra, 'page'), 'plains');
    expect(digests(search(coll, 'okapis tag:first-seen').hits)).toEqual(['dA', 'dB']);
    // Each tag: must hold.
    expect(digests(search(coll, 'tag:first-seen tag:plains').hits)).toEqual(['dB']);
    expect(coll.tagCounts()).toEqual([{ tag: 'first-seen', count: 2 }, { tag: 'plains', count: 1 }]);
    coll.removeTag(Collection.noteTarget(zebra, 'page'), 'PLAINS');
    expect(search(coll, 'tag:plains').hits).toEqual([]);
  });

  it('notes are found by their words (prefixes, diacritics folded), changed in place, and removed when emptied', () => {
    const coll = twoPages(dbPath());
    defer(() => coll.close());
    const zebra = coll.capture(search(coll, 'zebras').hits[0].capture.id)!;
    const target = Collection.noteTarget(zebra, 'page');
    coll.setNote(target, 'Cited in the Café chapter; check the photographer');
    expect(digests(search(coll, 'note:cafe').hits)).toEqual(['dB']);
    expect(digests(search(coll, 'note:photo*').hits)).toEqual(['dB']);
    expect(search(coll, 'note:photo').hits).toEqual([]);
    coll.setNote(target, 'Moved to the appendix');
    expect(search(coll, 'note:cafe').hits).toEqual([]);
    expect(digests(search(coll, 'note:appendix').hits)).toEqual(['dB']);
    expect(coll.setNote(target, '   ')).toEqual({ note: null, tags: [] });
    expect(search(coll, 'note:appendix').hits).toEqual([]);
  });

  it('keeps notes and tags when their file is indexed again', () => {
    const p = dbPath();
    const coll = twoPages(p);
    defer(() => coll.close());
    const zebra = coll.capture(search(coll, 'zebras').hits[0].capture.id)!;
    coll.addTag(Collection.noteTarget(zebra, 'capture'), 'keep');
    // beginFile drops the file's captures, as a re-index does; the same records come back at the same offsets.
    const again = coll.beginFile({ path: '/fake/a.warc', size: 2, mtime: 2, fingerprint: 'y' });
    expect(search(coll, 'tag:keep').hits).toEqual([]);
    coll.writeBatch({ fileId: again, pages: [], errors: [], captures: [{ ...zebra }] });
    expect(search(coll, 'tag:keep').hits.map((h) => h.capture.offset)).toEqual([zebra.offset]);
  });

  // An ingest's bulk load changes the schema on its own connection as it starts and ends (it drops the capture indexes
  // and builds them again). A note saved meanwhile outside a transaction failed now and then with 'vtable constructor
  // failed: notes_fts' (its triggers write notes_fts), a tag with 'database schema has changed'.
  it('saves notes, tags and searches while another connection changes the schema over and over', async () => {
    const p = dbPath();
    const coll = twoPages(p);
    defer(() => coll.close());
    const churn = await startSchemaChurn(p);
    const failures = new Map<string, number>();
    let edits = 0;
    try {
      for (; (edits < 30_000 || churn.changes() < 2000) && edits < 300_000; edits++) {
        const target = `page:d${edits % 50}`;
        const kind = edits % 2 === 1 ? 'note' : (['tag', 'untag', 'search'] as const)[(edits / 2) % 3];
        try {
          if (kind === 'note') coll.setNote(target, `note ${edits}`);
          else if (kind === 'tag') coll.addTag(target, `t${edits % 7}`);
          else if (kind === 'untag') coll.removeTag(target, `t${(edits + 3) % 7}`);
          else coll.saveSearch({ name: `s${edits % 5}`, query: `okapis ${edits}`, sort: 'date' });
        } catch (e) {
          const key = `${kind}: ${(e as Error).message}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    } finally {
      await churn.stop();
    }
    expect(churn.changes()).toBeGreaterThanOrEqual(2000); // the race was run
    expect([...failures]).toEqual([]);
    const last = (edits - 1) % 2 === 1 ? edits - 1 : edits - 2; // the last odd edit: a note
    expect(coll.annotations(`page:d${last % 50}`).note).toBe(`note ${last}`);
  }, 120_000);

  it('refuses what is not a tag, in the store and in a query, naming it', () => {
    const coll = twoPages(dbPath());
    defer(() => coll.close());
    expect(() => coll.addTag('page:dA', 'two words')).toThrow(expect.objectContaining({ code: 'bad-request', message: expect.stringContaining('two words') }));
    expect(() => parseQuery('okapi tag:"x"')).toThrow(expect.objectContaining({ code: 'query-syntax' }));
    expect(() => parseQuery('tag:')).toThrow(/tag: needs a value/);
    expect(() => parseQuery('-tag:x')).toThrow(/cannot be negated/);
    expect(parseQuery('tag:Ünïcode').filters.tags).toEqual(['ünïcode']);
  });
});

describe('saved searches', () => {
  it('saves a query with its sort under a name, replaces it under the same name, and deletes it', () => {
    const coll = twoPages(dbPath());
    defer(() => coll.close());
    coll.saveSearch({ name: 'Okapis', query: 'okapis site:a.com', sort: 'date' });
    const list = coll.saveSearch({ name: 'Zebras', query: 'zebras', sort: 'relevance' });
    expect(list.map((s) => [s.name, s.query, s.sort])).toEqual([['Okapis', 'okapis site:a.com', 'date'], ['Zebras', 'zebras', 'relevance']]);
    const replaced = coll.saveSearch({ name: 'Okapis', query: 'okapis tag:x', sort: 'relevance' });
    expect(replaced).toHaveLength(2);
    expect(replaced[0]).toMatchObject({ name: 'Okapis', query: 'okapis tag:x', sort: 'relevance', id: list[0].id });
    expect(coll.deleteSavedSearch(list[0].id).map((s) => s.name)).toEqual(['Zebras']);
    expect(() => coll.saveSearch({ name: ' ', query: 'x', sort: 'date' })).toThrow(expect.objectContaining({ code: 'bad-request' }));
  });
});

describe('annotationsFor (the export of notes and tags)', () => {
  it('gives the notes and tags of the captures asked for and of their pages, naming each outside the collection', () => {
    const coll = twoPages(dbPath());
    defer(() => coll.close());
    const okapi = coll.capture(search(coll, 'okapis').hits.find((h) => h.capture.digest === 'dA')!.capture.id)!;
    const zebra = coll.capture(search(coll, 'zebras').hits[0].capture.id)!;
    coll.setNote(Collection.noteTarget(okapi, 'page'), 'the okapi page');
    coll.addTag(Collection.noteTarget(okapi, 'capture'), 'newest');
    coll.setNote(Collection.noteTarget(zebra, 'capture'), 'a zebra capture');

    const justOkapi = coll.annotationsFor([okapi.id]);
    expect(justOkapi).toEqual({
      format: 'archivestream-annotations', version: 1,
      pages: [{ digest: 'dA', url: 'http://a.com/okapi', title: 'Okapi report', note: 'the okapi page', tags: [] }],
      captures: [{ url: 'http://a.com/okapi', timestamp: '20210101000000', digest: 'dA', recordId: okapi.recordId,
        file: '/fake/a.warc', offset: okapi.offset, note: null, tags: ['newest'] }],
    });
    // Another capture of the same page brings the page's note, not the other capture's tag.
    const olderOkapi = coll.all<{ id: number }>({ sql: "SELECT id FROM captures WHERE digest = 'dA' AND id <> @id", params: { id: okapi.id } })[0].id;
    expect(coll.annotationsFor([olderOkapi])).toMatchObject({ pages: [{ digest: 'dA' }], captures: [] });
    expect(coll.annotationsFor([])).toMatchObject({ pages: [], captures: [] });
    const all = coll.annotationsFor();
    expect(all.pages.map((x) => x.digest)).toEqual(['dA']);
    expect(all.captures.map((x) => x.note ?? x.tags.join())).toEqual(['newest', 'a zebra capture']);
    // Plain JSON: what the WACZ writer serializes.
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });
});
