// pageInput (src/core/ingest/rows.ts), the row a worker posts: it encodes the text once and segments it once, and
// takes main content and rest, bytes and segmented copies, from those by the line runs. It must give what textRow
// gives (the text, main, rest and their FTS copies as the store derives them again), encoded: on cases made to
// catch an off-by-one (empty lines, no main lines, all of it main, characters of 1-4 UTF-8 bytes at run edges) and on
// the corpus's real pages (skipped when absent), which hold Chinese, Japanese, Arabic and decomposed accents.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHtml } from '../../../src/core/decode/charset.js';
import type { ExtractedText } from '../../../src/core/extract/finish.js';
import { extractText } from '../../../src/core/extract/index.js';
import { pageInput, textRow } from '../../../src/core/ingest/rows.js';
import { segmentWords } from '../../../src/core/search/segment.js';

const PAGES = resolve(__dirname, '../../../../shared/corpus/html/readability-test-pages');
const page = { digest: 'sha1:X', url: 'http://a.example/', lang: null };
const text = (b: unknown): string => new TextDecoder().decode(b as Uint8Array);

/** pageInput's row, its bytes read back as strings; and textRow's. */
function both(ex: ExtractedText) {
  const input = pageInput(page, ex);
  const decoded = { ...input, text: text(input.text), main: text(input.main), rest: text(input.rest) };
  return { decoded, input, row: textRow(page, ex) };
}

const ex = (t: string, main: string): ExtractedText => ({ title: 'T', description: '', text: t, main, rest: '', mainFound: main !== t });

describe('pageInput', () => {
  it('gives textRow\'s row, encoded, whatever lines the main content takes', () => {
    const lines = ['', 'Menü', '', 'Überschrift 😀', 'Текст статьи', '', '東京大学で勉強します', 'Fußzeile', ''];
    const t = lines.join('\n');
    const mains = [
      t, '', lines.slice(3, 5).join('\n'), [lines[1], lines[4], lines[6]].join('\n'), [lines[0], lines[8]].join('\n'),
      lines.slice(0, 8).join('\n'), 'not a line of it',
    ];
    for (const main of mains) {
      const { decoded, row } = both(ex(t, main));
      expect(decoded, JSON.stringify(main)).toEqual(row);
    }
  });

  it('puts text, main content and rest in one buffer, which the worker moves to the writer', () => {
    const { input } = both(ex('a\nb\nc', 'b'));
    const [t, m, r] = [input.text, input.main, input.rest] as Uint8Array[];
    expect(m.buffer).toBe(t.buffer);
    expect(r.buffer).toBe(t.buffer);
    expect([t.byteLength, m.byteLength, r.byteLength]).toEqual([5, 1, 3]);
  });

  it('segments a line alone as it does within a text (what pageInput relies on)', () => {
    const a = 'Überschrift 東京大学で勉強します';
    const b = 'حَبيبي café';
    expect(segmentWords(`${a}\n${b}`)).toBe(`${segmentWords(a)}\n${segmentWords(b)}`);
  });

  it('gives textRow\'s row for every real page', () => {
    if (!existsSync(PAGES)) return;
    let segmented = 0;
    let split = 0;
    for (const f of readdirSync(PAGES).filter((n) => n.endsWith('.html'))) {
      const { decoded, row } = both(extractText(decodeHtml(readFileSync(resolve(PAGES, f))).text));
      expect(decoded, f).toEqual(row);
      if (row.ftsMain !== null || row.ftsRest !== null) segmented++;
      if (row.mainLines) split++;
    }
    // The cases the shortcuts take are all there.
    expect(segmented).toBeGreaterThan(3);
    expect(split).toBeGreaterThan(50);
  });
});
