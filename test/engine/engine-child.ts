// The built engine (out/node/engine.mjs) in browser mode as a child process, for tests that need it whole over HTTP
// (its exporters, its /metrics): started with a known token, answering calls with that token, stopped by SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ArgsOf, Method, Reply, ResultOf } from '../../src/shared/api.js';

const ROOT = join(__dirname, '..', '..');

export interface EngineChild {
  process: ChildProcess;
  origin: string;
  /** A contract call with the engine's token (and the caller's trace context, when given). */
  api<M extends Method>(method: M, args: ArgsOf<M>, traceparent?: string): Promise<ResultOf<M>>;
  /** SIGTERM, settled once the process has exited. */
  stop(): Promise<void>;
}

export async function spawnEngine(opts: { dataDir: string; allowDir: string; token: string; env?: Record<string, string> }): Promise<EngineChild> {
  const child = spawn(process.execPath, [join(ROOT, 'out/node/engine.mjs'), '--data-dir', opts.dataDir, '--allow-dir', opts.allowDir], {
    env: { ...process.env, ...opts.env, ARCHIVESTREAM_TOKEN: opts.token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited (${code}): ${out}`)));
  });
  return {
    process: child,
    origin,
    async api(method, args, traceparent) {
      const res = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}`, ...(traceparent ? { traceparent } : {}) },
        body: JSON.stringify(args),
      });
      const reply = (await res.json()) as Reply<ResultOf<typeof method>>;
      if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
      return reply.value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
