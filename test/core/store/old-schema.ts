// A collection at the schema just before one migration, as the code of that time made it: for the tests that open it
// and check the migration carries it forward.
import Database from 'better-sqlite3'; // test-only: writes the schema as the earlier code did
import { expect } from 'vitest';
import { registerSqlFunctions } from '../../../src/core/store/index.js';
import { MIGRATIONS } from '../../../src/core/store/schema.js';

/** A raw connection to a new database at `path` holding every migration before the first whose SQL contains
 *  `marker` (found by what it creates, never a hard-coded number), with the store's SQL functions registered. */
export function schemaBefore(path: string, marker: string): Database.Database {
  const before = MIGRATIONS.findIndex((m) => m.includes(marker));
  expect(before).toBeGreaterThan(0);
  const raw = new Database(path);
  registerSqlFunctions(raw);
  MIGRATIONS.slice(0, before).forEach((sql, v) => {
    raw.exec(sql);
    raw.pragma(`user_version = ${v + 1}`);
  });
  return raw;
}
