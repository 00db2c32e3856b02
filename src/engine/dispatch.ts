// One entry point for every call, whatever the transport: validate, run, and turn every failure into an ApiError.
import { withSpan } from '../core/telemetry/index.js';
import type { ApiError, Reply } from '../shared/api.js';
import type { Handlers } from './context.js';
import { BadRequest, isMethod, validateArgs } from './validate.js';

/** Errors thrown by the core carry a stable `code` (and often file/offset): keep those, hide everything else. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof BadRequest) return { code: 'bad-request', message: e.message };
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const { code, message, file, offset } = e as { code: string; message?: string; file?: unknown; offset?: unknown };
    if (code === 'ENOENT') return { code: 'file-not-found', message: message ?? 'file not found' };
    if (!code.startsWith('E') || code.includes('-')) {
      return {
        code,
        message: message ?? code,
        ...(typeof file === 'string' ? { file } : {}),
        ...(typeof offset === 'number' ? { offset } : {}),
      };
    }
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

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
