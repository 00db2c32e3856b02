// Which files the API may read (engine/access.ts): a caller of the API alone, whatever it sends and in whatever
// order, reads no file outside the folders the person allowed and the files of their collections.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Method } from '../../src/shared/api.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { serveIpc } from '../../src/engine/ipc.js';
import { EventEmitter } from 'node:events';
import type { FromEngine } from '../../src/shared/api.js';
import { html, warcFile } from '../core/ingest/warc-builder.js';
import { testEngine } from './harness.js';

let dir: string;
let allowed: string;
let outside: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-access-'));
  allowed = join(dir, 'allowed');
  outside = join(dir, 'outside');
  mkdirSync(allowed);
  mkdirSync(outside);
  const warc = warcFile([{ uri: 'http://example.com/', date: '2020-01-01T00:00:00Z', body: html('T', 'secret') }]);
  writeFileSync(join(allowed, 'a.warc'), warc);
  writeFileSync(join(outside, 'b.warc'), warc);
  symlinkSync(join(outside, 'b.warc'), join(allowed, 'link.warc'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engine = (opts: { announce?: (m: string) => void } = {}) =>
  testEngine({ dataDir: mkdtempSync(join(dir, 'data-')), allowDirs: [allowed], ...opts });

/** Every method that reads a file the caller names, on `file`. */
const readers = (file: string): Array<[Method, unknown]> => [
  ['archive.open', { paths: [file] }],
  ['archive.records', { file }],
  ['archive.record', { file, offset: 0, length: 100 }],
  ['archive.raw', { file, offset: 0, length: 100 }],
  ['record.payload', { file, offset: 0, length: 100 }],
];

describe('files the API may read', () => {
  it("addRoot '/' then archive.raw /etc/passwd: refused, and no API call adds the root", async () => {
    const terminal: string[] = [];
    const e = engine({ announce: (m) => terminal.push(m) });
    expect((await e.fail('settings.update', { addRoot: '/' })).code).toBe('needs-confirmation');
    for (const [method, args] of readers('/etc/passwd')) {
      expect(await e.fail(method, args), method).toMatchObject({ code: 'not-allowed', file: '/etc/passwd' });
    }
    // Guessing the code spends it; the root stays out.
    expect((await e.fail('settings.update', { addRoot: '/', confirmCode: '0000000000' })).code).toBe('not-allowed');
    expect((await e.call('settings.get', {})).allowedRoots).toEqual([allowed]);
    // A code shown for one folder does not allow another.
    expect((await e.fail('settings.update', { addRoot: outside })).code).toBe('needs-confirmation');
    const code = /: ([0-9A-F]{10})$/.exec(terminal.at(-1)!)![1];
    expect((await e.fail('settings.update', { addRoot: '/', confirmCode: code })).code).toBe('not-allowed');
    expect((await e.fail('archive.raw', { file: '/etc/passwd', offset: 0, length: 10 })).code).toBe('not-allowed');
    // files.add cannot make a file a collection's file (which the API may read) either.
    await e.call('collections.create', { name: 'c' });
    expect((await e.fail('files.add', { collection: 'c', paths: ['/etc'] })).code).toBe('not-allowed');
    expect((await e.fail('files.add', { collection: 'c', paths: [join(outside, 'b.warc')] })).code).toBe('not-allowed');
    await e.call('files.add', { collection: 'c', paths: [join(allowed, 'a.warc')] });
    expect((await e.fail('files.relink', { collection: 'c', from: join(allowed, 'a.warc'), to: join(outside, 'b.warc') })).code).toBe('not-allowed');
    expect((await e.fail('fs.browse', { path: '/' })).code).toBe('not-allowed');
    e.handlers.close();
  });

  it('reads inside an allowed folder, but not through a link out of it', async () => {
    const e = engine();
    const inside = join(allowed, 'a.warc');
    for (const [method, args] of readers(inside)) expect((await dispatch(e.handlers, method, args)).ok, method).toBe(true);
    const link = join(allowed, 'link.warc');
    for (const [method, args] of readers(link)) expect((await e.fail(method, args)).code, method).toBe('not-allowed');
    e.handlers.close();
  });

  it('an engine with no terminal to show a code on allows no folder from the API', async () => {
    const e = engine();
    expect((await e.fail('settings.update', { addRoot: outside })).code).toBe('not-allowed');
    expect((await e.call('settings.get', {})).allowedRoots).toEqual([allowed]);
    e.handlers.close();
  });

  it('a confirmed folder, and what the desktop shell grants from its dialog, may be read', async () => {
    const terminal: string[] = [];
    const e = engine({ announce: (m) => terminal.push(m) });
    const file = join(outside, 'b.warc');
    expect((await e.fail('archive.open', { paths: [file] })).code).toBe('not-allowed');
    e.handlers.grant([file]);
    expect((await e.call('archive.open', { paths: [file] }))[0].format).toBe('warc');
    e.handlers.close();

    const other = engine({ announce: (m) => terminal.push(m) });
    expect((await other.fail('settings.update', { addRoot: outside })).code).toBe('needs-confirmation');
    const code = /: ([0-9A-F]{10})$/.exec(terminal.at(-1)!)![1];
    expect((await other.call('settings.update', { addRoot: outside, confirmCode: code })).allowedRoots).toEqual([allowed, outside]);
    expect((await other.call('archive.open', { paths: [file] }))[0].format).toBe('warc');
    other.handlers.close();
  });

  it("the shell's 'allow' message, not a call, lets the engine read a file picked in its dialog", async () => {
    const e = engine();
    const sent: FromEngine[] = [];
    const channel = Object.assign(new EventEmitter(), { send: (m: FromEngine) => sent.push(m) > 0 });
    const stop = serveIpc(channel as unknown as NodeJS.Process, e.handlers, new EventBus(), (paths) => e.handlers.grant(paths));
    const file = join(outside, 'b.warc');
    const reply = async (id: number) => {
      channel.emit('message', { kind: 'call', id, method: 'archive.open', args: { paths: [file] } });
      await vi.waitFor(() => expect(sent.some((m) => m.kind === 'reply' && m.id === id)).toBe(true));
      return sent.find((m) => m.kind === 'reply' && m.id === id) as Extract<FromEngine, { kind: 'reply' }>;
    };
    expect((await reply(1)).reply).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    channel.emit('message', { kind: 'allow', paths: [file] });
    expect((await reply(2)).reply).toMatchObject({ ok: true });
    stop();
    e.handlers.close();
  });
});
