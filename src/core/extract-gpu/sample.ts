// The pages 'auto' measures the CPU and a GPU extractor on when it measures them apart from an ingest (the engine
// measures once per machine and renderer, beside the ingest, and remembers the result): made here, the same every
// time, so two measurements compare the extractors and not two samples. Ordinary markup in the proportions of real
// pages: head with a style and a script, navigation, paragraphs with inline links and entities, a table, non-ASCII.

/** Decoded text that 'auto' measures both backends on, here and on an ingest's first pages: enough to see a GPU's
 *  steady rate after its warm-up run (which pays shader compilation), small enough that software WebGL (1-3 MB/s)
 *  is done in a second or so. */
export const SAMPLE_CHARS = 512 * 1024;

const WORDS = ['archive', 'record', 'capture', 'page', 'crawl', 'index', 'search', 'text', 'Zürich', 'naïve', 'пожар', '档案'];

function page(n: number): string {
  const word = (i: number) => WORDS[(i * 7 + n) % WORDS.length];
  const sentence = (i: number) => Array.from({ length: 12 }, (_, j) => word(i + j)).join(' ');
  const paragraphs = Array.from({ length: 30 }, (_, i) =>
    `<p>${sentence(i)} <a href="/p/${n}/${i}">${word(i)}</a> &amp; ${sentence(i + 3)} &mdash; ${sentence(i + 5)}.</p>`).join('\n');
  const rows = Array.from({ length: 10 }, (_, i) => `<tr><td>${word(i)}</td><td>${i * n}</td></tr>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sample page ${n}</title>
<style>body { font: 16px serif } .nav a { margin: 0 4px }</style>
<script>var x = ${n}; if (x < 3 && x > 1) { document.title += "<b>"; }</script></head>
<body><nav class="nav"><a href="/">Home</a><a href="/about">About</a><a href="/news">News</a></nav>
<main><h1>Page ${n}</h1>${paragraphs}<table>${rows}</table></main><footer>&copy; sample</footer></body></html>`;
}

/** Pages up to about SAMPLE_CHARS code units. */
export function measurementSample(): string[] {
  const pages: string[] = [];
  let chars = 0;
  for (let n = 0; chars < SAMPLE_CHARS; n++) {
    const p = page(n);
    pages.push(p);
    chars += p.length;
  }
  return pages;
}
