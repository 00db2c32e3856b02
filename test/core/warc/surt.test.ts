// SURT urlkeys and POST/PUT request keys, checked side by side against warcio.js 2.4's own functions (node_modules/warcio,
// the peer whose `cdx-index` output our `cdxj` must reproduce), plus fixed expectations that pin the rules themselves.
import { describe, expect, it } from 'vitest';
import { getSurt, postToGetUrl } from 'warcio/utils';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openArchive } from '../../../src/core/warc/index.js';
import { MAX_REQUEST_QUERY, jsonToQuery, parsedSurt, plainSurt, requestQuery, surt } from '../../../src/core/warc/surt.js';

const URLS = [
  'http://example.com',
  'http://example.com/',
  'https://example.com/',
  'http://www.example.com/',
  'http://www2.example.com/index.html',
  'https://www10.example.com:8443/a?only=1',
  'https://www.a.b.c.example.org/x?z=1&a&m=',
  'http://www.www.example.com/',
  'http://wwwexample.com/',
  'http://WWW.Example.COM/Path/To/Page.HTML',
  'HTTP://www.example.com/',
  'http://example.com:80/',
  'https://example.com:443/a',
  'http://example.com:8080/a',
  'https://example.com:80/a',
  'http://example.com/?',
  'http://example.com/?b=2&a=1&c',
  'http://example.com/path?z=1&a=2&a=1&A=0',
  'http://example.com/page#frag',
  'http://example.com/page?x=1#frag',
  'http://user:pw@example.com/secret',
  'http://127.0.0.1/',
  'http://127.0.0.1:8000/x?y=1',
  'http://[::1]:8080/x',
  'http://[2001:db8::1]/',
  'http://bücher.example/straße',
  'http://example.com/a b/c d?q=a b',
  'http://example.com/%7Euser/%41',
  'http://example.com/../a/./b/../c',
  'http://example.com/a//b',
  'http://example.com.',
  'http://example.com/\u00e9t\u00e9?\u00e9=1',
  'dns:www.archive.org',
  'dns:example.com',
  'urn:uuid:12345',
  'filedesc://IAH-20080430204825-00000-blackbook.arc',
  'about:blank',
  'ftp://ftp.example.com/pub/file.txt',
  'mailto:someone@example.com',
  'http://',
  'http:///nohost',
  'http://exa mple.com/',
  'https://www.example.com:99999/',
  'http://example.com/search?q=%E2%82%AC&lang=en',
  'http://example.com/post?__wb_method=POST&foo=bar&test=abc',
  'http://example.com/?a=1&&b=2',
  '',
  'example.com/no-scheme',
  'http://1.2.3/',
  'http://0x7f.1/',
];

describe('surt (warcio.js getSurt compatible)', () => {
  it.each(URLS)('matches warcio.js for %j', (url) => {
    expect(surt(url)).toBe(getSurt(url));
  });

  it('reverses host labels, drops www and the fragment, sorts the query (pywb/warcio urlkey rules)', () => {
    expect(surt('http://www.Example.com:8080/A?b=1&a=2#x')).toBe('com,example:8080)/a?a=2&b=1');
    expect(surt('https://example.com:443/')).toBe('com,example)/');
    expect(surt('http://example.com')).toBe('com,example)/');
    expect(surt('http://example.com/?')).toBe('com,example)/');
  });

  it('reverses IPv4 hosts like any other (warcio.js does; python surt would not)', () => {
    expect(surt('http://127.0.0.1:8000/x')).toBe('1,0,0,127:8000)/x');
  });

  it('leaves dns: and other schemes alone', () => {
    expect(surt('dns:www.archive.org')).toBe('dns:www.archive.org');
    expect(surt('urn:x')).toBe('urn:x');
  });
});

type WarcioRequest = Parameters<typeof postToGetUrl>[0];

function peerRequest(url: string, method: string, contentType: string, body: Uint8Array) {
  const headers = new Headers();
  if (contentType) headers.set('Content-Type', contentType);
  const req: WarcioRequest = { url, method, headers, postData: body };
  if (!postToGetUrl(req, MAX_REQUEST_QUERY)) return null;
  return { url: req.url, requestBody: req.requestBody ?? '' };
}

const enc = (s: string) => new TextEncoder().encode(s);
const multipart =
  '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello world\r\n' +
  '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n' +
  '--XyZ--\r\n';

const BODIES: Array<[string, string, string, Uint8Array]> = [
  ['POST', 'application/x-www-form-urlencoded', 'foo=bar&test=abc', new Uint8Array()],
  ['POST', 'application/x-www-form-urlencoded; charset=UTF-8', 'A=1&B=[]&C=3', new Uint8Array()],
  ['POST', 'application/x-www-form-urlencoded', 'bad=%E0%A4%A', new Uint8Array()],
  ['POST', 'application/json', '{"a": 1, "b": [1, 2, {"a": "x"}], "c": null, "d": {"e": true, "f": ""}}', new Uint8Array()],
  ['POST', 'application/json', '[1, 2, 3]', new Uint8Array()],
  ['POST', 'application/json', 'not json', new Uint8Array()],
  ['POST', 'application/json', '"just a string"', new Uint8Array()],
  ['POST', 'text/plain', '{"q": "search terms", "page": 2}', new Uint8Array()],
  ['POST', 'text/plain', 'plain text body', new Uint8Array()],
  ['POST', 'multipart/form-data; boundary=XyZ', multipart, new Uint8Array()],
  ['PUT', 'application/octet-stream', '', Uint8Array.from([0, 1, 2, 250, 255, 128])],
  ['POST', '', 'raw=body', new Uint8Array()],
  ['HEAD', '', '', new Uint8Array()],
  ['POST', 'Application/JSON', '{"a": 1}', new Uint8Array()],
  ['POST', 'application/x-www-form-urlencoded', 'x='.padEnd(6000, 'y'), new Uint8Array()],
];

describe('requestQuery (warcio.js postToGetUrl compatible)', () => {
  it.each(BODIES.map((b, i) => [i, ...b] as const))('case %i: %s %j', (_i, method, ct, text, bytes) => {
    const body = text ? enc(text) : bytes;
    for (const url of ['http://httpbin.org/post', 'http://httpbin.org/post?foo=bar']) {
      const ours = requestQuery(url, method, ct, body);
      const peer = peerRequest(url, method, ct, body);
      expect(peer).not.toBeNull();
      expect({ url: ours.url, requestBody: ours.requestBody }).toEqual(peer);
    }
  });

  it('builds the key pywb replays POSTs by (post-test.warc.gz in pywb sample_archive)', () => {
    const q = requestQuery('http://httpbin.org/post', 'POST', 'application/x-www-form-urlencoded', enc('foo=bar&test=abc'));
    expect(q.url).toBe('http://httpbin.org/post?__wb_method=POST&foo=bar&test=abc');
    expect(surt(q.url)).toBe('org,httpbin)/post?__wb_method=post&foo=bar&test=abc');
  });

  it('carries unknown bodies as base64 and cuts long ones at 4096 characters', () => {
    expect(requestQuery('http://x.org/', 'PUT', 'image/png', Uint8Array.from([255, 0])).requestBody).toBe('__wb_post_data=/wA=');
    expect(requestQuery('http://x.org/', 'POST', 'application/x-www-form-urlencoded', enc('a='.padEnd(5000, 'b'))).requestBody).toHaveLength(4096);
  });

  it('flattens JSON with numbered repeats', () => {
    expect(jsonToQuery('{"a": 1, "b": {"a": 2}, "c": [3, 4]}')).toBe('a=1&a.2_=2&c=3&c.2_=4');
  });
});

/** URLs the WHATWG parser rewrites (or refuses), next to ones it leaves as they are. */
const NEAR_PLAIN = [
  'http://example.com:0080/', 'http://example.com:080/x', 'http://example.com:65536/', 'http://example.com:65535/',
  'https://example.com:443', 'http://example.com:8080', 'http://www.example.com:8080/x', 'https://www3.example.com/',
  'http://1.2.3.4/', 'http://a.b.c.1/', 'http://0x7f.1/', 'http://example.123/', 'http://example.0x1f/',
  'http://example.com./', 'http://a..b/', 'http://-a-.com/', 'http://ab--cd.com/', 'http://xn--nxasmq6b.com/',
  'http://xn--bad-.com/', 'http://bücher.de/', 'http://EXAMPLE.com/ÄÖ', 'http://exa mple.com/',
  'http://example.com/a/./b', 'http://example.com/a/../b', 'http://example.com/a/%2e%2e/b', 'http://example.com/a/%2E/b',
  'http://example.com/a/.', 'http://example.com/..', 'http://example.com/.well-known/x', 'http://example.com/a.b/c..d',
  'http://example.com/a b', 'http://example.com/a"b', "http://example.com/it's", "http://example.com/?q='x'",
  'http://example.com/a\\b', 'http://example.com/{x}', 'http://example.com/a|b', 'http://example.com/a^b',
  'http://example.com/[x]', 'http://example.com/a`b', 'http://example.com/%zz', 'http://example.com/%7Efoo',
  'http://example.com/\ttab', 'http://example.com/?a=1&&b=2', 'http://example.com/p?x=1?y=2', 'http://example.com/?',
  'http://example.com/p?q=a%20b&r=<c>', 'http:/example.com/one-slash', 'http://example.com/#', 'https://sub.example.co.uk/a;b,c!d$e*f+g=h@i:j',
];

const CORPUS = resolve(__dirname, '../../../../shared/corpus/warc');

/** Every WARC-Target-URI of the corpus's WARC files (MANIFEST.tsv), where the corpus is present. */
function corpusUris(): string[] {
  if (!existsSync(CORPUS)) return [];
  const uris = new Set<string>();
  for (const line of readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [repo, path] = line.split('\t');
    try {
      const file = openArchive(join(CORPUS, repo, path), { onProblem: () => {} });
      try {
        for (const r of file.records()) if (r.targetUri?.startsWith('http')) uris.add(r.targetUri);
      } finally {
        file.close();
      }
    } catch {
      // a file the reader refuses has no URIs to offer
    }
  }
  return [...uris];
}

describe('surt without the URL parser', () => {
  it('gives what the URL parser gives, for the URLs it takes, and leaves the rest to it', () => {
    const http = (u: string): boolean => u.startsWith('http:') || u.startsWith('https:');
    const lists = [...URLS, ...NEAR_PLAIN].filter(http);
    const corpus = corpusUris().filter(http);
    const taken = (urls: string[]): number => {
      let n = 0;
      for (const url of urls) {
        const plain = plainSurt(url);
        if (plain === null) continue;
        n++;
        expect(plain, url).toBe(parsedSurt(url));
      }
      return n;
    };
    // The ordinary URLs of the lists above take the plain path, so the comparison is not empty without the corpus.
    expect(taken(lists)).toBeGreaterThan(20);
    // Most real URLs take it (the corpus's target URIs; without ../shared/corpus this part compares nothing).
    const takenOfCorpus = taken(corpus);
    if (corpus.length > 0) expect(takenOfCorpus).toBeGreaterThan(corpus.length / 2);
    for (const url of ['http://example.com/a/./b', 'http://0x7f.1/', 'http://example.com:0080/', "http://example.com/?q='x'"])
      expect(plainSurt(url), url).toBeNull();
  }, 120_000);
});
