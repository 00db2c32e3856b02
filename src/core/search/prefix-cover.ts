// A prefix with more words than an OR is worth writing out (search/index.ts MAX_COMPLETIONS), written out all the same:
// its most frequent words by name, and the rest by longer prefixes that none of those words begins with. FTS5 reads a
// prefix by merging the doclists of every word it covers before its first row; here only the rarer words' doclists
// are merged, and the frequent ones are read lazily, newest first, as any completion is. At a million real pages
// `lib*` (17,875 words, 13,882 of them on one or two pages) gave its newest 40 matches in 106-148 ms whole and 23-24
// ms so (50 words named, 562 prefixes), measured on the bench's collection.

/** The words of a prefix named in its cover: the ones on most pages. More named words merge fewer pages but cut the
 *  rest into more prefixes (`lib*` at a million pages: 50 -> 562 prefixes, 23-24 ms; 100 -> 1,385, 26-28 ms; 150 ->
 *  2,129, 31-33 ms). */
export const COVER_NAMED_WORDS = 50;

/** An FTS5 string literal of a word or a prefix. */
const literal = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * FTS5 items (a quoted word, or a quoted prefix and `*`) that together match exactly `words`, all the words of the
 * index that begin with `prefix`: each of `named` (some of them) by itself, and the others by the shortest longer
 * prefixes that no named word begins with, or by itself when a named word begins with the whole word. Null when that
 * takes more than `most` items (the prefix is then better read whole by FTS5).
 */
export function prefixCover(words: readonly string[], prefix: string, named: readonly string[], most: number): string[] | null {
  // The starts of the named words past the prefix, a code point at a time (a surrogate pair is never cut).
  const starts = new Set<string>([prefix]);
  for (const w of named) {
    let start = prefix;
    for (const ch of w.slice(prefix.length)) starts.add((start += ch));
  }
  const items = new Set<string>();
  for (const w of words) {
    // The longest start of a named word that w begins with: w itself, or w's next character leaves every named word.
    let start = prefix;
    let item: string | null = null;
    for (const ch of w.slice(prefix.length)) {
      const longer = start + ch;
      if (!starts.has(longer)) {
        item = `${literal(longer)}*`;
        break;
      }
      start = longer;
    }
    items.add(item ?? literal(w));
    if (items.size > most) return null;
  }
  return [...items];
}
