// Browser mode's engine, kept running: `npm start` restarts it when it dies of anything but a stop asked for, and says
// why. A restarted engine serves the same port and the same token, so an open tab carries on (after a reload) without
// a new address. The desktop shell does the same for its engine (src/main/engine-process.ts).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Restarts in a row before giving up; an engine that ran STABLE_MS before dying starts the count again. */
export const MAX_RESTARTS = 5;
const STABLE_MS = 60_000;
const URL_LINE = /running in browser mode: (http:\/\/\S+)/;

/** Why an engine stopped, in words; SIGBUS is what a mapped archive file cut under the reader raises. */
export function exitReason(code, signal) {
  if (signal === 'SIGBUS')
    return 'killed by SIGBUS: an archive file was probably cut or rewritten while it was being read (the file list shows it as changed; index it again)';
  if (signal) return `killed by ${signal}`;
  return `exited with code ${code}`;
}

/**
 * Runs `node script ...args` as the engine and restarts it as above.
 * @param {{ node: string, script: string, args: string[], log?: (line: string) => void, onExit?: (code: number) => void }} opts
 * `onExit` is told the status `npm start` should exit with: the engine's own when it stopped on its own or was asked
 * to, 1 after too many restarts.
 */
export function superviseEngine({ node, script, args, log = (l) => console.error(l), onExit = () => {} }) {
  const token = randomBytes(24).toString('base64url');
  let port = null;
  let child = null;
  let stopping = false;
  let restarts = 0;
  let url = null;

  const start = () => {
    const startedAt = Date.now();
    const portArgs = port && !args.includes('--port') ? ['--port', String(port)] : [];
    const engine = spawn(node, [script, ...args, ...portArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ARCHIVESTREAM_TOKEN: token },
    });
    child = engine;
    engine.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const m = URL_LINE.exec(String(chunk));
      if (m) {
        url = m[1];
        port = Number(new URL(m[1]).port);
      }
    });
    engine.on('exit', (code, signal) => {
      if (child !== engine) return;
      child = null;
      if (stopping || (code === 0 && !signal)) return onExit(code ?? 0);
      // One that never came up would fail the same way again: its own message says why.
      if (!url) return onExit(code ?? 1);
      if (Date.now() - startedAt > STABLE_MS) restarts = 0;
      if (restarts >= MAX_RESTARTS) {
        log(`archivestream: the engine ${exitReason(code, signal)}; it stopped ${restarts + 1} times in a row, so it is not restarted again`);
        return onExit(1);
      }
      restarts++;
      log(`archivestream: the engine ${exitReason(code, signal)}; restarting it (${restarts} of ${MAX_RESTARTS})${port ? `, at the same address (reload the page)` : ''}`);
      start();
    });
  };
  start();

  return {
    /** The running engine's process id (undefined between a death and the restart). */
    get pid() {
      return child?.pid;
    },
    /** The address with the token, once the engine has printed it. */
    get url() {
      return url;
    },
    /** Passes the signal on and lets the engine stop for good. */
    stop(signal = 'SIGTERM') {
      stopping = true;
      child?.kill(signal);
    },
  };
}
