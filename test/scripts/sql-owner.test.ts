// One owner for SQL (CONTRIBUTING.md, 'SQL'): statements are written only in the store (src/core/store) and search
// (src/core/search), next to the schema they depend on; everything else calls their methods. A statement written
// anywhere else in src fails here, named by file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', '..', 'src');
const OWNERS = [join('core', 'store') + sep, join('core', 'search') + sep];

/** The start of an SQL statement as this project writes them (keywords in capitals). */
const STATEMENT =
  /\b(?:SELECT\b[^;]{0,300}?\bFROM\b|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|DELETE\s+FROM\b|UPDATE\s+\w+\s+SET\b|(?:CREATE|DROP)\s+(?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX)\b|PRAGMA\s+\w)/g;

/** The 1-based lines where a statement starts in `text`. */
function statementLines(text: string): number[] {
  return [...text.matchAll(STATEMENT)].map((m) => text.slice(0, m.index).split('\n').length);
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|mjs)$/.test(entry.name)) yield path;
  }
}

describe('SQL', () => {
  it('is recognised where it is written, and not in words that merely look like it', () => {
    // The statements the engine used to run itself, before the store and search owned them.
    expect(statementLines("c.all({ sql: 'DELETE FROM captures WHERE file_id = @id RETURNING id', params })")).toEqual([1]);
    expect(statementLines("c.get({\n  sql: `SELECT ${CAPTURE_COLUMNS} FROM captures c\n  WHERE c.id = @id` })")).toEqual([2]);
    expect(statementLines("'UPDATE warc_files SET path = @to WHERE id = @id'")).toEqual([1]);
    expect(statementLines("db.pragma('x'); db.exec('PRAGMA optimize')")).toEqual([1]);
    // A tag name and prose are not statements.
    expect(statementLines("['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) // select the text from the page")).toEqual([]);
  });

  it('is written only in the store and search modules', () => {
    const found = [...sourceFiles(SRC)].flatMap((file) =>
      statementLines(readFileSync(file, 'utf8')).map((line) => ({ file: relative(SRC, file), line })));
    const owned = (f: { file: string }) => OWNERS.some((owner) => f.file.startsWith(owner));
    // The owners' own statements are found: the search reads the files it means to.
    expect(found.filter(owned).length).toBeGreaterThan(20);
    expect(found.filter((f) => !owned(f)).map((f) => `${f.file}:${f.line}`)).toEqual([]);
  });
});
