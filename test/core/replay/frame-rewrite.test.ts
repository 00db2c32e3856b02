// The client-side rewriting of scripts-on replay (client-rewrite.ts): what an archived script hands the browser is
// turned into an address on the replay origin, resolved the way the archived page would have resolved it.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { clientRewriter, type ClientRewriter } from '../../../src/core/replay/client-rewrite.js';
import { FRAME_SCRIPT } from '../../../src/core/replay/frame.js';
import { parseReplayPath } from '../../../src/core/replay/urls.js';

const ORIGIN = 'http://127.0.0.1:4567';
const PREFIX = '/my%20coll/20140126200624js_/';
/** The page's address, as document.baseURI gives it. */
const PAGE = `${ORIGIN}${PREFIX}http://www.iana.org/about/index.html?x=1`;
const rw = clientRewriter(ORIGIN, PREFIX);
const inArchive = (archived: string) => `${ORIGIN}${PREFIX}${archived}`;

describe('client rewriting: URLs', () => {
  it('resolves relative URLs against the archived page, not the replay address', () => {
    expect(rw.url('logo.png', PAGE)).toBe(inArchive('http://www.iana.org/about/logo.png'));
    expect(rw.url('/_css/screen.css', PAGE)).toBe(inArchive('http://www.iana.org/_css/screen.css'));
    expect(rw.url('//cdn.example/x.js', PAGE)).toBe(inArchive('http://cdn.example/x.js'));
    expect(rw.url('?page=2', PAGE)).toBe(inArchive('http://www.iana.org/about/index.html?page=2'));
  });

  it('sends absolute outside URLs (the API port included) into the archive, as the server reads them back', () => {
    const to = rw.url('https://outside.example/frame?a=1&b=2', PAGE);
    expect(to).toBe(inArchive('https://outside.example/frame?a=1&b=2'));
    expect(parseReplayPath(to.slice(ORIGIN.length))).toEqual({ collection: 'my coll', ts: '20140126200624', flag: 'js_', url: 'https://outside.example/frame?a=1&b=2' });
    expect(rw.url('http://127.0.0.1:9000/api/engine.info', PAGE)).toBe(inArchive('http://127.0.0.1:9000/api/engine.info'));
    expect(rw.url('ws://outside.example/socket', PAGE)).toBe(inArchive('http://outside.example/socket'));
  });

  it('takes a path of the replay origin that is no archive address as one of the archived host', () => {
    // e.g. location.origin + '/search', or a root-relative URL resolved by the browser against the replay address
    expect(rw.url(`${ORIGIN}/search?q=1`, PAGE)).toBe(inArchive('http://www.iana.org/search?q=1'));
  });

  it('leaves archive addresses, the server\'s own paths, fragments and inert schemes as they are', () => {
    for (const same of [inArchive('http://www.iana.org/x'), `${ORIGIN}/other/2020/http://a.example/`, `${ORIGIN}/__as/blocked?what=x`,
      '#top', '', 'data:image/png;base64,AAAA', 'blob:http://127.0.0.1:4567/uuid', 'javascript:void(0)', 'mailto:a@b.example', 'about:blank']) {
      expect(rw.url(same, PAGE)).toBe(same);
    }
    // what comes back from the DOM can be set again: idempotent
    const once = rw.url('img/a.png', PAGE);
    expect(rw.url(once, PAGE)).toBe(once);
  });

  it('uses a <base> the page set (itself an archive address) for relative URLs', () => {
    const base = inArchive('http://static.example/assets/');
    expect(rw.url('a.png', base)).toBe(inArchive('http://static.example/assets/a.png'));
  });

  it('reads a replay address back as its archived URL, and nothing else as one', () => {
    expect(rw.archived(PAGE)).toBe('http://www.iana.org/about/index.html?x=1');
    expect(rw.archived('http://www.iana.org/')).toBeNull();
    expect(rw.archived(`${ORIGIN}/__as/frame.js`)).toBeNull();
  });
});

describe('client rewriting: srcset and CSS', () => {
  it('rewrites each srcset candidate and keeps descriptors, and a data: URL\'s commas', () => {
    expect(rw.srcset('a.png 1x, http://cdn.example/b.png 2x', PAGE))
      .toBe(`${inArchive('http://www.iana.org/about/a.png')} 1x, ${inArchive('http://cdn.example/b.png')} 2x`);
    expect(rw.srcset('data:image/png;base64,AA== 1x,b.png 480w', PAGE))
      .toBe(`data:image/png;base64,AA== 1x,${inArchive('http://www.iana.org/about/b.png')} 480w`);
  });

  it('rewrites url() in every quoting and @import strings, and leaves CSS without URLs untouched', () => {
    expect(rw.css('background: url(bg.png) no-repeat, url("http://cdn.example/x.png"), url( \'y.png\' )', PAGE)).toBe(
      `background: url("${inArchive('http://www.iana.org/about/bg.png')}") no-repeat, url("${inArchive('http://cdn.example/x.png')}"), url("${inArchive('http://www.iana.org/about/y.png')}")`);
    expect(rw.css('@import "print.css" print;', PAGE)).toBe(`@import "${inArchive('http://www.iana.org/about/print.css')}" print;`);
    expect(rw.css('color: red', PAGE)).toBe('color: red');
    expect(rw.css('background: url(data:image/gif;base64,R0lG)', PAGE)).toBe('background: url("data:image/gif;base64,R0lG")');
  });
});

describe('client rewriting: one attribute', () => {
  it('rewrites an attribute only where the element loads or navigates with it', () => {
    const a = (tag: string, name: string, value: string) => rw.attribute(tag, name, value, PAGE);
    expect(a('object', 'data', 'm.swf')).toBe(inArchive('http://www.iana.org/about/m.swf'));
    expect(a('div', 'data', 'm.swf')).toBe('m.swf');
    expect(a('iframe', 'srcdoc', '<img src="i.png">')).toBe(`<img src="${inArchive('http://www.iana.org/about/i.png')}">`);
    expect(a('div', 'srcdoc', '<img src="i.png">')).toBe('<img src="i.png">');
    expect(a('image', 'xlink:href', 'sprite.svg#a')).toBe(inArchive('http://www.iana.org/about/sprite.svg#a'));
    expect(a('button', 'formaction', '/send')).toBe(inArchive('http://www.iana.org/send'));
    expect(a('span', 'style', 'background:url(s.png)')).toBe(`background:url("${inArchive('http://www.iana.org/about/s.png')}")`);
    expect(a('a', 'title', 'http://outside.example/')).toBe('http://outside.example/');
    expect(a('script', 'type', 'speculationrules')).toBe('text/x-archived-script');
    expect(a('script', 'type', 'module')).toBe('module');
  });
});

describe('client rewriting: HTML fragments', () => {
  it('rewrites the URL attributes of the elements that load or navigate, and only those', () => {
    const out = rw.html('<div data="x.bin" href="keep"><iframe src="http://outside.example/frame"></iframe><IMG SRC=a.png alt="a.png">'
      + '<object data="movie.swf"></object><a href=\'/next?a=1&amp;b=2\' title="/next">next</a></div>', PAGE);
    expect(out).toBe(`<div data="x.bin" href="keep"><iframe src="${inArchive('http://outside.example/frame')}"></iframe>`
      + `<IMG SRC="${inArchive('http://www.iana.org/about/a.png')}" alt="a.png">`
      + `<object data="${inArchive('http://www.iana.org/about/movie.swf')}"></object>`
      + `<a href="${inArchive('http://www.iana.org/next?a=1&amp;b=2')}" title="/next">next</a></div>`);
  });

  it('rewrites srcset, style attributes, <style> contents and srcdoc (itself HTML, entity-encoded)', () => {
    const out = rw.html('<img srcset="a.png 2x"><p style="background:url(p.png)">'
      + '<style>.x{background:url(s.png)}</style><iframe srcdoc="&lt;img src=&quot;http://t.example/i.png&quot;&gt;"></iframe>', PAGE);
    expect(out).toContain(`srcset="${inArchive('http://www.iana.org/about/a.png')} 2x"`);
    expect(out).toContain(`style="background:url(&quot;${inArchive('http://www.iana.org/about/p.png')}&quot;)"`);
    expect(out).toContain(`<style>.x{background:url("${inArchive('http://www.iana.org/about/s.png')}")}</style>`);
    expect(out).toContain(`srcdoc="<img src=&quot;${inArchive('http://t.example/i.png')}&quot;>"`);
  });

  it('leaves script text, comments and partial tags (a document.write in pieces) as they are', () => {
    const script = '<script>var s = "<img src=http://t.example/x>";</script><!-- <img src="c.png"> -->';
    expect(rw.html(script, PAGE)).toBe(script);
    expect(rw.html('<scr', PAGE)).toBe('<scr');
    expect(rw.html('ipt src="x.js"></script>', PAGE)).toBe('ipt src="x.js"></script>');
    expect(rw.html('<script src="http://t.example/a.js"></script>', PAGE)).toBe(`<script src="${inArchive('http://t.example/a.js')}"></script>`);
  });

  it('is idempotent, so markup read back from the DOM can be written again', () => {
    const once = rw.html('<a href="x"><img srcset="a.png 1x, b.png 2x" style="background:url(c.png)"></a>', PAGE);
    expect(rw.html(once, PAGE)).toBe(once);
  });
});

describe('the helper script carries the rewriter', () => {
  it('as source that runs on its own, with no module around it', () => {
    // The helper script embeds clientRewriter's source text: it must need nothing from this module's scope.
    const embedded = /\(\s*(function clientRewriter[\s\S]*?\n\s{2}return \{[^}]*\};\s*\})\)/.exec(FRAME_SCRIPT);
    expect(embedded).not.toBeNull();
    const fresh = runInNewContext(`(${embedded![1]})`, { URL }) as (o: string, p: string) => ClientRewriter;
    expect(fresh(ORIGIN, PREFIX).url('http://outside.example/frame', PAGE)).toBe(inArchive('http://outside.example/frame'));
  });
});
