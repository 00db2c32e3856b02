// The HTML rewriter over 130 real pages (needs ../shared/corpus/html/readability-test-pages, read-only; skipped when
// absent), checked by another parser (htmlparser2, the extraction tests' oracle): after rewriting, no URL attribute,
// srcset candidate, style attribute or <style> URL of any element leads out of the archive, and nothing the rewriter
// must drop is left.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { rewriteHtml } from '../../../src/core/replay/html.js';

const PAGES = resolve(__dirname, '../../../../shared/corpus/html/readability-test-pages');
const PREFIX = 'http://127.0.0.1:4000/c';
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'poster', 'background', 'cite', 'longdesc', 'lowsrc', 'dynsrc', 'codebase', 'manifest', 'icon', 'profile', 'xlink:href']);
const INSIDE = (u: string) => !u.trim() || u.trim().startsWith('#') || u.trim().startsWith(PREFIX) || /^(data|blob|about|mailto|tel|sms):/i.test(u.trim());
const CSS_URLS = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))/gi;

/** Elements whose content a browser reads as text (HTML 13.1.2) and htmlparser2 reads as markup. */
const RAW_TEXT = new Set(['noembed', 'noframes', 'xmp', 'iframe']);
/** <script type> values that run (others are data blocks: not fetched, not run). */
const JS_TYPE = /^(|module|(text|application)\/(x-)?(java|ecma|j|live)script(1\.\d)?)$/i;

/** What leads out of the archive, or was left that must go. With scripts on, handlers and javascript: URLs stay. */
function leaks(html: string, scripts: boolean): string[] {
  const out: string[] = [];
  let inStyle = false;
  let raw = 0;
  const checkCss = (css: string, where: string) => {
    for (const m of css.matchAll(CSS_URLS)) {
      const u = m[1] ?? m[2] ?? m[3];
      if (!INSIDE(u)) out.push(`${where} url(${u})`);
    }
  };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (raw) return;
      if (RAW_TEXT.has(name)) raw++;
      inStyle = name === 'style';
      if (name === 'script' && attrs.src === '/__as/frame.js' && attrs.nonce === 'n') return; // the helper script
      for (const [a, v] of Object.entries(attrs)) {
        if (URL_ATTRS.has(a) || (a === 'data' && name === 'object')) {
          if (!INSIDE(v) && !(scripts && /^\s*javascript:/i.test(v))) out.push(`<${name} ${a}="${v}">`);
        } else if (a === 'srcset' || a === 'imagesrcset') {
          for (const c of v.split(/,\s+/)) if (!INSIDE(c.trim().split(/\s+/)[0])) out.push(`<${name} ${a}> ${c}`);
        } else if (a === 'style') {
          checkCss(v, `<${name} style>`);
        } else if (a === 'integrity' || (a.startsWith('on') && !scripts) || a === 'ping') {
          out.push(`<${name} ${a}> left`);
        }
      }
      if (name === 'link' && /\b(preconnect|dns-prefetch|prefetch|prerender)\b/i.test(attrs.rel ?? '')) out.push(`<link rel=${attrs.rel}> left`);
      if (name === 'meta' && /content-security-policy/i.test(attrs['http-equiv'] ?? '')) out.push('meta CSP left');
      if (!scripts && name === 'script' && attrs.src && JS_TYPE.test(attrs.type ?? '')) out.push(`<script src=${attrs.src}> with scripts off`);
    },
    ontext(text) {
      if (inStyle) checkCss(text, '<style>');
    },
    onclosetag(name) {
      if (RAW_TEXT.has(name) && raw) raw--;
      inStyle = false;
    },
  }, { decodeEntities: true, lowerCaseAttributeNames: true });
  parser.end(html);
  return out;
}

describe.skipIf(!existsSync(PAGES))('HTML rewriter on 130 real pages', () => {
  const files = existsSync(PAGES) ? readdirSync(PAGES).filter((f) => f.endsWith('.html')) : [];
  for (const scripts of [false, true]) {
    it(`leaves no URL leading out of the archive and nothing it must drop (scripts ${scripts ? 'on' : 'off'})`, () => {
      expect(files.length).toBe(130);
      const found: string[] = [];
      for (const f of files) {
        const input = readFileSync(resolve(PAGES, f));
        const { bytes } = rewriteHtml(input, {
          target: { prefix: PREFIX, ts: '20200101000000', flag: scripts ? 'js_' : '' }, url: `http://pages.example.com/${f}`,
          charset: 'utf-8', scripts, nonce: 'n',
        });
        for (const leak of leaks(bytes.toString('utf8'), scripts)) found.push(`${f}: ${leak}`);
      }
      expect(found).toEqual([]);
    });
  }
});
