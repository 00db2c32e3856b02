// Removing and relinking a collection's archive files through the engine (the store's forgetFile and moveFile): a
// file moved with its content unchanged keeps its index under the new path; one whose content changed, or that is
// removed, takes everything indexed from it along, pages only it held included.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import type { ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = (n: number, word: string) => ({ uri: `http://example.com/${n}`, date: '2024-02-03T04:05:06Z', body: html(`Page ${n}`, word) });

describe('archive files of a collection', () => {
  it('relinks a moved file keeping its index, redoes a changed one, and forgets a removed one', async () => {
    const a = join(dir, 'a.warc');
    const b = join(dir, 'b.warc');
    writeFileSync(a, warcFile([page(1, 'zebra'), page(2, 'okapi')]));
    writeFileSync(b, warcFile([page(3, 'lemur')]));
    const handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [dir] });
    async function call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const r = await dispatch(handlers, method, args);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value as ResultOf<M>;
    }
    const ingested = async () => {
      await call('ingest.start', { collection: 'c' });
      for (let i = 0; i < 200 && (await call('collections.get', { collection: 'c' })).ingest.running; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return call('collections.get', { collection: 'c' });
    };
    const hits = async (q: string) => (await call('search.query', { collection: 'c', q })).hits.map((h) => h.capture.file);
    try {
      await call('collections.create', { name: 'c' });
      await call('files.add', { collection: 'c', paths: [a, b] });
      expect(await ingested()).toMatchObject({ captures: 3, pages: 3 });

      // Same bytes elsewhere: the index stays and its captures point at the new place.
      const moved = join(dir, 'moved.warc');
      copyFileSync(a, moved);
      const relinked = await call('files.relink', { collection: 'c', from: a, to: moved });
      expect(relinked.find((f) => f.path === moved)).toMatchObject({ state: 'done', records: 2 });
      expect(await hits('zebra')).toEqual([moved]);

      // Other bytes under the name it is relinked to: what was indexed from it goes, and the next run redoes it.
      const changed = join(dir, 'changed.warc');
      writeFileSync(changed, warcFile([page(4, 'tapir')]));
      const redo = await call('files.relink', { collection: 'c', from: moved, to: changed });
      expect(redo.find((f) => f.path === changed)).toMatchObject({ state: 'pending', records: 0 });
      expect(await call('collections.get', { collection: 'c' })).toMatchObject({ captures: 1, pages: 1 });
      expect(await hits('zebra')).toEqual([]);
      expect(await ingested()).toMatchObject({ captures: 2, pages: 2 });
      expect(await hits('tapir')).toEqual([changed]);

      // Removed: its captures, its problems and the pages only it held are gone; the other file's stay.
      const left = await call('files.remove', { collection: 'c', paths: [b] });
      expect(left.map((f) => f.path)).toEqual([changed]);
      expect(await call('collections.get', { collection: 'c' })).toMatchObject({ captures: 1, pages: 1 });
      expect(await hits('lemur')).toEqual([]);
      expect(await hits('tapir')).toEqual([changed]);
    } finally {
      handlers.close();
    }
  });
});
