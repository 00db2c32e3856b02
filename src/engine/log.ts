// The engine's log, for attaching to a bug report: one timestamped line per entry in <dataDir>/logs/engine.log,
// rotated by size so it never grows without bound. Writes are synchronous: entries are few (start, notices, failures,
// ingest summaries), and a crash must not lose the line that explains it.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Method } from '../shared/api.js';
import { toApiError } from './errors.js';
import type { EventBus } from './events.js';
import type { Handlers } from './context.js';

export const LOG_FILE = 'engine.log';
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

export type LogLevel = 'info' | 'warn' | 'error';

export interface EngineLog {
  readonly path: string;
  write(level: LogLevel, message: string, error?: unknown): void;
}

export function logsDirOf(dataDir: string): string {
  return join(dataDir, 'logs');
}

/** Line breaks (a stack, a message quoting a file) are escaped, so that one entry is always one line. */
function oneLine(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

export function formatLogLine(at: Date, level: LogLevel, message: string, error?: unknown): string {
  let text = message;
  if (error !== undefined) text += ` — ${error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)}`;
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${oneLine(text)}\n`;
}

/** engine.log -> engine.log.1 -> ... -> engine.log.<keep>; the oldest is dropped. */
function rotate(path: string, keep: number): void {
  rmSync(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  if (existsSync(path)) renameSync(path, `${path}.1`);
}

export function openEngineLog(logsDir: string, opts: { maxBytes?: number; keep?: number; now?: () => Date } = {}): EngineLog {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const keep = opts.keep ?? LOG_KEEP;
  const now = opts.now ?? (() => new Date());
  const path = join(logsDir, LOG_FILE);
  mkdirSync(logsDir, { recursive: true });
  let size = existsSync(path) ? statSync(path).size : 0;
  return {
    path,
    write(level, message, error) {
      const line = formatLogLine(now(), level, message, error);
      const bytes = Buffer.byteLength(line);
      try {
        if (size > 0 && size + bytes > maxBytes) {
          rotate(path, keep);
          size = 0;
        }
        appendFileSync(path, line);
        size += bytes;
      } catch {
        // A full or read-only disk must not take the engine down with it: the log is a help, not a duty.
      }
    },
  };
}

/** Wraps every handler so that an unexpected failure (one that reaches the client as 'internal') is logged with its
 *  stack; expected ones (a damaged file, a bad query) carry their own code and are the user's to see, not a bug. */
export function logFailures<H extends Handlers>(handlers: H, log: EngineLog): H {
  const wrapped = { ...handlers };
  for (const method of Object.keys(handlers) as Method[]) {
    const handler = handlers[method] as (args: unknown) => unknown;
    (wrapped as Record<string, unknown>)[method] = async (args: unknown) => {
      try {
        return await handler(args);
      } catch (e) {
        if (toApiError(e).code === 'internal') log.write('error', `${method} failed`, e);
        throw e;
      }
    };
  }
  return wrapped;
}

/** Notices go to the log as they go to the clients; an ingest run's summary is logged once, when its last file is done. */
export function logEvents(events: EventBus, log: EngineLog): () => void {
  const summarized = new Map<string, string>();
  return events.subscribe((event, payload) => {
    if (event === 'engine.notice') {
      const n = payload as { level: LogLevel; message: string };
      log.write(n.level, n.message);
      return;
    }
    if (event !== 'ingest.progress') return;
    const p = payload as { collection: string; filesDone: number; filesTotal: number; records: number; pages: number; errors: number; bytesDone: number };
    if (p.filesDone < p.filesTotal) {
      summarized.delete(p.collection);
      return;
    }
    // The engine repeats the last progress when a run ends: the same figures are the same run.
    const key = `${p.filesTotal}/${p.records}/${p.bytesDone}`;
    if (summarized.get(p.collection) === key) return;
    summarized.set(p.collection, key);
    log.write('info', `ingest of “${p.collection}” done: ${p.filesTotal} files, ${p.records} records, ${p.pages} pages, ${p.errors} problems, ${p.bytesDone} bytes`);
  });
}
