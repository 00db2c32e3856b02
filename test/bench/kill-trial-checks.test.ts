// The kill -9 trial's checks must see damage when there is some: a collection equals its copy, and a copy with a
// capture gone, a page's text changed under FTS5 or a capture index dropped is told apart, each by the right check.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff, fingerprint, INDEX_NAMES, indexNames, integrity, NO_SCHEMA, pickQueries, state } from '../../bench/reliability/collection-checks.js';
import { ingestCollection } from '../../src/core/ingest/index.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-trial-checks-'));
const db = join(dir, 'clean.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const file = join(dir, 'a.warc');
  writeFileSync(file, warcFile([
    { uri: 'http://example.com/zebra', date: '2020-01-01T00:00:00Z', body: html('Zebras of the savanna', 'zebras graze the savanna grass') },
    { uri: 'http://example.com/lion', date: '2020-01-02T00:00:00Z', body: html('Lions hunting zebras', 'lions hunt zebras at dusk') },
    { uri: 'http://example.com/giraffe', date: '2020-01-03T00:00:00Z', body: html('Giraffes browsing acacias', 'giraffes reach the acacia leaves') },
  ]));
  await ingestCollection(db, [file], { workers: 1 });
});

/** A copy of the collection, changed by `damage` through plain SQL. */
function damaged(name: string, damage: (c: Database.Database) => void): string {
  const copy = join(dir, `${name}.sqlite`);
  copyFileSync(db, copy);
  if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
  const c = new Database(copy);
  damage(c);
  c.close();
  return copy;
}

describe('the kill trial checks', () => {
  it('find a clean collection whole and equal to its copy', () => {
    const queries = pickQueries(db);
    expect(queries.length).toBeGreaterThan(0);
    const copy = damaged('copy', () => {});
    expect(integrity(copy)).toBe('ok');
    expect(indexNames(copy)).toEqual(INDEX_NAMES);
    expect(state(copy)).toEqual({ files: 1, done: 1, indexes: INDEX_NAMES });
    const clean = fingerprint(db, queries);
    expect(clean).toMatchObject({ captures: 3, pages: 3 });
    expect(diff(clean, fingerprint(copy, queries))).toEqual([]);
  });

  it('tell a lost capture, a page changed under FTS5 and a dropped index apart', () => {
    const queries = ['"zebras"', '"giraffes"'];
    const clean = fingerprint(db, queries);

    const lost = damaged('lost', (c) => c.prepare(`DELETE FROM captures WHERE uri = 'http://example.com/lion'`).run());
    expect(diff(clean, fingerprint(lost, queries))).toEqual([expect.stringMatching(/^captures 2 != clean 3/), expect.stringMatching(/^capturesHash/)]);

    // The text changed behind FTS5's back (no trigger to tell it): its index still has the old words, and its own
    // integrity check says so.
    const rewritten = damaged('rewritten', (c) => c.exec(`DROP TRIGGER pages_au; UPDATE pages SET text = 'nothing here' WHERE title LIKE 'Giraffes%'`));
    expect(integrity(rewritten)).toMatch(/^fts5: /);
    expect(diff(clean, fingerprint(rewritten, queries))).toContainEqual(expect.stringMatching(/^pagesHash/));

    const unindexed = damaged('unindexed', (c) => c.exec('DROP INDEX captures_urlkey'));
    expect(indexNames(unindexed)).toEqual(INDEX_NAMES.filter((n) => n !== 'captures_urlkey'));
    expect(integrity(unindexed)).toBe('ok');
  });

  it('call a database killed before its first migration committed schema-less, and a schema with its index dropped damaged', () => {
    // As a kill at start-up leaves it: the file created, no table in it yet.
    const empty = join(dir, 'empty.sqlite');
    new Database(empty).close();
    expect(integrity(empty)).toBe(NO_SCHEMA);
    // A schema in place whose full-text index is gone is damage, not a start-up state.
    const noFts = damaged('no-fts', (c) => c.exec('DROP TABLE pages_fts'));
    expect(integrity(noFts)).toMatch(/^fts5: no such table/);
  });
});
