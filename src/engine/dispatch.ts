// One entry point for every call, whatever the transport: validate, run, and turn every failure into an ApiError.
import { withSpan } from '../core/telemetry/index.js';
import type { Reply } from '../shared/api.js';
import { toApiError } from './errors.js';
import type { Handlers } from './context.js';
import { isMethod, validateArgs } from './validate.js';

export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<Reply<unknown>> {
  if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `no method '${String(method)}'` } };
  try {
    const valid = validateArgs(method, args ?? {});
    const handler = handlers[method] as (a: typeof valid) => unknown;
    return { ok: true, value: await withSpan(`api.${method}`, {}, () => handler(valid)) };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}
