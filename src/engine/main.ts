// The engine process: a plain Node process (ARCHITECTURE.md: mmap'd Buffers cannot live in Electron's V8 memory cage).
// Its flags are USAGE below (`--help` prints them). However it is told to stop (SIGINT, SIGTERM, SIGHUP, its parent
// gone, the shell's channel closed), it stops one way: `stopEngine()` cancels a running ingest, closes every database and
// only then exits, so no -wal file or half-written transaction is left behind.
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
import { DEFAULT_METRICS_PORT } from './metrics-listener.js';
import { startReplay } from './replay-handlers.js';

const argv = process.argv.slice(2);

const USAGE = `Usage: node out/node/engine.mjs [flags]   (npm start -- [flags] runs it for you)
  --data-dir DIR       where collections, settings and logs live (default: the platform's user-data folder)
  --allow-dir DIR      a folder whose archives may be opened and browsed (repeatable); more can be allowed in Settings
  --port N             browser mode: the UI's port on 127.0.0.1 (default: any free one)
  --replay-port N      the replay origin's port, where archived pages are served from (default: any free one)
  --ipc                serve the desktop shell over the IPC channel it started the engine with
  --metrics-port N     with --ipc: while metrics are on (Settings, Telemetry), /metrics listens on 127.0.0.1:N
                       (default: ARCHIVESTREAM_METRICS_PORT, else 9464); browser mode serves it on --port
  --help               print this and exit
`;
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
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
/** How often browser mode checks that its parent is still there. */
const PARENT_POLL_MS = 1000;
let closeServing: () => Promise<void> = async () => {};
let stopping: Promise<void> | null = null;
function stopWith(close: () => Promise<void>): void {
  closeServing = close;
}
/** The one way the engine stops; a second signal while stopping changes nothing. */
function stopEngine(why: string): Promise<void> {
  stopping ??= closeServing()
    .catch((e: unknown) => log.write('error', 'stopping the engine failed', e))
    .then(async () => {
      log.write('info', `engine ${process.pid} stopped: ${why}`);
      await telemetry.shutdown(); // flushes spans still on their way to an OTLP receiver
      process.exit(0);
    });
  return stopping;
}
// Listening before anything is served: a signal that comes the moment the shell hears 'ready' finds it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopEngine(signal));
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
  // The shell forks us with its environment, so ARCHIVESTREAM_METRICS_PORT reaches a desktop user's engine.
  const metricsPort = Number(flag('--metrics-port') ?? process.env.ARCHIVESTREAM_METRICS_PORT ?? DEFAULT_METRICS_PORT);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
    process.stderr.write(`archivestream engine: --metrics-port (or ARCHIVESTREAM_METRICS_PORT) must be a port number, not "${flag('--metrics-port') ?? process.env.ARCHIVESTREAM_METRICS_PORT}"\n`);
    process.exit(2);
  }
  const handlers = createHandlers({ mode: 'ipc', events, dataDir, telemetry, allowDirs, announce, replay, metricsPort });
  const stop = serveIpc(process, logFailures(handlers, log), events, (paths) => handlers.grant(paths));
  // The shell owns us: when its end of the channel closes, we go too.
  stopWith(async () => {
    stop();
    await replay.close();
    await handlers.close();
  });
  process.on('disconnect', () => void stopEngine('the shell closed the channel'));
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
  stopWith(async () => {
    await Promise.all([engine.close(), replay.close()]);
    await handlers.close();
  });
  // Whoever started us (`npm start`'s script, a shell) is gone without telling us: a parent killed by SIGKILL, or
  // npm stopped by a signal it did not pass on. Its children are reparented, so our parent's pid changes.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stopEngine('the process that started it went away');
  }, PARENT_POLL_MS).unref();
}
