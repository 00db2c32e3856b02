// Our CDXJ lines against the peer, `node_modules/.bin/warcio cdx-index` (warcio.js 2.4.11), on every WARC of the corpus
// (../shared/corpus, MANIFEST.tsv; skipped when absent). Equal line for line where warcio.js reads the file correctly;
// each file where we differ on purpose is listed with the reason, and there our own behaviour is asserted instead.
// On every file, each line's (offset, length) must read back the record it names (captures are addressed
// by file, offset, length).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdxjLines } from '../../../src/core/warc/cdxj.js';
import { openArchive } from '../../../src/core/warc/index.js';
import { surt } from '../../../src/core/warc/surt.js';

const ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(ROOT, '../shared/corpus/warc');
const WARCIO = resolve(ROOT, 'node_modules/.bin/warcio');

type Compare = 'exact' | 'sans-undefined' | 'keys' | 'none';
/** Files where our lines differ from warcio.js's, why, and what is still compared:
 *  sans-undefined: equal once the peer's `undefined` lines are dropped (records with no WARC-Target-URI, or bytes
 *    that are no record at all, which warcio.js prints with the urlkey `undefined` and we do not index);
 *  keys: urlkey, timestamp and url equal line for line (after dropping `undefined` lines), other fields ours;
 *  none: warcio.js misreads the file as a whole; only the read-back invariant holds. */
const DIFFERENT: Record<string, { compare: Compare; reason: string }> = {
  'cbeams+warc/src/test/resources/io/webgraph/warc/multi-with-garbage-on-last-line.warc': {
    compare: 'sans-undefined', reason: 'a last line of garbage is reported as warc-bad-length, not indexed as a record' },
  'cbeams+warc/src/test/resources/io/webgraph/warc/multi-with-malformed-record.warc': {
    compare: 'keys', reason: '19 garbage bytes before a record: our offset is where WARC/1.0 starts (405), warcio.js says 386' },
  'iipc+webarchive-commons/src/test/resources/org/archive/resource/html/link-extraction-test.warc': {
    compare: 'keys', reason: 'wrong Content-Lengths: warcio.js gives two records offset 2807; we resynchronise on WARC/1.0 lines' },
  'internetarchive+gowarc/testdata/warcs/good.warc.gz.open': {
    compare: 'keys', reason: 'one gzip member for the whole file: warcio.js repeats the file size as offset and length; ours are uncompressed offsets' },
  'internetarchive+gowarc/testdata/warcs/skip-non-open.warc.gz': { compare: 'keys', reason: 'single gzip member, as above' },
  'webrecorder+warcio/test/data/example-bad-non-chunked.warc.gz': { compare: 'keys', reason: 'single gzip member, as above' },
  'webrecorder+warcio/test/data/example-wrong-chunks.warc.gz': {
    compare: 'keys', reason: 'a record split over 3 gzip members: our length covers all of them (1130), warcio.js only the first (614)' },
  'netarchivesuite+jwat/jwat-common/src/test/resources/test-utf8.warc': {
    compare: 'none', reason: 'WARC/0.17 with folded header lines: warcio.js cannot read the version line or the folds' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-utf8.warc': { compare: 'none', reason: 'WARC/0.17, as above' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-warcinfo.warc': { compare: 'none', reason: 'WARC/0.17, as above' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-continuation.warc': { compare: 'none', reason: 'WARC/0.17, as above' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-fields-metainfo.warc': { compare: 'none', reason: 'WARC/0.17, as above' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/valid-warcfile-upper-lower-case.warc': {
    compare: 'none', reason: 'WARC/0.17, and WARC-Type RESPONSE in capitals, which we take as a response' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-contenttype-recommended.warc': {
    compare: 'none', reason: 'WARC/0.17 (warcio.js miscounts lengths by the 11-byte version line) and dns: records' },
  'netarchivesuite+jwat/jwat-gzip/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz': {
    compare: 'keys', reason: 'WARC/0.17: warcio.js parses no HTTP (mime application/http, no status) and reads dns: text as HTTP ("status":"")' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz': { compare: 'keys', reason: 'as above (same file)' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-duplicate-fields.warc': {
    compare: 'sans-undefined', reason: 'WARC-Type given twice (warcinfo): we take the first and skip the warcinfo; warcio.js joins them' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-fields-empty.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-fields-missing.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-lonely-continuation.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-lonely-monkeys.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-lonely-request-response-resource-conversion.warc': {
    compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-lonely-revisit.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-lonely-warcinfo-metadata.warc': { compare: 'sans-undefined', reason: 'records without target URI' },
  'netarchivesuite+jwat/jwat-warc/src/test/resources/invalid-warcfile-record-then-garbage.warc': {
    compare: 'sans-undefined', reason: 'trailing garbage is reported, not indexed' },
  'sing-group+WARCProcessor/src/test/resources/in/warc/test.warc': {
    compare: 'none', reason: 'a header block of three records run together: warcio.js joins their fields into one line' },
  'sing-group+WARCProcessor/src/test/resources/in/warccsv/test1/en0000/test.warc': { compare: 'none', reason: 'as above' },
  'sing-group+WARCProcessor/src/test/resources/in/warccsv/test1/en0001/test.warc': { compare: 'none', reason: 'as above' },
  'webrecorder+pywb/sample_archive/warcs/missing-status-text.warc': {
    compare: 'keys', reason: 'lines end CR CR LF: warcio.js parses no HTTP; we read status 302, length 485, as pywb\'s own index of it does' },
  'webrecorder+pywb/sample_archive/warcs/example-extra.warc': {
    compare: 'keys', reason: 'status line "HTTPX/1.1 200 OK" is not HTTP to us: no mime, no status (warcio.js reads 200)' },
  'webrecorder+py-wacz/tests/fixtures/example-warcinfo-metadata.warc': {
    compare: 'none', reason: 'its request record holds a response message: no method, so no __wb_method key (warcio.js uses "HTTP/1.1" as method)' },
};

const rows = existsSync(CORPUS)
  ? readFileSync(resolve(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))
  : [];
const warcs = rows.filter((r) => r[4] === 'WARC').map((r) => `${r[0]}/${r[1]}`);

/** The peer's lines for many files in few processes: a batch holds files with distinct base names, and the filename
 *  field (warcio.js writes the base name) sorts its output back to the files. */
function peerLines(files: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const pending = [...files];
  while (pending.length) {
    const names = new Set<string>();
    const batch: string[] = [];
    for (const f of [...pending]) {
      if (names.has(basename(f))) continue;
      names.add(basename(f));
      batch.push(f);
      pending.splice(pending.indexOf(f), 1);
    }
    const text = execFileSync(WARCIO, ['cdx-index', ...batch.map((f) => resolve(CORPUS, f))], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const byName = new Map(batch.map((f) => [basename(f), [] as string[]]));
    for (const line of text.split('\n')) {
      if (!line) continue;
      const m = /"filename":"([^"]*)"/.exec(line);
      byName.get(m![1])!.push(line);
    }
    for (const f of batch) out.set(f, byName.get(basename(f))!);
  }
  return out;
}

/** urlkey, timestamp, url of a line. A urlkey may hold spaces (warcio.js keeps `file:///a b.png` as it is), so the
 *  line is cut from the JSON backwards. */
const keys = (line: string) => {
  const json = line.indexOf(' {"');
  const head = line.slice(0, json);
  const sp = head.lastIndexOf(' ');
  return { urlkey: head.slice(0, sp), timestamp: head.slice(sp + 1), url: (JSON.parse(line.slice(json + 1)) as { url?: string }).url };
};

describe.skipIf(!existsSync(CORPUS))('cdxj vs warcio cdx-index on the corpus WARCs', () => {
  const peer = warcs.length ? peerLines(warcs) : new Map<string, string[]>();

  it('lists only files that exist in the corpus', () => {
    for (const f of Object.keys(DIFFERENT)) expect(warcs, f).toContain(f);
  });

  it.each(warcs)('%s', (f) => {
    const path = resolve(CORPUS, f);
    const file = openArchive(path);
    const ours = [...cdxjLines(file)];
    const theirs = peer.get(f)!;
    const compare = DIFFERENT[f]?.compare ?? 'exact';
    const defined = theirs.filter((l) => !l.startsWith('undefined '));
    if (compare === 'exact') expect(ours).toEqual(theirs);
    if (compare === 'sans-undefined') expect(ours).toEqual(defined);
    if (compare === 'keys') expect(ours.map(keys)).toEqual(defined.map(keys));

    // Every line reads back its own record, in O(1), from its offset and length.
    for (const line of ours) {
      const { urlkey, timestamp, url } = keys(line);
      const j = JSON.parse(line.slice(line.indexOf(' {"') + 1)) as { offset: string; length: string };
      const r = file.readRecord(Number(j.offset), Number(j.length));
      expect(r.targetUri, line).toBe(url);
      expect((r.date ?? '').replace(/[-:T]/g, '').slice(0, 14), line).toBe(timestamp);
      expect(urlkey.startsWith(surt(url!).split('?')[0]), line).toBe(true);
    }
    file.close();
  });

  it('reads pywb\'s expectations for missing-status-text.warc (pywb sample_archive/cdx/missing-status-text.cdxj)', () => {
    const file = openArchive(resolve(CORPUS, 'webrecorder+pywb/sample_archive/warcs/missing-status-text.warc'));
    const [line] = [...cdxjLines(file)];
    file.close();
    expect(line).toContain('"status":"302"');
    expect(line).toContain('"length":"485","offset":"0"');
  });

  it('gives dns: records their WARC type and no status, HTTP records of WARC/0.17 their HTTP mime and status', () => {
    const file = openArchive(resolve(CORPUS, 'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz'));
    const lines = [...cdxjLines(file)];
    const dnsResponses = [...file.records()].filter((r) => r.type === 'response' && r.targetUri?.startsWith('dns:')).length;
    file.close();
    const dns = lines.filter((l) => l.startsWith('dns:'));
    expect(dns.length).toBe(dnsResponses);
    expect(dns.length).toBeGreaterThan(0);
    for (const l of dns) expect(l).toMatch(/"mime":"text\/dns","length"/);
    expect(lines.find((l) => l.startsWith('org,archive)/robots.txt '))).toMatch(/"mime":"text\/plain","status":"200"/);
  });
});

describe.skipIf(!existsSync(CORPUS))('cdxj on ARC files (warcio.js reads no ARC: pywb\'s indexer is the reference)', () => {
  it.each(['webrecorder+pywb/sample_archive/warcs/example.arc', 'webrecorder+pywb/sample_archive/warcs/example.arc.gz'])(
    'matches pywb sample_archive/cdx/example-arc-test.cdx for %s',
    (f) => {
      const file = openArchive(resolve(CORPUS, f));
      const lines = [...cdxjLines(file)];
      file.close();
      // pywb: "com,example)/ 20140216050221 http://example.com/ text/html 200 B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A - - 1656 151
      // example.arc" and "... 856 171 example.arc.gz"; the filedesc record is not indexed.
      const [length, offset] = f.endsWith('.gz') ? ['856', '171'] : ['1656', '151'];
      expect(lines).toEqual([
        `com,example)/ 20140216050221 {"url":"http://example.com/","mime":"text/html","status":"200","digest":"B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A","length":"${length}","offset":"${offset}","filename":"${basename(f)}"}`,
      ]);
    },
  );

  it.each(rows.filter((r) => r[4] === 'ARC').map((r) => `${r[0]}/${r[1]}`))('every line of %s reads back its record', (f) => {
    const file = openArchive(resolve(CORPUS, f), { onProblem: () => {} });
    for (const line of cdxjLines(file)) {
      const j = JSON.parse(line.slice(line.indexOf('{'))) as { url: string; offset: string; length: string; digest: string };
      expect(j.digest).toMatch(/^[A-Z2-7]{32}$/);
      expect(file.readRecord(Number(j.offset), Number(j.length)).targetUri).toBe(j.url);
    }
    file.close();
  });
});
