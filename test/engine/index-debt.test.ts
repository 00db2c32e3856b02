// The engine opening a collection whose last ingest was killed before it rebuilt the capture indexes: it builds them
// off the thread that answers, says so (engine.notice, which the log and the UI show) with each index built, and an
// ingest started meanwhile waits for them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3'; // test-only: puts the database in the state a kill -9 leaves, and reads its schema
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CAPTURE_INDEX_NAMES, META_INDEXES_DEFERRED } from '../../src/core/store/schema.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { testEngine } from './harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-engine-debt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engine = (dataDir: string) => testEngine({ dataDir, allowDirs: [dir] });

function indexesOf(db: string): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    const names = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'captures'").all() as Array<{ name: string }>).map((r) => r.name);
    return CAPTURE_INDEX_NAMES.filter((n) => names.includes(n));
  } finally {
    raw.close();
  }
}

describe('capture indexes owed when the engine opens a collection', () => {
  it('are built in the background, with a notice for each, and the collection answers meanwhile', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const warc = join(dir, 'a.warc');
    writeFileSync(warc, warcFile([{ uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('Home', 'welcome') }]));
    const first = engine(dataDir);
    const db = await first.ingested('c', [warc]);
    first.close();

    // What a kill -9 after the last file was marked done leaves: the indexes dropped, by a process that is gone.
    const raw = new Database(db);
    for (const name of CAPTURE_INDEX_NAMES) raw.exec(`DROP INDEX ${name}`);
    raw.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_INDEXES_DEFERRED, String(spawnSync(process.execPath, ['-e', '']).pid));
    raw.close();

    const second = engine(dataDir);
    expect((await second.call('collections.get', { collection: 'c' })).captures).toBe(1);
    expect(second.notices[0]).toMatch(/^“c”: building the lookup indexes an interrupted ingest left out/);
    await vi.waitFor(() => expect(second.notices).toContain(`“c”: lookup index ${CAPTURE_INDEX_NAMES.length} of ${CAPTURE_INDEX_NAMES.length} built.`), { timeout: 20_000 });
    expect(indexesOf(db)).toEqual(CAPTURE_INDEX_NAMES);
    second.close();
  });
});
