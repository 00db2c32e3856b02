// A collection whose database file cannot be written (here made immutable with chattr +i, which binds root too; a
// read-only mount is what users meet, and the CLI's tests use one): the engine opens it read-only, says that writes
// are unavailable, answers searches, and refuses what would write with 'read-only'. Skips, saying so, where chattr
// is not available.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { testEngine } from './harness.js';

let dir: string;
let locked: string | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-engine-ro-'));
});
afterAll(() => {
  if (locked) spawnSync('chattr', ['-i', locked]);
  rmSync(dir, { recursive: true, force: true });
});

const engine = (dataDir: string) => testEngine({ dataDir, allowDirs: [dir] });

describe('a collection the engine cannot write', () => {
  it('is searched and read, says writes are unavailable, and refuses to ingest', async (ctx) => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const warc = join(dir, 'a.warc');
    writeFileSync(warc, warcFile([{ uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('Home', 'welcome aboard') }]));
    const first = engine(dataDir);
    const db = await first.ingested('c', [warc]);
    first.close();

    if (spawnSync('chattr', ['+i', db]).status !== 0) {
      console.log('read-only collection: chattr +i is not available here, so this case skips');
      ctx.skip();
    }
    locked = db;

    const e = engine(dataDir);
    expect((await e.call('search.query', { collection: 'c', q: 'aboard' })).hits).toHaveLength(1);
    expect(e.notices).toContain('“c”: its file or disk is read-only: it can be searched and read, but not added to or ingested.');
    expect(await e.fail('ingest.start', { collection: 'c', backend: 'cpu' })).toMatchObject({ code: 'read-only', file: db });
    expect((await e.fail('files.remove', { collection: 'c', paths: [warc] })).code).toBe('read-only');
    e.close();
  });
});
