// Citations: every format names the URL, the capture time (UTC), the archive file and the record's digest; the
// machine-read ones (BibTeX, CSL-JSON) parse as what they claim to be.
import { describe, expect, it } from 'vitest';
import { CITATION_FORMATS, cslJson, formatCitation } from '../../../src/core/cite/index.js';

const capture = {
  uri: 'http://example.com/a_b?x=1&y=2',
  type: 'response',
  timestamp: '20140103030321',
  file: '/data/warcs/example.warc.gz',
  offset: 1043,
  id: '<urn:uuid:6d058047-ede2-4a13-be79-90c17c631dd4>',
  digest: 'sha1:B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A',
  title: 'Example {Domain} 100%',
};

describe('citations', () => {
  it('names URL, ISO time in UTC, file name and digest in every format', () => {
    for (const f of CITATION_FORMATS) {
      const c = formatCitation(capture, f);
      expect(c, f).toContain('example.com/a_b');
      expect(c, f).toContain('example.warc.gz');
      expect(c, f).not.toContain('/data/warcs');
      expect(c, f).toContain('B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A');
      expect(c, f).toMatch(/2014-01-03|2014.*Jan|3 Jan 2014/);
    }
  });

  it('plain: title, URL, time, file, record id, digest and offset', () => {
    expect(formatCitation(capture)).toBe(
      '“Example {Domain} 100%”, http://example.com/a_b?x=1&y=2, archived 2014-01-03T03:03:21Z, in example.warc.gz ' +
        '(record urn:uuid:6d058047-ede2-4a13-be79-90c17c631dd4, digest sha1:B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A, offset 1043)',
    );
    // No 14-digit timestamp: the record's own WARC-Date, in UTC; no URI: the record type.
    expect(formatCitation({ ...capture, uri: null, title: null, type: 'warcinfo', timestamp: null, date: '2014-01-03T04:03:21+01:00', id: null, digest: null })).toBe(
      'warcinfo record, archived 2014-01-03T03:03:21Z, in example.warc.gz (offset 1043)',
    );
  });

  it('BibTeX: one @misc entry, special characters escaped outside the url field, braces balanced', () => {
    const b = formatCitation(capture, 'bibtex');
    expect(b).toMatch(/^@misc\{examplecom20140103030321,\n/);
    expect(b).toContain('title = {Example \\{Domain\\} 100\\%}');
    expect(b).toContain('url = {http://example.com/a_b?x=1&y=2}');
    expect(b).toContain('urldate = {2014-01-03}');
    let depth = 0;
    for (const ch of b.replace(/\\[{}]/g, '')) {
      depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it('CSL-JSON: a webpage item with URL, issued date parts, archive and location', () => {
    const item = JSON.parse(formatCitation(capture, 'csl-json')) as Record<string, unknown>;
    expect(item).toEqual(cslJson(capture));
    expect(item).toMatchObject({
      type: 'webpage',
      URL: capture.uri,
      title: capture.title,
      issued: { 'date-parts': [[2014, 1, 3]] },
      archive: 'example.warc.gz',
    });
    expect(item.archive_location).toBe('urn:uuid:6d058047-ede2-4a13-be79-90c17c631dd4 sha1:B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A offset 1043');
  });

  it('Memento: the URI-M with an RFC 7089 link when a replay prefix is known, and the PWID always', () => {
    expect(formatCitation(capture, 'memento', { replayPrefix: 'http://127.0.0.1:8090/docs', archive: 'docs.wacz' })).toBe(
      '<http://127.0.0.1:8090/docs/20140103030321/http://example.com/a_b?x=1&y=2>; rel="memento"; datetime="Fri, 03 Jan 2014 03:03:21 GMT"; ' +
        'urn:pwid:docs.wacz:2014-01-03T03:03:21Z:page:http://example.com/a_b?x=1&y=2; digest=sha1:B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A',
    );
    expect(formatCitation(capture, 'memento')).toBe(
      'urn:pwid:example.warc.gz:2014-01-03T03:03:21Z:page:http://example.com/a_b?x=1&y=2; digest=sha1:B2LTWWPUOYAH7UIPQ7ZUPQ4VMBSVC36A',
    );
  });
});
