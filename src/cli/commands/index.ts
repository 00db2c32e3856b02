import type { Command } from '../command.js';

/** Every sub-command by name, in the order `archivestream --help` lists them (reading a file, then collections, then
 *  replay). A command's module is loaded when it runs: `cdxj` or `check` on one file then starts without the engine,
 *  the exporters and the other commands' code (~80 ms less CPU at start, the start-up row of bench/warc/cores.ts). */
export const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['records', async () => (await import('./records.js')).records],
  ['cdxj', async () => (await import('./cdxj.js')).cdxj],
  ['check', async () => (await import('./check.js')).check],
  ['text', async () => (await import('./text.js')).text],
  ['recompress', async () => (await import('./recompress.js')).recompress],
  ['index', async () => (await import('./ingest.js')).index],
  ['search', async () => (await import('./search.js')).search],
  ['errors', async () => (await import('./errors.js')).errors],
  ['export', async () => (await import('./export.js')).exportCommand],
  ['replay-ledger', async () => (await import('./replay-ledger.js')).replayLedger],
  ['serve', async () => (await import('./serve.js')).serve],
];
