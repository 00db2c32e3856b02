// One engine for a test: its handlers over a data folder, called through dispatch as a transport calls them, with
// the notices it gave. `call` throws what fails (with its code); `fail` returns the error of a call that must fail.
import type { ApiError, ApiEvents, ArgsOf, Method, ResultOf } from '../../src/shared/api.js';
import type { EngineContext } from '../../src/engine/context.js';
import { dispatch } from '../../src/engine/dispatch.js';
import { EventBus } from '../../src/engine/events.js';
import { createHandlers } from '../../src/engine/handlers.js';

export function testEngine(ctx: Omit<EngineContext, 'mode' | 'events'>) {
  const events = new EventBus();
  const notices: string[] = [];
  events.subscribe((name, payload) => {
    if (name === 'engine.notice') notices.push((payload as ApiEvents['engine.notice']).message);
  });
  const handlers = createHandlers({ mode: 'http', events, ...ctx });
  const call = async <M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> => {
    const r = await dispatch(handlers, method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.value as ResultOf<M>;
  };
  const fail = async (method: Method, args: unknown): Promise<ApiError> => {
    const r = await dispatch(handlers, method, args);
    if (r.ok) throw new Error(`${method} should have failed`);
    return r.error;
  };
  return { handlers, notices, call, fail, close: () => handlers.close() };
}
