// The reference main-content extractor the benchmarks compare with: Readability.js (@mozilla/readability) on a
// linkedom DOM, as a Node program would run it. Parsing is part of its cost, so it is done here.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** The article text Readability finds in a page ('' when it finds none or fails on the page). */
export function readabilityText(html: string): string {
  try {
    // linkedom's types describe a browser window, which this project's Node types do not know.
    const { document } = parseHTML(html) as unknown as { document: ConstructorParameters<typeof Readability>[0] };
    return new Readability(document).parse()?.textContent ?? '';
  } catch {
    return '';
  }
}
