// The counts a collection's summary shows (collections.list / collections.get) are read again only when the database
// changed: after another connection committed (an ingest's writer thread, the CLI indexing the same file), or after
// this engine's own writes (files.remove). A stale count in either case fails here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../src/core/ingest/index.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { testEngine } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'as-counts-'));
mkdirSync(join(dir, 'data'));
const engine = testEngine({ dataDir: join(dir, 'data'), allowDirs: [dir] });
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

function archive(name: string, pages: number): string {
  const path = join(dir, `${name}.warc`);
  const records = Array.from({ length: pages }, (_, i) => ({ uri: `http://${name}.example/${i}`, date: '2022-01-02T03:04:05Z', body: html(`${name} ${i}`, `words of ${name} page ${i}`) }));
  writeFileSync(path, warcFile(records, false));
  return path;
}

describe('collection counts', () => {
  it('follow an ingest, a commit by another connection, and the engine’s own removal of a file', async () => {
    const a = archive('alpha', 5);
    const db = await engine.ingested('c', [a]);
    expect(await engine.call('collections.get', { collection: 'c' })).toMatchObject({ captures: 5, pages: 5 });
    // Asked again with nothing changed: the same figures.
    expect((await engine.call('collections.list', {})).find((c) => c.name === 'c')).toMatchObject({ captures: 5, pages: 5 });

    // Another connection indexes a second file into the same database while the engine has it open.
    await ingestCollection(db, [archive('beta', 3)], { workers: 1 });
    expect(await engine.call('collections.get', { collection: 'c' })).toMatchObject({ captures: 8, pages: 8 });

    // The engine's own write, on its own connection (which data_version does not count).
    await engine.call('files.remove', { collection: 'c', paths: [a] });
    expect(await engine.call('collections.get', { collection: 'c' })).toMatchObject({ captures: 3, pages: 3 });
  }, 60_000);
});
