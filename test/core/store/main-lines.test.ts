// How the store keeps a page's main content: runs of lines of its text (store/main-lines.ts), from which the main
// content comes back exactly and the rest with every other line; on the readability pages too (skipped without them).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractText } from '../../../src/core/extract/index.js';
import { mainLinesOf, mainOf, restOf } from '../../../src/core/store/main-lines.js';

const PAGES = resolve(__dirname, '../../../../shared/corpus/html/readability-test-pages');

describe('main lines', () => {
  const text = ['Home', 'News', 'Title', 'Body one', 'Share', 'Body two', 'Footer'].join('\n');

  it('keeps the runs of lines outside and inside the main content, and gives both back', () => {
    const main = ['Title', 'Body one', 'Body two'].join('\n');
    const runs = mainLinesOf(text, main);
    expect(runs).toBe('2,2,1,1');
    expect(mainOf(text, runs)).toBe(main);
    expect(restOf(text, runs)).toBe(['Home', 'News', 'Share', 'Footer'].join('\n'));
  });
  it('a main content that starts the text starts with an empty run outside it', () => {
    expect(mainLinesOf(text, 'Home\nNews')).toBe('0,2');
    expect(restOf(text, '0,2')).toBe(['Title', 'Body one', 'Share', 'Body two', 'Footer'].join('\n'));
  });
  it('no runs when the main content is the whole text: main is the text and there is no rest', () => {
    expect(mainLinesOf(text, text)).toBeNull();
    expect(mainOf(text, null)).toBe(text);
    expect(restOf(text, null)).toBe('');
  });
  it('a main content that is not lines of the text, in order, falls back to the whole text', () => {
    expect(mainLinesOf(text, 'Body two\nTitle')).toBeNull();
    expect(mainLinesOf(text, 'Not there')).toBeNull();
  });

  // What mainOf and restOf must give, written the plain way: the text's lines, each counted in or out by the runs in
  // turn (lines past the last run out), joined by '\n'; a run that is no count ends the lines.
  const byLines = (t: string, runs: string, inside: boolean): string => {
    const lines = t.split('\n');
    const kept: string[] = [];
    let i = 0;
    let isIn = false;
    for (const n of runs.split(',')) {
      const count = Number(n);
      if (!Number.isInteger(count)) return kept.join('\n'); // a value that is no list of counts ends the lines
      for (let k = 0; k < count && i < lines.length; k++, i++) if (isIn === inside) kept.push(lines[i]);
      isIn = !isIn;
    }
    if (!inside) kept.push(...lines.slice(i));
    return kept.join('\n');
  };
  it('gives the lines the runs count in or out, joined as the text joins them, for any text and runs', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const texts = ['', '\n', 'one', 'a\n\nb\n', '\nlead\n', text, 'x\ny\nz\n'.repeat(40)];
    for (let k = 0; k < 30; k++) texts.push(Array.from({ length: rnd(60) }, () => 'w'.repeat(rnd(4))).join('\n'));
    // Counts as mainLinesOf writes them (empty runs, runs past the end), and a stored value that is no list of counts.
    const oddRuns = ['', '0', '0,0', '5', '1,0,0,2', '3,x,2', 'x', '999', '0,999', '2,2,1,1'];
    let compared = 0;
    for (const t of texts) {
      const lineCount = t.split('\n').length;
      const runsList = [...oddRuns, ...Array.from({ length: 8 }, () => Array.from({ length: 1 + rnd(6) }, () => rnd(lineCount + 2)).join(','))];
      for (const runs of runsList) {
        expect(mainOf(t, runs), JSON.stringify([t.slice(0, 40), runs])).toBe(byLines(t, runs, true));
        expect(restOf(t, runs), JSON.stringify([t.slice(0, 40), runs])).toBe(byLines(t, runs, false));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe.skipIf(!existsSync(PAGES))('main lines on the readability pages', () => {
  it('give back the extractor main content exactly, and its rest line for line', () => {
    let articles = 0;
    for (const name of readdirSync(PAGES).filter((f) => f.endsWith('.html'))) {
      const ex = extractText(readFileSync(resolve(PAGES, name), 'utf8'));
      const runs = mainLinesOf(ex.text, ex.main);
      expect(runs === null, name).toBe(!ex.mainFound || ex.main === ex.text);
      if (runs !== null) articles++;
      expect(mainOf(ex.text, runs), name).toBe(ex.main);
      // The same lines as the extractor's rest (a line repeated in and out of the article may trade places).
      expect(restOf(ex.text, runs).split('\n').sort(), name).toEqual(ex.rest.split('\n').sort());
    }
    expect(articles).toBeGreaterThan(50); // not vacuous: most of them have an article apart from their menus
  });
});
