// The fixed query set of the index benchmark, picked from the generated collection's own term statistics so that every
// class means the same thing at 20k and at 200k pages: "common" words are in most pages, "medium" in a few percent,
// "rare" in a handful. The set is built from the first 20k pages only (a prefix of every larger collection) and saved
// as bench/index/queries.tsv (class TAB query, one a line); run.ts reads that file, so the figures of different runs
// and sizes come from the same queries.
//
//   npx tsx bench/index/queries.ts            rewrites bench/index/queries.tsv
//   npx tsx bench/index/queries.ts --check    exits 1 if the file is not what the generator gives now
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SEED,
  generatePage,
  loadSourceModel,
  mix,
  prng,
  type GeneratedPage,
  type SourceModel,
} from '../lib/corpus-gen.js';

export const QUERY_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'queries.tsv');

/** Query classes, in the order the results table lists them. */
export const QUERY_CLASSES = [
  'common',
  'medium',
  'rare',
  'two-term',
  'two-term-common',
  'two-term-rare',
  'phrase',
  'prefix',
  'or',
  'not',
  'site',
  'date',
  'mime',
] as const;
export type QueryClass = (typeof QUERY_CLASSES)[number];

export interface QueryCase {
  cls: QueryClass;
  query: string;
}

/** How many pages of the first 20k are read to measure document frequencies (every 20th). */
const SAMPLE = 1000;
const SAMPLE_SPAN = 20_000;

interface Sample {
  pages: GeneratedPage[];
  /** Lower-cased word -> pages of the sample that hold it. */
  df: Map<string, number>;
  hosts: Map<string, number>;
}

function sample(model: SourceModel, seed: number): Sample {
  const pages: GeneratedPage[] = [];
  const df = new Map<string, number>();
  const hosts = new Map<string, number>();
  for (let k = 0; k < SAMPLE; k++) {
    const page = generatePage(model, Math.floor((k * SAMPLE_SPAN) / SAMPLE), seed, true);
    page.html = ''; // only the words are needed, and 1000 pages of HTML is 50 MB
    pages.push(page);
    for (const w of new Set(page.words!.map((w) => w.toLowerCase()))) df.set(w, (df.get(w) ?? 0) + 1);
    hosts.set(page.host, (hosts.get(page.host) ?? 0) + 1);
  }
  return { pages, df, hosts };
}

// A query word must survive any tokenizer the same way: letters only, and not a word the query syntax reserves.
const PLAIN = /^[a-z]{3,}$/;
const RESERVED = new Set(['and', 'or', 'not', 'near']);

export function buildQuerySet(model = loadSourceModel(), seed = DEFAULT_SEED): QueryCase[] {
  const s = sample(model, seed);
  const rng = prng(mix(seed, 0x9e7));
  const words = [...s.df]
    .filter(([w]) => PLAIN.test(w) && !RESERVED.has(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const common = words.slice(0, 60).map(([w]) => w);
  const medium = words.filter(([, n]) => n >= SAMPLE * 0.01 && n <= SAMPLE * 0.05).map(([w]) => w);
  // Seen in one sampled page only: a few dozen pages at 20k, and still few at 200k.
  const rare = words.filter(([w, n]) => n === 1 && w.length >= 5).map(([w]) => w);
  const one = (xs: string[]): string => xs[Math.floor(rng() * xs.length)];
  const distinct = (xs: string[], n: number): string[] => {
    const out = new Set<string>();
    while (out.size < n) out.add(one(xs));
    return [...out];
  };

  const out: QueryCase[] = [];
  const add = (cls: QueryClass, n: number, make: (k: number) => string): void => {
    const seen = new Set<string>();
    for (let k = 0; seen.size < n && k < n * 20; k++) {
      const q = make(k);
      if (!seen.has(q)) {
        seen.add(q);
        out.push({ cls, query: q });
      }
    }
  };

  add('common', 45, (k) => common[k]);
  add('medium', 45, () => one(medium));
  add('rare', 45, () => one(rare));
  add('two-term', 60, () => distinct(medium, 2).join(' '));
  add('two-term-common', 30, () => distinct(common, 2).join(' '));
  add('two-term-rare', 30, () => `${one(common)} ${one(rare)}`);
  // Phrases: adjacent words of a sampled page, so each phrase occurs at least once.
  add('phrase', 45, () => {
    for (;;) {
      const page = s.pages[Math.floor(rng() * s.pages.length)];
      const ws = page.words!;
      const at = Math.floor(rng() * (ws.length - 1));
      const [a, b] = [ws[at].toLowerCase(), ws[at + 1].toLowerCase()];
      if (PLAIN.test(a) && PLAIN.test(b) && !RESERVED.has(a) && !RESERVED.has(b) && (s.df.get(a) ?? 0) < SAMPLE * 0.3) {
        return `"${a} ${b}"`;
      }
    }
  });
  add('prefix', 40, () => {
    const w = one(medium.filter((x) => x.length >= 6));
    return `${w.slice(0, 3 + Math.floor(rng() * 3))}*`;
  });
  add('or', 40, () => `${one(medium)} OR ${one(rng() < 0.5 ? medium : rare)}`);
  add('not', 40, () => `${one(common)} -${one(medium)}`);
  // Hosts by size: the biggest sites, middling ones and the long tail.
  const hosts = [...s.hosts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
  const band = (from: number, to: number): string =>
    hosts[from + Math.floor(rng() * Math.max(1, Math.min(hosts.length, to) - from))];
  add('site', 45, (k) => {
    const host = k % 3 === 0 ? band(0, 5) : k % 3 === 1 ? band(5, 60) : band(60, hosts.length);
    return `${one(k % 2 ? medium : common)} site:${host}`;
  });
  add('date', 40, () => {
    const from = 2010 + Math.floor(rng() * 15);
    const to = Math.min(2024, from + Math.floor(rng() * 4));
    return rng() < 0.5
      ? `${one(medium)} from:${from} to:${to}`
      : `${one(common)} from:${from}-0${1 + Math.floor(rng() * 9)}-01 to:${to}-12-31`;
  });
  // Every sixth asks for the robots.txt captures (text/plain), the rest for HTML.
  add('mime', 30, (k) =>
    k % 6 === 5
      ? `disallow mime:text/plain` + (k > 6 ? ` ${one(['private', 'sitemap', 'agent'])}` : '')
      : `${one(medium)} mime:text/html`,
  );
  return out;
}

export function formatQuerySet(cases: readonly QueryCase[]): string {
  return (
    '# ArchiveStream index benchmark queries: class<TAB>query. Generated by bench/index/queries.ts; do not edit.\n' +
    cases.map((c) => `${c.cls}\t${c.query}`).join('\n') +
    '\n'
  );
}

export function readQuerySet(path = QUERY_FILE): QueryCase[] {
  const out: QueryCase[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const cls = line.slice(0, tab) as QueryClass;
    if (tab < 0 || !QUERY_CLASSES.includes(cls)) throw new Error(`${path}: bad line: ${line}`);
    out.push({ cls, query: line.slice(tab + 1) });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = formatQuerySet(buildQuerySet());
  if (process.argv.includes('--check')) {
    const same = readFileSync(QUERY_FILE, 'utf8') === text;
    process.stdout.write(same ? 'queries.tsv is up to date\n' : 'queries.tsv differs from what queries.ts builds\n');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(QUERY_FILE, text);
    process.stdout.write(`wrote ${QUERY_FILE}\n`);
  }
}
