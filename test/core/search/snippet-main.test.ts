// A page's snippet from its main content, decoded from the stored text's UTF-8 bytes in pieces of whole lines
// (store/main-lines.ts mainPieces) and found in the pieces (search/snippet.ts snippetOfPieces) rather than in one
// string: the same excerpt as snippetOf of the joined main content, for any text, runs and query; the pieces are
// joined only where a term may run from one into the next.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/core/search/query.js';
import { snippetOf, snippetOfPieces, termPattern } from '../../../src/core/search/snippet.js';
import { mainOf, mainPieces, PIECE_BYTES } from '../../../src/core/store/main-lines.js';

const pattern = (query: string) => termPattern(parseQuery(query))!;
const bytes = (text: string) => new TextEncoder().encode(text);

/** The pieces, counting how often they are joined into one string. */
function counting(pieces: string[]): string[] & { joins: number } {
  const out = Object.assign([...pieces], { joins: 0 });
  out.join = (separator?: string) => {
    out.joins++;
    return pieces.join(separator);
  };
  return out;
}

// Park-Miller: exact in doubles, so the same cases on every run.
function random(seed: number): (n: number) => number {
  return (n) => (seed = (seed * 48271) % 2147483647) % n;
}

describe('the main content in pieces', () => {
  it('joined by newlines, the pieces are the main content, each at most PIECE_BYTES of UTF-8 unless one line is longer', () => {
    const rnd = random(5);
    const words = ['alpha', 'beta', 'naïve', 'curly “quote”', '東京大学', '𐌰𐌱', ''];
    const line = () => Array.from({ length: rnd(30) }, () => words[rnd(words.length)]).join(' ');
    let cut = 0;
    for (let t = 0; t < 40; t++) {
      const lines = Array.from({ length: 1 + rnd(t < 20 ? 40 : 6000) }, line);
      if (t % 7 === 0) lines.push('x'.repeat(PIECE_BYTES + 5000)); // one line longer than a piece
      const text = lines.join('\n');
      const runsList = [null, '0', '3,x', '0,999', '2,5,1,40,0,3', ...Array.from({ length: 4 }, () =>
        Array.from({ length: 1 + rnd(6) }, () => rnd(lines.length)).join(','))];
      for (const runs of runsList) {
        const pieces = mainPieces(bytes(text), runs);
        expect(pieces.join('\n'), JSON.stringify([t, runs])).toBe(mainOf(text, runs));
        for (const piece of pieces) {
          if (bytes(piece).length > PIECE_BYTES) expect(piece.includes('\n'), JSON.stringify([t, runs])).toBe(false);
        }
        if (pieces.length > 1 && runs === null) cut++;
        // Read as a string (a text of at most PIECE_BYTES), the main content is one piece.
        expect(mainPieces(text, runs)).toEqual([mainOf(text, runs)]);
      }
    }
    expect(cut).toBeGreaterThan(5); // not vacuous: long texts were cut into several pieces
  });

  it('gathers runs of lines into one piece while they fit', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    expect(mainPieces(bytes(text), '0,1,1,1,1,1,1,1,1,1')).toEqual([mainOf(text, '0,1,1,1,1,1,1,1,1,1')]);
  });
});

describe('snippets of the main content, found in its pieces', () => {
  // Navigation lines around two article paragraphs: lines 0-1 and 4 are out, 2-3 and 5-6 in.
  const text = ['Home', 'News archive', 'The harbour opened in spring.', 'Ships came from the north.',
    'Subscribe to our newsletter about ships', 'By summer the harbour was full', 'of ships from the south.', 'Footer'].join('\n');
  const runs = '2,2,1,2';
  const split = (t: string) => counting(t.split(/\n(?=By )/)); // the two paragraphs as two pieces
  /** The query's snippet from the main content as two pieces, which must be the joined main content's, and how often
   *  the pieces were joined to find it. */
  const fromPieces = (query: string) => {
    const pieces = split(mainOf(text, runs));
    const snippet = snippetOfPieces(pieces, pattern(query));
    expect(snippet).toBe(snippetOf(mainOf(text, runs), pattern(query)));
    return { snippet, joins: pieces.joins };
  };

  it('finds the terms in the main content only, and joins nothing to do it', () => {
    const { snippet, joins } = fromPieces('ships');
    expect(snippet).not.toContain('Subscribe');
    expect(snippet).toContain('\u0002Ships\u0003 came');
    expect(joins).toBe(0);
  });

  it('a window running from one piece into the next shows them as joined', () => {
    const { snippet, joins } = fromPieces('north summer');
    expect(snippet).toContain('the \u0002north\u0003. By \u0002summer\u0003 the');
    expect(joins).toBe(0);
  });

  it('a phrase whose words meet only where two pieces are joined is found by joining them', () => {
    const { snippet, joins } = fromPieces('"north by"');
    expect(snippet).toContain('\u0002north. By\u0003');
    expect(joins).toBe(1);
  });

  it('a term whose words stand hundreds of separators apart across a join is still found by joining', () => {
    const parts = ['alpha' + ' '.repeat(600), '-'.repeat(300) + 'beta gamma'];
    const want = snippetOf(parts.join('\n'), pattern('"alpha beta"'));
    expect(want).toContain('\u0002alpha');
    const pieces = counting(parts);
    expect(snippetOfPieces(pieces, pattern('"alpha beta"'))).toBe(want);
    expect(pieces.joins).toBe(1);
  });

  it('no term in the main content gives null, so the caller looks in the description and the rest', () => {
    expect(snippetOfPieces(split(mainOf(text, runs)), pattern('newsletter'))).toBeNull();
    expect(snippetOfPieces([], pattern('ships'))).toBeNull();
  });

  it('gives the same excerpt as the joined main content for any text, runs and query', () => {
    const rnd = random(11);
    const vocabulary = ['alpha', 'beta', 'Alpha', 'gamma', 'café', 'cafe', 'new', 'york', 'the', 'north', '東京', 'ёлка', 'x', '', '—', '  '];
    const line = () => Array.from({ length: rnd(12) }, () => vocabulary[rnd(vocabulary.length)]).join(rnd(5) === 0 ? '  ' : ' ');
    const queries = ['alpha', 'alpha beta', '"new york"', '"york new"', 'gam*', 'café', 'cafe', '東京', 'ёлка', '"the north" alpha', 'beta -alpha', '"alpha alpha"'];
    let compared = 0;
    let foundUnjoined = 0;
    for (let t = 0; t < 60; t++) {
      const lines = Array.from({ length: 1 + rnd(40) }, line);
      const page = lines.join('\n');
      const runsList = ['0', '0,0,0,3', '999', '0,1,0,1', ...Array.from({ length: 6 }, () =>
        Array.from({ length: 1 + rnd(8) }, () => rnd(9)).join(','))];
      for (const r of runsList) {
        const main = mainOf(page, r);
        // Pieces cut at random line breaks of the main content, as mainPieces cuts a long one.
        const pieces = main.split('\n').reduce<string[]>((out, l, i) => {
          if (i === 0 || rnd(3) === 0) out.push(l);
          else out[out.length - 1] += '\n' + l;
          return out;
        }, []);
        for (const q of queries) {
          const want = snippetOf(main, pattern(q));
          const counted = counting(pieces);
          expect(snippetOfPieces(counted, pattern(q)), JSON.stringify([main.slice(0, 60), pieces.length, q])).toBe(want);
          compared++;
          if (want !== null && counted.joins === 0) foundUnjoined++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
    // Not vacuous: many excerpts came from the pieces (the others: a folded term, no term in the main content, a term
    // running across a join).
    expect(foundUnjoined).toBeGreaterThan(1000);
  });
});
