// Starts the engine as a plain Node child process, forwards calls to it, and restarts it when it dies.
// No electron import: the shell passes in what it knows, and the tests drive this class directly.
import { fork, type ChildProcess } from 'node:child_process';
import type { ApiEvents, EventName, FromEngine, Reply, ToEngine } from '../shared/api.js';

export interface EngineCommand {
  /** The Node binary that runs the engine (never Electron's own: see ARCHITECTURE.md, V8 memory cage). */
  node: string;
  script: string;
  args: string[];
}

export interface EngineProcessEvents {
  event: (name: EventName, payload: ApiEvents[EventName]) => void;
  /** The engine exited unexpectedly and is being restarted (attempt counts from 1). */
  restart: (info: { code: number | null; signal: string | null; attempt: number }) => void;
}

const MAX_RESTARTS = 5;
/** How long a stopping engine gets to cancel its ingest and close its databases before it is killed: killing it
 *  sooner would leave the WAL of a database mid-write (it takes well under a second on an idle machine). */
export const STOP_GRACE_MS = 15_000;

export class EngineProcess {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private pending = new Map<number, (reply: Reply<unknown>) => void>();
  private restarts = 0;
  private stopping = false;
  private ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly command: EngineCommand,
    private readonly listeners: Partial<EngineProcessEvents> = {},
  ) {}

  start(): Promise<void> {
    const child = fork(this.command.script, [...this.command.args, '--ipc'], {
      execPath: this.command.node,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromEngine) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'reply') {
          this.pending.get(m.id)?.(m.reply);
          this.pending.delete(m.id);
        } else if (m.kind === 'event') this.listeners.event?.(m.event, m.payload);
      };
      child.on('message', onMessage);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        reject(new Error(`engine exited before it was ready (code ${code}, signal ${signal})`));
        this.onExit(child, code, signal);
      });
    });
    return this.ready;
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    for (const resolve of this.pending.values()) {
      resolve({ ok: false, error: { code: 'internal', message: 'the engine stopped while answering; it is being restarted' } });
    }
    this.pending.clear();
    // Exit code 0 is an engine that was told to stop (a signal from the terminal, Ctrl+C) and did: not a crash.
    if (this.stopping || (code === 0 && !signal) || this.restarts >= MAX_RESTARTS) return;
    this.restarts++;
    this.listeners.restart?.({ code, signal, attempt: this.restarts });
    void this.start().catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** `traceparent`: the renderer's span the call belongs to, carried to the engine on the message (W3C Trace Context). */
  async call(method: string, args: unknown, traceparent?: string): Promise<Reply<unknown>> {
    await this.ready.catch(() => undefined);
    const child = this.child;
    if (!child?.connected) return { ok: false, error: { code: 'internal', message: 'the engine is not running' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      child.send({ kind: 'call', id, method, args, ...(traceparent ? { traceparent } : {}) } satisfies ToEngine);
    });
  }

  /** Lets the engine read what the person picked in the shell's open dialog. Sent on the channel the renderer's calls
   *  take after it, so it arrives before the call that adds these paths. */
  allow(paths: string[]): void {
    if (paths.length) this.child?.send({ kind: 'allow', paths } satisfies ToEngine);
  }

  /** What closing the window calls: the engine is told by its channel closing, stops as it does on SIGTERM (a running
   *  ingest cancelled, every database closed) and exits; killed only after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
    });
  }
}
