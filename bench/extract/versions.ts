// What the extractor speed benches share: the corpus pages they time (decoded as ingest decodes them), a full
// collection between two turns, and another version of the extractor loaded from a directory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { decodeHtml } from '../../src/core/decode/charset.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
/** The readability test pages (130, ~26 MB) and the article-extraction benchmark's pages (181, ~30 MB). */
const PAGE_DIRS = [resolve(CORPUS, 'html/readability-test-pages'), resolve(CORPUS, 'article-extraction/html')];

/** The pages of PAGE_DIRS (the first `limit` of each), decoded once; exits, saying which, when the corpus is absent. */
export function corpusPages(limit = Infinity): string[] {
  const missing = PAGE_DIRS.find((dir) => !existsSync(dir));
  if (missing) {
    console.error(`corpus not found: ${missing}`);
    process.exit(1);
  }
  return PAGE_DIRS.flatMap((dir) =>
    readdirSync(dir).filter((f) => /\.html(?:\.gz)?$/.test(f)).sort().slice(0, limit).map((f) => {
      const bytes = readFileSync(resolve(dir, f));
      return decodeHtml(f.endsWith('.gz') ? gunzipSync(bytes) : bytes).text;
    }));
}

// A full collection between two extractors' turns, without asking for node --expose-gc.
setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

export type Extractor = (html: string) => unknown;
export interface ExtractorVersion {
  extractText: Extractor;
  extractFullText: Extractor;
}

/**
 * The extractor in DIR/src/core/extract (`git archive <commit> src/core/extract package.json | tar -x -C DIR`). DIR
 * needs the package.json (its "type": "module"): without it tsx compiles the copy as CommonJS, which ran the same
 * code 5-7% faster than as the ES module ours is (an A/A run), so a comparison would favour the copy. Exits when it
 * is missing.
 */
export async function extractorIn(dir: string): Promise<ExtractorVersion> {
  if (!isModulePackage(resolve(dir, 'package.json'))) {
    console.error(`${dir}: no package.json with "type": "module" there, so its extractor would run as CommonJS and ` +
      'not as the ES module ours is; add it (git archive <commit> src/core/extract package.json | tar -x -C DIR)');
    process.exit(1);
  }
  return (await import(resolve(dir, 'src/core/extract/index.ts'))) as ExtractorVersion;
}

function isModulePackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type === 'module';
  } catch {
    return false;
  }
}
