// One entry point for every call, whatever the transport: validate, run, and turn every failure into an ApiError.
import { withSpan, withTraceparent } from '../core/telemetry/index.js';
import type { Reply } from '../shared/api.js';
import { toApiError } from './errors.js';
import type { Handlers } from './context.js';
import { isMethod, validateArgs } from './validate.js';

/** `traceparent`: the caller's span (W3C Trace Context from the HTTP header or the IPC message), which the call's
 *  'api.<method>' span becomes a child of, so one user action is one trace from the UI down. */
export async function dispatch(handlers: Handlers, method: unknown, args: unknown, traceparent?: string): Promise<Reply<unknown>> {
  if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `no method '${String(method)}'` } };
  try {
    const valid = validateArgs(method, args ?? {});
    const handler = handlers[method] as (a: typeof valid) => unknown;
    return { ok: true, value: await withTraceparent(traceparent, () => withSpan(`api.${method}`, {}, () => handler(valid))) };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}
