/**
 * Character references, as the HTML tokenizer decodes them (WHATWG HTML 13.2.5.72-80): the full named set, the
 * legacy names that need no ';', decimal and hex references with the numeric replacement rules.
 * Pure TypeScript (the renderer uses it through finish.ts).
 */
import { LEGACY_NAMES, NAMED_REFERENCES } from './entities-data.js';

let named: Map<string, string> | undefined;
let legacy: Set<string> | undefined;

function tables(): Map<string, string> {
  if (!named) {
    named = new Map();
    for (const pair of NAMED_REFERENCES.split('\u0001')) {
      const sp = pair.indexOf(' ');
      named.set(pair.slice(0, sp), pair.slice(sp + 1));
    }
    legacy = new Set(LEGACY_NAMES.split(' '));
  }
  return named;
}

/** The longest entity name ("CounterClockwiseContourIntegral") is 31 characters; legacy names at most 6. */
const MAX_NAME = 32;
const MAX_LEGACY = 6;

/** Numeric references 0x80-0x9F name windows-1252 characters (HTML 13.2.5.80, the C1 control table). */
const C1_REPLACEMENTS: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x02c6, 0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc,
  0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** The character a numeric reference stands for, after the spec's replacements. */
export function numericReference(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  const c1 = C1_REPLACEMENTS[cp];
  return String.fromCodePoint(c1 ?? cp);
}

/**
 * Decodes every character reference in s. In an attribute value (inAttribute), a legacy name without ';' followed
 * by '=' or an alphanumeric stays as written (HTML 13.2.5.73), so URLs like `?a=1&copy=2` survive.
 */
export function decodeEntities(s: string, inAttribute = false): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  const map = tables();
  const n = s.length;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    let k = amp + 1;
    let value: string | undefined;
    if (s.charCodeAt(k) === 0x23) { // '#'
      k++;
      const hex = (s.charCodeAt(k) | 0x20) === 0x78;
      if (hex) k++;
      const digitsStart = k;
      let cp = 0;
      for (; k < n; k++) {
        const c = s.charCodeAt(k);
        let d: number;
        if (c >= 0x30 && c <= 0x39) d = c - 0x30;
        else if (hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
        else break;
        cp = Math.min(cp * (hex ? 16 : 10) + d, 0x110000); // clamped: any larger value is already invalid
      }
      if (k > digitsStart) {
        if (s.charCodeAt(k) === 0x3b) k++;
        value = numericReference(cp);
      }
    } else {
      let e = k;
      while (e < n && e - k < MAX_NAME && isAlnum(s.charCodeAt(e))) e++;
      if (e > k) {
        const full = s.charCodeAt(e) === 0x3b ? map.get(s.slice(k, e)) : undefined;
        if (full !== undefined) {
          value = full;
          k = e + 1;
        } else {
          // No ';' match: the longest legacy name that prefixes the run (e.g. "&notit;" is "¬it;").
          for (let len = Math.min(e - k, MAX_LEGACY); len >= 2; len--) {
            const name = s.slice(k, k + len);
            if (!legacy!.has(name)) continue;
            const next = s.charCodeAt(k + len);
            if (!(inAttribute && (next === 0x3d || isAlnum(next)))) {
              value = map.get(name);
              k += len;
            }
            break;
          }
        }
      }
    }
    if (value !== undefined) {
      out += s.slice(last, amp) + value;
      last = k;
      amp = s.indexOf('&', k);
    } else {
      amp = s.indexOf('&', amp + 1);
    }
  }
  return out + s.slice(last);
}
