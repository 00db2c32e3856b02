// `archivestream serve <db> [--port N]`: browser mode on one collection, for a machine with no display: the engine
// (out/node/engine.mjs, as `npm start` runs it without Electron) in a data folder of its own that lists only this
// collection, so the UI opens on it. Prints the address to open; Ctrl+C stops the engine and removes that folder.
//
// The collection's database is not copied: the data folder holds a symbolic link to it (SQLite follows the link, so
// its WAL stays beside the real file) and the registry file that names it, which is what the engine's registry
// (src/engine/registry.ts) reads at start.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openCollection } from '../collection.js';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';

const LINKED_DB = 'collection.sqlite';

/** The registry file of the serving data folder: the one collection, its archive files, and the UI opening on it. */
export function servedRegistry(name: string, files: string[], createdAt: string) {
  return {
    version: 1,
    collections: [{ name, db: LINKED_DB, createdAt, files }],
    settings: { lastCollection: name },
  };
}

/** The engine's bundle sits beside the CLI's in out/node (this code runs from a chunk there). */
function engineScript(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'engine.mjs');
}

export const serve: Command = {
  name: 'serve',
  usage: 'serve <db> [--port N]',
  summary: 'browser mode on one collection, for a machine with no display (prints the address)',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['port']);
    if (positional.length !== 1) throw new UsageError('give one <db>');
    const port = flags.get('port') ?? '0';
    if (port === true || !/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError('--port needs a port number (0-65535)');
    const db = positional[0];
    const script = engineScript();
    if (!existsSync(script)) {
      io.err(`archivestream serve: the engine is not built (${script} is missing): run \`npm run build\``);
      return 2;
    }

    const coll = openCollection(db);
    let files: string[];
    try {
      files = coll.files().map((f) => f.path);
    } finally {
      coll.close();
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'archivestream-serve-'));
    try {
      symlinkSync(realpathSync(db), join(dataDir, LINKED_DB));
      const name = basename(db).replace(/\.[^.]+$/, '') || 'collection';
      writeFileSync(join(dataDir, 'archivestream.json'), JSON.stringify(servedRegistry(name, files, new Date().toISOString()), null, 2));
      return await runEngine(script, ['--data-dir', dataDir, '--port', port], io);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

/** Runs the engine until it exits, passing its output on. It runs in a process group of its own, so that a terminal's
 *  Ctrl+C reaches it once, from here (SIGTERM too), and it stops cleanly: its own handler closes the servers and the
 *  collection. */
function runEngine(script: string, args: string[], io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
    createInterface({ input: child.stdout }).on('line', (line) => io.out(line));
    createInterface({ input: child.stderr }).on('line', (line) => io.err(line));
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      // Stopped by the signal we passed on is a clean stop too.
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}
