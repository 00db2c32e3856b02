// Issue 13: a single huge record gets its capture row and digest without its payload ever being held whole, and its
// text is cut at the extraction bound (reported). The record is generated here and streamed to a temporary .warc.gz:
// one 400 MiB HTML response without WARC-Payload-Digest, so the digest must be computed. 400 MiB stands in for the
// issue's 2 GB: what the reader holds does not grow with the record past its fixed windows (8 MiB kept of a member,
// 8 MiB behind a forward read, the 16 MiB text bound), and 400 MiB is well past all of them together, so a reader
// that held the payload would exceed the ceiling asserted below; 2 GB would cost minutes on a shared test machine.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { base32 } from '../../../src/core/warc/digest.js';
import { tempDir } from './fixtures.js';

const tmp = tempDir('archivestream-large-');
afterAll(() => tmp.cleanup());

const MIB = 1024 * 1024;
const BODY = 400 * MIB;
const PIECE = 64 * 1024;

/** Varied text: each 64 KiB piece differs (its number); it compresses about 120:1, far from the 1000:1 of a bomb. */
function piece(i: number): Buffer {
  const line = `<p>paragraph ${i} of a very long page, with words that repeat and numbers that do not: ${i * 7919}</p>\n`;
  const text = Buffer.from(`<html><body>${line.repeat(Math.ceil(PIECE / line.length))}`.slice(0, PIECE));
  return text;
}

async function writeLargeRecord(path: string): Promise<string> {
  const httpHead = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${BODY}\r\n\r\n`);
  const block = httpHead.length + BODY;
  const warcHead = Buffer.from(
    'WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://large.example/\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n' +
      `WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000400>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: ${block}\r\n\r\n`,
  );
  const sha1 = createHash('sha1');
  async function* parts() {
    yield warcHead;
    yield httpHead;
    for (let i = 0; i < BODY / PIECE; i++) {
      const p = piece(i);
      sha1.update(p);
      yield p;
    }
    yield Buffer.from('\r\n\r\n');
  }
  await pipeline(parts, createGzip({ level: 1 }), createWriteStream(path));
  return 'sha1:' + base32(sha1.digest());
}

describe('a 400 MiB record', () => {
  it('gets its capture row and computed digest in flat memory, its text cut at 16 MB and reported', async () => {
    const path = resolve(tmp.dir, 'large.warc.gz');
    const digest = await writeLargeRecord(path);
    const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'bomb-rss-driver.ts'), 'ingest', path], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.records).toBe(1);
    expect(out.digests).toEqual([digest]);
    expect(out.problems).toEqual(['payload-truncated-for-text']);
    // Holding the payload would put the peak past 400 MiB plus the process (about 100 MB with tsx).
    expect(out.maxRssMb).toBeLessThan(250);
    console.log(`peak RSS for a 400 MiB record: ${out.maxRssMb} MB`);
  }, 300_000);
});
