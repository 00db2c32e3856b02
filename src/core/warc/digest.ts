import { createHash } from 'node:crypto';

const ALGORITHMS: Record<string, string> = { sha1: 'sha1', 'sha-1': 'sha1', sha256: 'sha256', 'sha-256': 'sha256', sha512: 'sha512', 'sha-512': 'sha512', md5: 'md5' };
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: the form WARC and CDX digests use (a SHA-1 is 32 characters). */
export function base32(buf: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** `sha1:BASE32` (WARC 1.1 section 5.8 names the form `algorithm ":" digest-value`); also hex and base64 values, which
 *  some writers use (base64url too). Returns null when the label is no digest we know. */
export function parseDigest(label: string): { algorithm: string; value: string } | null {
  const colon = label.indexOf(':');
  if (colon <= 0) return null;
  const algorithm = ALGORITHMS[label.slice(0, colon).trim().toLowerCase()];
  const value = label.slice(colon + 1).trim();
  if (!algorithm || !/^[A-Za-z0-9+/_=-]+$/.test(value)) return null;
  return { algorithm, value };
}

/** Whether `label` is the digest of the concatenation of `parts` (read only if the label names a known digest). */
export function digestMatches(label: string, parts: Iterable<Uint8Array>): boolean | null {
  const d = parseDigest(label);
  if (!d) return null;
  const h = createHash(d.algorithm);
  for (const p of parts) h.update(p);
  const sum = h.digest();
  const v = d.value.replace(/=+$/, '');
  return (
    v.toUpperCase() === base32(sum) ||
    v.toLowerCase() === sum.toString('hex') ||
    v === sum.toString('base64').replace(/=+$/, '') ||
    v === sum.toString('base64url') // webrecorder+warcio example-digest.warc
  );
}
