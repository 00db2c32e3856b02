// Word segmentation for scripts written without spaces. FTS5's unicode61 tokenizer splits on non-letters only, so a
// run of Han/Kana/Thai/Lao/Khmer/Myanmar letters would be one long token and no word inside it could be found; the
// trigram tokenizer would miss two-character words (most Chinese words). Intl.Segmenter (ICU dictionaries) finds the
// words; we put spaces between them. The same function runs at index time and at query time so both agree.

// Runs of letters from scripts that do not separate words with spaces, with their combining marks.
const NO_SPACE_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc\u3005][\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc\u3005\p{M}]*/gu;
const HAS_NO_SPACE_SCRIPT = new RegExp(NO_SPACE_RUN.source, 'u');

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

let segmenter: Intl.Segmenter | undefined;

/** The text with a space between every pair of words inside runs of CJK/Thai-like scripts; other text unchanged
 *  (NFC-normalised, so composed and decomposed accents index alike). Only those runs go through the segmenter: it
 *  is far slower than a regex scan and has nothing to add to space-separated scripts. */
export function segmentWords(text: string): string {
  const nfc = text.normalize('NFC');
  if (!HAS_NO_SPACE_SCRIPT.test(nfc)) return nfc;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const seg = segmenter;
  return nfc.replace(NO_SPACE_RUN, (run: string, at: number, all: string) => {
    const words: string[] = [];
    for (const s of seg.segment(run)) if (s.segment.trim()) words.push(s.segment);
    // A letter or digit touching the run would join its first/last word into one token: keep them apart.
    const before = at > 0 && LETTER_OR_DIGIT.test(all[at - 1]) ? ' ' : '';
    const after = LETTER_OR_DIGIT.test(all[at + run.length] ?? '') ? ' ' : '';
    return before + words.join(' ') + after;
  });
}

/** The copy of `text` to give FTS5, or null when it is the text itself (so the store keeps one copy only). */
export function ftsCopy(text: string): string | null {
  const seg = segmentWords(text);
  return seg === text ? null : seg;
}

const NS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\u30fc\\u3005\\p{M}';
// A space segmentWords put between two words of those scripts, possibly next to a snippet marker (U+0002/U+0003).
const ADDED_SPACE = new RegExp(`([${NS}][\\u0002\\u0003]?) (?=[\\u0002\\u0003]?[${NS}])`, 'gu');

/** Undoes segmentWords' spaces between words of no-space scripts, for display (snippets are cut from the
 *  segmented copy FTS5 indexed). Spaces the page had there are lost too: those scripts rarely have them. */
export function unsegment(text: string): string {
  return HAS_NO_SPACE_SCRIPT.test(text) ? text.replace(ADDED_SPACE, '$1') : text;
}
