// Lives under test/engine because it reads files with Node, and test/renderer is type-checked with the DOM libs only.
// Archived text is hostile input: the renderer never turns it into markup (issue "The workstation UI", search
// results: "render marks safely — never innerHTML of archived text"). Snippet marks are split into text nodes by
// snippetParts (format.ts); this check keeps any HTML-parsing sink out of the renderer's sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const RENDERER = resolve(__dirname, '../../src/renderer');
const SINKS = /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write\(|createContextualFragment/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'gpu' ? [] : sources(p); // gpu/ is another engineer's and holds no UI
    return /\.(ts|tsx)$/.test(d.name) ? [p] : [];
  });
}

it('no renderer source uses an HTML-parsing sink', () => {
  const files = sources(RENDERER);
  expect(files.length).toBeGreaterThan(5);
  const offenders = files.filter((f) => SINKS.test(readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});
