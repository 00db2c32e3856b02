// Text a WACZ package already carries, used instead of extracting its pages again: ArchiveStream's own full-text
// index (fulltext/pages.sqlite, written by the WACZ export) by payload digest, with the main content as it was
// found; else pages/pages.jsonl lines with a `text` (py-wacz --text, Browsertrix, ArchiveWeb.page), by URL and time.
// Either way the page is searchable as soon as its captures are read, and the extractor never runs for it.
import type { ExtractedText } from '../extract/finish.js';
import { openPortableIndex, PORTABLE_INDEX_PATH } from '../store/portable-index.js';
import { mainOf, restOf } from '../store/main-lines.js';
import type { WaczArchive } from '../warc/wacz.js';
import type { ArchiveFile } from '../warc/types.js';
import type { CaptureRow } from '../../shared/records.js';

export interface PackageTexts {
  /** The page text the package holds for this capture, or null (then it is extracted as usual). */
  text(c: CaptureRow): (ExtractedText & { lang: string | null }) | null;
  close(): void;
}

/** 14 digits of a pages.jsonl `ts` (ISO 8601 as py-wacz writes it, or already 14 digits). */
function ts14(ts: unknown): string | null {
  if (typeof ts !== 'string') return null;
  const digits = ts.replace(/\D/g, '').slice(0, 14);
  return digits.length === 14 ? digits : null;
}

/** The texts of a WACZ (null for any other archive, or a package without texts). */
export function packageTexts(file: ArchiveFile): PackageTexts | null {
  if (file.format !== 'wacz') return null;
  const wacz = file as WaczArchive;
  const bytes = wacz.readEntry(PORTABLE_INDEX_PATH);
  const index = bytes ? openPortableIndex(bytes) : null;
  if (index) {
    return {
      text(c) {
        const p = c.digest ? index.page(c.digest) : undefined;
        if (!p) return null;
        return {
          title: p.title, description: p.description, text: p.text, main: mainOf(p.text, p.mainLines), rest: restOf(p.text, p.mainLines),
          mainFound: p.mainFound ?? false, lang: p.lang,
        };
      },
      close: () => index.close(),
    };
  }
  const byCapture = new Map<string, { title: string; text: string }>();
  for (const p of wacz.pages()) {
    const ts = ts14(p.ts);
    if (typeof p.text === 'string' && ts) byCapture.set(`${ts} ${p.url}`, { title: typeof p.title === 'string' ? p.title : '', text: p.text });
  }
  if (byCapture.size === 0) return null;
  return {
    text(c) {
      const p = c.timestamp && c.uri ? byCapture.get(`${c.timestamp} ${c.uri}`) : undefined;
      return p ? { title: p.title, description: '', text: p.text, main: p.text, rest: '', mainFound: false, lang: null } : null;
    },
    close: () => byCapture.clear(),
  };
}
