// The benchmark's collection generator must write WARC that an independent reader accepts, with the properties the
// index benchmark relies on: distinct payloads, realistic duplicates and revisits, growing vocabulary, ~50 KB pages.
// Needs the real corpus: ../shared/corpus/html/readability-test-pages (the pages the generator recombines).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import {
  base32,
  generatePage,
  loadSourceModel,
  vocabularySize,
  wordAt,
  writeWarcFile,
  type FileStats,
  type ShapeName,
  type SourceModel,
} from '../../bench/lib/corpus-gen.js';
import { extractText } from '../../src/core/extract/index.js';

const SOURCE = resolve(__dirname, '../../../shared/corpus/html/readability-test-pages');

describe('base32', () => {
  it('matches the RFC 4648 section 10 test vectors (unpadded, as WARC-Payload-Digest writes them)', () => {
    const enc = (s: string): string => base32(Buffer.from(s));
    expect(enc('f')).toBe('MY');
    expect(enc('fo')).toBe('MZXQ');
    expect(enc('foob')).toBe('MZXW6YQ');
    expect(enc('foobar')).toBe('MZXW6YTBOI');
    expect(base32(createHash('sha1').update('').digest())).toBe('3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ');
  });
});

describe.skipIf(!existsSync(SOURCE))('corpus-gen over the readability pages', () => {
  let model: SourceModel;
  let dir: string;
  let file: string;
  let stats: FileStats;
  const records: { type: string; headers: Map<string, string>; offset: number; length: number; block: Buffer }[] = [];

  beforeAll(async () => {
    model = loadSourceModel(SOURCE);
    dir = mkdtempSync(join(tmpdir(), 'corpus-gen-'));
    file = join(dir, 'test.warc.gz');
    stats = writeWarcFile(model, file, 3, 120);
    const bytes = readFileSync(file);
    const parser = new WARCParser([bytes]);
    for await (const r of parser) {
      await r.readFully(false);
      // The raw block, cut from the member by hand: warcio hands back the HTTP payload, not the block.
      const member = gunzipSync(bytes.subarray(parser.offset, parser.offset + parser.recordLength));
      const block = member.subarray(member.indexOf('\r\n\r\n') + 4, member.length - 4);
      records.push({
        type: r.warcType ?? '',
        headers: new Map([...r.warcHeaders.headers].map(([k, v]) => [k.toLowerCase(), v])),
        offset: parser.offset,
        length: parser.recordLength,
        block,
      });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is deterministic per page index and different across indices', () => {
    expect(generatePage(model, 4321).html).toBe(generatePage(model, 4321).html);
    expect(generatePage(model, 4321).html).not.toBe(generatePage(model, 4322).html);
  });

  it('writes records an independent reader (warcio) accepts, counted as the generator says', () => {
    const counted: Record<string, number> = {};
    for (const r of records) counted[r.type] = (counted[r.type] ?? 0) + 1;
    expect(counted).toEqual(stats.records);
    expect(stats.pages).toBe(120);
    expect(counted.response).toBe(120 + stats.duplicates + stats.nonHtml);
  });

  it('puts each record in its own gzip member (WARC 1.1 annex D.2), so it inflates alone from its offset', () => {
    const bytes = readFileSync(file);
    let end = 0;
    for (const r of records) {
      expect(r.offset).toBe(end);
      const alone = gunzipSync(bytes.subarray(r.offset, r.offset + r.length)).toString('latin1');
      expect(alone.startsWith('WARC/1.1\r\n')).toBe(true);
      expect(alone.endsWith('\r\n\r\n')).toBe(true);
      end = r.offset + r.length;
    }
    expect(end).toBe(bytes.length);
  });

  it('has mandatory fields (WARC 1.1 section 5) and block/payload digests that match the bytes', () => {
    for (const r of records) {
      expect(r.headers.get('warc-record-id')).toMatch(/^<urn:uuid:[0-9a-f-]{36}>$/);
      expect(r.headers.get('warc-date')).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Number(r.headers.get('content-length'))).toBe(r.block.length);
      const sha1 = (b: Buffer): string => 'sha1:' + base32(createHash('sha1').update(b).digest());
      expect(r.headers.get('warc-block-digest')).toBe(sha1(r.block));
      if (r.type === 'response') {
        const body = r.block.subarray(r.block.indexOf('\r\n\r\n') + 4);
        expect(r.headers.get('warc-payload-digest')).toBe(sha1(body));
        expect(r.block.toString('latin1', 0, 15)).toBe('HTTP/1.1 200 OK');
      }
    }
  });

  it('has one distinct payload per page, duplicates at other URLs, and revisits that refer to a real capture', () => {
    const responses = records.filter((r) => r.type === 'response');
    const html = responses.filter((r) => r.block.includes('Content-Type: text/html; charset=utf-8'));
    const digests = new Set(html.map((r) => r.headers.get('warc-payload-digest')));
    expect(digests.size).toBe(120);
    expect(html.length - digests.size).toBe(stats.duplicates);
    const key = (uri?: string, digest?: string): string => `${uri} ${digest}`;
    const captured = new Set(html.map((r) => key(r.headers.get('warc-target-uri'), r.headers.get('warc-payload-digest'))));
    const revisits = records.filter((r) => r.type === 'revisit');
    for (const v of revisits) {
      expect(v.headers.get('warc-profile')).toBe('http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
      expect(captured.has(key(v.headers.get('warc-refers-to-target-uri'), v.headers.get('warc-payload-digest')))).toBe(true);
      expect(v.headers.get('warc-date')! > v.headers.get('warc-refers-to-date')!).toBe(true);
    }
    const requests = records.filter((r) => r.type === 'request');
    const ids = new Set(responses.map((r) => r.headers.get('warc-record-id')));
    for (const q of requests) expect(ids.has(q.headers.get('warc-concurrent-to')!)).toBe(true);
  });

  it('builds pages of ~50 KB mean over a sample, spread over ~15 years and many hosts', () => {
    const pages = Array.from({ length: 400 }, (_, k) => generatePage(model, 10_000 + k * 7));
    const mean = pages.reduce((n, p) => n + Buffer.byteLength(p.html), 0) / pages.length;
    expect(mean).toBeGreaterThan(35_000);
    expect(mean).toBeLessThan(65_000);
    const years = new Set(pages.map((p) => new Date(p.date).getUTCFullYear()));
    expect(years.size).toBeGreaterThanOrEqual(14);
    expect(new Set(pages.map((p) => p.host)).size).toBeGreaterThan(50);
  });

  it('gives web pages the text share of real pages that size, and text-heavy pages about 2.5x their text', () => {
    const measure = (shape: ShapeName): { share: number; text: number } => {
      let html = 0;
      let text = 0;
      for (let k = 0; k < 200; k++) {
        const p = generatePage(model, 10_000 + k * 13, undefined, false, shape);
        html += p.html.length;
        text += extractText(p.html).text.length;
      }
      return { share: text / html, text: text / 200 };
    };
    const web = measure('web');
    const heavy = measure('text-heavy');
    // The source pages of 20-120 KB hold 16.8% of their characters as text (corpus-gen.ts, PAGE_SHAPES).
    expect(web.share).toBeGreaterThan(0.12);
    expect(web.share).toBeLessThan(0.24);
    expect(heavy.text / web.text).toBeGreaterThan(1.8);
  });

  it("makes 'real' pages from whole corpus pages (their scripts and styles kept), each distinct, ~58 KB mean", () => {
    const pages = Array.from({ length: 120 }, (_, k) => generatePage(model, 5_000 + k, undefined, false, 'real'));
    expect(new Set(pages.map((p) => p.html)).size).toBe(pages.length);
    expect(generatePage(model, 5_000, undefined, false, 'real').html).toBe(pages[0].html);
    const mean = pages.reduce((n, p) => n + p.html.length, 0) / pages.length;
    expect(mean).toBeGreaterThan(35_000);
    expect(mean).toBeLessThan(90_000);
    // Real markup: most pages carry scripts or styles, which generated pages hold only in their head.
    expect(pages.filter((p) => /<script\b/i.test(p.html) && /<\/div>/i.test(p.html)).length).toBeGreaterThan(60);
    // Words were substituted: a page differs from its source page beyond the canonical link added to it.
    const src = readFileSync(join(SOURCE, pages[0].url.split('/').pop()! + '.html'), 'utf8').replace(/^\uFEFF/, '');
    const extracted = (h: string) => extractText(h).text;
    expect(extracted(pages[0].html)).not.toBe(extracted(src));
    expect(pages.every((p) => p.url.includes(`/p/${p.index}/`))).toBe(true);
  });

  it("keeps finding new words as the collection grows (Heaps' law) with distinct words for distinct ranks", () => {
    expect(vocabularySize(model, 200_000)).toBeGreaterThan(3 * vocabularySize(model, 20_000));
    const synthetic = Array.from({ length: 5000 }, (_, k) => wordAt(model, model.vocabulary.length + k * 97));
    expect(new Set(synthetic).size).toBe(synthetic.length);
    const seen = new Set<string>();
    const growth: number[] = [];
    for (let k = 0; k < 400; k++) {
      for (const w of generatePage(model, k * 50, undefined, true).words!) seen.add(w.toLowerCase());
      if (k === 99 || k === 399) growth.push(seen.size);
    }
    // Four times the pages: more words, but far fewer than four times as many (sub-linear growth).
    expect(growth[1] / growth[0]).toBeGreaterThan(1.3);
    expect(growth[1] / growth[0]).toBeLessThan(3);
  });
});
