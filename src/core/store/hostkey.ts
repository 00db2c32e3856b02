// Host keys: labels reversed and dot-terminated ('www.example.com' -> 'com.example.www.'). A host and all its
// subdomains then share one key prefix, so `site:example.com` is a single index range scan.

/** The reversed host key of a URI, or null when it has no host (dns:, urn:, unparseable). */
export function reverseHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  if (!m || !m[1]) return null;
  return hostKey(m[1]);
}

/** The key of a bare host name (lower-cased, trailing dot dropped). */
export function hostKey(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') || /^\d+(\.\d+){3}$/.test(h)) return h + '.'; // IP literals are not reversed
  return h.split('.').reverse().join('.') + '.';
}

/** The half-open key range [lo, hi) holding a host and its subdomains. '/' is the character after '.'. */
export function hostRange(host: string): { lo: string; hi: string } {
  const lo = hostKey(host);
  return { lo, hi: lo.slice(0, -1) + '/' };
}
