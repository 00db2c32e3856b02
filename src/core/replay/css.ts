// CSS rewriting: every url(...) and @import "..." pointed into the archive. Works on the text as it stands (a
// stylesheet, a <style> element, a style attribute), so everything but the URLs keeps its bytes.
import { rewriteUrl, type ArchiveTarget } from './archive-url.js';

// url( "x" ) | url('x') | url(x), and @import "x" (the url() form of @import is the first case). Comments are not
// skipped: a URL rewritten inside one is harmless.
const CSS_URL = /(url\(\s*)(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))(\s*\))|(@import\s+)(?:"([^"]*)"|'([^']*)')/gi;

/**
 * `css` with its URLs rewritten against `base`. `decode` turns the text's characters into the URL's real ones (the
 * HTML rewriter works on a Latin-1 view of the bytes and passes the page's charset decoder); rewritten URLs are
 * ASCII, so they can go back into that view unchanged.
 */
export function rewriteCss(css: string, t: ArchiveTarget, base: string, decode: (s: string) => string = (s) => s): string {
  if (!/url\(|@import/i.test(css)) return css;
  return css.replace(CSS_URL, (all, open?: string, dq?: string, sq?: string, bare?: string, close?: string, imp?: string, idq?: string, isq?: string) => {
    if (imp !== undefined) {
      const raw = idq ?? isq!;
      const to = rewriteUrl(t, decode(unescapeCss(raw)), base);
      return to === null ? all : `${imp}"${to}"`;
    }
    const raw = dq ?? sq ?? bare!;
    const to = rewriteUrl(t, decode(unescapeCss(raw)), base);
    return to === null ? all : `${open}"${to}"${close}`;
  });
}

/** CSS escapes in a URL (`\(`, `\"`, `\20 `) to the characters they stand for. */
function unescapeCss(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:([0-9a-f]{1,6})\s?|(.))/gi, (_m, hex?: string, ch?: string) =>
    hex ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff) || 0xfffd) : ch!);
}
