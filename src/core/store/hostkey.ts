// Host keys: labels reversed and dot-terminated ('www.example.com' -> 'com.example.www.'). A host and all its
// subdomains then share one key prefix, so `site:example.com` is a single index range scan.

/** The reversed host key of a URI, or null when it has no host (dns:, urn:, unparseable). */
export function reverseHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  if (!m || !m[1]) return null;
  return hostKey(m[1]);
}

/** An IPv6 literal (bracketed, as in a URI) or a dotted IPv4 address: its parts are not labels of a name, so its key
 *  keeps them in order. A reversed name never looks like one (four numeric labels are an address either way). */
function isIpLiteral(h: string): boolean {
  return h.startsWith('[') || /^\d+(\.\d+){3}$/.test(h);
}

/** The key of a bare host name (lower-cased, trailing dot dropped). */
export function hostKey(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(h)) return h + '.';
  return h.split('.').reverse().join('.') + '.';
}

/** The host a key was made from ('com.example.www.' -> 'www.example.com', '10.0.0.1.' -> '10.0.0.1'): hostKey undone,
 *  for showing a stored key. */
export function hostOfKey(key: string): string {
  const k = key.replace(/\.$/, '');
  return isIpLiteral(k) ? k : k.split('.').reverse().join('.');
}

/** The half-open key range [lo, hi) holding a host and its subdomains. '/' is the character after '.'. */
export function hostRange(host: string): { lo: string; hi: string } {
  const lo = hostKey(host);
  return { lo, hi: lo.slice(0, -1) + '/' };
}
