// Conformance on real pages: the 130 readability test pages (../shared/corpus/html/readability-test-pages, from
// mozilla/readability's test suite; skipped when the corpus is absent). Pins: the fused CPU scan equals
// finish(t, statesOf(t)) (the GPU path's reference) and extractPieces of the page in pieces, output is stable, no
// script or markup leaks, titles and text agree with an independent parser (htmlparser2), references are decoded, and
// main and rest split the text's lines (M1).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { decodeHtml } from '../../../src/core/decode/charset.js';
import { extractPieces, extractText, finish, statesOf } from '../../../src/core/extract/index.js';
import { cut } from './random-html.js';

const CORPUS = resolve(__dirname, '../../../../shared/corpus');
const PAGES = resolve(CORPUS, 'html/readability-test-pages');

/** The first <title>'s text by htmlparser2, collapsed as T4 says. */
function referenceTitle(html: string): string {
  let title: string | undefined;
  let inTitle = false;
  let buf = '';
  const parser = new Parser({
    onopentagname(name) { if (name === 'title' && title === undefined) inTitle = true; },
    ontext(t) { if (inTitle) buf += t; },
    onclosetag(name) { if (name === 'title' && inTitle) { inTitle = false; title = buf; } },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return (title ?? buf).replace(/[\t\n\f\r \u00a0]+/g, ' ').trim();
}

/** Elements removed with their content (T3), and <title>, whose content is the title, not text (T4). */
const NOT_TEXT = new Set(['script', 'style', 'noscript', 'iframe', 'noembed', 'noframes', 'template', 'svg', 'title']);

/** The page's character data by htmlparser2: the text outside NOT_TEXT, references decoded (T6). htmlparser2 leaves
 *  the references in a <textarea> as written, so that text is decoded by a parse of its own. */
function referenceText(html: string): string {
  const parts: string[] = [];
  let skipping: string | null = null;
  let depth = 0;
  let inTextarea = false;
  const parser = new Parser({
    onopentagname(name) {
      if (skipping !== null) depth += name === skipping ? 1 : 0;
      else if (NOT_TEXT.has(name)) [skipping, depth] = [name, 1];
      else if (name === 'textarea') inTextarea = true;
    },
    onclosetag(name) {
      if (skipping !== null) {
        if (name === skipping && --depth === 0) skipping = null;
      } else if (name === 'textarea') inTextarea = false;
    },
    ontext(t) {
      if (skipping === null) parts.push(inTextarea ? referenceText(t) : t);
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return parts.join('');
}

/** The characters that are not white space (nor NUL, which T8 drops), in order. Where lines break and words separate
 *  (T7, T8) is the extractor's own layout, tested clause by clause in extract.test.ts; htmlparser2 has no such rules,
 *  so the comparison leaves white space out and holds every other character to account. */
const nonSpace = (s: string) => s.replace(/[\s\0]+/g, '');

/** Pages whose text legitimately shows markup: code samples and a textarea with escaped HTML. */
const SHOWS_MARKUP = new Set(['001.html', 'aclu.html', 'archive-of-our-own.html']);

describe.skipIf(!existsSync(PAGES))('readability corpus (130 pages)', () => {
  const files = existsSync(PAGES) ? readdirSync(PAGES).filter((f) => f.endsWith('.html')).sort() : [];
  const pages = files.map((f) => ({ file: f, html: decodeHtml(readFileSync(resolve(PAGES, f))).text }));

  it('has all 130 pages', () => {
    expect(pages.length).toBe(130);
  });

  it('fused scan equals finish(statesOf) and is stable on every page', () => {
    for (const { file, html } of pages) {
      const out = extractText(html);
      expect(finish(html, statesOf(html)), file).toEqual(out);
      expect(extractText(html), file).toEqual(out);
    }
  });

  it('gives the same output read in pieces (extractPieces), cut every 7 to 5,000 code units', () => {
    for (const { file, html } of pages) {
      const out = extractText(html);
      for (const size of [7, 100, 1000, 5000]) {
        expect(extractPieces(cut(html, [size])), `${file} in pieces of ${size}`).toEqual(out);
      }
    }
  });

  it('leaks no script, style or tags and leaves no common reference undecoded', () => {
    let pagesWithReferences = 0;
    for (const { file, html } of pages) {
      const { text } = extractText(html);
      if (/>[^<]*&(amp|lt|gt|quot|nbsp|#\d+|#x[0-9a-f]+);/i.test(html)) pagesWithReferences++;
      expect(text.length, file).toBeGreaterThan(0);
      if (!SHOWS_MARKUP.has(file)) {
        expect(text, file).not.toMatch(/<script|<\/script|<style|<div|<p>|<\/p>|<!--|-->|<br/i);
        expect(text, file).not.toMatch(/&(amp|lt|gt|quot|nbsp|#\d+|#x[0-9a-f]+);/i);
      }
      expect(text, file).not.toMatch(/\n\n|^\s|\s$| \n|\n | {2}/);
    }
    expect(pagesWithReferences).toBeGreaterThan(50); // so the check above has something to catch
  });

  it('gives every page the title an independent parser finds', () => {
    let withTitle = 0;
    for (const { file, html } of pages) {
      const expected = referenceTitle(html);
      expect(extractText(html).title, file).toBe(expected);
      if (expected) withTitle++;
    }
    expect(withTitle).toBeGreaterThan(120);
  });

  it('has the text an independent parser finds, white space aside', () => {
    const differ = pages.filter((p) => nonSpace(extractText(p.html).text) !== nonSpace(referenceText(p.html)));
    // htmlparser2 ends a script at its first '</script>', also inside '<!--' where the HTML tokenizer (and the
    // extractor) stays in the script (double-escaped), so it shows the '-->' after that '</script>' as text.
    expect(differ.map((p) => p.file)).toEqual(['comment-inside-script-parsing.html']);
    const [{ html }] = differ;
    expect(nonSpace(referenceText(html))).toBe(`-->${nonSpace(extractText(html).text)}`);
  });

  it('keeps the script inside <!-- --> in a script (comment-inside-script-parsing.html)', () => {
    const page = pages.find((p) => p.file === 'comment-inside-script-parsing.html')!;
    const { text } = extractText(page.html);
    expect(text.startsWith('Lorem\nLorem ipsum dolor sit amet')).toBe(true);
    expect(text).not.toContain('Silly test');
  });

  it('splits the lines of every page between main and rest, each once and in order (M1), finding most articles', () => {
    let found = 0;
    for (const { file, html } of pages) {
      const r = extractText(html);
      const textLines = r.text.split('\n');
      if (!r.mainFound) {
        expect(r.main, file).toBe(r.text);
        expect(r.rest, file).toBe('');
        continue;
      }
      found++;
      // Together main and rest hold text's lines, each once, and each keeps text's order.
      const main = r.main.split('\n');
      const rest = r.rest ? r.rest.split('\n') : [];
      expect([...main, ...rest].sort(), file).toEqual([...textLines].sort());
      for (const part of [main, rest]) {
        let i = 0;
        for (const line of textLines) if (line === part[i]) i++;
        expect(i, file).toBe(part.length);
      }
      expect(r.main.length, file).toBeGreaterThanOrEqual(200);
    }
    // The readability pages are articles; a handful are not (index pages, a nearly empty page).
    expect(found).toBeGreaterThan(120);
  });

});
