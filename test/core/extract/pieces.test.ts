// extractPieces (src/core/extract/index.ts) reads a page in windows so that no large page is one string: its output
// must be extractText's of the page joined, wherever the pieces are cut (inside a tag, a reference, a comment's
// opening, an end tag's name, a surrogate pair) and however small they are. The real pages are in corpus.test.ts.
import { describe, expect, it } from 'vitest';
import { extractFullText, extractPieces, extractText } from '../../../src/core/extract/index.js';
import { cut, randomHtml, rng } from './random-html.js';

/** A page with an article among boilerplate: containers whose class and id hints (read from the start tags once
 *  the whole page is scanned) decide the main content, so a tag read from the wrong window changes the result. */
function articlePage(next: () => number): string {
  const words = ['harbour', 'lighthouse', 'keeper', 'storm', 'night', 'ships', 'coast', 'signal', 'fog', 'bell'];
  const sentence = (): string => {
    let s = '';
    const n = 8 + Math.floor(next() * 20);
    for (let i = 0; i < n; i++) s += words[Math.floor(next() * words.length)] + (next() < 0.15 ? ', ' : ' ');
    return s + 'end.';
  };
  const hints = ['comment', 'sidebar', 'content', 'article-body', 'share', 'main', 'footer x', 'related'];
  let html = '<html lang="en"><head><title>The keeper</title><script>var s = "<div class=main>";</script></head><body>';
  const blocks = 4 + Math.floor(next() * 10);
  for (let b = 0; b < blocks; b++) {
    const hint = hints[Math.floor(next() * hints.length)];
    html += `<div class="${hint}" id="b${b}"${next() < 0.1 ? ' hidden' : ''}><!-- block ${b} -->`;
    const paragraphs = 1 + Math.floor(next() * 5);
    for (let p = 0; p < paragraphs; p++) {
      html += next() < 0.3 ? `<p><a href="/x${p}">${sentence()}</a></p>` : `<p>${sentence()} &amp; ${sentence()}</p>`;
    }
    html += next() < 0.2 ? '<nav><a href="/">Home</a> | <a href="/a">About</a></nav>' : '';
    html += '</div>';
  }
  return html + '<footer class="footer">© 2024 The Coast</footer></body></html>';
}

describe('extractPieces', () => {
  it('equals extractText on 1,500 random pages of tricky tokens, cut into pieces of 1 to 40 code units', () => {
    const next = rng(19);
    let cuts = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const html = randomHtml(next, 1 + Math.floor(next() * 80));
      const lengths = [1 + Math.floor(next() * 40), 1 + Math.floor(next() * 12), 1 + Math.floor(next() * 3)];
      const pieces = cut(html, lengths);
      cuts += pieces.length - 1;
      expect(extractPieces(pieces), JSON.stringify(pieces)).toEqual(extractText(html));
    }
    expect(cuts).toBeGreaterThan(10_000);
  });

  it('equals extractText on pages with an article, its main content included, cut anywhere', () => {
    const next = rng(23);
    let found = 0;
    for (let trial = 0; trial < 200; trial++) {
      const html = articlePage(next);
      const want = extractText(html);
      if (want.mainFound && want.rest !== '') found++;
      for (const lengths of [[1], [7], [64, 3], [500], [1 + Math.floor(next() * 2000)]]) {
        expect(extractPieces(cut(html, lengths)), `${lengths} ${JSON.stringify(html)}`).toEqual(want);
      }
      expect(extractPieces(cut(html, [97]), { main: false })).toEqual(extractFullText(html));
    }
    // Most pages must have an article with boilerplate left out, for the hints to matter.
    expect(found).toBeGreaterThan(100);
  });

  it('equals extractText where a run is longer than many pieces (a large script, a long text, an open comment)', () => {
    const script = 'var a = "</scr" + "ipt>"; <!-- <script> x </script> --> '.repeat(3000);
    const text = 'word, '.repeat(40_000);
    for (const html of [
      `<p>before</p><script>${script}</script><p>after &amp; more</p>`,
      `<div class="content"><p>${text}</p></div>`,
      `<p>text</p><!-- ${text}`,
      `<p>a 😀 b</p>`.repeat(5000),
    ]) {
      for (const lengths of [[1000], [4096, 13], [65_536]]) {
        expect(extractPieces(cut(html, lengths))).toEqual(extractText(html));
      }
    }
  });

  it('equals extractText cut at every position of pages where a name only ends further on', () => {
    // A window ending in '</script' cannot tell the end tag from '</scripts' (still the script); nor '<!-' a comment.
    const names = ['script', 'style', 'title', 'textarea', 'noscript', 'iframe', 'noembed', 'noframes', 'template', 'svg'];
    const pages = names.map((n) => `<p>a</p><${n}>b</${n}s>c&amp;d</${n}x><p>e</p></${n}><p>f</p>`);
    pages.push('<p>a<!-x>b</p><!--c-->d<!-->e<!--->f', '<script><!--<script>x</script>y-->z</script>w', 'a</ b><c</p>');
    for (const html of pages) {
      for (let i = 1; i < html.length; i++) {
        expect(extractPieces([html.slice(0, i), html.slice(i)]), `${html} cut at ${i}`).toEqual(extractText(html));
      }
    }
  });

  it('reads a page of no pieces, or of one, as extractText does', () => {
    expect(extractPieces([])).toEqual(extractText(''));
    expect(extractPieces(['<title>t</title><p>x'])).toEqual(extractText('<title>t</title><p>x'));
    expect(extractPieces(['', '<p>x', '', '</p>'])).toEqual(extractText('<p>x</p>'));
  });
});
