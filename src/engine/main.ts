// The engine process: a plain Node process (ARCHITECTURE.md: mmap'd Buffers cannot live in Electron's V8 memory cage).
//   node out/node/engine.mjs --ipc               served to the Electron shell over the IPC channel
//   node out/node/engine.mjs [--port N]          browser mode on 127.0.0.1, prints the URL to open
//   --data-dir DIR                               where collections live (default: the platform's user data folder)
//   --allow-dir DIR (repeatable)                 a folder whose archives the API may open (and the folder browser show)
//   --replay-port N                              the replay origin's port (default: any free one)
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from './data-dir.js';
import { startTelemetry } from '../core/telemetry/sdk.js';
import { EventBus } from './events.js';
import { createHandlers } from './handlers.js';
import { serveHttp } from './http.js';
import { serveIpc } from './ipc.js';
import { logEvents, logFailures, logsDirOf, openEngineLog } from './log.js';
import { startReplay } from './replay-handlers.js';

const argv = process.argv.slice(2);
const events = new EventBus();

function flag(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const dataDir = flag('--data-dir') ?? defaultDataDir();
mkdirSync(dataDir, { recursive: true });
const log = openEngineLog(logsDirOf(dataDir));
log.write('info', `engine ${process.pid} started (node ${process.version}, ${process.platform}-${process.arch}, ${argv.includes('--ipc') ? 'ipc' : 'http'}), data in ${dataDir}`);
logEvents(events, log);
process.on('uncaughtException', (e) => {
  log.write('error', 'uncaught exception: the engine stops', e);
  process.exit(70);
});
process.on('unhandledRejection', (e) => log.write('error', 'unhandled rejection', e));
const allowDirs = argv.flatMap((a, i) => (a === '--allow-dir' && argv[i + 1] ? [argv[i + 1]] : []));
// The terminal is where the person who started us sees what no API caller can: a code that confirms a folder to allow.
// The log says only that one was shown (the log's folder is no secret to the API).
const announce = (message: string) => {
  process.stderr.write(`${message}\n`);
  log.write('info', 'a code to confirm a folder to allow was printed on the terminal');
};
// Always on: the app shows its own recent spans (the Profiler); they are also exported when Settings or the OTEL_*
// variables say where.
const telemetry = startTelemetry({ process: 'engine', warn: (m) => log.write('warn', m) });
// Archived pages are served from an origin of their own, in both modes: never the API's, so their scripts cannot call
// the engine.
const replay = await startReplay(dataDir, flag('--replay-port') ? Number(flag('--replay-port')) : 0);
log.write('info', `replay origin ${replay.server.origin}`);

if (argv.includes('--ipc')) {
  if (!process.send) {
    process.stderr.write('archivestream engine: --ipc needs to be started with an IPC channel\n');
    process.exit(2);
  }
  const handlers = createHandlers({ mode: 'ipc', events, dataDir, telemetry, allowDirs, announce, replay });
  const stop = serveIpc(process, logFailures(handlers, log), events, (paths) => handlers.grant(paths));
  // The shell owns us: when its end of the channel closes, we go too.
  process.on('disconnect', () => {
    stop();
    handlers.close();
    void replay.close();
    log.write('info', `engine ${process.pid} stopped: the shell closed the channel`);
    process.exit(0);
  });
} else {
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = join(here, '..', 'renderer');
  const handlers = createHandlers({ mode: 'http', events, dataDir, telemetry, allowDirs, announce, replay });
  const engine = await serveHttp({
    handlers: logFailures(handlers, log),
    events,
    staticDir: existsSync(join(staticDir, 'index.html')) ? staticDir : null,
    port: flag('--port') ? Number(flag('--port')) : 0,
    // `npm start` hands the engine its token, so that an engine it restarts accepts the tabs already open.
    token: process.env.ARCHIVESTREAM_TOKEN || undefined,
    replayOrigin: replay.server.origin,
    metrics: handlers.serveMetrics,
  });
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write('archivestream: the UI is not built (run `npm run build`); serving the API only\n');
  }
  process.stdout.write(`ArchiveStream is running in browser mode: ${engine.url}\n`);
  const shutdown = () => {
    void Promise.all([engine.close(), replay.close()]).then(async () => {
      handlers.close();
      log.write('info', `engine ${process.pid} stopped`);
      await telemetry.shutdown(); // flushes spans still on their way to an OTLP receiver
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
