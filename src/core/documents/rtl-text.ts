// Right-to-left text whose glyphs carry several characters each. pdf.js builds a text item from the glyphs in the
// order they are drawn (left to right) and then turns each right-to-left run around one character at a time, which
// gives reading order when a glyph is one letter. But a glyph may stand for several: a ligature such as lam-alef, or
// a whole shaped word (HarfBuzz-based producers such as WeasyPrint map one glyph of a cluster to the cluster's text).
// Its Unicode (the font's ToUnicode) is already in reading order, so pdf.js's turn reverses it: حَبيبي comes out as
// يبيبَح. pdf.js up to 2.x undid this per glyph (its reverseIfRtl); 4.x does not, and its text items no longer say
// where one glyph ends. The page's operator list does: its showText operations list the glyphs with their Unicode.
// This file finds each text item's glyphs there and turns every such multi-character glyph back.

/** Hebrew, Arabic, Syriac, Thaana, NKo and the Arabic presentation forms: the characters pdf.js's bidi step sets
 *  right to left (its R and AL types, with the Arabic marks that take their neighbour's). Not the Arabic-Indic
 *  digits: pdf.js keeps a number's digits in their order, as it does European ones. */
const RTL_CLASS = '\\u0590-\\u05f4\\u0600-\\u065f\\u066a-\\u06ef\\u06fa-\\u06ff\\u0700-\\u08ac\\ufb50-\\ufdff\\ufe70-\\ufeff';
const RTL_CHAR = new RegExp(`[${RTL_CLASS}]`);
/** A run of right-to-left characters with the spaces between and around them: pdf.js reverses such a run as a whole
 *  (the spaces around it too, when they belong to its glyphs). */
const RTL_RUN = new RegExp(`\\s*[${RTL_CLASS}]+(?:\\s+[${RTL_CLASS}]+)*\\s*`, 'g');
/** The Arabic presentation forms (a letter's initial, medial, final or isolated shape, lam-alef and other
 *  ligatures): NFKC gives their letters, which is what a reader types. pdf.js's own normalization (which it applies
 *  before its bidi step, so that a ligature it expands comes out reversed) leaves most of them as they are. */
const PRESENTATION_FORMS = /[\ufb50-\ufdff\ufe70-\ufefe]+/g;

/** Whether a text has right-to-left characters. */
export const hasRtl = (s: string): boolean => RTL_CHAR.test(s);

/** A text with its Arabic presentation forms as the letters they show. */
export const withArabicLetters = (s: string): string => s.replace(PRESENTATION_FORMS, (m) => m.normalize('NFKC'));

/** What pdf.js leaves out of an item or adds to it: white space (its own word breaks), invisible format marks, and
 *  the angle brackets its bidi step drops. What remains is compared with the glyphs. */
const NOT_COMPARED = /[\s\p{Cf}<>]/gu;

const compared = (s: string) => s.replace(NOT_COMPARED, '');

/** The page's glyphs as one string of compared characters, with where each glyph starts in it. */
interface GlyphStream {
  chars: string;
  /** starts[i] is glyph i's first character in chars; one more entry, chars.length, ends the last glyph. */
  starts: number[];
  /** Each glyph's Unicode as the font gives it, spaces included. */
  unicode: string[];
}

function glyphStream(glyphs: readonly string[]): GlyphStream {
  let chars = '';
  const starts: number[] = [];
  const unicode: string[] = [];
  for (const g of glyphs) {
    const c = compared(g);
    if (c === '') continue; // white space and format marks: pdf.js puts no character of theirs in an item
    starts.push(chars.length);
    unicode.push(g);
    chars += c;
  }
  starts.push(chars.length);
  return { chars, starts, unicode };
}

const sorted = (s: string) => [...s].sort().join('');

/**
 * The items' text with every multi-character right-to-left glyph back in reading order.
 *
 * `items` are one page's text items as pdf.js gives them (getTextContent, without its Unicode normalization, so that
 * their characters are the glyphs'); `glyphs` the Unicode of the page's glyphs in drawing order (its operator list's
 * showText operations). Items follow the content stream as the glyphs do, so each item takes the next glyphs until
 * it has as many characters; where the two disagree (pdf.js left out a glyph drawn twice, say), the items from there
 * on are returned as they are.
 */
export function withRtlClustersInOrder(items: readonly string[], glyphs: readonly string[]): string[] {
  const stream = glyphStream(glyphs);
  const out = [...items];
  let g = 0; // the next glyph
  for (let i = 0; i < items.length; i++) {
    const own = compared(items[i]);
    if (own === '') continue;
    const from = g;
    const start = stream.starts[g];
    while (g < stream.starts.length - 1 && stream.starts[g] - start < own.length) g++;
    const end = stream.starts[g];
    if (end - start !== own.length || sorted(stream.chars.slice(start, end)) !== sorted(own)) break;
    if (hasRtl(own)) out[i] = fixRuns(items[i], stream, from, g);
  }
  return out;
}

/** One item's right-to-left runs with the characters of each glyph back in the glyph's order, the item's glyphs
 *  being [from, to). */
function fixRuns(item: string, stream: GlyphStream, from: number, to: number): string {
  const itemChars = stream.chars.slice(stream.starts[from], stream.starts[to]);
  return item.replace(RTL_RUN, (run) => {
    // The run as drawn: pdf.js reversed it, so its characters appear in the glyphs reversed.
    const drawn = compared([...run].reverse().join(''));
    const found = drawn === '' ? -1 : itemChars.indexOf(drawn);
    if (found < 0) return run;
    const m = stream.starts[from] + found; // where the run starts in the stream
    const n = drawn.length;
    // Positions, in `run`, of each compared character (white space stays where it is).
    const pos: number[] = [];
    for (let k = 0; k < run.length; k++) if (compared(run[k]) !== '') pos.push(k);
    const chars = run.split(''); // BMP only: RTL_RUN matches no surrogate
    // Each glyph with two or more of the run's characters (the run may take only part of a glyph that mixes
    // directions): those characters sit reversed at run positions pos[n-b] .. pos[n-a-1], with any spaces between
    // them. Reverse that span, and with it the spaces a whole glyph ends (begins) with, just before (after) it;
    // those are also left where they were, as the word break pdf.js saw there (between two items, say). Glyphs go
    // from the run's end to its start, so a span that grows moves none still to come.
    for (let gi = from; gi < to && stream.starts[gi] < m + n; gi++) {
      const a = Math.max(stream.starts[gi], m) - m;
      const b = Math.min(stream.starts[gi + 1], m + n) - m;
      if (b - a < 2) continue;
      const first = pos[n - b];
      const last = pos[n - a - 1];
      let lo = first;
      let hi = last;
      if (stream.starts[gi] >= m && stream.starts[gi + 1] <= m + n) {
        const glyph = stream.unicode[gi];
        for (let t = glyph.length - glyph.trimEnd().length; t > 0 && lo > 0 && /\s/.test(chars[lo - 1]); t--) lo--;
        for (let l = glyph.length - glyph.trimStart().length; l > 0 && hi + 1 < chars.length && /\s/.test(chars[hi + 1]); l--) hi++;
      }
      const turned = chars.slice(lo, hi + 1).reverse();
      chars.splice(lo, hi - lo + 1, ...chars.slice(lo, first), ...turned, ...chars.slice(last + 1, hi + 1));
    }
    return chars.join('');
  });
}
