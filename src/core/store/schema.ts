// The collection schema as forward migrations. PRAGMA user_version holds how many have run; opening a collection runs
// the rest in one transaction each, so setup is idempotent and an old collection is upgraded in place.

/** The FTS5 tokenizer: unicode61 with remove_diacritics 2 so "cafe" finds "café" (also for letters whose accent
 *  sits on a codepoint U+0300..036F after NFD, which level 1 misses); marks (M*) count as token characters so Thai,
 *  Devanagari and Arabic words are not cut at every vowel sign. */
export const FTS_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'";

/** bm25 column weights for (title, description, body): a word in the title counts ten times a word in the body. */
export const BM25_WEIGHTS = [10.0, 3.0, 1.0] as const;

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
  CREATE INDEX captures_urlkey ON captures(urlkey, timestamp);
  CREATE INDEX captures_uri ON captures(uri, timestamp);
  CREATE INDEX captures_rhost ON captures(rhost);
  CREATE INDEX captures_digest ON captures(digest, timestamp);
  CREATE INDEX captures_timestamp ON captures(timestamp);

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
  INSERT INTO pages_fts(pages_fts, rank) VALUES ('rank', 'bm25(${BM25_WEIGHTS.join(', ')})');

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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
