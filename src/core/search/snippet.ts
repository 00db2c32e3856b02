// Snippets computed from a page's stored text, not by FTS5's snippet(). snippet() re-reads the page through the
// segmenting view and re-tokenises the whole body for every hit (~1.3 ms a hit on a 21 KB body, most of a common
// query's time); finding the query's few terms in the display text with one regex costs a fraction of that. The
// matching follows the index's tokenizer (search/schema.ts FTS_TOKENIZER): a token is a run of letters, numbers, marks
// and private-use characters; case and diacritics fold. Where this finds no term (a case the tokenizers see
// differently), the caller falls back to snippet().
import type { ParsedQuery } from './query.js';
import { ARABIC_MARK_CLASS, withoutArabicMarks } from './segment.js';
import { MARK_END, MARK_START, SNIPPET_ELLIPSIS } from './sql.js';

const TOKEN = '[\\p{L}\\p{N}\\p{Co}\\p{M}]';
const NON_TOKEN = '[^\\p{L}\\p{N}\\p{Co}\\p{M}]';
const NON_TOKEN_RUN = new RegExp(`${NON_TOKEN}+`, 'u');
/** Scripts written without spaces: their words are not bounded by non-letters in the display text (the index sees
 *  them segmented, search/segment.ts), so no boundary is asked for around them. */
const NO_SPACE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Characters of context in a snippet, about FTS5's 24 tokens of running text. */
const SNIPPET_CHARS = 180;
/** Context kept before the first matched term of the window. */
const LEAD_CHARS = 40;
/** Matches looked at per text: enough to find the best window on any page, bounded on a page of one word. */
const MAX_MATCHES = 400;

const foldCache = new Map<string, string>();

/** One code unit's folded form (lower case, diacritics removed) when that is one code unit, else the lower case or
 *  the unit itself: folding must keep the length so that positions in the folded text are positions in the text. */
function foldUnit(ch: string): string {
  let f = foldCache.get(ch);
  if (f === undefined) {
    const lower = ch.toLowerCase();
    const bare = lower.normalize('NFD').replace(/\p{M}/gu, '');
    f = bare.length === 1 ? bare : lower.length === 1 ? lower : ch;
    foldCache.set(ch, f);
  }
  return f;
}

/** The text lower-cased with diacritics removed, code unit for code unit. */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // toLowerCase changes the length for a few characters only (U+0130 'İ' -> 'i̇'): then fold unit by unit.
  if (lower.length !== text.length) return text.replace(/[\s\S]/g, foldUnit);
  return lower.replace(/[^\x00-\x7f]/g, foldUnit);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ARABIC_LETTER = /[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]/g;

/** A query word as a pattern: Arabic vowel marks are left out of the index and the query alike (segment.ts), so the
 *  word matches the text's with or without them. */
function wordPattern(word: string): string {
  return escapeRegExp(withoutArabicMarks(word)).replace(ARABIC_LETTER, `$&[${ARABIC_MARK_CLASS}]*`);
}

/** A term as snippetOf finds it: its words (each a sticky pattern, matched ignoring case), what may separate them
 *  (`tight[i]`: nothing need stand between word i - 1 and word i, where a script is written without spaces), and
 *  whether it must start and end at a token's edge, or runs on to the end of its token (a prefix). */
interface TermShape {
  words: RegExp[];
  tight: boolean[];
  boundedBefore: boolean;
  boundedAfter: boolean;
  prefix: boolean;
}

/** A token character, a run of them, and a run of others, at lastIndex (sticky): compiled once. Inside each query's
 *  regex these classes (thousands of ranges with 'u') cost V8 about 2.4 ms to compile for every new query, more than
 *  the rest of its snippets; a regex of the terms' first words alone compiles in 0.03 ms. */
const TOKEN_AT = new RegExp(TOKEN, 'iuy');
const TOKEN_RUN_AT = new RegExp(`${TOKEN}*`, 'iuy');
const SEPARATOR_AT = new RegExp(`${NON_TOKEN}*`, 'iuy');

/** The query's positive terms as a regex finding where any of them may start (each one's first word, a group per
 *  term; null when there is none): snippetOf tells, at each such place, which term is there (termAt). */
export function termPattern(q: ParsedQuery): RegExp | null {
  const firsts: string[] = [];
  const shapes: TermShape[] = [];
  const clauseOf: number[] = [];
  let folded = false;
  for (const [c, clause] of q.clauses.entries()) {
    if (clause.negated) continue;
    for (const term of clause.anyOf) {
      const plain = foldText(term.text);
      if (plain !== term.text.toLowerCase()) folded = true;
      const words = plain.split(NON_TOKEN_RUN).filter(Boolean);
      if (words.length === 0) continue;
      const last = words[words.length - 1].slice(-1);
      const shape: TermShape = {
        words: words.map((w) => new RegExp(wordPattern(w), 'iuy')),
        tight: words.map((w, i) => i > 0 && (NO_SPACE.test(words[i - 1].slice(-1)) || NO_SPACE.test(w[0]))),
        boundedBefore: !NO_SPACE.test(words[0][0]),
        boundedAfter: !term.prefix && !NO_SPACE.test(last),
        prefix: term.prefix,
      };
      shapes.push(shape);
      clauseOf.push(c);
      // An ASCII letter or digit (a token character) where the term needs a token's edge rules a place out here, in
      // V8's code: on a long page, 'the' inside 'other' and 'there' were otherwise each checked by termAt.
      const edgeAfter = words.length > 1 ? !shape.tight[1] : shape.boundedAfter;
      const [before, after] = [shape.boundedBefore ? '(?<![a-z0-9])' : '', edgeAfter ? '(?![a-z0-9])' : ''];
      firsts.push(`(${before}${wordPattern(words[0])}${after})`);
    }
  }
  if (!firsts.length) return null;
  const pattern = new RegExp(firsts.join('|'), 'giu');
  patternTerms.set(pattern, { clauseOf, clauses: new Set(clauseOf).size, folded, shapes });
  return pattern;
}

/** Where the term found at `at` ends, or -1 when it is not there: its first word not inside a token, each next word
 *  after a run of non-token characters (none needed where tight), its last word not followed by a token character
 *  (a prefix: to the end of its token). What one regex of lookarounds and separator classes matched. */
function termAt(text: string, at: number, term: TermShape): number {
  if (term.boundedBefore && at > 0) {
    // The character before, whole when it is a surrogate pair.
    TOKEN_AT.lastIndex = at >= 2 && text.codePointAt(at - 2)! > 0xffff ? at - 2 : at - 1;
    if (TOKEN_AT.test(text)) return -1;
  }
  let pos = at;
  for (let i = 0; i < term.words.length; i++) {
    if (i > 0) {
      SEPARATOR_AT.lastIndex = pos;
      SEPARATOR_AT.test(text);
      if (SEPARATOR_AT.lastIndex === pos && !term.tight[i]) return -1;
      pos = SEPARATOR_AT.lastIndex;
    }
    const word = term.words[i];
    word.lastIndex = pos;
    if (!word.test(text)) return -1;
    pos = word.lastIndex;
  }
  if (term.prefix) {
    TOKEN_RUN_AT.lastIndex = pos;
    TOKEN_RUN_AT.test(text);
    return TOKEN_RUN_AT.lastIndex;
  }
  TOKEN_AT.lastIndex = pos;
  return term.boundedAfter && TOKEN_AT.test(text) ? -1 : pos;
}

interface Match {
  start: number;
  end: number;
  term: number;
}

/** The terms' matches in the text, left to right, each the first term (in the query's order) found where one may
 *  start, the next looked for after it. */
function findMatches(folded: string, pattern: RegExp): Match[] {
  const out: Match[] = [];
  const shapes = patternTerms.get(pattern)!.shapes;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(folded); m && out.length < MAX_MATCHES; m = pattern.exec(folded)) {
    const start = m.index;
    let term = 0;
    let end = -1;
    while (end < 0 && term < shapes.length) end = termAt(folded, start, shapes[term++]);
    if (end > start) out.push({ start, end, term });
    pattern.lastIndex = end > start ? end : start + (folded.codePointAt(start)! > 0xffff ? 2 : 1);
  }
  return out;
}

function distinctTerms(matches: Match[]): number {
  return new Set(matches.map((m) => m.term)).size;
}

/** Whether some clause of the query has none of its terms among `matches`: a hit holds a term of each (of an OR, any
 *  one), so another may be in the text in another spelling (folded). */
function clauseMissing(matches: Match[], terms: PatternTerms): boolean {
  return new Set(matches.map((m) => terms.clauseOf[m.term])).size < terms.clauses;
}

/** What snippetOf needs to know of a termPattern's terms: the clause of each (by its place in the query) and how many
 *  clauses they are in, and whether folding changed any (the query spelled one with a diacritic, so the text may hold
 *  it only so). Kept beside the pattern, which serves every hit of a query. */
interface PatternTerms {
  clauseOf: number[];
  clauses: number;
  folded: boolean;
  shapes: TermShape[];
}
const patternTerms = new WeakMap<RegExp, PatternTerms>();

/** The index of the match that starts the window holding the most distinct terms (then the most matches). */
function bestWindow(matches: Match[]): number {
  let best = 0;
  let bestDistinct = 0;
  let bestCount = 0;
  const counts = new Map<number, number>();
  let hi = 0;
  for (let lo = 0; lo < matches.length; lo++) {
    while (hi < matches.length && matches[hi].end - matches[lo].start <= SNIPPET_CHARS - LEAD_CHARS) {
      counts.set(matches[hi].term, (counts.get(matches[hi].term) ?? 0) + 1);
      hi++;
    }
    const distinct = counts.size;
    const count = hi - lo;
    if (distinct > bestDistinct || (distinct === bestDistinct && count > bestCount)) {
      best = lo;
      bestDistinct = distinct;
      bestCount = count;
    }
    const left = counts.get(matches[lo].term)! - 1;
    if (left === 0) counts.delete(matches[lo].term);
    else counts.set(matches[lo].term, left);
  }
  return best;
}

/** A text a snippet is cut from, read through its slices: a string, or a page's main content in pieces
 *  (JoinedPieces), whose positions are those of the joined main content. */
interface Source {
  readonly length: number;
  slice(start: number, end: number): string;
}

/** An excerpt of `text` around its best cluster of query terms, each marked with MARK_START/MARK_END, white space
 *  collapsed, with an ellipsis where it is cut; null when no term is found. */
export function snippetOf(text: string, pattern: RegExp): string | null {
  if (!text) return null;
  // The terms are folded; the text is folded only when some term is not found as it is, ignoring case, or when the
  // query spelled a term with diacritics (folding costs a pass over the text; most pages hold the terms as typed).
  // Some term, not every term: with 'пожарной безопасности' the second is found as written while the first, folded
  // to 'пожарнои' (й is и with a breve), is found only in the folded text. A clause whose term is found as written
  // needs no other: a hit of an OR holds one of its terms, and its page was folded whole looking for the others
  // (`admit OR kemopar` at a million pages, ten hits on pages of 15-83 KB: 24 ms of snippets, most of it folding).
  const terms = patternTerms.get(pattern);
  let matches = terms?.folded ? [] : findMatches(text, pattern);
  if (!terms || terms.folded || clauseMissing(matches, terms)) {
    const folded = findMatches(foldText(text), pattern);
    if (distinctTerms(folded) >= distinctTerms(matches)) matches = folded;
  }
  return matches.length === 0 ? null : cut(text, matches);
}

/** snippetOf of `pieces` joined by '\n' (a page's main content, store/main-lines.ts mainPieces), found in the pieces
 *  without joining them (mainPieces says why); the same excerpt. */
export function snippetOfPieces(pieces: readonly string[], pattern: RegExp): string | null {
  if (pieces.length === 1) return snippetOf(pieces[0], pattern);
  const joined = new JoinedPieces(pieces);
  const terms = patternTerms.get(pattern);
  // Where folding is needed, or a term may run from one piece into the next, the pieces are joined and read as one.
  const matches = !terms || terms.folded ? null : findMatchesInPieces(joined, pattern);
  if (matches === null || clauseMissing(matches, terms!)) return snippetOf(pieces.join('\n'), pattern);
  return cut(joined, matches);
}

/** The excerpt around the best window of `matches` (found in `source`, in its order). */
function cut(source: Source, matches: Match[]): string {
  const first = bestWindow(matches);
  let start = Math.max(0, matches[first].start - LEAD_CHARS);
  // Start and end at white space, so no word is cut (within a few characters; a text without spaces is cut anywhere).
  if (start > 0) {
    const space = source.slice(start, matches[first].start).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  let end = Math.min(source.length, start + SNIPPET_CHARS);
  const lastMatch = matches.filter((m) => m.start >= matches[first].start && m.start < end).pop()!;
  end = Math.max(end, lastMatch.end);
  if (end < source.length) {
    const cutAt = source.slice(lastMatch.end, end).search(/\s\S*$/);
    if (cutAt >= 0) end = lastMatch.end + cutAt;
  }
  let out = start > 0 ? SNIPPET_ELLIPSIS : '';
  let pos = start;
  for (const m of matches) {
    if (m.start < start || m.end > end) continue;
    out += source.slice(pos, m.start) + MARK_START + source.slice(m.start, m.end) + MARK_END;
    pos = m.end;
  }
  out += source.slice(pos, end) + (end < source.length ? SNIPPET_ELLIPSIS : '');
  return out.replace(/\s+/g, ' ').trim();
}

/** Strings joined by '\n' (a page's main content in pieces, store/main-lines.ts mainPieces), read without joining
 *  them: positions are the joined string's, and a slice joins only the pieces within it. */
class JoinedPieces implements Source {
  /** Where each piece starts in the joined string. */
  readonly offsets: number[] = [];
  readonly length: number;

  constructor(readonly pieces: readonly string[]) {
    let at = 0;
    for (const piece of pieces) {
      this.offsets.push(at);
      at += piece.length + 1;
    }
    this.length = Math.max(0, at - 1);
  }

  slice(start: number, end: number): string {
    let out = '';
    for (let k = 0; k < this.pieces.length && this.offsets[k] < end; k++) {
      const at = this.offsets[k];
      const tail = at + this.pieces[k].length; // the newline joining this piece to the next
      if (tail < start) continue;
      out += this.pieces[k].slice(Math.max(start, at) - at, Math.min(end, tail) - at);
      if (k < this.pieces.length - 1 && tail < end) out += '\n';
    }
    return out;
  }
}

/** Characters on each side of where two pieces meet that are read joined, to tell whether a term runs across: a term
 *  whose words stand further apart than this (a run of a thousand separators) is not looked for across the join. */
const JOIN_CHARS = 1024;

/** findMatches over the joined pieces, piece by piece (positions in the joined string); null when a term may run from
 *  one piece into the next, which only the joined string shows. Before and after a piece stands a newline or the
 *  joined string's edge, which no term starts or ends on: a term found within one piece is found alike in both. */
function findMatchesInPieces(joined: JoinedPieces, pattern: RegExp): Match[] | null {
  const { pieces, offsets } = joined;
  const shapes = patternTerms.get(pattern)!.shapes;
  for (let k = 0; k + 1 < pieces.length; k++) {
    const join = offsets[k] + pieces[k].length;
    const from = Math.max(0, join - JOIN_CHARS);
    if (runsAcross(joined.slice(from, join + 1 + JOIN_CHARS), join - from, pattern, shapes)) return null;
  }
  const out: Match[] = [];
  for (let k = 0; k < pieces.length && out.length < MAX_MATCHES; k++) {
    for (const m of findMatches(pieces[k], pattern)) out.push({ start: m.start + offsets[k], end: m.end + offsets[k], term: m.term });
  }
  return out.slice(0, MAX_MATCHES);
}

/** Whether any term, tried at any place a term may start before `join` in `local`, ends past it. */
function runsAcross(local: string, join: number, pattern: RegExp, shapes: TermShape[]): boolean {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(local); m && m.index < join; m = pattern.exec(local)) {
    for (const shape of shapes) if (termAt(local, m.index, shape) > join) return true;
    pattern.lastIndex = m.index + 1;
  }
  return false;
}
