// What a failure looks like to a client. A CodedError (src/shared/errors.ts) carries a code of the contract and is
// passed on as it is; a file the OS cannot find is 'file-not-found'; anything else is a bug, sent as 'internal'
// (logFailures in log.ts writes those to the engine's log with their stack).
import type { ApiError } from '../shared/api.js';
import { CodedError } from '../shared/errors.js';

export function toApiError(e: unknown): ApiError {
  if (e instanceof CodedError) {
    return {
      code: e.code,
      message: e.message,
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
    };
  }
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT') return { code: 'file-not-found', message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
