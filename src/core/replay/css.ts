// CSS rewriting: every url(...), @import "..." and image-set("...") pointed into the archive. Works on the text as it stands (a
// stylesheet, a <style> element, a style attribute), so everything but the URLs keeps its bytes.
import { rewriteUrl, type ArchiveTarget } from './archive-url.js';

// url( "x" ) | url('x') | url(x), and @import "x" (the url() form of @import is the first case). Comments are not
// skipped: a URL rewritten inside one is harmless.
const CSS_URL = /(url\(\s*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|((?:[^)"'\s\\]|\\.)*))(\s*\))|(@import\s+)(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gis;

// image-set( "a.png" 1x, url(b.png) 2x ): its bare strings are URLs too (the url() ones are CSS_URL's).
const IMAGE_SET = /((?:-webkit-)?image-set\(\s*)((?:[^()]|\([^()]*\))*)\)/gi;
const SET_STRING = /(^|[\s,])(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/g;

/**
 * `css` with its URLs rewritten against `base`. `decode` turns the text's characters into the URL's real ones (the
 * HTML rewriter works on a Latin-1 view of the bytes and passes the page's charset decoder); rewritten URLs are
 * ASCII, so they can go back into that view unchanged.
 */
export function rewriteCss(css: string, t: ArchiveTarget, base: string, decode: (s: string) => string = (s) => s): string {
  if (!/url\(|@import|image-set\(/i.test(css)) return css;
  const url = (raw: string) => rewriteUrl(t, decode(unescapeCss(raw)), base);
  const withSets = css.replace(IMAGE_SET, (_all, open: string, inner: string) => open + inner.replace(SET_STRING,
    (m, lead: string, dq?: string, sq?: string) => {
      const to = url(dq ?? sq!);
      return to === null ? m : `${lead}"${to}"`;
    }) + ')');
  return withSets.replace(CSS_URL, (all, open?: string, dq?: string, sq?: string, bare?: string, close?: string, imp?: string, idq?: string, isq?: string) => {
    const to = url(imp !== undefined ? (idq ?? isq!) : (dq ?? sq ?? bare!));
    if (to === null) return all;
    return imp !== undefined ? `${imp}"${to}"` : `${open}"${to}"${close}`;
  });
}

/** CSS escapes in a URL (`\(`, `\"`, `\20 `) to the characters they stand for. */
function unescapeCss(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:([0-9a-f]{1,6})\s?|(.))/gi, (_m, hex?: string, ch?: string) =>
    hex ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff) || 0xfffd) : ch!);
}
