// Replay on real corpus records (needs ../shared/corpus, read-only; skipped when absent). Files, and why:
//  - webrecorder+pywb/sample_archive/warcs/iana.warc.gz: a 2014 crawl of iana.org: the home page with its CSS, fonts
//    and images, chunked responses, 123 revisits, 302 redirects (one to another page, one http -> https to itself);
//  - webrecorder+pywb/sample_archive/warcs/example.warc.gz: http://example.com?example=1 (response and revisit), for
//    fuzzy matching of a real query;
//  - webrecorder+pywb/sample_archive/warcs/example2.warc.gz: a gzip content-encoded response;
//  - webrecorder+pywb/sample_archive/warcs/example-url-agnostic-{orig,revisit}.warc.gz: a revisit of one URL whose
//    original is a capture of another (WARC-Refers-To-Target-URI);
//  - webrecorder+py-wacz/tests/fixtures/valid_example_1.wacz: a page inside a WACZ package;
//  - webrecorder+pywb/sample_archive/warcs/example.arc.gz: a page in an ARC file;
//  - netarchivesuite+jwat/.../IAH-20080430204825-00000-blackbook.warc.gz: archive.org/about/about.php of 2008, served
//    as ISO-8859-1 with non-ASCII bytes in it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { servedEntry } from '../../../src/core/replay/ledger.js';
import { replayResponse } from '../../../src/core/replay/response.js';
import { resolve } from '../../../src/core/replay/resolve.js';
import type { ReplayRequest, ReplayResponse } from '../../../src/core/replay/types.js';
import { bodyBytes } from './body.js';
import { Collection } from '../../../src/core/store/index.js';
import { openArchive } from '../../../src/core/warc/index.js';

const WARC = resolvePath(__dirname, '../../../../shared/corpus/warc');
const FILES = [
  'webrecorder+pywb/sample_archive/warcs/iana.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/example.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/example2.warc.gz',
  'netarchivesuite+jwat/jwat-warc/src/test/resources/IAH-20080430204825-00000-blackbook.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/example-url-agnostic-orig.warc.gz',
  'webrecorder+pywb/sample_archive/warcs/example-url-agnostic-revisit.warc.gz',
  'webrecorder+py-wacz/tests/fixtures/valid_example_1.wacz',
  'webrecorder+pywb/sample_archive/warcs/example.arc.gz',
].map((f) => join(WARC, f));

const PREFIX = 'http://127.0.0.1:4000/corpus';
const PAGE_TS = '20140126200624';

type Got = Omit<ReplayResponse, 'body'> & { body: Buffer; streamed: boolean };

describe.skipIf(!existsSync(WARC))('replay of real corpus records', () => {
  let dir: string;
  let coll: Collection;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'as-replay-'));
    const db = join(dir, 'c.sqlite');
    const s = await ingestCollection(db, FILES, { workers: 1 });
    expect(s.filesIndexed).toBe(FILES.length);
    coll = Collection.open(db, { readonly: true });
  }, 120_000);
  afterAll(() => {
    coll?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The response, and whether its body was sent as it was read (streamed) or built whole. */
  const get = async (url: string, at: string, more: Partial<ReplayRequest> = {}): Promise<Got> => {
    const r = await replayResponse(coll, { url, at, flag: '', prefix: PREFIX, ...more });
    return { ...r, streamed: !(r.body instanceof Uint8Array), body: await bodyBytes(r.body) };
  };
  const text = (r: Got) => r.body.toString('latin1');
  const header = (r: Pick<ReplayResponse, 'headers'>, name: string) => r.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

  it('exact: the iana.org home page, its stylesheets and images pointed into the archive at the page time', async () => {
    const r = await get('http://www.iana.org/', PAGE_TS);
    expect(r.status).toBe(200);
    expect(r.resolution).toMatchObject({ how: 'exact', viaRevisit: false, driftSeconds: 0 });
    const html = text(r);
    expect(html).toContain(`href="${PREFIX}/${PAGE_TS}/http://www.iana.org/_css/2013.1/screen.css"`);
    expect(html).toContain(`src="${PREFIX}/${PAGE_TS}/http://www.iana.org/_img/2013.1/icann-logo.svg"`);
    expect(html).not.toMatch(/(?:href|src)="https?:\/\/(?!127\.0\.0\.1:4000\/)/); // no URL attribute leads out
    expect(header(r, 'Content-Security-Policy')).toContain("connect-src 'none'");
    expect(header(r, 'Content-Length')).toBe(String(r.body.length));
    expect(r.drops.map((d) => d.what)).toEqual(['script (scripts off)', 'script (scripts off)']);
  });

  it('scripts on (js_): the page keeps its scripts, loaded from the archive, and may connect to the replay origin only', async () => {
    const r = await get('http://www.iana.org/', PAGE_TS, { flag: 'js_' });
    expect(text(r)).toContain(`<script type="text/javascript" src="${PREFIX}/${PAGE_TS}js_/http://www.iana.org/_js/2013.1/jquery.js"></script>`);
    expect(text(r)).toContain(`href="${PREFIX}/${PAGE_TS}js_/http://www.iana.org/domains"`); // links keep the mode
    expect(header(r, 'Content-Security-Policy')).toContain("connect-src 'self'");
    expect(r.drops).toEqual([]);
  });

  it('revisit: the stylesheet at a later time is a revisit, served from its original payload', async () => {
    const r = await get('http://www.iana.org/_css/2013.1/screen.css', '20140126201000');
    expect(r.status).toBe(200);
    expect(r.resolution.viaRevisit).toBe(true);
    expect(r.resolution.capture).toMatchObject({ type: 'revisit', timestamp: '20140126200929' });
    expect(r.resolution.payload).toMatchObject({ type: 'response', timestamp: '20140126200625' });
    const css = text(r);
    // the original's CSS, its font URLs pointed into the archive at the revisit's time
    expect(css).toContain(`url("${PREFIX}/20140126200929/http://www.iana.org/_css/2013.1/fonts/OpenSans-Regular.ttf")`);
    const ledger = servedEntry(r.resolution, r.status, PAGE_TS);
    expect(ledger).toMatchObject({ how: 'nearest', viaRevisit: true, captureTime: '20140126200929', driftSeconds: 185, temporalDrift: false });
    expect(ledger.record).toMatchObject({ file: FILES[0], offset: r.resolution.payload!.offset });
    expect(ledger.record!.recordId).toMatch(/^<urn:uuid:/);
    expect(ledger.revisit).toMatchObject({ file: FILES[0], offset: r.resolution.capture!.offset });
    expect(ledger.revisit!.recordId).not.toBe(ledger.record!.recordId);
  });

  it('revisit of another URL: served from the original it names, wherever that was captured', async () => {
    const r = await get('http://example.com/', '20130729');
    expect(r.status).toBe(200);
    expect(r.resolution.capture).toMatchObject({ type: 'revisit', timestamp: '20130729195151' });
    expect(r.resolution.payload).toMatchObject({ type: 'response', uri: 'http://example.iana.org/', file: FILES[4] });
    expect(text(r)).toContain('Example Domain');
  });

  it('nearest in time: the capture of a script closest to the asked time, before or after', async () => {
    expect(resolve(coll, 'http://www.iana.org/_js/2013.1/iana.js', '20140126201000')).toMatchObject({
      how: 'nearest', viaRevisit: false, driftSeconds: -31, capture: { timestamp: '20140126200929' },
    });
    expect(resolve(coll, 'http://www.iana.org/_js/2013.1/iana.js', '20140126201120').capture!.timestamp).toBe('20140126201127');
    expect(resolve(coll, 'http://www.iana.org/_js/2013.1/iana.js', '20140126200929')).toMatchObject({ how: 'exact', driftSeconds: 0 });
    // scheme-agnostic, `www.` and case ignored, as CDX lookups match
    expect(resolve(coll, 'https://IANA.org/_js/2013.1/iana.js', '20140126201000').capture!.timestamp).toBe('20140126200929');
    expect(resolve(coll, 'http://WWW.IANA.ORG:80/_js/2013.1/iana.js', '20140126201000').how).toBe('nearest');
  });

  it('redirect: a 302 is served as archived, its Location pointing into the archive', async () => {
    const r = await get('http://www.iana.org/about/performance/ietf-statistics', '20140126200804');
    expect(r.status).toBe(302);
    const location = header(r, 'Location')!;
    expect(location).toBe(`${PREFIX}/20140126200804/http://www.iana.org/performance/ietf-statistics`);
    const next = await get('http://www.iana.org/performance/ietf-statistics', '20140126200804');
    expect(next.status).toBe(200);
    expect(next.resolution.how).toBe('exact');
  });

  it('redirect to itself (http -> https of one URL) is skipped for the capture it leads to', async () => {
    const r = await get('http://www.iana.org/dnssec', '20140126201306');
    expect(r.status).toBe(200);
    expect(r.resolution.capture).toMatchObject({ uri: 'https://www.iana.org/dnssec', timestamp: '20140126201307' });
  });

  it('canonical: /about/ as the home page links it is served from the capture of /about', async () => {
    const r = await get('http://www.iana.org/about/', PAGE_TS);
    expect(r.status).toBe(200);
    expect(r.resolution).toMatchObject({ how: 'canonical', capture: { uri: 'http://www.iana.org/about' } });
  });

  it('fuzzy: a cache-busting argument and a campaign tag do not hide the capture of the query', async () => {
    const r = await get('http://example.com/?example=1&_=1388700000000&utm_source=feed', '20140103');
    expect(r.status).toBe(200);
    expect(r.resolution).toMatchObject({ how: 'fuzzy', capture: { uri: 'http://example.com?example=1' } });
    expect(text(r)).toContain('Example Domain');
    // another value of a real argument is another resource: no match
    expect(resolve(coll, 'http://example.com/?example=3', '20140103').how).toBe('missing');
  });

  it('miss: a 404 "not in this archive" page listing the host\'s nearest pages, linked into the archive', async () => {
    const r = await get('http://www.iana.org/no-such-page', PAGE_TS);
    expect(r.status).toBe(404);
    expect(r.resolution.how).toBe('missing');
    const html = text(r);
    expect(html).toContain('Not in this archive');
    expect(html).toContain('Nothing was fetched from the live web');
    expect(html).toContain('asked for at 2014-01-26 20:06:24 UTC.');
    expect(text(await get('http://www.iana.org/no-such-page', '2014'))).toContain('asked for at 2014.'); // not 2014-00-00
    expect(html).toContain(`href="${PREFIX}/${PAGE_TS}/http://www.iana.org/"`); // the home page, 0 s away, first
    expect(html).toContain(`href="${PREFIX}/20140126200706/http://www.iana.org/about"`);
    expect(header(r, 'Content-Security-Policy')).toContain("default-src 'self'");
    // the miss page also names the URL's captures with other queries
    const q = text(await get('http://example.com/?example=9', '2014'));
    expect(q).toContain(`${PREFIX}/20140103030321/http://example.com?example=1`);
  });

  it('chunked and gzip payloads are decoded once and served with a matching Content-Length', async () => {
    const archived = openArchive(FILES[2]);
    const rec = [...archived.records()].find((x) => x.type === 'response')!;
    expect(rec.http()!.headers.get('content-encoding')).toBe('gzip');
    archived.close();
    const r = await get('http://example.com/', '2016');
    expect(header(r, 'Content-Encoding')).toBeUndefined();
    expect(header(r, 'Transfer-Encoding')).toBeUndefined();
    expect(header(r, 'Content-Length')).toBe(String(r.body.length));
    expect(text(r)).toMatch(/^<!doctype html>/i);

    const chunked = await get('http://www.iana.org/_css/2013.1/print.css', '20140126200625', { flag: 'id_' });
    expect(text(chunked)).not.toMatch(/^[0-9a-f]+\r\n/); // no chunk-size line left
    expect(header(chunked, 'Content-Length')).toBe(String(chunked.body.length));
  });

  it('sends what needs no rewriting or decoding as it is read: the same bytes as the record\'s payload, Range included', async () => {
    const archived = openArchive(FILES[0]);
    const plain = [...archived.records()].filter((x) => {
      const h = x.http();
      return x.type === 'response' && h?.status === 200 && !h.headers.get('transfer-encoding') && !h.headers.get('content-encoding') &&
        !/^text\/(html|css)/.test(h.headers.get('content-type') ?? '');
    });
    expect(plain.length).toBeGreaterThan(3); // iana.org's scripts and fonts (its images are chunked)
    let streamedRanges = 0;
    for (const rec of plain) {
      const ts = rec.date!.replace(/\D/g, '').slice(0, 14);
      const payload = rec.payload();
      const r = await get(rec.targetUri!, ts, { flag: 'id_' });
      expect([r.streamed, r.status, header(r, 'Content-Length')]).toEqual([true, 200, String(payload.length)]);
      expect(r.body.equals(payload)).toBe(true);
      const part = await get(rec.targetUri!, ts, { range: 'bytes=5-' });
      if (payload.length <= 5) {
        expect([part.status, header(part, 'Content-Range')]).toEqual([416, `bytes */${payload.length}`]); // iana.js: empty
        continue;
      }
      streamedRanges++;
      expect([part.streamed, part.status, header(part, 'Content-Range')]).toEqual([true, 206, `bytes 5-${payload.length - 1}/${payload.length}`]);
      expect(part.body.equals(payload.subarray(5))).toBe(true);
    }
    archived.close();
    expect(streamedRanges).toBeGreaterThanOrEqual(2); // jquery.js and the font at least
    // A chunked stylesheet is decoded whole, then rewritten: never streamed.
    expect((await get('http://www.iana.org/_css/2013.1/print.css', '20140126200625')).streamed).toBe(false);
  });

  it('decodes chunked and gzip-encoded payloads sent as archived as they are sent; a Range of one is decoded whole', async () => {
    const archived = openArchive(FILES[0]);
    const images = [...archived.records()].filter((x) => x.type === 'response' && /^image\//.test(x.http()?.headers.get('content-type') ?? ''));
    expect(images.map((x) => x.http()!.headers.get('transfer-encoding'))).toEqual(['chunked', 'chunked', 'chunked', 'chunked']);
    for (const rec of images) {
      const payload = rec.payload();
      const r = await get(rec.targetUri!, rec.date!.replace(/\D/g, '').slice(0, 14));
      expect([r.streamed, r.status, header(r, 'Content-Length'), header(r, 'Transfer-Encoding')]).toEqual([true, 200, String(payload.length), undefined]);
      expect(r.body.equals(payload)).toBe(true);
      const part = await get(rec.targetUri!, rec.date!.replace(/\D/g, '').slice(0, 14), { range: 'bytes=0-9' });
      expect([part.streamed, part.status, header(part, 'Content-Range')]).toEqual([false, 206, `bytes 0-9/${payload.length}`]);
      expect(part.body.equals(payload.subarray(0, 10))).toBe(true);
    }
    archived.close();
    const gz = openArchive(FILES[2]);
    const encoded = [...gz.records()].find((x) => x.type === 'response')!;
    const r = await get('http://example.com/', '2016', { flag: 'id_' });
    expect([r.streamed, header(r, 'Content-Encoding')]).toEqual([true, undefined]);
    expect(r.body.equals(encoded.payload())).toBe(true);
    gz.close();
  });

  it('Range: 206 with Content-Range from the served body, 416 past its end, whole for a rewritten page', async () => {
    const whole = await get('http://www.iana.org/_img/2013.1/iana-logo-homepage.png', PAGE_TS);
    expect(Buffer.from(whole.body.subarray(1, 4)).toString('latin1')).toBe('PNG');
    const part = await get('http://www.iana.org/_img/2013.1/iana-logo-homepage.png', PAGE_TS, { range: 'bytes=1-3' });
    expect(part.status).toBe(206);
    expect(header(part, 'Content-Range')).toBe(`bytes 1-3/${whole.body.length}`);
    expect(Buffer.from(part.body).toString('latin1')).toBe('PNG');
    const past = await get('http://www.iana.org/_img/2013.1/iana-logo-homepage.png', PAGE_TS, { range: `bytes=${whole.body.length}-` });
    expect(past.status).toBe(416);
    expect(header(past, 'Content-Range')).toBe(`bytes */${whole.body.length}`);
    // a rewritten page carries a fresh nonce each time: its ranges would not fit together, so it is sent whole
    const page = await get('http://www.iana.org/', PAGE_TS, { range: 'bytes=0-9' });
    expect(page.status).toBe(200);
    expect(header(page, 'Accept-Ranges')).toBe('none');
    expect(page.body.length).toBeGreaterThan(1000);
  });

  it('id_: the archived payload as it is, no rewriting, headers still cleaned', async () => {
    const r = await get('http://www.iana.org/', PAGE_TS, { flag: 'id_' });
    expect(text(r)).toContain('href="/_css/2013.1/screen.css"');
    expect(text(r)).not.toContain('/__as/frame.js');
  });

  it('a page inside a WACZ package is read from the package', async () => {
    const r = await get('http://www.example.com/', '20201007');
    expect(r.status).toBe(200);
    expect(r.resolution).toMatchObject({ how: 'exact', payload: { file: FILES[6], timestamp: '20201007212236' } });
    expect(text(r)).toContain('<title>Example Domain</title>');
  });

  it('a page in an ARC file is served from its ARC record', async () => {
    const r = await get('http://example.com/', '20140216050221');
    expect(r.status).toBe(200);
    expect(r.resolution).toMatchObject({ how: 'exact', payload: { file: FILES[7] } });
    expect(text(r)).toContain('<title>Example Domain</title>');
    expect(header(r, 'Memento-Datetime')).toBe('Sun, 16 Feb 2014 05:02:21 GMT');
  });

  it('an ISO-8859-1 page keeps its bytes and declared charset', async () => {
    const url = 'http://www.archive.org/about/about.php';
    const r = await get(url, '20080430');
    expect(r.status).toBe(200);
    expect(header(r, 'Content-Type')).toBe('text/html; charset=ISO-8859-1');
    const archived = openArchive(FILES[3]);
    const original = archived.readRecord(r.resolution.payload!.offset, r.resolution.payload!.length).payload();
    archived.close();
    // The page's only non-ASCII bytes (EF BF BD, a UTF-8 replacement character the 2008 site wrote into a Latin-1
    // page) come out as the same three bytes, not re-encoded as six.
    const phrase = Buffer.concat([Buffer.from('Archive'), Buffer.from([0xef, 0xbf, 0xbd]), Buffer.from('s collections')]);
    expect(original.includes(phrase)).toBe(true);
    const body = Buffer.from(r.body);
    expect(body.includes(phrase)).toBe(true);
    expect(body.filter((b) => b >= 0x80).length).toBe(3);
    expect(text(r)).toContain(`${PREFIX}/20080430205214/http://www.archive.org/`);
  });
});
