// The renderer's only way to the engine: the preload bridge inside Electron, HTTP + Server-Sent Events in browser
// mode. Both are the same EngineClient, typed by the contract.
import { TRACEPARENT } from '../../shared/telemetry.js';
import { UiTracer } from '../telemetry.js';
import { EVENTS, type ApiEvents, type ArgsOf, type EngineClient, type EventName, type Method, type Reply, type ResultOf } from '../../shared/api.js';

export function httpClient(base = ''): EngineClient {
  let source: EventSource | null = null;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  // Names this page's event stream, so that the engine withdraws what the page offered when the stream closes.
  const clientId = crypto.randomUUID();

  function ensureSource(): void {
    if (source) return;
    source = new EventSource(`${base}/events?client=${clientId}`);
    for (const name of EVENTS) {
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as ApiEvents[typeof name];
        for (const l of listeners.get(name) ?? []) (l as (p: typeof payload) => void)(payload);
      });
    }
  }

  return {
    clientId,
    async invoke<M extends Method>(method: M, args: ArgsOf<M>, traceparent?: string): Promise<Reply<ResultOf<M>>> {
      try {
        const res = await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(traceparent ? { [TRACEPARENT]: traceparent } : {}) },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
        if (res.status === 401) return { ok: false, error: { code: 'unauthorized', message: 'This page has no access to the engine: open the address that `npm start` printed.' } };
        return (await res.json()) as Reply<ResultOf<M>>;
      } catch {
        return { ok: false, error: { code: 'internal', message: 'The engine is not reachable. Is ArchiveStream still running?' } };
      }
    },
    on(event, listener) {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  };
}

export const engine: EngineClient = window.archivestream ?? httpClient();

/** invoke, throwing the ApiError's message for code that would rather await a value; `traceparent` as invoke's. */
export async function call<M extends Method>(method: M, args: ArgsOf<M>, traceparent?: string): Promise<ResultOf<M>> {
  const reply = await engine.invoke(method, args, traceparent);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { apiError: reply.error });
  return reply.value;
}

/** The renderer's spans, sent to this engine (renderer/telemetry.ts). */
export const uiTracer = new UiTracer((spans) => call('telemetry.submit', { spans }));
