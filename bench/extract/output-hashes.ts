// A fingerprint of the extractor's output on every corpus page, to show that a change meant for speed changed no
// output: one line per page, `<page>\t<sha256 of extractText's result>\t<sha256 of extractFullText's result>` (each
// result as JSON: title, description, text, main, rest, mainFound). Pages: ../shared/corpus/html (the readability
// test pages and their expected articles), ../shared/corpus/article-extraction/html and every HTML record of the
// corpus archives (ARC, WARC, WACZ), decoded as ingest decodes them.
//   npx tsx bench/extract/output-hashes.ts > /tmp/before.tsv   (then again after the change, and diff the two)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeHtml } from '../../src/core/decode/charset.js';
import { htmlRecords } from '../../src/core/extract-gpu/html-records.js';
import { extractFullText, extractText } from '../../src/core/extract/index.js';
import { ArchiveError, openArchive } from '../../src/core/warc/index.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = resolve(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
const line = (page: string, html: string) => console.log(`${page}\t${sha(extractText(html))}\t${sha(extractFullText(html))}`);

let pages = 0;
for (const dir of ['html', 'article-extraction/html']) {
  for (const file of filesUnder(resolve(CORPUS, dir)).filter((f) => /\.html?(?:\.gz)?$/.test(f))) {
    const bytes = readFileSync(file);
    line(relative(CORPUS, file), decodeHtml(file.endsWith('.gz') ? gunzipSync(bytes) : bytes).text);
    pages++;
  }
}
for (const file of filesUnder(resolve(CORPUS, 'warc'))) {
  let archive;
  try {
    archive = openArchive(file, { onProblem: () => {} });
  } catch (e) {
    if (e instanceof ArchiveError) continue; // not an archive (the manifest, notes) or one that does not open
    throw e;
  }
  try {
    for (const r of htmlRecords(archive)) {
      line(`${relative(CORPUS, file)}@${r.offset}`, r.html);
      pages++;
    }
  } catch (e) {
    // A malformed archive (the corpus has several on purpose) ends its record walk; what was read is kept.
    console.log(`${relative(CORPUS, file)}\tstopped: ${(e as Error).message.slice(0, 80)}`);
  } finally {
    archive.close();
  }
}
console.error(`${pages} pages`);
