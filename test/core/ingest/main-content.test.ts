// Main content through ingest (issue 14, "Use it" and must-show 3): pages of a WARC built here, with a menu and an
// article each, are stored with their main content; a word only in a page's navigation ranks below the pages that
// have it in their article, whose snippets show no line of their menu; a collection extracted before main content
// gets it on request (re-extraction, with progress). Also on iana.warc.gz from ../shared/corpus when present.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { MARK_END, MARK_START, search } from '../../../src/core/search/index.js';
import type { CliIo } from '../../../src/cli/command.js';
import { index } from '../../../src/cli/commands/ingest.js';
import type { IngestProgress } from '../../../src/shared/records.js';
import { warcFile, type RecordSpec } from './warc-builder.js';

const IANA = resolve(__dirname, '../../../../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');

const sentence = (i: number, k: number) =>
  `Paragraph ${k} of story ${i} tells how the keepers of the reserve counted animals at dawn and wrote their numbers down.`;

/** A page with a site menu (holding `menuWord`), an article of a few paragraphs (holding `articleWord` once, when
 *  given) and a footer. */
function page(i: number, menuWord: string, articleWord?: string): string {
  const paragraphs = Array.from({ length: 5 }, (_, k) =>
    `<p>${sentence(i, k)}${k === 2 && articleWord ? ` On that day a ${articleWord} crossed the river.` : ''}</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><title>Story ${i}</title></head><body>
<header class="site-header"><nav class="main-navigation"><ul>
<li><a href="/">Home</a></li><li><a href="/${menuWord}">${menuWord} shop</a></li><li><a href="/contact">Contact us</a></li>
</ul></nav></header>
<main><article><h1>Story ${i}</h1>
${paragraphs}
</article></main>
<footer class="site-footer"><p><a href="/legal">Legal notice</a> <a href="/privacy">Privacy</a></p></footer>
</body></html>`;
}
const MENU_LINES = ['Home', 'shop', 'Contact us', 'Legal notice'];

// Even pages: 'zebra' in the article, 'Lion' in the menu. Odd pages: 'Zebra' only in the menu.
const RECORDS: RecordSpec[] = Array.from({ length: 8 }, (_, i) => ({
  uri: `http://reserve.example/story/${i}`,
  date: `2020-01-0${i + 1}T00:00:00Z`,
  body: i % 2 === 0 ? page(i, 'Lion', 'zebra') : page(i, 'Zebra'),
}));
const isArticleHit = (url: string) => Number(url.split('/').pop()) % 2 === 0;

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => {}, isTTY: false };
}

let dir: string;
let warc: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-main-'));
  warc = join(dir, 'reserve.warc.gz');
  writeFileSync(warc, warcFile(RECORDS, true));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('main content through ingest', () => {
  let db: string;
  beforeAll(async () => {
    db = join(dir, 'c.sqlite');
    await ingestCollection(db, [warc], { workers: 1 });
  });

  it('stores each page with its article found, main content without the menu', () => {
    const coll = Collection.open(db, { readonly: true });
    try {
      const hit = search(coll, 'dawn', { limit: 1 }).hits[0];
      const p = coll.page(hit.capture.digest!)!;
      expect(p.mainFound).toBe(true);
      expect(p.main).toContain('keepers of the reserve');
      expect(p.text).toContain('Contact us');
      for (const line of MENU_LINES) expect(p.main).not.toContain(line);
    } finally {
      coll.close();
    }
  });

  it('a word only in the navigation ranks below the pages with it in their article; their snippets show no menu', () => {
    const coll = Collection.open(db, { readonly: true });
    try {
      const hits = search(coll, 'zebra', { limit: 20 }).hits;
      expect(hits.map((h) => isArticleHit(h.url))).toEqual([true, true, true, true, false, false, false, false]);
      for (const h of hits.slice(0, 4)) {
        const plain = h.snippet.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
        expect(plain).toContain('zebra crossed the river');
        for (const line of MENU_LINES) expect(plain).not.toContain(line);
      }
      expect(search(coll, 'zebra in:main', { limit: 20 }).hits.map((h) => isArticleHit(h.url))).toEqual([true, true, true, true]);
    } finally {
      coll.close();
    }
  });

  it('re-extracts a collection stored before main content, with progress, and says which pages were not', async () => {
    // As an older build left it: every page all main content, not looked at (the update trigger re-indexes them).
    const coll = Collection.open(db);
    coll.run({ sql: 'UPDATE pages SET main_lines = NULL, main_found = NULL', params: {} });
    const digest = search(coll, 'dawn', { limit: 1 }).hits[0].capture.digest!;
    expect(coll.page(digest)).toMatchObject({ mainFound: null });
    expect(search(coll, 'zebra in:main', { limit: 20 }).hits).toHaveLength(8);
    coll.close();

    const progress: IngestProgress[] = [];
    const s = await ingestCollection(db, [warc], { workers: 1, reextract: true, onProgress: (p) => progress.push(p) });
    expect(s).toMatchObject({ filesIndexed: 1, filesSkipped: 0, pages: 0 });
    expect(progress.at(-1)).toMatchObject({ filesDone: 1, filesTotal: 1, pages: 8 });

    const after = Collection.open(db);
    expect(after.page(digest)).toMatchObject({ mainFound: true });
    expect(search(after, 'zebra in:main', { limit: 20 }).hits).toHaveLength(4);
    expect(after.counts()).toMatchObject({ pages: 8, captures: 8 });
    expect(() => after.run({ sql: "INSERT INTO pages_fts(pages_fts) VALUES ('integrity-check')", params: {} })).not.toThrow();
    after.close();
  });

  it('archivestream index <db> --reextract takes every file of the collection', async () => {
    const io = capture();
    expect(await index.run([db, '--reextract', '--json', '--workers', '1'], io)).toBe(0);
    expect(JSON.parse(io.lines[0])).toMatchObject({ files: 1, records: 8, pages: 0, skipped: 0 });
    const missing = capture();
    await expect(Promise.resolve().then(() => index.run([join(dir, 'none.sqlite'), '--reextract'], missing)))
      .rejects.toThrow(/none\.sqlite: no such collection to re-extract/);
  });
});

describe.skipIf(!existsSync(IANA))('main content on iana.warc.gz', () => {
  it('no snippet of a hit whose word is in its main content holds a line of that page navigation', async () => {
    const db = join(dir, 'iana.sqlite');
    await ingestCollection(db, [IANA], { workers: 1 });
    const coll = Collection.open(db, { readonly: true });
    try {
      let checked = 0;
      // Words of the site's articles and of its menus alike.
      for (const q of ['domain', 'root', 'protocol', 'numbers', 'assignments', 'registry', 'time zone', 'IANA', 'about']) {
        for (const h of search(coll, q, { limit: 50 }).hits) {
          const p = coll.page(h.capture.digest!)!;
          if (!p.mainFound) continue;
          // The words as search matches them (whole words): 'protocol' is not in a main content that says 'protocols'.
          if (!q.split(' ').every((w) => new RegExp(`\\b${w}\\b`, 'i').test(p.main))) continue;
          const mainLines = new Set(p.main.split('\n'));
          const navLines = p.text.split('\n').filter((l) => l.trim().length > 0 && !mainLines.has(l));
          const plain = h.snippet.replaceAll(MARK_START, '').replaceAll(MARK_END, '').replace(/…/g, '');
          for (const line of navLines) {
            // A navigation line found in the snippet only as part of a main-content line is not the menu.
            if (plain.includes(line.trim()) && ![...mainLines].some((m) => m.includes(line.trim()))) {
              throw new Error(`${h.url}: snippet for '${q}' holds navigation line '${line}': ${plain}`);
            }
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    } finally {
      coll.close();
    }
  }, 120_000);
});
