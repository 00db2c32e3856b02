// The transform's clauses T1-T8 (src/core/extract/index.ts), one describe each. Every case also checks that the
// fused CPU scan and the reference path finish(t, statesOf(t)) agree (the GPU path reuses the latter).
import { describe, expect, it } from 'vitest';
import { extractFullText, extractText, finish, statesOf, type ExtractedText } from '../../../src/core/extract/index.js';

function run(html: string): ExtractedText {
  const fused = extractText(html);
  expect(finish(html, statesOf(html))).toEqual(fused);
  return fused;
}
const text = (html: string) => run(html).text;

describe('T1 output', () => {
  it('gives title, description and text', () => {
    expect(run('<html><head><title>T</title><meta name="description" content="D"></head><body><p>B</p>')).toEqual({
      title: 'T', description: 'D', text: 'B', main: 'B', rest: '', mainFound: false,
    });
  });
  it('gives empty strings for an empty page', () => {
    expect(run('')).toEqual({ title: '', description: '', text: '', main: '', rest: '', mainFound: false });
  });
  it('carries nothing of a page over to the next (the finish step reuses one Assembler)', () => {
    const full = '<title>T</title><meta name="description" content="D"><p>a &amp;</p><i>b</i> ';
    expect(run(full)).toMatchObject({ title: 'T', description: 'D', text: 'a &\nb' });
    // A page cut in a separator, and one with nothing at all, after it.
    expect(run('c<br>')).toEqual({ title: '', description: '', text: 'c', main: 'c', rest: '', mainFound: false });
    expect(run('')).toEqual({ title: '', description: '', text: '', main: '', rest: '', mainFound: false });
    expect(extractFullText(full)).toMatchObject({ title: 'T', description: 'D', text: 'a &\nb' });
  });
});

describe('T2 tokenizing like a browser', () => {
  it("keeps '<' that is not followed by a letter, '/', '!' or '?'", () => {
    expect(text('a < b, 1<2, <3, x<')).toBe('a < b, 1<2, <3, x<');
  });
  it('reads upper-case and mixed-case tags', () => {
    expect(text('<P>a</P><DiV>b</dIv><SCRIPT>x()</SCRIPT>c')).toBe('a\nb\nc');
  });
  it("does not end a tag at a '>' inside a quoted value", () => {
    expect(text('<img alt="a > b" title=\'c>d\'>e')).toBe('e');
  });
  it('opens a quoted value only after =', () => {
    // An apostrophe in an attribute name must not swallow the text that follows.
    expect(text("<p we'll=\"\">kept</p><p class=x don't>also</p>")).toBe('kept\nalso');
  });
  it('treats quotes inside an unquoted value as literal', () => {
    expect(text('<a href=x"y>z</a>')).toBe('z');
  });
  it('keeps markup-looking text inside attributes out of the text', () => {
    expect(text('<a title="</p><b>no</b>">yes</a>')).toBe('yes');
  });
  it('survives an unclosed tag at the end', () => {
    expect(text('ok<a href="x')).toBe('ok');
  });
});

describe('T3 removed markup and elements', () => {
  it('removes comments, including --!> and the abrupt <!--> and <!--->', () => {
    expect(text('a<!-- x -->b<!-- y --!>c<!-->d<!--->e')).toBe('abcde');
  });
  it('removes an IE conditional comment with tags and > inside', () => {
    expect(text('a<!--[if lt IE 9]><p>old > new</p><![endif]-->b')).toBe('ab');
  });
  it('runs an unterminated comment to the end', () => {
    expect(text('a<!-- never closed <p>b</p>')).toBe('a');
  });
  it('removes doctype, processing instructions, </> and </ + non-letter', () => {
    expect(text('<!DOCTYPE html><?xml version="1.0"?>a</>b</ x>c')).toBe('abc');
  });
  it('treats CDATA in HTML content as a bogus comment ending at the first >', () => {
    expect(text('a<![CDATA[x]]>b')).toBe('ab');
    expect(text('<![CDATA[1>2]]>')).toBe('2]]>');
  });
  it('removes script, style, noscript, iframe, template and svg with their content', () => {
    const html = 'a<script>var s = "<p>x</p>";</script>b<style>p{}</style>c<noscript><img src=x>n</noscript>d' +
      '<iframe src=f>fallback</iframe>e<template><p>t</p></template>f<svg viewBox="0 0 1 1"><text>s</text></svg>g';
    expect(text(html)).toBe('abcdefg');
  });
  it('ends a script only at </script followed by a delimiter', () => {
    expect(text('<script>if (a</b) x = "</style></scripty>";</script >after')).toBe('after');
  });
  it('ends the common <noscript><iframe></iframe></noscript> cleanly', () => {
    expect(text('a<noscript><iframe src="https://www.googletagmanager.com/ns.html"></iframe></noscript>b')).toBe('ab');
  });
  it('follows script escapes: a <script> inside <!-- --> in a script does not end it (HTML 13.2.5.20-27)', () => {
    // comment-inside-script-parsing.html in the readability corpus is this case.
    expect(text('<script><!-- document.write("<script src=x></script>"); --></script>after')).toBe('after');
    expect(text('<script><!-- still escaped </script>ends')).toBe('ends');
    expect(text('<script><!-- <script> --> </script>out')).toBe('out');
  });
  it('runs an unterminated script to the end', () => {
    expect(text('a<script>never closed <p>b</p>')).toBe('a');
  });
  it('honours self-closing <svg/> (foreign elements) but not <script/>', () => {
    expect(text('a<svg/>b<svg class="i" />c')).toBe('abc');
    expect(text('a<script src=x />b</script>c')).toBe('ac');
  });
});

describe('T4 title', () => {
  it('is raw text: entity-decoded, collapsed, tags kept as written, not in the body text', () => {
    const r = run('<title>\n  A <b>bold</b> &amp;\t&quot;q&quot;  </title><p>body</p>');
    expect(r.title).toBe('A <b>bold</b> & "q"');
    expect(r.text).toBe('body');
  });
  it('takes the first title and ignores svg titles', () => {
    expect(run('<svg><title>icon</title></svg><title>One</title><title>Two</title>').title).toBe('One');
  });
  it('handles attributes on the title start tag', () => {
    expect(run('<TITLE data-x="a>b">Real</TITLE>').title).toBe('Real');
  });
});

describe('T5 description', () => {
  it('comes from <meta name=description content>, any case, decoded and collapsed', () => {
    expect(run('<META NAME=" Description " CONTENT="  x &amp; y\n z ">').description).toBe('x & y z');
  });
  it('decodes as an attribute: a legacy name before = or a letter stays', () => {
    expect(run('<meta name="description" content="?a=1&copy=2&copyb &copy;">').description).toBe('?a=1&copy=2&copyb ©');
  });
  it('takes the first description, ignores other metas', () => {
    const r = run('<meta property="og:description" content="og"><meta name=description content=first>' +
      '<meta name=description content=second>');
    expect(r.description).toBe('first');
  });
});

describe('T6 text content and character references', () => {
  it('decodes named references from the full HTML5 set, including two-code-point ones', () => {
    expect(text('&CounterClockwiseContourIntegral; &fjlig; &NotNestedGreaterGreater; &Afr; &hellip;'))
      .toBe('\u2233 fj \u2aa2\u0338 \u{1d504} \u2026');
  });
  it('decodes legacy names without ; by longest match, in text', () => {
    expect(text('&copy 2024 &notit; &amp;amp; &ampx')).toBe('© 2024 ¬it; &amp; &x');
  });
  it('leaves unknown names and bare & as written', () => {
    expect(text('AT&T &unknown; & &;')).toBe('AT&T &unknown; & &;');
  });
  it('decodes decimal and hex references, with or without ;', () => {
    expect(text('&#65;&#x42;&#X43&#68b&#;&#x;')).toBe('ABCDb&#;&#x;');
  });
  it('applies the numeric replacement rules', () => {
    expect(text('[&#0;][&#xD800;][&#x110000;][&#99999999999;][&#128;][&#x9F;][&#x81;]'))
      .toBe('[\ufffd][\ufffd][\ufffd][\ufffd][\u20ac][\u0178][\u0081]');
  });
  it('keeps textarea content as raw text', () => {
    expect(text('a<textarea name=t><b>x</b> &lt;</textarea>b')).toBe('a <b>x</b> < b');
  });
  it('keeps every code unit of the character data as it is: a leading U+FEFF, pairs, and lone surrogates', () => {
    expect(text('\ufeffa')).toBe('\ufeffa');
    expect(text('<p>\ud83d\ude00 \ud83d<b>\ude00</b> x\udc00y \ud800')).toBe('\ud83d\ude00 \ud83d\ude00 x\udc00y \ud800');
    expect(text('&#x1F600;\ud800&amp;')).toBe('\ud83d\ude00\ud800&');
  });
  it('drops NUL before it reads a reference, as written or across it', () => {
    expect(text('a\0&amp;b &am\0p; &\0#65;')).toBe('a&b & A');
  });
});

describe('T7 lines', () => {
  it('ends a line at block elements', () => {
    expect(text('<h1>H</h1><p>a</p><p>b<br>c</p><ul><li>1<li>2</ul><div>d</div>e')).toBe('H\na\nb\nc\n1\n2\nd\ne');
  });
  it('does not separate inline elements', () => {
    expect(text('<p><span>a</span><b>b</b><a href=x>c</a></p>')).toBe('abc');
  });
  it('separates table cells with a space and rows with a line', () => {
    expect(text('<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>')).toBe('a b\nc d');
  });
  it('lets removed elements separate nothing', () => {
    expect(text('a<script>x</script>b<!-- c -->d')).toBe('abd');
  });
});

describe('T8 white space', () => {
  it('collapses runs (including &nbsp; and inside pre), trims lines, drops empty lines', () => {
    expect(text('\n  <p>  a \t\n b&nbsp;&nbsp;c </p>\n\n<p> </p><div>\n</div><pre>  x\n\n  y </pre>  '))
      .toBe('a b c\nx y');
  });
  it('drops NUL', () => {
    expect(run('<title>a\0b</title>c\0d').title).toBe('ab');
    expect(text('c\0d')).toBe('cd');
  });
  it('makes a run of white space between two tags one space, and a run of NUL alone nothing', () => {
    expect(text('a<b>\n\t \u00a0</b>c<i> </i>d<i>\0\0</i>e<i>\0 \0</i>f<p>\r\n  </p>g')).toBe('a c de f\ng');
    expect(text('<textarea>\n  </textarea>x<textarea>\0</textarea>y')).toBe('x y');
  });
  it('joins white space across a run, a reference that decodes to it, a NUL and a tag into one separator', () => {
    // A space kept between two characters meets a reference that decodes to white space, or to nothing kept.
    expect(text('a &nbsp;b c&#32;&#10;d e &#9;<i> f</i>\0 g')).toBe('a b c d e f g');
    expect(text('a &amp; b &#0; c &lt;d')).toBe('a & b \ufffd c <d');
    // A break before or after white space, at a run's edge or inside a reference's output, makes one line break.
    expect(text('x &nbsp;<p>&nbsp; y\0 </p> \n z&nbsp;<br>&#10;w')).toBe('x\ny\nz\nw');
    expect(text('\0 &nbsp;<br>  \0a\0 \0')).toBe('a');
  });
  it('collapses a leading run of white space, short or long, with NULs anywhere in it, before text or a tag', () => {
    // The CPU scan crosses a run's leading white space itself (once for its '<' search and the Assembler), the
    // reference path in text(): the regex that crosses a long run stops at each NUL.
    const long = ' '.repeat(40);
    expect(text(`a<i>\0${long}\0\t\0b</i>\0${long}<b>c</b>${long}\0`)).toBe('a b c');
    expect(text(`<p>${long}\n${long}x</p><p>\0\0${long}</p>\t<3 ${long}y`)).toBe('x\n<3 y');
    expect(text(`<a href=x>k</a>\0<a>\n${long}l</a>${long}\0`)).toBe('k l');
  });
});
