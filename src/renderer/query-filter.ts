// Filters a click adds to the query text (a facet, a tag) and takes out again: one rule for both, on whole words, so
// that site:a.com is not taken for part of site:a.com.au.

const spaced = (q: string) => ` ${q.trim().replace(/\s+/g, ' ')} `;

/** Whether the query holds the filter (one or more words, e.g. "from:2020 to:2020") as whole words. */
export function hasFilter(q: string, filter: string): boolean {
  return spaced(q).includes(` ${filter} `);
}

/** The query with the filter added at its end, or taken out when it holds it. */
export function toggleFilter(q: string, filter: string): string {
  const s = spaced(q);
  return (s.includes(` ${filter} `) ? s.replace(` ${filter} `, ' ') : `${s}${filter}`).trim();
}
