// Rewrites any readable archive as per-record gzip: one gzip member per record, so every record can be read alone
// by its (offset, length) — the layout WARC 1.1 Annex D recommends.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ArchiveError } from './errors.js';
import { openArchive } from './index.js';
import { Record } from './record.js';
import type { OpenOptions, WarcProblem } from './types.js';

export interface RecompressResult {
  records: number;
  bytesIn: number;
  bytesOut: number;
  /** Damage met while reading; damaged records are left out of the output. */
  problems: WarcProblem[];
}

const WARC_END = Buffer.from('\r\n\r\n');
const ARC_END = Buffer.from('\n');

/** Heads are copied byte for byte (folding, field order and case kept); each block is followed by its terminator.
 *  Throws ArchiveError when the input is no archive; writes to a temporary file renamed into place at the end. */
export function recompress(inPath: string, outPath: string, opts: OpenOptions = {}): RecompressResult {
  const problems: WarcProblem[] = [];
  const archive = openArchive(inPath, {
    ...opts,
    onProblem: (p) => {
      problems.push(p);
      opts.onProblem?.(p);
    },
  });
  if (archive.format === 'wacz') {
    archive.close();
    throw new ArchiveError('not-an-archive', inPath, 0, 'a WACZ package: recompress the WARC files inside it');
  }
  const tmp = `${outPath}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let records = 0;
  let bytesOut = 0;
  let open = true;
  try {
    for (const r of archive.records()) {
      if (!(r instanceof Record)) continue;
      const end = r.format === 'arc' ? ARC_END : WARC_END;
      const member = gzipSync(Buffer.concat([r.rawHead(), r.block(), end]));
      writeSync(fd, member);
      bytesOut += member.length;
      records++;
    }
    closeSync(fd);
    open = false;
    renameSync(tmp, outPath);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    archive.close();
  }
  return { records, bytesIn: archive.size, bytesOut, problems };
}
