// Word segmentation for scripts written without spaces. FTS5's unicode61 tokenizer splits on non-letters only, so a
// run of Han/Kana/Thai/Lao/Khmer/Myanmar letters would be one long token and no word inside it could be found; the
// trigram tokenizer would miss two-character words (most Chinese words). Intl.Segmenter (ICU dictionaries) finds the
// words; we put spaces between them. The same function runs at index time and at query time so both agree.

const NS_CLASS =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\u30fc\\u3005';
// A run of letters from scripts that do not separate words with spaces, with their combining marks. Sticky: it is
// only tried where CANDIDATE found a code unit it could start with, never run over the whole text (as a global
// regex it was 10% of an ingest worker's time on mostly-Latin pages).
const NO_SPACE_RUN = new RegExp(`[${NS_CLASS}][${NS_CLASS}\\p{M}]*`, 'uy');
const HAS_NO_SPACE_SCRIPT = new RegExp(`[${NS_CLASS}]`, 'u');
/** Thai (U+0E00) is the lowest code point of those scripts; a plain range skips everything below it far faster
 *  than the Unicode property classes can. */
const CANDIDATE = /[^\u0000-\u0dff]/g;
/** Below the first combining mark (U+0300) no character changes under NFC, so Latin-1 text skips normalize(). */
const BEYOND_LATIN = /[^\u0000-\u02ff]/;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Arabic vowel marks (harakat: tanwin, fatha, damma, kasra, shadda, sukun, the dagger alef) and the tatweel that
 *  stretches a word. Most Arabic is written without them and a reader types a word either way, so the indexed copy
 *  and the query both leave them out: حَبيبي and حبيبي find each other. The text shown keeps them. */
export const ARABIC_MARK_CLASS = '\\u0640\\u064b-\\u0652\\u0670';
const ARABIC_MARKS = new RegExp(`[${ARABIC_MARK_CLASS}]`, 'g');
export const withoutArabicMarks = (s: string): string => s.replace(ARABIC_MARKS, '');
/** Joins a page's runs for one segmenter pass: a line break is a word boundary, so no word spans two runs. */
const RUN_JOINER = '\n';

let segmenter: Intl.Segmenter | undefined;

/** Segmented runs by run. ICU's dictionary segmenter costs ~5 us a word, and the same phrases recur across a
 *  site's pages (navigation, footers, boilerplate), so a bounded cache pays; cleared when full, which is simple
 *  and costs at most one re-segmenting per run. */
const runCache = new Map<string, string>();
let runCacheChars = 0;
/** About 8 MB of UTF-16 per thread, keys and values. */
const RUN_CACHE_MAX_CHARS = 2_000_000;

/** Fills runCache for the runs it lacks, segmenting them all in one call (a call has a fixed cost too). */
function segmentRuns(runs: string[]): void {
  if (runCacheChars > RUN_CACHE_MAX_CHARS) {
    runCache.clear();
    runCacheChars = 0;
  }
  const missing = [...new Set(runs.filter((run) => !runCache.has(run)))];
  if (missing.length === 0) return;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  let r = 0;
  let runEnd = missing[0].length; // in the joined string
  let words: string[] = [];
  for (const s of segmenter.segment(missing.join(RUN_JOINER))) {
    while (s.index >= runEnd) {
      remember(missing[r], words);
      words = [];
      runEnd += RUN_JOINER.length + missing[++r].length;
    }
    if (s.segment.trim()) words.push(s.segment);
  }
  for (; r < missing.length; r++, words = []) remember(missing[r], words);
}

function remember(run: string, words: string[]): void {
  const seg = words.join(' ');
  runCache.set(run, seg);
  runCacheChars += run.length + seg.length;
}

/** The text with a space between every pair of words inside runs of CJK/Thai-like scripts, and without Arabic vowel
 *  marks; other text unchanged (NFC-normalised, so composed and decomposed accents index alike). Only those runs go
 *  through the segmenter: it is far slower than a scan and has nothing to add to space-separated scripts. */
export function segmentWords(text: string): string {
  if (!BEYOND_LATIN.test(text)) return text;
  const nfc = withoutArabicMarks(text.normalize('NFC'));
  const starts: number[] = [];
  const ends: number[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(nfc); m; m = CANDIDATE.exec(nfc)) {
    NO_SPACE_RUN.lastIndex = m.index;
    const run = NO_SPACE_RUN.exec(nfc);
    if (!run) continue;
    starts.push(m.index);
    ends.push(m.index + run[0].length);
    CANDIDATE.lastIndex = m.index + run[0].length;
  }
  if (starts.length === 0) return nfc;
  const runs: string[] = [];
  for (let r = 0; r < starts.length; r++) runs.push(nfc.slice(starts[r], ends[r]));
  segmentRuns(runs);
  const parts: string[] = [];
  let copied = 0;
  for (let r = 0; r < runs.length; r++) {
    const at = starts[r];
    const end = ends[r];
    // A letter or digit touching the run would join its first/last word into one token: keep them apart.
    const before = at > 0 && LETTER_OR_DIGIT.test(nfc[at - 1]) ? ' ' : '';
    const after = end < nfc.length && LETTER_OR_DIGIT.test(nfc[end]) ? ' ' : '';
    parts.push(nfc.slice(copied, at), before, runCache.get(runs[r])!, after);
    copied = end;
  }
  parts.push(nfc.slice(copied));
  return parts.join('');
}

/** The copy of `text` to give FTS5, or null when it is the text itself (so the store keeps one copy only). */
export function ftsCopy(text: string): string | null {
  const seg = segmentWords(text);
  return seg === text ? null : seg;
}

const NS = `${NS_CLASS}\\p{M}`;
// A space segmentWords put between two words of those scripts, possibly next to a snippet marker (U+0002/U+0003).
const ADDED_SPACE = new RegExp(`([${NS}][\\u0002\\u0003]?) (?=[\\u0002\\u0003]?[${NS}])`, 'gu');

/** Undoes segmentWords' spaces between words of no-space scripts, for display (snippets are cut from the
 *  segmented copy FTS5 indexed). Spaces the page had there are lost too: those scripts rarely have them. */
export function unsegment(text: string): string {
  return HAS_NO_SPACE_SCRIPT.test(text) ? text.replace(ADDED_SPACE, '$1') : text;
}
