// A PDF's text with pdf.js (pdfjs-dist 4.9, its legacy build: the last line that runs on Node 20). Runs inside the PDF
// thread (pdf-thread.ts), which bounds its memory and kills it past its time; this file bounds what it can itself:
// the text it keeps (maxTextChars) and the time it spends, checked between pages (deadline).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { withoutControls } from './controls.js';
import { hasRtl, withArabicLetters, withRtlClustersInOrder } from './rtl-text.js';
// pdf.js runs its parser in a "fake worker" on this thread when it finds the worker module here, instead of importing
// it by a path relative to its own file (which a bundle moves).
import * as pdfjsWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfjsWorker;

/** What went wrong with a document, as an ingest problem code (shared/errors.ts) names it. */
export type DocumentFailure = 'document-encrypted' | 'document-unreadable';

export interface PdfText {
  title: string;
  description: string;
  /** The pages' text, a blank line between pages. */
  text: string;
  pageCount: number;
  /** Pages whose text was read: fewer than pageCount when the deadline or maxTextChars stopped it. */
  pagesRead: number;
  /** Why it stopped before the last page, if it did: the time or text bound, or a page that does not parse (a
   *  truncated file's last pages; `damage` says how). */
  stopped: 'deadline' | 'text-bound' | 'damaged' | null;
  damage: string | null;
}

export class DocumentError extends Error {
  constructor(
    readonly code: DocumentFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

// The character maps of CJK fonts and the standard fonts' data, from the package: text in a font that uses a
// predefined CMap (UniJIS-UCS2-H, ...) cannot be mapped to Unicode without them.
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_URL = join(pdfjsRoot, 'cmaps') + '/';
const STANDARD_FONTS_URL = join(pdfjsRoot, 'standard_fonts') + '/';

function clean(s: unknown): string {
  return typeof s === 'string' ? withoutControls(s).replace(/[ \t]+/g, ' ').trim() : '';
}

/** One page's text: the items in the order pdf.js reads them (a column at a time in a multi-column layout), a line
 *  break where pdf.js saw one, right-to-left words in reading order (rtl-text.ts) and in the letters a reader types
 *  (pdf.js's Unicode normalization, done here after the reordering, and the Arabic presentation forms' letters). */
async function pageText(page: pdfjs.PDFPageProxy): Promise<string> {
  // Without pdf.js's normalization the items' characters are their glyphs', which rtl-text.ts matches them with.
  const items = (await page.getTextContent({ disableNormalization: true })).items.filter(
    (it): it is TextItem => 'str' in it, // not the marked-content items
  );
  let strs = items.map((it) => it.str);
  if (strs.some(hasRtl)) {
    // A page whose drawing pdf.js cannot list still has its text, in pdf.js's order.
    const glyphs = await drawnGlyphs(page).catch(() => null);
    if (glyphs) strs = withRtlClustersInOrder(strs, glyphs);
  }
  let out = '';
  strs.forEach((str, i) => {
    out += pdfjs.normalizeUnicode(withArabicLetters(str));
    if (items[i].hasEOL) out += '\n';
  });
  return withoutControls(out)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** The Unicode of a page's glyphs in the order they are drawn: its operator list's text operations. Asked only for
 *  pages with right-to-left text, since it costs a second pass over the page (images included). */
async function drawnGlyphs(page: pdfjs.PDFPageProxy): Promise<string[]> {
  const ops = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
  const glyphs: string[] = [];
  ops.fnArray.forEach((fn, i) => {
    if (fn !== pdfjs.OPS.showText) return;
    for (const g of ops.argsArray[i][0] as Array<number | { unicode?: string } | null>) {
      if (g !== null && typeof g === 'object') glyphs.push(g.unicode ?? '');
    }
  });
  return glyphs;
}

export async function pdfText(data: Uint8Array, opts: { maxTextChars: number; deadline: number }): Promise<PdfText> {
  const task = pdfjs.getDocument({
    data,
    cMapUrl: CMAP_URL,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONTS_URL,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0, // errors only: a damaged PDF's warnings are not ours to print
  });
  let doc: pdfjs.PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy();
    const name = (e as { name?: string }).name;
    if (name === 'PasswordException') throw new DocumentError('document-encrypted', 'PDF is password-protected: its text cannot be read');
    throw new DocumentError('document-unreadable', `PDF cannot be read: ${(e as Error).message ?? String(e)}`);
  }
  try {
    const info = ((await doc.getMetadata().catch(() => null))?.info ?? {}) as Record<string, unknown>;
    const pages: string[] = [];
    let chars = 0;
    let stopped: PdfText['stopped'] = null;
    let damage: string | null = null;
    for (let n = 1; n <= doc.numPages; n++) {
      if (performance.now() > opts.deadline) {
        stopped = 'deadline';
        break;
      }
      let text: string;
      try {
        const page = await doc.getPage(n);
        text = await pageText(page);
        page.cleanup();
      } catch (e) {
        // A page that does not parse (a truncated file's last pages) ends the text; what came before is kept.
        damage = `PDF page ${n} of ${doc.numPages} cannot be read: ${(e as Error).message ?? String(e)}`;
        if (pages.length === 0) throw new DocumentError('document-unreadable', damage);
        stopped = 'damaged';
        break;
      }
      if (chars + text.length > opts.maxTextChars) {
        pages.push(text.slice(0, Math.max(0, opts.maxTextChars - chars)));
        stopped = 'text-bound';
        break;
      }
      pages.push(text);
      chars += text.length + 2;
    }
    return {
      title: clean(info.Title),
      description: clean(info.Subject),
      text: pages.join('\n\n'),
      pageCount: doc.numPages,
      pagesRead: pages.length,
      stopped,
      damage,
    };
  } finally {
    await doc.destroy();
  }
}
