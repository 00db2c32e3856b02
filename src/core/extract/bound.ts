// How much of one payload text extraction reads. A page's text is in its first megabytes; reading a larger payload
// whole would cost memory in proportion to it (a 2 GB record, or a Content-Encoding bomb), so extraction reads at most
// this much and says so when it cuts.
import type { ProblemCode } from '../../shared/errors.js';

/** The default bound, in MB (the `--max-text-mb` flag of `index` and `text`, the maxTextMb setting). */
export const DEFAULT_MAX_TEXT_MB = 16;
export const MB = 1024 * 1024;

/** The problem that says a payload's text was taken from its first `maxBytes` only. */
export function textCutProblem(file: string, offset: number, maxBytes: number): { code: ProblemCode; file: string; offset: number; message: string } {
  return {
    code: 'payload-truncated-for-text',
    file,
    offset,
    message: `payload longer than the ${maxBytes / MB} MB text-extraction bound (--max-text-mb): text taken from its first ${maxBytes / MB} MB`,
  };
}

/** A --max-text-mb value as bytes; null when it is no positive number. */
export function parseMaxTextMb(value: string): number | null {
  const mb = Number(value);
  return Number.isFinite(mb) && mb > 0 && mb <= 4096 ? Math.round(mb * MB) : null;
}
