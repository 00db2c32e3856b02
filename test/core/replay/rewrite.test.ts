// The replay rewriters on inline inputs (issue 12: "server-side rewriting of every URL that would leave the archive:
// HTML URL attributes incl. srcset/imagesrcset, inline style attributes and <style>, CSS url() and @import, meta
// refresh, <base>, Location/Link/Refresh headers; integrity, meta CSP and preconnect/dns-prefetch/prefetch/prerender
// hints dropped; archived JavaScript off by default; non-UTF-8 bytes and charset kept").
import { describe, expect, it } from 'vitest';
import { rewriteCss } from '../../../src/core/replay/css.js';
import { policyHeaders, replayCsp, replayHeaders } from '../../../src/core/replay/headers.js';
import { rewriteHtml, type HtmlRewriteOptions } from '../../../src/core/replay/html.js';
import type { RewriteDrop } from '../../../src/core/replay/types.js';

const P = 'http://127.0.0.1:4000/c';
const target = { prefix: P, ts: '20140126200624', flag: '' as const };
const A = (u: string) => `${P}/20140126200624/${u}`;

function html(input: string | Buffer, o: Partial<HtmlRewriteOptions> = {}) {
  const r = rewriteHtml(Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8'), {
    target, url: 'http://example.com/dir/page.html', charset: 'utf-8', scripts: false, nonce: null, ...o,
  });
  return { text: r.bytes.toString('utf8'), bytes: r.bytes, drops: r.drops };
}

describe('HTML rewriter: URLs', () => {
  it('points URL attributes into the archive, resolved against the page', () => {
    const { text } = html('<a href="other.html">x</a><img src=/img/a.png><form action="//cdn.example.net/f"><iframe src="https://e.org/"></iframe>');
    expect(text).toBe(`<a href="${A('http://example.com/dir/other.html')}">x</a><img src="${A('http://example.com/img/a.png')}">`
      + `<form action="${A('http://cdn.example.net/f')}"><iframe src="${A('https://e.org/')}"></iframe>`);
  });

  it('leaves fragments, data:, mailto: and unchanged markup byte for byte', () => {
    const input = '<!DOCTYPE html>\n<A HREF="#top" Class=x>t</A><img src="data:image/png;base64,AAAA"><a href="mailto:a@b">m</a><!-- <a href="http://x/"> -->';
    expect(html(input).text).toBe(input);
  });

  it('decodes entities in a value and escapes the rewritten one', () => {
    const { text } = html('<a href="/q?a=1&amp;b=2&copy=3">q</a>');
    expect(text).toBe(`<a href="${A('http://example.com/q?a=1&b=2&copy=3').replace(/&/g, '&amp;')}">q</a>`);
  });

  it('rewrites every candidate of srcset and imagesrcset, keeping descriptors', () => {
    const { text } = html('<img srcset="a.png 1x, /b.png 2x,c.png 300w"><link rel=preload as=image imagesrcset="d.png 1x" href=d.png>');
    expect(text).toContain(`srcset="${A('http://example.com/dir/a.png')} 1x, ${A('http://example.com/b.png')} 2x,${A('http://example.com/dir/c.png')} 300w"`);
    expect(text).toContain(`imagesrcset="${A('http://example.com/dir/d.png')} 1x"`);
  });

  it('rewrites style attributes and <style> (url() and @import), not <script> or <textarea> text', () => {
    const { text } = html(`<style>@import "s.css"; body { background: url('/bg.png') }</style><div style="background:url(x.png)"></div>`
      + '<textarea><a href="http://x/">keep</a></textarea>');
    expect(text).toContain(`@import "${A('http://example.com/dir/s.css')}"`);
    expect(text).toContain(`url("${A('http://example.com/bg.png')}")`);
    expect(text).toContain(`style="background:url(&quot;${A('http://example.com/dir/x.png')}&quot;)"`);
    expect(text).toContain('<textarea><a href="http://x/">keep</a></textarea>');
  });

  it('honours <base> for resolving and points it into the archive', () => {
    const { text } = html('<head><base href="http://other.org/root/"></head><a href="p.html">p</a>');
    expect(text).toContain(`<base href="${A('http://other.org/root/')}">`);
    expect(text).toContain(`<a href="${A('http://other.org/root/p.html')}">`);
  });

  it('rewrites a meta refresh URL', () => {
    const { text } = html('<meta http-equiv="refresh" content="5; URL=\'/next\'">');
    expect(text).toBe(`<meta http-equiv="refresh" content="5; URL='${A('http://example.com/next')}'">`);
  });

  it('sends ws: and other schemes into the archive rather than to the network', () => {
    const { text } = html('<a href="ftp://files.example.com/x">f</a><link href="wss://live.example.com/s">');
    expect(text).toContain(A('ftp://files.example.com/x'));
    expect(text).toContain(A('https://live.example.com/s'));
  });

  it('rewrites the HTML of an iframe srcdoc', () => {
    const { text } = html('<iframe srcdoc="<img src=&quot;/in.png&quot;>"></iframe>');
    expect(text).toBe(`<iframe srcdoc="<img src=&quot;${A('http://example.com/in.png')}&quot;>"></iframe>`);
  });
});

describe('HTML rewriter: what it drops', () => {
  it('drops hints, integrity, meta CSP, ping and speculation rules, recording each', () => {
    const { text, drops } = html('<head><link rel="preconnect" href="https://fonts.example.com">'
      + '<link rel=dns-prefetch href=//dns.example.com><link rel="prefetch" href="/next.html"><link rel=prerender href=/pre>'
      + '<meta http-equiv="Content-Security-Policy" content="default-src *">'
      + '<link rel=stylesheet href=/s.css integrity="sha384-abc">'
      + '<script type="speculationrules">{"prerender":[{"urls":["/x"]}]}</script></head>'
      + '<a href=/a ping="https://track.example.com/p">a</a>');
    expect(text).not.toMatch(/preconnect|dns-prefetch|prefetch|prerender|Content-Security|integrity|speculation|ping=/);
    expect(text).toContain(`<link rel=stylesheet href="${A('http://example.com/s.css')}">`);
    expect(drops).toEqual<RewriteDrop[]>([
      { url: 'https://fonts.example.com/', what: 'preconnect hint', request: true },
      { url: 'http://dns.example.com/', what: 'dns-prefetch hint', request: true },
      { url: 'http://example.com/next.html', what: 'prefetch hint', request: true },
      { url: 'http://example.com/pre', what: 'prerender hint', request: true },
      { url: '', what: 'meta CSP', request: false },
      { url: 'http://example.com/s.css', what: 'integrity attribute', request: false },
      { url: '', what: 'speculation rules', request: true },
      { url: 'https://track.example.com/p', what: 'ping', request: true },
    ]);
  });

  it('scripts off: scripts inert, handlers and javascript: URLs gone, noscript unwrapped', () => {
    const { text, drops } = html('<script src="/app.js"></script><script>alert(1)</script><script type="module">x()</script>'
      + '<script type="application/ld+json">{"a":1}</script>'
      + '<body onload="go()"><a href="javascript:go()" onclick="x()">j</a><noscript><img src=/ns.png></noscript>');
    expect(text).toBe('<script type="text/x-archived-script"></script><script type="text/x-archived-script">alert(1)</script>'
      + '<script type="text/x-archived-script">x()</script><script type="application/ld+json">{"a":1}</script>'
      + `<body><a>j</a><img src="${A('http://example.com/ns.png')}">`);
    expect(drops).toEqual([{ url: 'http://example.com/app.js', what: 'script (scripts off)', request: true }]);
  });

  it('scripts on: an import map points its URLs into the archive, bare specifiers kept', () => {
    const { text } = html('<script type="importmap">{"imports":{"lib":"/js/lib.js","https://cdn.example.com/a.js":"./a.js","caf\u00e9":"/c.js"},'
      + '"scopes":{"/app/":{"lib":"https://cdn.example.com/lib2.js"}}}</script>', { scripts: true, target: { ...target, flag: 'js_' } });
    const J = (u: string) => `${P}/20140126200624js_/${u}`;
    expect(JSON.parse(/<script type="importmap">(.*)<\/script>/s.exec(text)![1])).toEqual({
      imports: { lib: J('http://example.com/js/lib.js'), [J('https://cdn.example.com/a.js')]: J('http://example.com/dir/a.js'), 'caf\u00e9': J('http://example.com/c.js') },
      scopes: { [J('http://example.com/app/')]: { lib: J('https://cdn.example.com/lib2.js') } },
    });
    expect(text).toContain('"caf\\u00e9"'); // written back as ASCII
  });

  it('scripts on: scripts kept with src rewritten, handlers kept', () => {
    const { text, drops } = html('<script src="/app.js"></script><a href="javascript:go()" onclick="x()">j</a>', { scripts: true, target: { ...target, flag: 'js_' } });
    expect(text).toBe(`<script src="${P}/20140126200624js_/http://example.com/app.js"></script><a href="javascript:go()" onclick="x()">j</a>`);
    expect(drops).toEqual([]);
  });
});

describe('HTML rewriter: helper script and bytes', () => {
  const frame = '<script nonce="N1" src="/__as/frame.js"></script>';
  it('injects the helper script just inside <head>, else before the first element', () => {
    expect(html('<!doctype html><html><head><title>t</title></head></html>', { nonce: 'N1' }).text)
      .toBe(`<!doctype html><html><head>${frame}<title>t</title></head></html>`);
    expect(html('<!doctype html><p>hi', { nonce: 'N1' }).text).toBe(`<!doctype html>${frame}<p>hi`);
    expect(html('just text', { nonce: 'N1' }).text).toBe(`just text${frame}`);
  });

  it('keeps iso-8859-1 bytes as they are and decodes URLs with the page charset', () => {
    // "café" in Latin-1 in text and in a URL; the URL comes out percent-encoded as UTF-8, as a browser sends it
    const input = Buffer.concat([Buffer.from('<p>caf'), Buffer.from([0xe9]), Buffer.from('</p><a href="/caf'), Buffer.from([0xe9]), Buffer.from('.html">x</a>')]);
    const { bytes } = html(input, { charset: 'windows-1252' });
    expect(bytes.subarray(0, 9)).toEqual(Buffer.from([0x3c, 0x70, 0x3e, 0x63, 0x61, 0x66, 0xe9, 0x3c, 0x2f]));
    expect(bytes.toString('latin1')).toContain(`href="${A('http://example.com/caf%C3%A9.html')}"`);
    expect(bytes.includes(Buffer.from([0xc3, 0xa9]))).toBe(false); // no UTF-8 é anywhere
  });

  it('rewrites UTF-16 pages (both byte orders, BOM kept) in their own encoding', () => {
    const page = '\ufeff<p>caf\u00e9</p><a href="/x">x</a>';
    const expected = `\ufeff<p>caf\u00e9</p><a href="${A('http://example.com/x')}">x</a>`;
    expect(html(Buffer.from(page, 'utf16le'), { charset: 'utf-16le' }).bytes.toString('utf16le')).toBe(expected);
    const be = html(Buffer.from(page, 'utf16le').swap16(), { charset: 'utf-16be' }).bytes;
    expect(Buffer.from(be).swap16().toString('utf16le')).toBe(expected);
  });

  it('writes non-ASCII characters of a rewritten attribute as references, whatever the charset', () => {
    const input = Buffer.concat([Buffer.from('<div title=x style="font-family:\''), Buffer.from([0xc4]), Buffer.from('rial\';background:url(a.png)">')]);
    const { bytes } = html(input, { charset: 'windows-1252' });
    expect(bytes.toString('latin1')).toBe(`<div title=x style="font-family:'&#xc4;rial';background:url(&quot;${A('http://example.com/dir/a.png')}&quot;)">`);
  });

  it('ends comments where a browser does, abrupt ones included', () => {
    expect(html('<!--><a href=x>a</a><!---><img src=y>').text).toBe(`<!--><a href="${A('http://example.com/dir/x')}">a</a><!---><img src="${A('http://example.com/dir/y')}">`);
  });

  it('survives markup cut off in the middle', () => {
    expect(html('<a href="x">ok</a><img src="y').text).toBe(`<a href="${A('http://example.com/dir/x')}">ok</a><img src="y`);
    expect(html('<script>never closed <a href=x>').text).toBe('<script type="text/x-archived-script">never closed <a href=x>');
  });
});

describe('CSS rewriter', () => {
  it('rewrites url() in all quotings and @import, leaves fragments and data:', () => {
    const css = `@import url(base.css); @import 'print.css' print; a { background: url( "i.png" ) } b { mask: url(#m) } c { src: url(data:font/woff;base64,AA) }`;
    expect(rewriteCss(css, target, 'http://example.com/css/main.css')).toBe(
      `@import url("${A('http://example.com/css/base.css')}"); @import "${A('http://example.com/css/print.css')}" print; `
      + `a { background: url( "${A('http://example.com/css/i.png')}" ) } b { mask: url(#m) } c { src: url(data:font/woff;base64,AA) }`);
  });
  it('rewrites the strings and url()s of image-set', () => {
    expect(rewriteCss('a{background-image:-webkit-image-set("a.png" 1x, url(b.png) 2x, \'c.png\' type("image/png"))}', target, 'http://e.com/'))
      .toBe(`a{background-image:-webkit-image-set("${A('http://e.com/a.png')}" 1x, url("${A('http://e.com/b.png')}") 2x, "${A('http://e.com/c.png')}" type("image/png"))}`);
  });
  it('reads CSS escapes in a URL', () => {
    expect(rewriteCss('a{background:url(a\\(1\\).png)}', target, 'http://e.com/')).toBe(`a{background:url("${A('http://e.com/a(1).png')}")}`);
  });
});

describe('headers', () => {
  it('drops framing, state and policy headers; points Location, Link and Refresh into the archive', () => {
    const drops: RewriteDrop[] = [];
    const out = replayHeaders([
      ['Content-Type', 'text/html'], ['Transfer-Encoding', 'chunked'], ['Content-Encoding', 'gzip'], ['Content-Length', '10'],
      ['Set-Cookie', 'a=b'], ['Strict-Transport-Security', 'max-age=1'], ['Content-Security-Policy', "default-src *"],
      ['X-Frame-Options', 'DENY'], ['Clear-Site-Data', '"*"'], ['Location', '/moved'],
      ['Link', '<https://fonts.example.com>; rel=preconnect, </s.css>; rel="preload"; as=style'], ['Refresh', '0;url=/r'],
      ['X-Custom', 'caf\u00e9\u2603'],
    ], target, 'http://example.com/a', drops);
    expect(out).toEqual([
      ['Content-Type', 'text/html'], ['Location', A('http://example.com/moved')],
      ['Link', `<${A('http://example.com/s.css')}>; rel="preload"; as=style`], ['Refresh', `0;url=${A('http://example.com/r')}`],
      ['X-Custom', 'caf\u00e9'],
    ]);
    expect(drops).toEqual([{ url: 'https://fonts.example.com/', what: 'preconnect hint (Link header)', request: true }]);
  });

  it('CSP: scripts only by nonce and no connections with scripts off; the replay origin only with scripts on', () => {
    const off = replayCsp('', 'abc');
    expect(off).toContain("script-src 'nonce-abc'");
    expect(off).toContain("connect-src 'none'");
    expect(off).not.toContain('unsafe-inline\' \'unsafe-eval');
    const on = replayCsp('js_', 'abc');
    expect(on).toContain("connect-src 'self'");
    expect(on).not.toContain('nonce-'); // a nonce would switch 'unsafe-inline' off for archived inline scripts
    for (const csp of [off, on]) {
      expect(csp).toMatch(/default-src 'self' data: blob:;/);
      expect(csp).toContain("worker-src 'none'");
      expect(csp).not.toMatch(/\*|https?:/);
    }
    expect(policyHeaders('', 'n')).toContainEqual(['X-DNS-Prefetch-Control', 'off']);
  });
});
