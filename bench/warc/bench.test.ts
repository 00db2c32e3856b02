// Tests of the WARC benchmark's own parts: the input it generates, the ceilings, the harness around our reader.
// A benchmark that measures the wrong bytes, or counts records wrongly, prints confident nonsense.
// Needs the shared corpus (../shared/corpus: readability-test-pages and the corpus WARCs the generator wraps);
// skipped when it is absent. Collected with the project's tests (vitest.config.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineLine } from '../lib/machine.js';
import { type BenchFiles, DATA_DIR, ensureBenchFiles, mulberry32, readMembers, splitWarc } from './generate.js';
import type { MemoryReport } from './memory-probe.js';
import { type WarcCore, bundleCore, coreAvailable, loadCore, openForBench, percentile, randomAccess, scanArchive } from './ours.js';
import { gzipHeaderLength, indexOfCeiling, warcioScan, zlibCeiling } from './peers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = resolve(ROOT, '../shared/corpus');

describe('machineLine', () => {
  it('names the cores and the node version the figures came from (CONTRIBUTING.md, "Benchmarks")', () => {
    const line = machineLine(ROOT);
    expect(line).toContain(`${availableParallelism()} cores`);
    expect(line).toContain(`node ${process.version}`);
    expect(line).toMatch(/disk \S+/);
  });
});

describe('percentile', () => {
  it('is nearest-rank: p50 of 1..100 is 50, p99 is 99, p100 the max', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
  });
});

describe('gzipHeaderLength', () => {
  it('skips FNAME and FEXTRA so the ceiling inflates members other tools wrote (RFC 1952 section 2.3.1)', () => {
    const data = Buffer.from('WARC/1.1\r\nWARC-Type: resource\r\n\r\n');
    const extra = Buffer.from([0x41, 0x43, 0x02, 0x00, 0x01, 0x02]); // SI1 SI2 LEN=2 data
    const head = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0x08, 0x04 | 0x08, 0, 0, 0, 0, 0, 0xff]),
      Buffer.from([extra.length, 0]),
      extra,
      Buffer.from('page.warc\0', 'latin1'),
    ]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(data), 0);
    trailer.writeUInt32LE(data.length, 4);
    const member = Buffer.concat([head, deflateRawSync(data), trailer]);
    expect(gunzipSync(member)).toEqual(data); // the hand-made member is valid gzip
    expect(gzipHeaderLength(member)).toBe(head.length);
    expect(inflateRawSync(member.subarray(gzipHeaderLength(member), member.length - 8))).toEqual(data);
  });
});

describe.skipIf(!existsSync(CORPUS))('benchmark input and harness (needs ../shared/corpus)', () => {
  let dir: string;
  let files: BenchFiles;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'warc-bench-test-'));
    files = ensureBenchFiles({ mb: 3, dataDir: dir, corpus: CORPUS });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes at least the asked size, plain', () => {
    expect(statSync(files.plain).size).toBe(files.uncompressedBytes);
    expect(files.uncompressedBytes).toBeGreaterThanOrEqual(3e6);
    expect(statSync(files.gz).size).toBe(files.gzBytes);
  });

  it('gzips one member per record, and the members inflate to the plain file byte for byte', () => {
    const members = readMembers(files.members);
    expect(members.length / 2).toBe(files.records);
    const gz = readFileSync(files.gz);
    const plain = readFileSync(files.plain);
    let at = 0;
    for (let i = 0; i < members.length; i += 2) {
      expect(members[i]).toBe(at); // members are contiguous, no gaps
      const record = gunzipSync(gz.subarray(members[i]!, members[i]! + members[i + 1]!));
      expect(record.subarray(0, 10).toString('latin1')).toBe('WARC/1.1\r\n'); // each member holds one whole record
      at += members[i + 1]!;
    }
    expect(at).toBe(gz.length);
    expect(gunzipSync(gz).equals(plain)).toBe(true);
  });

  it('writes records whose Content-Length frames them exactly (WARC 1.1 section 4: block then CRLF CRLF)', () => {
    const plain = readFileSync(files.plain);
    // splitWarc follows Content-Length from record to record and leaves out the warcinfo record.
    const records = splitWarc(plain);
    expect(records.length).toBe(files.records - 1);
    expect(indexOfCeiling(files.plain).records).toBe(files.records);
    const types = new Set(records.map((r) => r.fields.find(([n]) => n === 'WARC-Type')?.[1]));
    for (const t of ['response', 'request', 'metadata']) expect(types).toContain(t);
  });

  it('is read as the same records by warcio.js, plain and gzip', async () => {
    expect((await warcioScan(files.plain)).records).toBe(files.records);
    expect((await warcioScan(files.gz)).records).toBe(files.records);
  });

  it('inflates exactly the plain bytes in the zlib ceiling', () => {
    const result = zlibCeiling(files.gz, readMembers(files.members));
    expect(result).toEqual({ records: files.records, bytes: files.uncompressedBytes });
  });

  it('is deterministic and cached: same size, same bytes, not rebuilt', () => {
    const again = mkdtempSync(join(tmpdir(), 'warc-bench-test-'));
    try {
      const second = ensureBenchFiles({ mb: 3, dataDir: again, corpus: CORPUS });
      const sha = (p: string) => createHash('sha1').update(readFileSync(p)).digest('hex');
      expect(sha(second.plain)).toBe(sha(files.plain));
      expect(sha(second.gz)).toBe(sha(files.gz));
      const mtime = statSync(second.gz).mtimeMs;
      ensureBenchFiles({ mb: 3, dataDir: again, corpus: CORPUS });
      expect(statSync(second.gz).mtimeMs).toBe(mtime);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  describe.skipIf(!coreAvailable())('with ArchiveStream reader (src/core/warc)', () => {
    let core: WarcCore;
    let bundle: string;
    beforeAll(async () => {
      // Inside the project (bench/data is git-ignored), so the bundle's external imports resolve from node_modules.
      bundle = await bundleCore(join(DATA_DIR, `core-test-${process.pid}.mjs`));
      core = await loadCore(bundle);
    });
    afterAll(() => rmSync(bundle, { force: true }));

    it('scans every record, and agrees with warcio.js on type/URI/date/status', async () => {
      for (const file of [files.plain, files.gz]) {
        const { archive, problems } = openForBench(core, file);
        const scan = scanArchive(archive, problems);
        archive.close();
        expect(problems).toEqual([]);
        expect(scan.records).toBe(files.records);
        expect(scan.spans.length).toBe(2 * files.records);
        expect(scan.check).toBe((await warcioScan(file)).check);
      }
    });

    it('times random reads of the spans the scan reported', () => {
      const { archive, problems } = openForBench(core, files.gz);
      const scan = scanArchive(archive, problems);
      const latency = randomAccess(archive, scan.spans, 200, mulberry32(1), true);
      archive.close();
      expect(latency.samples).toBe(200);
      expect(latency.p50us).toBeGreaterThan(0);
      expect(latency.p50us).toBeLessThanOrEqual(latency.p99us);
      expect(latency.p99us).toBeLessThanOrEqual(latency.maxUs);
    });

    it('measures memory in a child process that reads the whole file', () => {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'bench/warc/memory-probe.ts'), bundle, files.plain, '50'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(child.stderr).toBe('');
      const report = JSON.parse(child.stdout.trim()) as MemoryReport;
      expect(report.records).toBe(files.records);
      expect(report.samples).toBeGreaterThanOrEqual(Math.floor(files.records / 50));
      expect(report.max.heapUsed).toBeGreaterThanOrEqual(report.baseline.heapUsed);
      if (process.platform === 'linux') expect(report.max.rssFile).toBeGreaterThan(0);
    });
  });
});
