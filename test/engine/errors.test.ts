// The error contract (issue 11): a failure reaches the client with its code only when it was thrown as a CodedError
// (a code of the contract); anything else, whatever `code` property it carries, is 'internal' and logged as a bug.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../src/shared/errors.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { toApiError } from '../../src/engine/errors.js';
import { EventBus } from '../../src/engine/events.js';
import type { Handlers } from '../../src/engine/context.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { logFailures, openEngineLog } from '../../src/engine/log.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'as-errors-'));

/** Handlers where engine.info throws `e`: dispatch validates the (empty) arguments and runs it. */
const throwing = (e: unknown) => ({ 'engine.info': () => { throw e; } }) as unknown as Handlers;

describe('error contract', () => {
  it('passes a coded error on with its code, file and offset', async () => {
    const e = new CodedError('collection-exists', 'A collection named “x” already exists.', '/data/x.warc', 42);
    expect(await dispatch(throwing(e), 'engine.info', {})).toEqual({
      ok: false,
      error: { code: 'collection-exists', message: 'A collection named “x” already exists.', file: '/data/x.warc', offset: 42 },
    });
  });

  it('turns an error with a code of its own (not a CodedError) into internal, and logs it', async () => {
    // The guess this replaced let any code without a leading 'E' through: these two reached clients unlisted.
    const invented = Object.assign(new Error('the disk is on fire'), { code: 'disk-on-fire' });
    const sqlite = (() => {
      try {
        new Database(':memory:').prepare('SELECT * FROM no_such_table');
      } catch (e) {
        return e;
      }
      throw new Error('expected SQLite to refuse the statement');
    })();
    expect((sqlite as { code: string }).code).toBe('SQLITE_ERROR');
    const dir = fresh();
    const log = openEngineLog(dir);
    for (const e of [invented, sqlite]) {
      const reply = await dispatch(logFailures(throwing(e), log), 'engine.info', {});
      expect(reply).toEqual({ ok: false, error: { code: 'internal', message: (e as Error).message } });
    }
    const logged = readFileSync(log.path, 'utf8');
    expect(logged).toContain('the disk is on fire');
    expect(logged).toContain('no such table');
  });

  it('carries the codes the core raises: an archive problem with its file and offset, a query syntax error', async () => {
    const dataDir = fresh();
    const notArchive = join(dataDir, 'notes.warc');
    writeFileSync(notArchive, 'just some text, not an archive\n');
    const handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir, allowDirs: [dataDir] });
    try {
      const opened = await dispatch(handlers, 'archive.open', { paths: [notArchive] });
      expect(opened).toMatchObject({ ok: false, error: { code: 'not-an-archive', file: notArchive, offset: 0 } });
      await dispatch(handlers, 'collections.create', { name: 'c' });
      const searched = await dispatch(handlers, 'search.query', { collection: 'c', q: '"unclosed' });
      expect(searched).toMatchObject({ ok: false, error: { code: 'query-syntax' } });
      const missing = await dispatch(handlers, 'collections.get', { collection: 'nope' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'collection-not-found' } });
    } finally {
      handlers.close();
    }
  });

  it("maps the OS's missing file to file-not-found and anything thrown that is not an Error to internal", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT' });
    expect(toApiError(enoent)).toEqual({ code: 'file-not-found', message: enoent.message });
    expect(toApiError('a string')).toEqual({ code: 'internal', message: 'a string' });
  });

  it('accepts only codes of the contract (checked by the type-checker)', () => {
    // @ts-expect-error 'disk-on-fire' is not an ErrorCode: a new code has to be added to src/shared/errors.ts first.
    const e = new CodedError('disk-on-fire', 'x');
    expect(e.code).toBe('disk-on-fire');
  });
});
