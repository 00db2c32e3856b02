// The collection schema as forward migrations. PRAGMA user_version holds how many have run; opening a collection runs
// the rest in one transaction each, so setup is idempotent and an old collection is upgraded in place.

/** The FTS5 tokenizer: unicode61 with remove_diacritics 2 so "cafe" finds "café" (also for letters whose accent
 *  sits on a codepoint U+0300..036F after NFD, which level 1 misses); marks (M*) count as token characters so Thai,
 *  Devanagari and Arabic words are not cut at every vowel sign. */
export const FTS_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'";

/** bm25 column weights for (title, description, main, rest). FTS5's bm25 adds up a page's weighted occurrences of a
 *  word over its columns before it saturates them, against the length of the whole page, so the weights say how many
 *  occurrences one is worth: a word in the title counts five in the main content, one there counts four in the rest
 *  (navigation, footers, link lists: a word there says little about what the page is about, but is not nothing,
 *  as for a site's name). Main content keeps the old body's place under the description (3) and title (10).
 *  Weights order pages within a tier only: search ranks the pages that match in their main content above those that
 *  match only in the rest (search/sql.ts), which no weight can promise, bm25 normalizing by the page's length. */
export const BM25_WEIGHTS = [10.0, 3.0, 2.0, 0.5] as const;

/** The FTS5 columns of the page's content besides title and description: main content first. */
export const FTS_MAIN_COLUMNS = '{title description main}';
/** FTS_MAIN_COLUMNS as a mask of pages_fts's column numbers (title 0, description 1, main 2; rest 3), as the ranking
 *  extension's as_columns gives them. */
export const FTS_MAIN_COLUMN_MASK = 0b0111;

/** FTS5 pending-term buffer (bytes): larger than an ingest batch's terms (batches are capped at 4 MB of text). */
export const FTS_HASH_SIZE = 64 << 20;
export const FTS_AUTOMERGE = 8;

/** SQLite page size of a new collection (bytes); store/index.ts says why. */
export const PAGE_SIZE = 16384;

/** SQL name of search/segment.ts' segmentWords, which the store registers on each connection it opens. A connection
 *  without it (the sqlite3 shell) can search and read, but not snippet() or update/delete pages. */
export const SEGMENT_FUNCTION = 'as_segment_words';

/** SQL names of store/main-lines.ts' mainOf and restOf (text, main_lines), registered as SEGMENT_FUNCTION is. */
export const MAIN_FUNCTION = 'as_main_content';
export const REST_FUNCTION = 'as_rest_content';

/** Covering for a host's captures in URL order (the captures view's host lookup, replay's nearest pages of a host):
 *  the page of them asked for is chosen from the index, and only its rows are read. And for a host with a time range
 *  (site: with from:/to:), whose pages neither the host nor the time index gives without reading each capture's row
 *  (migration 11). */
const HOST_URLS_INDEX = 'captures_rhost_url ON captures(rhost, urlkey, timestamp, type, mime, page_id)';

/** The time index of migration 8, replaced by TIME_FILTERS_INDEX in migration 12. */
const TIME_PAGE_INDEX = 'captures_timestamp_page ON captures(timestamp, type, page_id)';
const TIME_PAGE_INDEX_NAME = indexNames([TIME_PAGE_INDEX])[0];

/** Captures newest first with what a filter tests of each besides its record type and page (media type, status,
 *  host): a walk in date order (search/sql.ts buildNewestCapturesSql) reads no capture row. With TIME_PAGE_INDEX each
 *  walked capture's row was read for such a filter; at a million pages 5,448 captures share the newest second, all
 *  read before the first was sorted: `trail mime:text/html` by date 55-65 -> 12 ms, `the mime:application/pdf`,
 *  walked to the end for no hit, 12.5 -> 1.4 s (migration 12). */
const TIME_FILTERS_INDEX = 'captures_timestamp_filters ON captures(timestamp, type, page_id, mime, status, rhost)';

/** Captures by media type, with what a filter tests of each: how many captures a media type has is counted from
 *  this index alone, so one that few captures have (mime:application/pdf among a million HTML pages) is known to be
 *  selective and its pages are read as a set, instead of the filter being tested on each match of the words (at a
 *  million pages, `the mime:application/pdf` probed all 835,622 matches of `the` for none: 530 ms). Migration 13. */
export const MIME_INDEX = 'captures_mime ON captures(mime, timestamp, type, page_id, status, rhost)';
export const MIME_INDEX_NAME = 'captures_mime';

/** The lookup indexes of captures (name ON table(columns)). A bulk ingest may drop them and build them again at the
 *  end (store/index.ts deferCaptureIndexes): maintaining five indexes row by row cost ~4x the insert itself. */
export const CAPTURE_INDEXES: readonly string[] = [
  'captures_urlkey ON captures(urlkey, timestamp)',
  'captures_uri ON captures(uri, timestamp)',
  // Lookups by payload digest: a revisit's original (replay), a page's captures when pages are pruned.
  'captures_digest ON captures(digest, timestamp, type, status, mime, rhost)',
  // The host and time indexes cover what a site: or from:/to: filter reads to find its pages (type, page id): no
  // lookup of each capture row (measured at 200k pages: a year's first 5,000 pages 31 -> 13 ms), nor of a page by
  // its digest (migration 8).
  'captures_rhost_page ON captures(rhost, type, page_id)',
  TIME_FILTERS_INDEX,
  // Covering for what search reads of a page's captures (best capture, capture count, filters, facets), by page id:
  // neither the page row (for its digest) nor a string key is read per page (migration 8).
  'captures_page ON captures(page_id, timestamp, type, status, mime, rhost)',
  HOST_URLS_INDEX,
  MIME_INDEX,
];

/** The migration that creates a capture index: 13 the media types', 12 the time index with the filters', 11 the
 *  host's URLs', 8 the others on the page id column it adds, 1 the rest. Each migration's text stays what it was when
 *  it was written. */
function createdBy(index: string): 1 | 8 | 11 | 12 | 13 {
  if (index === MIME_INDEX) return 13;
  if (index === TIME_FILTERS_INDEX) return 12;
  if (index === HOST_URLS_INDEX) return 11;
  return /\bpage_id\b/.test(index) ? 8 : 1;
}
const FIRST_CAPTURE_INDEXES = CAPTURE_INDEXES.filter((ix) => createdBy(ix) === 1);

/** The capture indexes migration 8 retired, and those it created. */
const RETIRED_BY_8 = ['captures_rhost', 'captures_timestamp', 'captures_rhost_pages', 'captures_timestamp_pages'];
const CREATED_BY_8 = CAPTURE_INDEXES.flatMap((ix) => (ix === TIME_FILTERS_INDEX ? [TIME_PAGE_INDEX] : createdBy(ix) === 8 ? [ix] : []));

/** Capture indexes replaced by wider ones of CAPTURE_INDEXES: dropped once their replacements are built (and when an
 *  ingest defers the indexes), or a bulk load would keep them up to date row by row. */
export const RETIRED_CAPTURE_INDEXES: readonly string[] = [...RETIRED_BY_8, TIME_PAGE_INDEX_NAME];

/** What the index holds of a pages row (`row` is 'old.' or 'new.' in a trigger, '' in a query of pages): title,
 *  description, main content and rest, as fts_source gives them to FTS5. Part of migration 5's text: a later change
 *  of the index writes a migration of its own instead of changing this. */
function ftsColumns(row: string): string {
  const seg = (x: string) => `${SEGMENT_FUNCTION}(${x})`;
  return [
    seg(`${row}title`) + (row ? '' : ' AS title'),
    `${row}description`,
    seg(`${MAIN_FUNCTION}(${row}text, ${row}main_lines)`) + (row ? '' : ' AS main'),
    seg(`${REST_FUNCTION}(${row}text, ${row}main_lines)`) + (row ? '' : ' AS rest'),
  ].join(', ');
}

function indexNames(indexes: readonly string[]): string[] {
  return indexes.map((ix) => ix.split(' ', 1)[0]);
}

export const CAPTURE_INDEX_NAMES: readonly string[] = indexNames(CAPTURE_INDEXES);

/** The meta row an ingest writes in the transaction that drops the capture indexes, and deletes in the one that
 *  builds them again: while it is there, lookups by URL, host or digest scan the whole table. Its value is the pid of
 *  the process that dropped them (0: unknown), so that an open can tell a live ingest from one that died. */
export const META_INDEXES_DEFERRED = 'capture-indexes-deferred';

/** Gives the page id to captures stored before their page (a revisit read before its original, a window of a file
 *  committed before an earlier one): a scan of the captures without one, a digest lookup each. The writer runs it
 *  where it cannot look such captures up by digest (their indexes deferred for a bulk load), before those indexes
 *  are built again. */
export const LINK_CAPTURES_SQL = `UPDATE captures SET page_id = (SELECT p.id FROM pages p WHERE p.digest = captures.digest)
  WHERE page_id IS NULL AND digest IN (SELECT digest FROM pages)`;

/** The meta row that says how far the word list (page_words, migration 9) is true: the highest page id whose words
 *  it holds. It is deleted, so the list is not used, when a page's text changes or the newest page is deleted (whose
 *  id the next page takes: triggers of migration 9), and written again by store/index.ts refreshWordList. */
export const META_WORDS_THROUGH = 'page-words-through';

/** The meta row an ingest that writes the pages' index in shards (store/fts-shard.ts) holds from its start until
 *  every shard is adopted: found by the next open, it says the pages stored since may be missing from pages_fts
 *  (their shards died with the run), and recoverFtsShards indexes them. */
export const META_FTS_SHARDS = 'fts-shards-open';

/** Fills the word list from the pages' index, whole: fts5vocab reads every doclist to count a word's pages (at a
 *  million pages, 1.9 million words: ~26 s), so this runs once, when the list is made or most of it is new. */
export const BUILD_WORD_LIST_SQL = `
  CREATE VIRTUAL TABLE IF NOT EXISTS temp.as_build_words USING fts5vocab(main, pages_fts, row);
  DELETE FROM page_words;
  INSERT INTO page_words (term, pages) SELECT term, doc FROM temp.as_build_words;
  DROP TABLE temp.as_build_words;
  INSERT OR REPLACE INTO meta (key, value) VALUES ('${META_WORDS_THROUGH}', (SELECT coalesce(max(id), 0) FROM pages));
`;

export const MIGRATIONS: readonly string[] = [
  // 1: files, captures, pages + external-content FTS, errors
  `
  CREATE TABLE warc_files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,            -- FileState: indexing | done | error
    error_count INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    format TEXT,
    indexed_at TEXT
  );

  CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES warc_files(id),
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    type TEXT NOT NULL,
    uri TEXT,
    urlkey TEXT,
    -- host labels reversed and dot-terminated ('com.example.www.'), so host-and-subdomains is one index range
    rhost TEXT,
    timestamp TEXT,
    status INTEGER,
    mime TEXT,
    digest TEXT,
    record_id TEXT,
    refers_to_uri TEXT,
    refers_to_date TEXT,
    method TEXT,
    UNIQUE (file_id, offset)
  );
  ${FIRST_CAPTURE_INDEXES.map((ix) => `CREATE INDEX ${ix};`).join('\n  ')}

  CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    text TEXT NOT NULL,
    lang TEXT,
    -- segmented copies for FTS (search/segment.ts), NULL when equal to the display text
    fts_title TEXT,
    fts_text TEXT
  );

  -- What FTS5 indexes and what snippet() reads back: the segmented copy where there is one.
  CREATE VIEW pages_fts_content AS
    SELECT id, coalesce(fts_title, title) AS title, description, coalesce(fts_text, text) AS body FROM pages;

  CREATE VIRTUAL TABLE pages_fts USING fts5(
    title, description, body,
    content = 'pages_fts_content', content_rowid = 'id',
    tokenize = "${FTS_TOKENIZER}"
  );
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 1.0)');

  CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN
    INSERT INTO pages_fts(rowid, title, description, body)
      VALUES (new.id, coalesce(new.fts_title, new.title), new.description, coalesce(new.fts_text, new.text));
  END;
  CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, body)
      VALUES ('delete', old.id, coalesce(old.fts_title, old.title), old.description, coalesce(old.fts_text, old.text));
  END;
  CREATE TRIGGER pages_au AFTER UPDATE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, body)
      VALUES ('delete', old.id, coalesce(old.fts_title, old.title), old.description, coalesce(old.fts_text, old.text));
    INSERT INTO pages_fts(rowid, title, description, body)
      VALUES (new.id, coalesce(new.fts_title, new.title), new.description, coalesce(new.fts_text, new.text));
  END;

  CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES warc_files(id),
    offset INTEGER NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX errors_file ON errors(file_id, offset);
  `,
  // 2: one copy of the page text. The segmented copy FTS5 indexes is derived from it (SEGMENT_FUNCTION, registered
  // by the store on every connection) where FTS5 reads content back: snippet(), 'rebuild', and the 'delete' the
  // triggers issue. The writer inserts the FTS row itself, with the copy a worker thread segmented, so no trigger on insert
  // (measured: the duplicate text was 40% of the database and a third of the writer's time per page).
  `
  DROP TRIGGER pages_ai;
  DROP TRIGGER pages_ad;
  DROP TRIGGER pages_au;
  DROP TABLE pages_fts;
  DROP VIEW pages_fts_content;
  ALTER TABLE pages DROP COLUMN fts_title;
  ALTER TABLE pages DROP COLUMN fts_text;

  -- Not named pages_fts_*: FTS5 reserves those names for its shadow tables.
  CREATE VIEW fts_source AS
    SELECT id, ${SEGMENT_FUNCTION}(title) AS title, description, ${SEGMENT_FUNCTION}(text) AS body FROM pages;
  CREATE VIRTUAL TABLE pages_fts USING fts5(
    title, description, body,
    content = 'fts_source', content_rowid = 'id',
    tokenize = "${FTS_TOKENIZER}"
  );
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 1.0)');
  -- Flush the pending terms once per ingest transaction instead of every 1 MB, and merge 8 segments of a level at a
  -- time instead of 4: fewer, larger segments written and rewritten (measured: writer -20% CPU a page). A query
  -- reads at most 7 segments a level instead of 3.
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('hashsize', ${FTS_HASH_SIZE});
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE});
  INSERT INTO pages_fts(pages_fts) VALUES ('rebuild');

  CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, body)
      VALUES ('delete', old.id, ${SEGMENT_FUNCTION}(old.title), old.description, ${SEGMENT_FUNCTION}(old.text));
  END;
  CREATE TRIGGER pages_au AFTER UPDATE OF title, description, text ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, body)
      VALUES ('delete', old.id, ${SEGMENT_FUNCTION}(old.title), old.description, ${SEGMENT_FUNCTION}(old.text));
    INSERT INTO pages_fts(rowid, title, description, body)
      VALUES (new.id, ${SEGMENT_FUNCTION}(new.title), new.description, ${SEGMENT_FUNCTION}(new.text));
  END;
  `,
  // 3: the digest index covers the capture columns search reads (CAPTURE_INDEXES).
  `
  DROP INDEX IF EXISTS captures_digest;
  CREATE INDEX captures_digest ON captures(digest, timestamp, type, status, mime, rhost);
  `,
  // 4: what the database still owes, so that work a killed process left undone is finished by the next open instead
  // of forgotten (META_INDEXES_DEFERRED). A collection of an earlier version that lacks a capture index was left so
  // by an ingest that died before rebuilding them: it owes them too.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value)
    SELECT '${META_INDEXES_DEFERRED}', '0'
    WHERE (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (${indexNames(FIRST_CAPTURE_INDEXES).map((name) => `'${name}'`).join(', ')}))
      < ${FIRST_CAPTURE_INDEXES.length};
  `,
  // 5: main content: which lines of the text are the page's article (store/main-lines.ts runs, NULL when all of it) and
  // whether the extractor found one (NULL: stored before it looked; such a page counts as all main content until it
  // is extracted again). The index splits the body into main and rest, so no word is indexed twice; a page stored
  // before this is all main content, as it was all body.
  `
  ALTER TABLE pages ADD COLUMN main_lines TEXT;
  ALTER TABLE pages ADD COLUMN main_found INTEGER;
  DROP TRIGGER pages_ad;
  DROP TRIGGER pages_au;
  DROP TABLE pages_fts;
  DROP VIEW fts_source;

  CREATE VIEW fts_source AS SELECT id, ${ftsColumns('')} FROM pages;
  CREATE VIRTUAL TABLE pages_fts USING fts5(
    title, description, main, rest,
    content = 'fts_source', content_rowid = 'id',
    tokenize = "${FTS_TOKENIZER}"
  );
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('rank', 'bm25(${BM25_WEIGHTS.join(', ')})');
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('hashsize', ${FTS_HASH_SIZE});
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE});
  INSERT INTO pages_fts(pages_fts) VALUES ('rebuild');

  CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, main, rest) VALUES ('delete', old.id, ${ftsColumns('old.')});
  END;
  CREATE TRIGGER pages_au AFTER UPDATE OF title, description, text, main_lines ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, main, rest) VALUES ('delete', old.id, ${ftsColumns('old.')});
    INSERT INTO pages_fts(rowid, title, description, main, rest) VALUES (new.id, ${ftsColumns('new.')});
  END;
  `,
  // 6: what the researcher adds (notes, tags, saved searches), and a document's page count. A note or tag is on a
  // target (NOTE_TARGET: a page by digest, or one capture by file and offset), not on a row id: re-indexing a file
  // drops and re-inserts its captures and prunes pages, and what a person wrote must outlive that. Notes have a
  // full-text index of their own (the note: operator) with the pages' tokenizer; page_count is a PDF's number of pages
  // (NULL for HTML and plain text).
  `
  ALTER TABLE pages ADD COLUMN page_count INTEGER;
  CREATE TABLE notes (id INTEGER PRIMARY KEY, target TEXT NOT NULL UNIQUE, body TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE VIRTUAL TABLE notes_fts USING fts5(body, content = 'notes', content_rowid = 'id', tokenize = "${FTS_TOKENIZER}");
  CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, body) VALUES (new.id, new.body);
  END;
  CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
  END;
  CREATE TRIGGER notes_au AFTER UPDATE OF body ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO notes_fts(rowid, body) VALUES (new.id, new.body);
  END;
  CREATE TABLE tags (tag TEXT NOT NULL, target TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (tag, target)) WITHOUT ROWID;
  CREATE INDEX tags_target ON tags(target);
  CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL, sort TEXT NOT NULL, created_at TEXT NOT NULL
  );
  `,
  // 7: the indexed copy leaves Arabic vowel marks out (search/segment.ts segmentWords), as queries do: the pages'
  // index is built again from their text, or a page indexed with them would no longer be found (and its 'delete'
  // would not match what was indexed). Notes get the same indexed copy as pages (they had the bare body, which a
  // query segmented this way misses: a Chinese phrase, a word with harakat).
  `
  INSERT INTO pages_fts(pages_fts) VALUES ('rebuild');
  DROP TRIGGER notes_ai;
  DROP TRIGGER notes_ad;
  DROP TRIGGER notes_au;
  DROP TABLE notes_fts;
  -- Not named notes_fts_*: FTS5 reserves those names for its shadow tables.
  CREATE VIEW note_fts_source AS SELECT id, ${SEGMENT_FUNCTION}(body) AS body FROM notes;
  CREATE VIRTUAL TABLE notes_fts USING fts5(body, content = 'note_fts_source', content_rowid = 'id', tokenize = "${FTS_TOKENIZER}");
  CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, body) VALUES (new.id, ${SEGMENT_FUNCTION}(new.body));
  END;
  CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.id, ${SEGMENT_FUNCTION}(old.body));
  END;
  CREATE TRIGGER notes_au AFTER UPDATE OF body ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.id, ${SEGMENT_FUNCTION}(old.body));
    INSERT INTO notes_fts(rowid, body) VALUES (new.id, ${SEGMENT_FUNCTION}(new.body));
  END;
  INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
  `,
  // 8: each capture's page by id (NULL when its payload has none), so that search joins pages and captures by an
  // integer: finding a page's captures read the page row for its digest and then a string key, and a filter's pages
  // a digest lookup per capture (a host of 8,000 captures: 22 ms at a million pages, by page id under 1 ms). The
  // writer fills it (store/index.ts writeBatch, LINK_CAPTURES_SQL for a capture stored before its page). The host
  // and time indexes end on it instead of the digest.
  `
  ALTER TABLE captures ADD COLUMN page_id INTEGER;
  ${LINK_CAPTURES_SQL};
  ${RETIRED_BY_8.map((name) => `DROP INDEX IF EXISTS ${name};`).join('\n  ')}
  ${CREATED_BY_8.map((ix) => `CREATE INDEX IF NOT EXISTS ${ix};`).join('\n  ')}
  `,  // 9: the words of the pages' index, each with how many pages hold it, so that a prefix is written out as its words
  // by a range read of a small b-tree: fts5vocab, the only list FTS5 gives, reads each word's doclist to count it
  // (the words of pri* at a million pages: 48 ms). The list may hold words no page has any more (a pruned page's),
  // which match nothing; it is used only while META_WORDS_THROUGH says it holds every page's words. A page id under
  // that mark can come back only after the newest page is deleted (the next insert takes its id), so the triggers
  // watch deletes and text changes, not inserts: an insert trigger doubled the writer's time a page (0.20 -> 0.40 ms
  // at 59 KB a page).
  `
  CREATE TABLE page_words (term TEXT PRIMARY KEY, pages INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TRIGGER page_words_au AFTER UPDATE OF title, description, text, main_lines ON pages BEGIN
    DELETE FROM meta WHERE key = '${META_WORDS_THROUGH}';
  END;
  CREATE TRIGGER page_words_ad AFTER DELETE ON pages WHEN old.id > (SELECT coalesce(max(id), 0) FROM pages) BEGIN
    DELETE FROM meta WHERE key = '${META_WORDS_THROUGH}';
  END;
  ${BUILD_WORD_LIST_SQL}
  `,
  // 10: the pages' index written in shards (store/fts-shard.ts): a page the writer stored whose index row is still in
  // a shard, not yet adopted, is not in pages_fts, and a change to its text goes to its shard. So the triggers that
  // keep pages_fts in step with pages act only for a page it holds (one whose row size is in pages_fts_docsize):
  // a 'delete' of a row the index lacks would take its sizes off the totals bm25 reads.
  `
  DROP TRIGGER pages_ad;
  DROP TRIGGER pages_au;
  CREATE TRIGGER pages_ad AFTER DELETE ON pages WHEN EXISTS (SELECT 1 FROM pages_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, main, rest) VALUES ('delete', old.id, ${ftsColumns('old.')});
  END;
  CREATE TRIGGER pages_au AFTER UPDATE OF title, description, text, main_lines ON pages
    WHEN EXISTS (SELECT 1 FROM pages_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, title, description, main, rest) VALUES ('delete', old.id, ${ftsColumns('old.')});
    INSERT INTO pages_fts(rowid, title, description, main, rest) VALUES (new.id, ${ftsColumns('new.')});
  END;
  `,
  // 11: a host's captures in URL order from an index alone (HOST_URLS_INDEX), built at the first open after an
  // upgrade (3.3 s at a million pages, once).
  `
  CREATE INDEX IF NOT EXISTS ${HOST_URLS_INDEX};
  `,
  // 12: the time index holds the columns a filter tests (TIME_FILTERS_INDEX), so a walk of captures in date order
  // reads no capture row; built at the first open after an upgrade (3.6 s at a million pages, once), and the index it
  // widens dropped.
  `
  CREATE INDEX IF NOT EXISTS ${TIME_FILTERS_INDEX};
  DROP INDEX IF EXISTS ${TIME_PAGE_INDEX_NAME};
  `,
  // 13: captures by media type (MIME_INDEX), built at the first open after an upgrade (2.7-3.1 s at a million pages,
  // once).
  `
  CREATE INDEX IF NOT EXISTS ${MIME_INDEX};
  `,
];

/** The target key of a note or tag, as the SQL of migration 6 and of the tag:/note: filters build it: a page by its
 *  payload digest, a capture by its file row and offset (stable while the file is re-indexed in place). */
export const NOTE_TARGET = {
  page: (digestSql: string) => `'page:' || ${digestSql}`,
  capture: (fileIdSql: string, offsetSql: string) => `'capture:' || ${fileIdSql} || ':' || ${offsetSql}`,
  /** Read back, from the rows of `table` (its `target` column) holding one kind of target, kept by `where`: the
   *  digests of the page targets, and (file id, offset) of the capture targets, for `IN` lists a capture index finds. */
  pageDigests: (table: string, where: string) =>
    `SELECT substr(target, 6) FROM ${table} WHERE ${where} AND target >= 'page:' AND target < 'page;'`,
  captureKeys: (table: string, where: string) =>
    `SELECT CAST(substr(k, 1, instr(k, ':') - 1) AS INTEGER), CAST(substr(k, instr(k, ':') + 1) AS INTEGER)
      FROM (SELECT substr(target, 9) AS k FROM ${table} WHERE ${where} AND target >= 'capture:' AND target < 'capture;')`,
} as const;

export const SCHEMA_VERSION = MIGRATIONS.length;
