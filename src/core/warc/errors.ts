import { describeContent, isBinary } from './magic.js';
import { CodedError } from '../../shared/errors.js';
import type { WarcProblem, WarcProblemCode } from './types.js';

/** A whole file that cannot be read as an archive. Damage inside a readable archive is a WarcProblem instead. */
export class ArchiveError extends CodedError {
  declare readonly code: WarcProblemCode;
  declare readonly file: string;
  declare readonly offset: number;
  constructor(code: WarcProblemCode, file: string, offset: number, message: string) {
    super(code, `${file}: ${message}`, file, offset);
    this.name = 'ArchiveError';
  }
  toProblem(): WarcProblem {
    return { code: this.code, file: this.file, offset: this.offset, message: this.message };
  }
}

/** Up to `max` bytes from `offset`, printable ASCII kept, the rest escaped: enough context to recognise the damage. */
/** Bytes quoted for a message: text as escaped text in quotes, binary in words with its length ("binary data (300
 *  bytes)", "PNG image (300 bytes)"): a person cannot read \x9f\xc4\xe9. */
export function quoteBytes(buf: Buffer, max = 40): string {
  return isBinary(buf.subarray(0, 256)) ? `${describeContent(buf)} (${buf.length} bytes)` : `"${escapeBytes(buf, 0, max)}"`;
}

export function escapeBytes(buf: Buffer, offset = 0, max = 40): string {
  let s = '';
  const end = Math.min(buf.length, offset + max);
  for (let i = offset; i < end; i++) {
    const c = buf[i];
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return JSON.stringify(s).slice(1, -1).replace(/\\\\/g, '\\');
}

export type ProblemSink = (problem: WarcProblem) => void;

/** Runs `scan` over an archive. A file found changed under it (truncated or rewritten: ArchiveError 'file-changed')
 *  ends the scan there and goes to `report` as one more problem, with its file and offset, so a command reports it
 *  like any damage (exit 1) instead of failing as an internal error; what was read before it stands. */
export function scanUntilChanged(scan: () => void, report: ProblemSink): void {
  try {
    scan();
  } catch (e) {
    if (!(e instanceof ArchiveError) || e.code !== 'file-changed') throw e;
    report({ ...e.toProblem(), message: `${e.message}; run the same command again to read it as it is now` });
  }
}
