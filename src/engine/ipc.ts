// Electron mode: the shell forks the engine with an IPC channel and forwards the renderer's calls over it.
import type { FromEngine, ToEngine } from '../shared/api.js';
import { dispatch } from './dispatch.js';
import type { EventBus } from './events.js';
import type { Handlers } from './context.js';

/** `grant` receives the shell's 'allow' messages: paths the person picked in its native dialog. */
export function serveIpc(channel: NodeJS.Process, handlers: Handlers, events: EventBus, grant: (paths: string[]) => void): () => void {
  const send = (m: FromEngine) => channel.send?.(m);
  const onMessage = (m: ToEngine) => {
    if (m?.kind === 'allow' && Array.isArray(m.paths)) return grant(m.paths.filter((p): p is string => typeof p === 'string'));
    if (!m || m.kind !== 'call' || typeof m.id !== 'number') return;
    void dispatch(handlers, m.method, m.args, typeof m.traceparent === 'string' ? m.traceparent : undefined).then((reply) => send({ kind: 'reply', id: m.id, reply }));
  };
  channel.on('message', onMessage);
  const unsubscribe = events.subscribe((event, payload) => send({ kind: 'event', event, payload }));
  send({ kind: 'ready', pid: process.pid });
  return () => {
    channel.off('message', onMessage);
    unsubscribe();
  };
}
