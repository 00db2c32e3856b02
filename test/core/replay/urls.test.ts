// The replay URL scheme (/<collection>/<ts><flag>/<url>), the Range parser, the fuzzy rules and the ledger formats.
import { describe, expect, it } from 'vitest';
import { fuzzyMatch, fuzzyParts } from '../../../src/core/replay/fuzzy.js';
import { blockedEntry, ledgerToCsv, ledgerToJson } from '../../../src/core/replay/ledger.js';
import { canonicalVariants } from '../../../src/core/replay/resolve.js';
import { parseRange } from '../../../src/core/replay/response.js';
import type { LedgerEntry, ReplayCapture } from '../../../src/core/replay/types.js';
import { parseReplayPath, replayPath } from '../../../src/core/replay/urls.js';
import { surt } from '../../../src/core/warc/surt.js';

describe('replay URLs', () => {
  it('round-trips collection, time, flag and URL with its query', () => {
    const addr = { collection: 'my coll/ü', ts: '20140126200624', flag: 'js_' as const, url: 'http://www.iana.org/_css/x.css?a=1&b=%20' };
    const path = replayPath(addr);
    expect(path).toBe('/my%20coll%2F%C3%BC/20140126200624js_/http://www.iana.org/_css/x.css?a=1&b=%20');
    expect(parseReplayPath(path)).toEqual(addr);
    expect(parseReplayPath('/c/2014/https://e.com/')).toEqual({ collection: 'c', ts: '2014', flag: '', url: 'https://e.com/' });
    expect(parseReplayPath('/c/2014id_/http://e.com/')?.flag).toBe('id_');
  });
  it('repairs merged slashes and a missing scheme; refuses what is not an address', () => {
    expect(parseReplayPath('/c/2014/http:/e.com/a')?.url).toBe('http://e.com/a');
    expect(parseReplayPath('/c/2014/e.com/a')?.url).toBe('http://e.com/a');
    expect(parseReplayPath('/c/2014/e.com:8080/a')?.url).toBe('http://e.com:8080/a');
    expect(parseReplayPath('/__as/frame.js')).toBeNull();
    expect(parseReplayPath('/c/notatime/http://e.com/')).toBeNull();
    expect(parseReplayPath('/c/123456789012345/http://e.com/')).toBeNull(); // 15 digits
    expect(parseReplayPath('/c/2014/javascript:alert(1)')).toBeNull();
    expect(parseReplayPath('/c/2014/')).toBeNull();
  });
});

describe('Range', () => {
  it('answers one byte range, a suffix and an open end; refuses past the end', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull(); // several ranges: the whole body
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeNull();
  });
});

describe('canonical variants and fuzzy rules', () => {
  it('tries the trailing slash and the index file', () => {
    expect(canonicalVariants('http://e.com/a')).toEqual(['http://e.com/a/']);
    expect(canonicalVariants('http://e.com/a/?q=1')).toEqual(['http://e.com/a?q=1', 'http://e.com/a/index.html?q=1', 'http://e.com/a/index.htm?q=1']);
    expect(canonicalVariants('http://e.com/d/index.html')).toEqual(['http://e.com/d/index.html/', 'http://e.com/d/']);
  });
  it('ignores cache busters, epoch times, random fractions, session and campaign arguments', () => {
    expect(fuzzyParts(surt('http://e.com/x.js?_=1400000000000&v=2&cb=abc&t=1400000000&r=0.12345678&utm_source=tw'))).toEqual({ path: 'com,e)/x.js', args: ['v=2'] });
    expect(fuzzyParts(surt('http://e.com/a;jsessionid=ABC?id=5'))).toEqual({ path: 'com,e)/a', args: ['id=5'] });
  });
  it('matches a capture holding every asked argument (fewest extra first), never one with another value', () => {
    let id = 0;
    const cap = (url: string, ts: string) => ({ id: ++id, urlkey: surt(url), uri: url, timestamp: ts, method: null }) as unknown as ReplayCapture;
    const caps = [cap('http://e.com/p?id=6', '2020'), cap('http://e.com/p?id=5&ref=home', '2020'), cap('http://e.com/p?id=5&cb=1', '2019')];
    const near = (c: ReplayCapture) => Math.abs(+c.timestamp! - 2020);
    expect(fuzzyMatch(surt('http://e.com/p?id=5&_=1600000000000'), caps, near)?.uri).toBe('http://e.com/p?id=5&cb=1');
    expect(fuzzyMatch(surt('http://e.com/p?id=5&ref=home&x=1'), caps, near)).toBeNull();
    expect(fuzzyMatch(surt('http://e.com/p?id=7'), caps, near)).toBeNull();
  });
});

describe('ledger formats', () => {
  const served: LedgerEntry = {
    url: 'http://e.com/a,"b".css', how: 'nearest', viaRevisit: true,
    record: { file: '/d/x.warc.gz', offset: 1200, length: 300, recordId: '<urn:uuid:1>' },
    revisit: { file: '/d/y.warc.gz', offset: 50, length: 90, recordId: '<urn:uuid:2>' },
    captureTime: '20140127000000', driftSeconds: 100000, temporalDrift: true, blockedBy: null, status: 200,
  };
  it('JSON keeps every field; CSV has a header and quotes what needs quoting', () => {
    const rows = [served, blockedEntry('=cmd|x', 'csp:connect-src')];
    expect(JSON.parse(ledgerToJson(rows))).toEqual(rows);
    expect(ledgerToCsv(rows).split('\r\n')).toEqual([
      'url,how,viaRevisit,status,file,offset,length,recordId,captureTime,driftSeconds,temporalDrift,blockedBy,revisitFile,revisitOffset,revisitRecordId',
      '"http://e.com/a,""b"".css",nearest,true,200,/d/x.warc.gz,1200,300,<urn:uuid:1>,20140127000000,100000,true,,/d/y.warc.gz,50,<urn:uuid:2>',
      "'=cmd|x,blocked,false,,,,,,,,false,csp:connect-src,,,",
      '',
    ]);
  });
});
