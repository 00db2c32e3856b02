// The engine's log (issue "The workstation UI", part 2): one timestamped line per entry, rotated at a size, the
// oldest dropped; unexpected handler failures logged with their stack; notices and ingest summaries logged.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';
import { formatLogLine, logEvents, logFailures, logsDirOf, openEngineLog } from '../../src/engine/log.js';
import { dispatch } from '../../src/engine/dispatch.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'as-log-'));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('engine log', () => {
  it('writes one timestamped line per entry, a stack included', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const err = new Error('boom\nsecond line');
    const line = formatLogLine(at, 'error', 'ingest failed', err);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line).toMatch(/^2026-01-02T03:04:05\.678Z ERROR ingest failed — Error: boom\\nsecond line\\n {4}at /);
  });

  it('rotates at the size limit and keeps only the newest files', () => {
    const dir = fresh();
    const log = openEngineLog(dir, { maxBytes: 200, keep: 3 });
    for (let i = 0; i < 40; i++) log.write('info', `entry ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual(['engine.log', 'engine.log.1', 'engine.log.2', 'engine.log.3']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(200);
    // The newest entry is in engine.log, the one before it in .1: rotation moved files, it did not drop recent lines.
    const current = lines(log.path);
    expect(current.at(-1)).toContain('entry 39');
    const previous = lines(`${log.path}.1`);
    expect(Number(/entry (\d+)/.exec(previous.at(-1)!)![1])).toBe(Number(/entry (\d+)/.exec(current[0])![1]) - 1);
    expect(readFileSync(join(dir, 'engine.log.3'), 'utf8')).not.toContain('entry 00');
  });

  it('goes on appending to the log an earlier engine left', () => {
    const dir = fresh();
    openEngineLog(dir).write('info', 'first run');
    openEngineLog(dir).write('info', 'second run');
    expect(lines(join(dir, 'engine.log')).map((l) => l.replace(/^\S+ \S+ +/, ''))).toEqual(['first run', 'second run']);
  });

  it('logs unexpected handler failures with their stack, not expected coded errors', async () => {
    const dataDir = fresh();
    const log = openEngineLog(logsDirOf(dataDir));
    const handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir, allowDirs: [dataDir] });
    const logged = logFailures(
      { ...handlers, 'engine.info': () => Promise.reject(new TypeError('a bug')) },
      log,
    );
    expect(await dispatch(logged, 'engine.info', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await dispatch(logged, 'archive.open', { paths: [join(dataDir, 'missing.warc')] })).toMatchObject({ ok: false, error: { code: 'file-not-found' } });
    const text = lines(log.path);
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(/ERROR engine\.info failed — TypeError: a bug\\n {4}at /);
    handlers.close();
  });

  it('logs notices and one summary per finished ingest run', () => {
    const log = openEngineLog(fresh());
    const events = new EventBus();
    const stop = logEvents(events, log);
    const progress = { collection: 'c', filesDone: 1, filesTotal: 2, records: 10, bytesDone: 100, bytesTotal: 200, pages: 3, errors: 0, rate: 0, etaSeconds: null, files: [] };
    events.emit('ingest.progress', progress);
    events.emit('ingest.progress', { ...progress, filesDone: 2, records: 20, bytesDone: 200 });
    events.emit('ingest.progress', { ...progress, filesDone: 2, records: 20, bytesDone: 200 }); // the repeat at run end
    events.emit('engine.notice', { level: 'warn', message: 'the engine restarted' });
    stop();
    events.emit('engine.notice', { level: 'error', message: 'after unsubscribe' });
    const text = lines(log.path);
    expect(text).toHaveLength(2);
    expect(text[0]).toMatch(/INFO {2}ingest of “c” done: 2 files, 20 records, 3 pages, 0 problems, 200 bytes$/);
    expect(text[1]).toMatch(/WARN {2}the engine restarted$/);
  });

  it('app.paths names the data folder and the log folder inside it', async () => {
    const dataDir = fresh();
    const handlers = createHandlers({ mode: 'http', events: new EventBus(), dataDir });
    const paths = await dispatch(handlers, 'app.paths', {});
    expect(paths).toEqual({ ok: true, value: { dataDir, logsDir: join(dataDir, 'logs') } });
    handlers.close();
  });
});
