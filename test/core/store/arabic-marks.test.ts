// Arabic vowel marks (harakat) in the index: the indexed copy and the query both leave them out (search/segment.ts),
// so a word is found typed with or without them, in pages and in notes; a collection indexed before keeps being found
// after its upgrade (the migration that rebuilds the index, found by what it does, not by its number).
import Database from 'better-sqlite3'; // test-only: builds a collection as the store before this migration left it
import { describe, expect, it } from 'vitest';
import { Collection, SCHEMA_VERSION } from '../../../src/core/store/index.js';
import { MAIN_FUNCTION, MIGRATIONS, REST_FUNCTION, SEGMENT_FUNCTION } from '../../../src/core/store/schema.js';
import { mainOf, restOf } from '../../../src/core/store/main-lines.js';
import { search } from '../../../src/core/search/index.js';
import { buildCollection, tempDbs } from '../search/helpers.js';

const { path: dbPath, defer } = tempDbs();
const digests = (hits: Array<{ capture: { digest: string | null } }>) => hits.map((h) => h.capture.digest).sort();

const WITH_MARKS = 'قرأتُ الكِتَابَ في المكتبة';

describe('Arabic vowel marks', () => {
  it('finds a page by a word typed with or without its marks, and shows the text with them', () => {
    const coll = buildCollection(dbPath(), [
      { digest: 'dA', title: 'Marked', text: WITH_MARKS, captures: [{ uri: 'http://a.com/', timestamp: '20200101000000' }] },
      { digest: 'dB', title: 'Bare', text: 'هذا الكتاب جديد', captures: [{ uri: 'http://b.com/', timestamp: '20200101000000' }] },
    ]);
    defer(() => coll.close());
    expect(digests(search(coll, 'الكِتَابَ').hits)).toEqual(['dA', 'dB']);
    expect(digests(search(coll, 'الكتاب').hits)).toEqual(['dA', 'dB']);
    expect(digests(search(coll, '"قرأت الكتاب"').hits)).toEqual(['dA']);
    expect(coll.page('dA')!.text).toBe(WITH_MARKS);
    // The snippet shows the word as the page has it, marks and all.
    expect(search(coll, 'الكتاب').hits.find((h) => h.capture.digest === 'dA')!.snippet).toContain('الكِتَابَ');
  });

  it('upgrades a collection indexed with the marks: found both ways, its index sound, its notes too', () => {
    const rebuild = MIGRATIONS.findIndex((m) => m.includes('note_fts_source'));
    expect(rebuild).toBeGreaterThan(0);
    const p = dbPath();
    const db = new Database(p);
    // The SQL functions as the store before the migration had them: the segmented copy kept the marks.
    db.function(SEGMENT_FUNCTION, { deterministic: true }, (t: unknown) => (typeof t === 'string' ? t.normalize('NFC') : t));
    db.function(MAIN_FUNCTION, { deterministic: true }, (t: unknown, l: unknown) => (typeof t === 'string' ? mainOf(t, (l as string) ?? null) : t));
    db.function(REST_FUNCTION, { deterministic: true }, (t: unknown, l: unknown) => (typeof t === 'string' ? restOf(t, (l as string) ?? null) : ''));
    for (const m of MIGRATIONS.slice(0, rebuild)) db.exec(m);
    db.pragma(`user_version = ${rebuild}`);
    db.prepare(`INSERT INTO warc_files (id, path, size, mtime, fingerprint, status) VALUES (1, '/fake/a.warc', 1, 1, 'x', 'done')`).run();
    db.prepare(`INSERT INTO captures (file_id, offset, length, type, uri, urlkey, rhost, timestamp, status, mime, digest)
      VALUES (1, 0, 1, 'response', 'http://a.com/', 'com,a)/', 'com.a.', '20200101000000', 200, 'text/html', 'd1')`).run();
    db.prepare(`INSERT INTO pages (id, digest, url, title, description, text, lang, main_found) VALUES (1, 'd1', 'http://a.com/', 'Old', '', ?, NULL, 0)`)
      .run(WITH_MARKS);
    db.prepare(`INSERT INTO pages_fts (rowid, title, description, main, rest) VALUES (1, 'Old', '', ?, '')`).run(WITH_MARKS);
    db.prepare(`INSERT INTO notes (target, body, updated_at) VALUES ('page:d1', 'حَبيبي', '2020-01-01T00:00:00Z')`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM pages_fts WHERE pages_fts MATCH '"الكتاب"'`).get()).toEqual({ n: 0 });
    db.close();

    const coll = Collection.open(p);
    defer(() => coll.close());
    expect(coll.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(digests(search(coll, 'الكِتَابَ').hits)).toEqual(['d1']);
    expect(digests(search(coll, 'الكتاب').hits)).toEqual(['d1']);
    expect(digests(search(coll, 'note:حبيبي').hits)).toEqual(['d1']);
    expect(digests(search(coll, 'note:حَبيبي').hits)).toEqual(['d1']);
    // A note changed after the upgrade leaves nothing of its old words behind.
    coll.setNote('page:d1', 'okapi');
    expect(search(coll, 'note:حبيبي').hits).toEqual([]);
    expect(digests(search(coll, 'note:okapi').hits)).toEqual(['d1']);
    coll.close();
    const raw = new Database(p);
    expect(() => raw.prepare("INSERT INTO pages_fts(pages_fts) VALUES ('integrity-check')").run()).not.toThrow();
    raw.close();
  });
});
