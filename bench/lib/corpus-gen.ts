// Builds a realistic web-archive collection for the index benchmark: per-record-gzip WARC/1.1 files whose HTML pages
// are recombined from the real pages in ../shared/corpus/html/readability-test-pages.
//
// Why synthetic and not the real pages repeated: repeating 130 pages gives 130 distinct payloads, so a deduplicating
// ingest does no work and FTS5 sees a vocabulary that never grows. Here every page is distinct (its own URL, date,
// paragraph mix and word substitutions) and the term statistics follow the laws real text follows: word ranks are Zipf
// distributed and the vocabulary grows with the collection (Heaps' law), so rare terms stay rare as the index grows.
//
// Everything is a function of (seed, page index): page i is the same in a 20k and a 200k collection, so the smaller
// collection is a prefix of the larger one: all sizes share one pool of files, and no file is generated twice.
//
//   npx tsx bench/lib/corpus-gen.ts --pages 20000 [--shape web|text-heavy|real] [--jobs 2] [--out bench/data/index] [--level 6]
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { base32 } from '../../src/core/warc/digest.js';
import { flagValue } from './args.js';

/** Bump when the output of generatePage or the record layout changes: cached collections are keyed by it. */
export const GENERATOR_VERSION = 2;
/** Pages per WARC file: ~5000 pages of ~50 KB compress to files of roughly 60-100 MB. */
export const PAGES_PER_FILE = 5000;
export const DEFAULT_SEED = 20240601;

/** How a page's HTML divides: mean characters of article (h1, paragraphs, figures), of the site's scripts and styles,
 *  and of its navigation chrome. */
export interface PageShape {
  article: number;
  head: number;
  chrome: number;
}

export const PAGE_SHAPES = {
  // Calibrated on the source pages of web-page size: those of 20-120 KB of HTML (28 of the 130) hold 16.8% of their
  // characters as extracted text (11.2 K of 66.6 K). These pages come out at ~49 K characters of HTML with ~8.6 K of
  // text (17.5%). Text is what FTS5 indexes, so this share sets most of an ingest's writer cost.
  web: { article: 12_000, head: 23_000, chrome: 11_000 },
  // The first generator's shape: nearly all article, ~21 K of text in ~52 K of HTML (41%), 2.5x the web shape's text.
  'text-heavy': { article: 33_000, head: 9_000, chrome: 6_000 },
} as const satisfies Record<string, PageShape>;
/** 'real' (corpus mode): each page is a whole real page of the corpus (those of at most REAL_MAX_BYTES), markup and
 *  all (scripts, styles, nested tags), with its words substituted as prose words are, so every page is distinct. Real
 *  markup costs an extractor more than generated paragraphs do. */
export type ShapeName = keyof typeof PAGE_SHAPES | 'real';
export const DEFAULT_SHAPE: ShapeName = 'web';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SOURCE_DIR = resolve(ROOT, '../shared/corpus/html/readability-test-pages');
export const DEFAULT_OUT_DIR = resolve(ROOT, 'bench/data/index');

// ---------------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: tiny, fast, good enough for picking words; the state is one 32-bit integer. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher-Yates) with `rand`, and returns them. */
export function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Mixes integers into one 32-bit seed (murmur3 finaliser per step), so nearby page numbers get unrelated streams. */
export function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** A Zipf(s = 1) rank in [0, n): P(rank < r) = ln r / ln n, the continuous inverse CDF, exact enough for word ranks. */
export function zipfRank(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(Math.pow(n, rng())) - 1);
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal with the given mean: page sizes on the web are heavy-tailed, not normal. */
function lognormal(rng: Rng, mean: number, sigma: number): number {
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * gaussian(rng));
}

// ---------------------------------------------------------------------------------------------------------------------
// The source model: the real pages cut into reusable parts

/** A paragraph's inner HTML and where its words are (markup and entities are never words). */
interface Paragraph {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

interface SourcePage {
  name: string;
  title: string;
  lang: string;
  /** Indices into SourceModel.paragraphs, in page order (a run of them reads as one article). */
  paragraphs: number[];
  /** Indices into SourceModel.headBlocks / chromeBlocks. */
  head: number[];
  chrome: number[];
  /** The whole page with the positions of its text's words (not in tags, scripts, styles or comments): what a 'real'
   *  page is made from. */
  whole: Paragraph;
}

export interface SourceModel {
  pages: SourcePage[];
  paragraphs: Paragraph[];
  /** <script> and <style> elements: markup an extractor must skip. */
  headBlocks: string[];
  /** <nav>, <header>, <footer> and link lists: boilerplate text that repeats on every page of a site. */
  chromeBlocks: string[];
  /** Lower-cased words of the source pages' paragraphs, most frequent first: the head of the Zipf vocabulary. */
  vocabulary: string[];
  /** The pages with at least three paragraphs: article topics. */
  prose: SourcePage[];
}

const WORD = /&#?\w+;|\p{L}[\p{L}\p{M}]*/gu;

function splitWords(html: string): Paragraph {
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  // Tags are skipped whole so a substitution never lands inside an attribute.
  for (const piece of html.split(/(<[^>]*>)/)) {
    if (!piece.startsWith('<')) {
      for (const m of piece.matchAll(WORD)) {
        if (m[0].startsWith('&')) continue;
        starts.push(offset + m.index);
        ends.push(offset + m.index + m[0].length);
      }
    }
    offset += piece.length;
  }
  return { text: html, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** The words of a whole page's text: splitWords over what lies outside tags, comments, scripts and styles. */
function textWords(html: string): Paragraph {
  const starts: number[] = [];
  const ends: number[] = [];
  const skip = /<!--[\s\S]*?-->|<(script|style)\b[\s\S]*?<\/\1\s*>|<[^>]*>/gi;
  let cursor = 0;
  const text = (to: number): void => {
    for (const m of html.slice(cursor, to).matchAll(WORD)) {
      if (m[0].startsWith('&')) continue;
      starts.push(cursor + m.index);
      ends.push(cursor + m.index + m[0].length);
    }
  };
  for (const m of html.matchAll(skip)) {
    text(m.index);
    cursor = m.index + m[0].length;
  }
  text(html.length);
  return { text: html, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

const MAX_BLOCK = 20_000;
/** The corpus pages a 'real' page is made from: those of at most this size (87 of the 130, mean 58 KB); the larger
 *  ones (up to several MB) are not what a crawl mostly holds. */
export const REAL_MAX_BYTES = 200_000;

export function loadSourceModel(dir = DEFAULT_SOURCE_DIR): SourceModel {
  const model: SourceModel = { pages: [], paragraphs: [], headBlocks: [], chromeBlocks: [], vocabulary: [], prose: [] };
  const freq = new Map<string, number>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.html')).sort()) {
    const html = readFileSync(join(dir, name), 'utf8').replace(/^\uFEFF/, '');
    const page: SourcePage = {
      name,
      title: decodeBasic(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim() ?? ''),
      lang: /<html[^>]*\blang=["']?([\w-]+)/i.exec(html)?.[1] ?? 'en',
      paragraphs: [],
      head: [],
      chrome: [],
      whole: textWords(html),
    };
    for (const m of html.matchAll(/<p(?:\s[^>]*)?>([\s\S]*?)<\/p>/gi)) {
      const inner = m[1];
      if (inner.length > 6000 || /<(p|script|style|div|table)\b/i.test(inner)) continue;
      const para = splitWords(inner);
      if (para.starts.length < 8) continue; // fewer than 8 words: a caption or a button, not prose
      for (let k = 0; k < para.starts.length; k++) {
        const w = inner.slice(para.starts[k], para.ends[k]).toLowerCase();
        freq.set(w, (freq.get(w) ?? 0) + 1);
      }
      page.paragraphs.push(model.paragraphs.push(para) - 1);
    }
    for (const m of html.matchAll(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi)) {
      if (m[0].length <= MAX_BLOCK) page.head.push(model.headBlocks.push(m[0]) - 1);
    }
    for (const m of html.matchAll(/<(nav|header|footer|ul)\b[^>]*>[\s\S]*?<\/\1>/gi)) {
      if (m[0].length <= MAX_BLOCK && (m[1].toLowerCase() !== 'ul' || (m[0].match(/<a\s/gi)?.length ?? 0) >= 3)) {
        page.chrome.push(model.chromeBlocks.push(m[0]) - 1);
      }
    }
    model.pages.push(page);
  }
  model.prose = model.pages.filter((p) => p.paragraphs.length >= 3);
  model.vocabulary = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  return model;
}

function decodeBasic(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------------------------------
// Vocabulary, hosts, dates

/** Heaps' law V(n) = K n^beta with beta 0.6: the number of distinct words the generator may draw from after n pages.
 *  ~150k words at 20k pages, ~600k at 200k, ~1.6M at 1M (real web text has names, typos and codes without end). */
export function vocabularySize(model: SourceModel, pageIndex: number): number {
  return Math.max(model.vocabulary.length, Math.floor(400 * Math.pow(pageIndex + 1, 0.6)));
}

// 64 syllables, shuffled so that bijective base-64 numbers do not read in alphabetical order.
const SYLLABLES = (() => {
  const on = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'tr'];
  const nu = ['a', 'e', 'i', 'o'];
  const all = on.flatMap((c) => nu.map((v) => c + v));
  const rng = prng(7);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
})();
const CODAS = ['', 'n', 'r', 's', 'l', 'x', 'nd', 'm'];

/** The word of a vocabulary rank: the corpus's own words first, then made-up words, distinct for distinct ranks
 *  (bijective base-64 numerals of the rank, so shorter words are the more frequent ones, as in real languages). */
export function wordAt(model: SourceModel, rank: number): string {
  if (rank < model.vocabulary.length) return model.vocabulary[rank];
  let n = rank - model.vocabulary.length + 64; // at least two syllables
  let w = '';
  while (n > 0) {
    n -= 1;
    w = SYLLABLES[n % 64] + w;
    n = Math.floor(n / 64);
  }
  return w + CODAS[rank % CODAS.length];
}

const TLDS = ['com', 'com', 'com', 'org', 'net', 'co.uk', 'de', 'fr', 'info', 'edu', 'gov', 'io', 'news', 'blog'];
const SUBDOMAINS = ['www.', 'www.', 'www.', '', 'blog.', 'news.', 'en.', 'm.'];

/** Hosts: Zipf over a pool that grows with the collection (a few huge sites, a long tail of small ones). */
export function hostCount(pageIndex: number): number {
  return 50 + Math.floor(pageIndex / 20);
}

export function hostAt(rank: number): string {
  const rng = prng(mix(0x4057, rank));
  // rank itself goes into the name, so distinct ranks never share a host
  let n = rank + 4096;
  let name = '';
  while (n > 0) {
    n -= 1;
    name = SYLLABLES[n % 64] + name;
    n = Math.floor(n / 64);
  }
  return pick(rng, SUBDOMAINS) + name + '.' + pick(rng, TLDS);
}

const DATE_START = Date.UTC(2010, 0, 1);
const DATE_END = Date.UTC(2025, 0, 1);

interface SiteTheme {
  host: string;
  lang: string;
  head: string;
  nav: string;
  footer: string;
  pathStyle: number;
}

const themes = new Map<string, SiteTheme>();

/** A site's look: the same scripts, styles and navigation on every page of the host, as on a real site. */
function siteTheme(model: SourceModel, seed: number, rank: number, shape: keyof typeof PAGE_SHAPES): SiteTheme {
  const key = `${shape} ${seed} ${rank}`;
  let t = themes.get(key);
  if (t) return t;
  const rng = prng(mix(seed, 0x7e3e, rank));
  const src = pick(rng, model.pages);
  const headBudget = lognormal(rng, PAGE_SHAPES[shape].head, 0.8);
  const chromeBudget = lognormal(rng, PAGE_SHAPES[shape].chrome, 0.8);
  // The source page's own blocks first, then blocks of other pages until the budget is met.
  const fill = (own: number[], pool: string[], budget: number): string[] => {
    const out: string[] = [];
    let size = 0;
    const add = (k: number): void => {
      if (size + pool[k].length > 2 * budget && out.length) return;
      out.push(pool[k]);
      size += pool[k].length;
    };
    for (const k of own) if (size < budget) add(k);
    for (let tries = 0; size < budget && tries < 64; tries++) add(Math.floor(rng() * pool.length));
    return out;
  };
  const chrome = fill(src.chrome, model.chromeBlocks, chromeBudget);
  const host = hostAt(rank);
  t = {
    host,
    lang: src.lang,
    head: fill(src.head, model.headBlocks, headBudget).join('\n'),
    nav: chrome.slice(0, Math.ceil(chrome.length / 2)).join('\n'),
    footer: `<footer>${chrome.slice(Math.ceil(chrome.length / 2)).join('\n')}<p>&copy; ${host}</p></footer>`,
    pathStyle: Math.floor(rng() * 4),
  };
  if (themes.size > 50_000) themes.clear();
  themes.set(key, t);
  return t;
}

// ---------------------------------------------------------------------------------------------------------------------
// Pages

export interface GeneratedPage {
  index: number;
  url: string;
  host: string;
  /** Capture time, ms since the epoch. */
  date: number;
  html: string;
  /** The article's words (title and paragraphs) as rendered, when asked for: what queries.ts samples. */
  words?: string[];
}

/** Share of prose words replaced by a Zipf-drawn vocabulary word. */
const SUBSTITUTE = 0.15;
export function generatePage(
  model: SourceModel,
  index: number,
  seed = DEFAULT_SEED,
  withWords = false,
  shape: ShapeName = DEFAULT_SHAPE,
): GeneratedPage {
  const rng = prng(mix(seed, index));
  const vocab = vocabularySize(model, index);
  const words: string[] | undefined = withWords ? [] : undefined;
  const draw = (like: string): string => {
    const w = wordAt(model, zipfRank(rng, vocab));
    const c = like.charAt(0);
    return c !== c.toLowerCase() ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  };
  // Geometric gaps between substituted words: one random draw per substitution instead of one per word, and the
  // text between substitutions is copied as one slice.
  const gap = (p: number): number => Math.floor(Math.log(1 - rng()) / Math.log(1 - p));
  let skip = gap(SUBSTITUTE);
  const render = (para: Paragraph, out: string[], p = SUBSTITUTE): void => {
    let next = p === SUBSTITUTE ? skip : gap(p);
    const n = para.starts.length;
    if (words) {
      for (let w = 0; w < n; w++) words.push(para.text.slice(para.starts[w], para.ends[w]));
    }
    let cursor = 0;
    for (; next < n; next += 1 + gap(p)) {
      const word = para.text.slice(para.starts[next], para.ends[next]);
      const sub = draw(word);
      if (words) words[words.length - n + next] = sub;
      out.push(para.text.slice(cursor, para.starts[next]), sub);
      cursor = para.ends[next];
    }
    out.push(cursor ? para.text.slice(cursor) : para.text);
    if (p === SUBSTITUTE) skip = next - n;
  };

  const hostRank = zipfRank(rng, hostCount(index));
  if (shape === 'real') return realPage(model, index, rng, hostRank, render, words);
  const theme = siteTheme(model, seed, hostRank, shape);
  const date = DATE_START + Math.floor(Math.pow(rng(), 0.8) * (DATE_END - DATE_START));

  // The article: runs of consecutive paragraphs from one source page, switching topic now and then.
  const withProse = model.prose;
  let topic = pick(rng, withProse);
  let at = Math.floor(rng() * topic.paragraphs.length);
  const titleParts: string[] = [];
  render(splitWords(escapeHtml(topic.title || 'Untitled')), titleParts, 0.3);
  const title = titleParts.join('');
  const titleWords = splitWords(title);
  const slug =
    Array.from(titleWords.starts.slice(0, 6), (st, k) => title.slice(st, titleWords.ends[k]))
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '') || `p${index}`;

  const body: string[] = [];
  const target = lognormal(rng, PAGE_SHAPES[shape].article, 0.9);
  let size = 0;
  for (let n = 0; size < target || n < 3; n++) {
    if (at >= topic.paragraphs.length || rng() < 0.2) {
      topic = pick(rng, withProse);
      at = Math.floor(rng() * topic.paragraphs.length);
    }
    const start = body.length;
    if (n > 0 && rng() < 0.12) body.push('<h2>', draw('A'), ' ', draw('a'), ' ', draw('a'), '</h2>\n');
    if (rng() < 0.05) body.push(`<figure><img src="/img/${index}-${n}.jpg" alt="${draw('a')}"></figure>\n`);
    body.push('<p>');
    render(model.paragraphs[topic.paragraphs[at++]], body);
    body.push('</p>\n');
    for (let k = start; k < body.length; k++) size += body[k].length;
    if (n > 2000) break;
  }

  const d = new Date(date);
  const y = d.getUTCFullYear();
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const path = [
    `/${y}/${mm}/${dd}/${slug}/`,
    `/news/${slug}-${index}.html`,
    `/article.php?id=${index}&lang=${theme.lang}`,
    `/wiki/${slug.replace(/-/g, '_')}_${index}`,
  ][theme.pathStyle];
  const url = `https://${theme.host}${path}`;
  const iso = d.toISOString().replace(/\.\d+Z$/, 'Z');

  const html =
    `<!DOCTYPE html>\n<html lang="${theme.lang}">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n` +
    `<link rel="canonical" href="${escapeHtml(url)}">\n<meta property="article:published_time" content="${iso}">\n` +
    `${theme.head}\n</head>\n<body>\n${theme.nav}\n<main><article>\n<h1>${title}</h1>\n` +
    `<p class="byline">By ${draw('A')} ${draw('A')} &middot; <time datetime="${iso}">${d.toUTCString()}</time></p>\n` +
    `${body.join('')}</article></main>\n${theme.footer}\n</body>\n</html>\n`;
  return { index, url, host: theme.host, date, html, words };
}

const realSources = new WeakMap<SourceModel, SourcePage[]>();

/** A 'real' page: a whole corpus page with its words substituted (`render`), on a host and at a date drawn as for
 *  generated pages (so site: and date queries mean the same), its URL holding the page index. */
function realPage(
  model: SourceModel, index: number, rng: Rng, hostRank: number, render: (p: Paragraph, out: string[]) => void,
  words: string[] | undefined,
): GeneratedPage {
  let sources = realSources.get(model);
  if (!sources) realSources.set(model, (sources = model.pages.filter((p) => p.whole.text.length <= REAL_MAX_BYTES)));
  const date = DATE_START + Math.floor(Math.pow(rng(), 0.8) * (DATE_END - DATE_START));
  const src = pick(rng, sources);
  const host = hostAt(hostRank);
  const url = `https://${host}/p/${index}/${src.name.replace(/\.html$/, '')}`;
  const out: string[] = [];
  render(src.whole, out);
  // The canonical link makes the page distinct even where no word was substituted.
  const html = out.join('').replace(/<head\b[^>]*>/i, (h) => `${h}\n<link rel="canonical" href="${escapeHtml(url)}">`);
  return { index, url, host, date, html, words };
}

// ---------------------------------------------------------------------------------------------------------------------
// WARC writing

/** Base32 as WARC-Payload-Digest writes it: the reader's own function, so writer and reader agree. */
export { base32 };

const sha1 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return 'sha1:' + base32(h.digest());
};

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rng() * 4)];
  const s = hex.join('');
  return `<urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}>`;
}

const warcDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export interface FileStats {
  file: string;
  pages: number;
  /** Records by WARC-Type; duplicate responses (a payload seen before at another URL) are counted apart too. */
  records: Record<string, number>;
  duplicates: number;
  nonHtml: number;
  /** Bytes of the distinct HTML payloads, and of the file on disk. */
  htmlBytes: number;
  warcBytes: number;
  genMs: number;
}

interface Written {
  url: string;
  date: number;
  digest: string;
  payload: Buffer;
  host: string;
}

/** Writes WARC file `fileIndex` of the collection (pages [fileIndex * PAGES_PER_FILE, ... + count)). */
export function writeWarcFile(
  model: SourceModel,
  path: string,
  fileIndex: number,
  count: number,
  seed = DEFAULT_SEED,
  level = 6,
  shape: ShapeName = DEFAULT_SHAPE,
): FileStats {
  const t0 = performance.now();
  const rng = prng(mix(seed, 0xf11e, fileIndex));
  const stats: FileStats = {
    file: path,
    pages: 0,
    records: {},
    duplicates: 0,
    nonHtml: 0,
    htmlBytes: 0,
    warcBytes: 0,
    genMs: 0,
  };
  const tmp = path + '.partial';
  const fd = openSync(tmp, 'w');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    const buf = Buffer.concat(pending);
    writeSync(fd, buf);
    stats.warcBytes += buf.length;
    pending = [];
    pendingBytes = 0;
  };

  const record = (type: string, fields: [string, string][], block: Buffer[], date: number, uri?: string): string => {
    const id = uuid(rng);
    const length = block.reduce((n, b) => n + b.length, 0);
    const head = [
      'WARC/1.1',
      `WARC-Type: ${type}`,
      `WARC-Record-ID: ${id}`,
      `WARC-Date: ${warcDate(date)}`,
      ...(uri ? [`WARC-Target-URI: ${uri}`] : []),
      ...fields.map(([k, v]) => `${k}: ${v}`),
      `WARC-Block-Digest: ${sha1(...block)}`,
      `Content-Length: ${length}`,
      '',
      '',
    ].join('\r\n');
    // One gzip member per record (WARC 1.1 annex D), so any record can be read back from its offset alone.
    const member = gzipSync(Buffer.concat([Buffer.from(head), ...block, CRLF2]), { level });
    pending.push(member);
    pendingBytes += member.length;
    if (pendingBytes > 8 << 20) flush();
    stats.records[type] = (stats.records[type] ?? 0) + 1;
    return id;
  };

  const response = (w: Written, date: number, uri: string, mime = 'text/html; charset=utf-8'): string => {
    const http = Buffer.from(
      `HTTP/1.1 200 OK\r\nDate: ${new Date(date).toUTCString()}\r\nServer: nginx\r\n` +
        `Content-Type: ${mime}\r\nContent-Length: ${w.payload.length}\r\nConnection: close\r\n\r\n`,
    );
    return record(
      'response',
      [
        ['Content-Type', 'application/http; msgtype=response'],
        ['WARC-Payload-Digest', w.digest],
      ],
      [http, w.payload],
      date,
      uri,
    );
  };

  const name = path.slice(path.lastIndexOf('/') + 1);
  const info = Buffer.from(
    `software: archivestream-bench corpus-gen/${GENERATOR_VERSION}\r\nformat: WARC File Format 1.1\r\n` +
      `conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n` +
      `description: synthetic collection built from mozilla/readability test pages, seed ${seed}\r\n`,
  );
  record(
    'warcinfo',
    [
      ['WARC-Filename', name],
      ['Content-Type', 'application/warc-fields'],
    ],
    [info],
    DATE_START,
  );

  const recent: Written[] = [];
  const first = fileIndex * PAGES_PER_FILE;
  for (let i = first; i < first + count; i++) {
    const page = generatePage(model, i, seed, false, shape);
    const payload = Buffer.from(page.html);
    const w: Written = { url: page.url, date: page.date, digest: sha1(payload), payload, host: page.host };
    const id = response(w, page.date, page.url);
    stats.pages++;
    stats.htmlBytes += payload.length;
    // A crawler's request record for some responses, tied to it by WARC-Concurrent-To.
    if (rng() < 0.25) {
      const u = new URL(page.url);
      const req = Buffer.from(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
          `User-Agent: Mozilla/5.0 (compatible; archivestream-bench)\r\nAccept: text/html,*/*;q=0.8\r\n\r\n`,
      );
      record(
        'request',
        [
          ['Content-Type', 'application/http; msgtype=request'],
          ['WARC-Concurrent-To', id],
        ],
        [req],
        page.date,
        page.url,
      );
    }
    recent.push(w);
    if (recent.length > 64) recent.shift();

    // The same payload at another URL and time (mirrors, tracking parameters): a duplicate a digest index must merge.
    if (rng() < 0.03) {
      const orig = pick(rng, recent);
      const when = Math.min(DATE_END - 1, orig.date + Math.floor(rng() * 400 * 86_400_000));
      response(orig, when, `${orig.url}${orig.url.includes('?') ? '&' : '?'}utm_source=feed&n=${i}`);
      stats.duplicates++;
    }
    // A later capture of an unchanged page, stored as a revisit (WARC 1.1 section 6.7.2, identical-payload-digest).
    if (rng() < 0.05) {
      const orig = pick(rng, recent);
      const when = Math.min(DATE_END - 1, orig.date + Math.floor((1 + rng() * 700) * 86_400_000));
      const http = Buffer.from(
        `HTTP/1.1 200 OK\r\nDate: ${new Date(when).toUTCString()}\r\nServer: nginx\r\n` +
          `Content-Type: text/html; charset=utf-8\r\nContent-Length: ${orig.payload.length}\r\n\r\n`,
      );
      record(
        'revisit',
        [
          ['Content-Type', 'application/http; msgtype=response'],
          ['WARC-Profile', 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest'],
          ['WARC-Refers-To-Target-URI', orig.url],
          ['WARC-Refers-To-Date', warcDate(orig.date)],
          ['WARC-Payload-Digest', orig.digest],
        ],
        [http],
        when,
        orig.url,
      );
    }
    // Not every capture is HTML: a robots.txt now and then (what mime: filters tell apart).
    if (rng() < 0.02) {
      const body = Buffer.from(`User-agent: *\nDisallow: /private/${i}/\nSitemap: https://${page.host}/sitemap.xml\n`);
      response(
        { url: `https://${page.host}/robots.txt`, date: page.date, digest: sha1(body), payload: body, host: page.host },
        page.date,
        `https://${page.host}/robots.txt`,
        'text/plain',
      );
      stats.nonHtml++;
    }
  }
  flush();
  closeSync(fd);
  renameSync(tmp, path);
  stats.genMs = Math.round(performance.now() - t0);
  return stats;
}

const CRLF2 = Buffer.from('\r\n\r\n');

// ---------------------------------------------------------------------------------------------------------------------
// Collections (cached)

export interface CollectionOptions {
  pages: number;
  seed?: number;
  shape?: ShapeName;
  /** Parallel generator processes; default min(2, cores). */
  jobs?: number;
  /** gzip level of each member: 6 is what crawlers write (zlib's default); 1 generates faster. */
  level?: number;
  outDir?: string;
  sourceDir?: string;
  onProgress?: (done: FileStats, filesDone: number, filesTotal: number) => void;
}

export interface CollectionManifest {
  generatorVersion: number;
  seed: number;
  shape: ShapeName;
  level: number;
  pages: number;
  files: string[];
  records: Record<string, number>;
  duplicates: number;
  nonHtml: number;
  htmlBytes: number;
  warcBytes: number;
  meanHtmlBytes: number;
  /** Wall time spent generating files in this call (0 when everything was cached), and files reused. */
  genSeconds: number;
  reusedFiles: number;
  /** The files this call wrote (the others were there already, perhaps for a larger collection kept with --keep). */
  generated: string[];
}

/** The directory all collections of one generator version, shape, seed and level share: file k is the same in all of
 *  them. */
export function poolDir(outDir: string, seed: number, level: number, shape: ShapeName): string {
  return join(outDir, `warc-v${GENERATOR_VERSION}-${shape}-s${seed}-z${level}`);
}

export function fileName(k: number, count: number): string {
  return `as-bench-${String(k).padStart(5, '0')}-${count}.warc.gz`;
}

/** The files of the collection of the first `pages` pages: file k holds pages [k * PAGES_PER_FILE, ...). */
function collectionPlan(opts: CollectionOptions): { k: number; count: number; path: string }[] {
  const dir = poolDir(opts.outDir ?? DEFAULT_OUT_DIR, opts.seed ?? DEFAULT_SEED, opts.level ?? 6, opts.shape ?? DEFAULT_SHAPE);
  const plan: { k: number; count: number; path: string }[] = [];
  for (let k = 0; k * PAGES_PER_FILE < opts.pages; k++) {
    const count = Math.min(PAGES_PER_FILE, opts.pages - k * PAGES_PER_FILE);
    plan.push({ k, count, path: join(dir, fileName(k, count)) });
  }
  return plan;
}

/** Pages of the collection that no earlier call generated yet: what a build still has to write. */
export function pagesToGenerate(opts: CollectionOptions): number {
  return collectionPlan(opts).reduce((n, p) => n + (readStats(p.path) ? 0 : p.count), 0);
}

/** Builds (or finds) the collection of the first `pages` pages and returns its manifest. Files already generated by an
 *  earlier call (for this or a larger/smaller collection) are reused as they are. */
export async function buildCollection(opts: CollectionOptions): Promise<CollectionManifest> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const level = opts.level ?? 6;
  const shape = opts.shape ?? DEFAULT_SHAPE;
  mkdirSync(poolDir(opts.outDir ?? DEFAULT_OUT_DIR, seed, level, shape), { recursive: true });
  const plan = collectionPlan(opts);
  const stats: FileStats[] = [];
  const todo = plan.filter((p) => {
    const cached = readStats(p.path);
    if (cached) stats.push(cached);
    return !cached;
  });
  const t0 = performance.now();
  const jobs = Math.max(1, Math.min(opts.jobs ?? Math.min(2, availableParallelism()), todo.length));
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < todo.length) {
        const p = todo[next++];
        const s = await generateInChild({ path: p.path, k: p.k, count: p.count, seed, level, shape, sourceDir: opts.sourceDir });
        writeFileSync(p.path + '.json', JSON.stringify(s));
        stats.push(s);
        opts.onProgress?.(s, stats.length, plan.length);
      }
    }),
  );
  const sum = (f: (s: FileStats) => number): number => stats.reduce((n, s) => n + f(s), 0);
  const records: Record<string, number> = {};
  for (const s of stats) for (const [t, n] of Object.entries(s.records)) records[t] = (records[t] ?? 0) + n;
  const htmlBytes = sum((s) => s.htmlBytes);
  return {
    generatorVersion: GENERATOR_VERSION,
    seed,
    shape,
    level,
    pages: sum((s) => s.pages),
    files: plan.map((p) => p.path),
    records,
    duplicates: sum((s) => s.duplicates),
    nonHtml: sum((s) => s.nonHtml),
    htmlBytes,
    warcBytes: sum((s) => s.warcBytes),
    meanHtmlBytes: Math.round(htmlBytes / Math.max(1, sum((s) => s.pages))),
    genSeconds: todo.length ? (performance.now() - t0) / 1000 : 0,
    reusedFiles: plan.length - todo.length,
    generated: todo.map((p) => p.path),
  };
}

function readStats(path: string): FileStats | undefined {
  try {
    const s = JSON.parse(readFileSync(path + '.json', 'utf8')) as FileStats;
    return existsSync(path) && statSync(path).size === s.warcBytes ? { ...s, file: path } : undefined;
  } catch {
    return undefined;
  }
}

/** Generation runs in child processes (tsx loader inherited via execArgv) so two files are built on two cores. */
function generateInChild(job: ChildJob): Promise<FileStats> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
    let result: FileStats | undefined;
    child.on('message', (m) => {
      result = m as FileStats;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolvePromise(result) : reject(new Error(`corpus-gen: generator for ${job.path} exited with ${code}`)),
    );
    child.send(job);
  });
}

interface ChildJob {
  path: string;
  k: number;
  count: number;
  seed: number;
  level: number;
  shape: ShapeName;
  sourceDir?: string;
}

/** A shape's name from the command line, or an error that lists the shapes. */
export function shapeName(s: string): ShapeName {
  if (s in PAGE_SHAPES || s === 'real') return s as ShapeName;
  throw new Error(`unknown page shape '${s}' (one of: ${[...Object.keys(PAGE_SHAPES), 'real'].join(', ')})`);
}

async function cli(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    process.once('message', (job: ChildJob) => {
      const model = loadSourceModel(job.sourceDir);
      const stats = writeWarcFile(model, job.path, job.k, job.count, job.seed, job.level, job.shape);
      process.send!(stats, () => process.disconnect());
    });
    return;
  }
  const flag = (name: string): string | undefined => flagValue(argv, name);
  const pages = Number(flag('pages') ?? 20_000);
  const m = await buildCollection({
    pages,
    jobs: flag('jobs') ? Number(flag('jobs')) : undefined,
    level: flag('level') ? Number(flag('level')) : undefined,
    seed: flag('seed') ? Number(flag('seed')) : undefined,
    shape: flag('shape') ? shapeName(flag('shape')!) : undefined,
    outDir: flag('out') ? resolve(flag('out')!) : undefined,
    onProgress: (s, done, total) =>
      process.stderr.write(
        `  file ${done}/${total}: ${s.pages} pages, ${(s.warcBytes / 1e6).toFixed(1)} MB ` +
          `in ${(s.genMs / 1000).toFixed(1)} s\n`,
      ),
  });
  process.stdout.write(JSON.stringify(m, null, 2) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`corpus-gen: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

