// The CDXJ urlkey (SURT) and the request-body keys of POST/PUT captures, computed the way warcio.js 2.4 computes them
// for `warcio cdx-index` (and so for the indexes inside WACZ packages written by its tools), so that our index lines
// compare equal to theirs and a lookup built by one finds captures indexed by the other.

/** Bodies longer than this are cut before they join the key: warcio.js's DEFAULT_MAX_QUERY_SIZE. */
export const MAX_REQUEST_QUERY = 4096;

/**
 * Sort-friendly URI Reordering Transform of an http(s) URL: `http://www.Example.com:8080/A?b=1&a=2#x` becomes
 * `com,example:8080)/a?a=2&b=1`. The whole URL is lowercased (path and query too), a leading `www.`/`www2.` label is
 * dropped (only when written in lowercase, before lowercasing, as warcio.js does), default ports vanish, the fragment and
 * an empty `?` go, query arguments are sorted as strings, the host is parsed as the WHATWG URL parser does (IDN to
 * punycode, percent-encoding of the path) and its labels reversed, IPv4 addresses included. Other schemes (dns:,
 * urn:, filedesc:, about:) and URLs that do not parse come back unchanged (after the `www.` step).
 */
export function surt(url: string): string {
  if (!url.startsWith('http:') && !url.startsWith('https:')) return url;
  // The label's dot is the URL's first: no dot comes before it in 'https://www2'. (A test and two slices, not a
  // replace by pattern, which parses its '$1' a call.)
  const noWww = WWW.test(url) ? url.slice(0, url.indexOf('//') + 2) + url.slice(url.indexOf('.') + 1) : url;
  return plainSurt(noWww) ?? parsedSurt(noWww);
}

const WWW = /^https?:\/\/www\d*\./;

/** An http(s) URL the WHATWG parser gives back unchanged but for its default port and empty path: a host of letters,
 *  digits and hyphens whose last label starts with a letter (not an IPv4 address) and holds no punycode, a port that
 *  is not the default, and a path and query of characters that are never percent-encoded, no dot segment, no
 *  fragment, no user. */
const PLAIN_URL = /^https?:\/\/((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(?::([1-9]\d{0,4}))?(\/[a-z0-9\-_~!$&'()*+,;=:@/%.]*)?(?:\?([a-z0-9\-._~!$&()*+,;=:@/?%]*))?$/;

/** The key of a URL (its `www.` dropped) without the URL parser, which was a fifth of `cdxj`'s CPU (~1.5 us a URL);
 *  null when the URL is not one PLAIN_URL vouches for. parsedSurt stays the reference (test/core/warc/surt.test.ts
 *  compares both on every target URI of the corpus). */
export function plainSurt(url: string): string | null {
  const lower = url.toLowerCase();
  const m = PLAIN_URL.exec(lower);
  if (!m) return null;
  // By index, not destructured: destructuring goes through the array iterator, costly before the code is compiled.
  const host = m[1];
  const port = m[2] ?? '';
  const path = m[3] ?? '/';
  const query = m[4] ?? '';
  if (host.includes('xn--') || path.includes('/.') || path.includes('%2e')) return null;
  const https = lower.charCodeAt(4) === 0x73;
  if (port !== '' && (Number(port) > 65535 || port === (https ? '443' : '80'))) return null;
  return keyOf(host, port, path, query);
}

/** The key of a URL (its `www.` dropped) through the WHATWG URL parser: any http(s) URL; one that does not parse is
 *  its own key. */
export function parsedSurt(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toLowerCase());
  } catch {
    return url;
  }
  return keyOf(parsed.hostname, parsed.port, parsed.pathname, parsed.search.slice(1));
}

/** Host labels reversed, the port when there is one, the path, and the query's arguments sorted as strings. */
function keyOf(host: string, port: string, path: string, query: string): string {
  // host.split('.').reverse().join(','), label by label from the end: no array of labels and none reversed.
  let key = '';
  let end = host.length;
  for (let dot = host.lastIndexOf('.'); dot >= 0; dot = end > 0 ? host.lastIndexOf('.', end - 1) : -1) {
    key += host.slice(dot + 1, end) + ',';
    end = dot;
  }
  key += host.slice(0, end);
  if (port) key += ':' + port;
  key += ')' + path;
  // One argument needs no sorting (most queries are one).
  if (query) key += '?' + (query.includes('&') ? query.split('&').sort().join('&') : query);
  return key;
}

/** What a captured request adds to the lookup key: its method and its body as query arguments. */
export interface RequestQuery {
  /** `url?__wb_method=post&<body as query>`: what the urlkey is computed from. */
  url: string;
  method: string;
  /** The body as a query string before URI-decoding, cut at MAX_REQUEST_QUERY; '' when the body gave none. */
  requestBody: string;
}

/**
 * The key of a non-GET capture, so that replay can tell apart two POSTs to one URL by their bodies. Form bodies are
 * used as they are; JSON bodies are flattened into `key=value` pairs (repeated keys become `key.2_`, `key.3_`);
 * multipart bodies give one pair per field; text/plain is read as JSON when it is JSON; anything else is carried as
 * `__wb_post_data=<base64 of the bytes>`. The media type is compared as written (no lowercasing), as warcio.js does.
 * `contentType` is the request's Content-Type ('' when absent); `body` the raw request body (not transfer-decoded).
 */
export function requestQuery(url: string, method: string, contentType: string, body: Uint8Array): RequestQuery {
  const mediaType = contentType.split(';')[0];
  let query: string;
  switch (mediaType) {
    case 'application/x-www-form-urlencoded':
      query = utf8(body);
      break;
    case 'application/json':
    case 'text/plain':
      query = jsonToQuery(utf8(body));
      break;
    case 'multipart/form-data':
      query = multipartToQuery(utf8(body), contentType);
      break;
    default:
      query = base64Query(body);
  }
  if (query.length > MAX_REQUEST_QUERY) query = query.slice(0, MAX_REQUEST_QUERY);
  let decoded: string;
  try {
    decoded = decodeURI(query);
  } catch {
    decoded = ''; // a malformed %-escape drops the body from the key rather than the capture from the index
  }
  const join = url.indexOf('?') > 0 ? '&' : '?';
  return { url: `${url}${join}__wb_method=${method}&${decoded}`, method, requestBody: query };
}

const decoder = new TextDecoder();
function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function base64Query(bytes: Uint8Array): string {
  return '__wb_post_data=' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Flattens a JSON document into form pairs: objects by key, arrays repeat their key, scalars and null become values.
 *  Text that is not JSON gives no pairs. */
export function jsonToQuery(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  const params = new URLSearchParams();
  const seen = new Map<string, number>();
  const add = (key: string, value: string) => {
    if (!params.has(key)) return params.set(key, value);
    const n = (seen.get(key) ?? 1) + 1;
    seen.set(key, n);
    params.set(`${key}.${n}_`, value);
  };
  const walk = (value: unknown, key: string) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, key);
    } else if (value === null) {
      add(key, 'null');
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as object)) walk(v, k);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const s = String(value);
      if (s) add(key, s);
    }
  };
  walk(json, '');
  return params.toString();
}

/** One pair per multipart field: the field name and the first line of its value (files included, as warcio.js). */
function multipartToQuery(text: string, contentType: string): string {
  const params = new URLSearchParams();
  const boundary = contentType.split('boundary=')[1];
  let parts: string[];
  try {
    // The boundary goes into the pattern unescaped, as warcio.js does, so that keys agree even for odd boundaries.
    parts = text.split(new RegExp('-*' + boundary + '-*', 'mi'));
  } catch {
    return '';
  }
  for (const part of parts) {
    const m = /name="([^"]+)"\r\n\r\n(.*)/im.exec(part.trim());
    if (m) params.set(m[1], m[2]);
  }
  return params.toString();
}
