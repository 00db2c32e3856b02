// The client-side half of scripts-on replay (flag js_). The server rewrites the URLs a document is served with; an
// archived script then makes new ones at run time (an iframe for an ad, an image, a fetch). Those are rewritten here,
// in the page, before the browser sees them, so they reach the replay origin (answered from the archive or recorded
// as missing) instead of the network. The CSP stays the backstop for what this misses, but not a sufficient one:
// Chromium opens a connection (DNS and TCP) to a frame's host before frame-src refuses its load.
//
// Both functions below run inside the replayed page: frame.ts puts their source text into the helper script. So each
// must be self-contained (no imports, no module-level helpers, nothing a bundler could rename), and the page's DOM is
// reached only through the window passed in (typed loosely: this file is compiled without the DOM's types). That is
// also why the URL, srcset, CSS and HTML rules here are a second, smaller copy of the server's (archive-url.ts,
// css.ts, html.ts), which read bytes in a page's charset and run in Node.

/** Rewrites what a script hands the browser. Every function is idempotent: an address already in the archive, or
 *  on the replay server's own paths, comes back unchanged, so a value read back from the DOM can be set again. */
export interface ClientRewriter {
  /** The archive address of `raw`, resolved against `base` (a replay address, e.g. document.baseURI); unchanged for
   *  fragments and schemes that fetch nothing (data:, blob:, javascript:...). */
  url(raw: string, base: string): string;
  /** Each candidate URL of a srcset / imagesrcset value. */
  srcset(raw: string, base: string): string;
  /** The url() and @import URLs of CSS text (a stylesheet, a style attribute, a property value). */
  css(raw: string, base: string): string;
  /** The URL attributes, style attributes and <style> contents of an HTML fragment (innerHTML, document.write, a
   *  srcdoc); everything else, partial tags included, comes out as it went in. */
  html(raw: string, base: string): string;
  /** The value of attribute `name` (lower case) of a `tag` element (its local name, lower case), rewritten when it
   *  holds a URL, a srcset, CSS or a srcdoc; as it is otherwise. */
  attribute(tag: string, name: string, value: string, base: string): string;
  /** The archived URL a replay address stands for; null for any other URL. */
  archived(url: string): string | null;
}

/**
 * The rewriter of one page: `origin` is the replay origin (http://127.0.0.1:<port>), `prefix` the page's own
 * collection, time and flag as in its address ('/<collection>/<ts><flag>/').
 */
export function clientRewriter(origin: string, prefix: string): ClientRewriter {
  const ADDRESS = /^\/[^/]+\/\d{1,14}(?:js_|id_)?\/(.+)$/s;
  const INERT = /^(?:data|blob|about|mailto|tel|sms|javascript):/i;

  function archived(url: string): string | null {
    if (!url.startsWith(origin + '/')) return null;
    const m = ADDRESS.exec(url.slice(origin.length));
    return m ? m[1] : null;
  }

  function url(raw: string, base: string): string {
    const s = String(raw).trim();
    if (!s || s.startsWith('#') || INERT.test(s)) return raw;
    // Relative URLs mean what they meant in the archived page: resolved against its archived URL.
    const archivedBase = archived(base) ?? base;
    let abs: URL;
    try {
      abs = new URL(s, archivedBase);
    } catch {
      return origin + prefix + s.replace(/["'<>\s\\]/g, encodeURIComponent);
    }
    if (abs.origin === origin) {
      // Already an archive address, or the server's own path: as it is. Any other path of this origin was made
      // from `location` (a script that took the replay origin for its own): it means the archived page's host.
      if (ADDRESS.test(abs.pathname) || abs.pathname.startsWith('/__as/')) return abs.href;
      abs = new URL(abs.pathname + abs.search + abs.hash, archivedBase);
    }
    // A WebSocket URL in a document is an http one to the archive (as the server rewrites it); the constructor is
    // refused before it gets here.
    const href = abs.href.replace(/^ws(s?):/i, 'http$1:');
    return origin + prefix + href;
  }

  function srcset(raw: string, base: string): string {
    // Candidates are split at commas that follow whitespace or end a URL; a data: URL's own commas stay in it.
    return String(raw).replace(/(^|,)(\s*)([^\s,][^\s]*?)(,*)(?=\s|$)/g,
      (_m, lead: string, space: string, u: string, commas: string) => lead + space + url(u, base) + commas);
  }

  function css(raw: string, base: string): string {
    const text = String(raw);
    if (!/url\(|@import/i.test(text)) return text;
    return text
      .replace(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/gi,
        (_m, dq?: string, sq?: string, bare?: string) => `url("${url(dq ?? sq ?? bare!, base)}")`)
      .replace(/@import\s+(["'])(.*?)\1/gi, (_m, _q: string, u: string) => `@import "${url(u, base)}"`);
  }

  // Which attributes of which elements hold what. `data` is a URL only on <object>, srcdoc only on <iframe>.
  const SRC = ['src'];
  const ATTRS: Record<string, string[]> = {
    iframe: ['src', 'srcdoc'], frame: SRC, img: ['src', 'srcset'], script: SRC, embed: SRC, object: ['data'],
    source: ['src', 'srcset'], video: ['src', 'poster'], audio: SRC, track: SRC, link: ['href', 'imagesrcset'],
    a: ['href'], area: ['href'], base: ['href'], form: ['action'], input: ['src', 'formaction'], button: ['formaction'],
    image: ['href', 'xlink:href'], use: ['href', 'xlink:href'], feimage: ['href', 'xlink:href'],
  };
  /** The value of attribute `name` of a `tag` element, rewritten (or as it is when it holds no URL). */
  function attribute(tag: string, name: string, value: string, base: string): string {
    if (name === 'style') return css(value, base);
    // Speculation rules make the browser prefetch and prerender on its own: made inert, as the server does.
    if (tag === 'script' && name === 'type' && /^\s*speculationrules\s*$/i.test(value)) return 'text/x-archived-script';
    if (!(ATTRS[tag] ?? []).includes(name)) return value;
    if (name === 'srcset' || name === 'imagesrcset') return srcset(value, base);
    if (name === 'srcdoc') return html(value, base);
    return url(value, base);
  }

  const decode = (v: string) => v.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|quot|apos|lt|gt));?/gi,
    (m, hex?: string, dec?: string, named?: string) => named
      ? ({ amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' } as Record<string, string>)[named.toLowerCase()] ?? m
      : String.fromCodePoint(Math.min(parseInt(hex ?? dec!, hex ? 16 : 10), 0x10ffff)));

  function html(raw: string, base: string): string {
    const text = String(raw);
    // A comment, a start tag with its attributes (quoted values may hold '>'), or a raw-text element's content up to
    // its end tag (not markup: a script's '<img' stays as it is; a <style>'s is CSS).
    const TOKEN = /<!--[\s\S]*?(?:-->|$)|<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
    const ATTR = /([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s>"']+)/g;
    const RAW = /^(?:script|style|textarea|title|xmp|noembed|noframes)$/;
    let out = '';
    let at = 0;
    for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
      if (!m[1]) continue; // a comment
      const tag = m[1].toLowerCase();
      const attrs = m[2].replace(ATTR, (all, name: string, eq: string, quoted: string) => {
        const value = decode(/^["']/.test(quoted) ? quoted.slice(1, -1) : quoted);
        const to = attribute(tag, name.toLowerCase(), value, base);
        return to === value ? all : `${name}${eq}"${to.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
      });
      out += text.slice(at, m.index + 1) + m[1] + attrs + '>';
      at = TOKEN.lastIndex;
      if (RAW.test(tag)) {
        const end = new RegExp(`</${tag}\\s*>`, 'i');
        const close = end.exec(text.slice(at));
        const stop = close ? at + close.index : text.length;
        const content = text.slice(at, stop);
        out += tag === 'style' ? css(content, base) : content;
        at = TOKEN.lastIndex = stop;
      }
    }
    return out + text.slice(at);
  }

  return { url, srcset, css, html, attribute, archived };
}

/** A DOM object of the page: this file is compiled without the DOM's types, and the hooks reach into it generically. */
type Dom = any;
type Method = (this: Dom, ...args: Dom[]) => Dom;

/**
 * Installs the rewriting in a window: every way we know a script makes the browser fetch or navigate to a URL goes
 * through `rw` first. What cannot be rewritten is refused and reported (`report(what, url)` puts it in the ledger):
 * WebSockets and workers (the archive holds no conversation to replay; a worker would run outside these hooks).
 * Frames that share this document's origin (about:blank, srcdoc) get the same hooks when they are inserted, so
 * writing into one is no way around them.
 */
export function installClientRewrite(win: Dom, rw: ClientRewriter, report: (what: string, url: string) => void): void {
  if (win.__archivestreamRewrite) return;
  win.__archivestreamRewrite = true;
  const doc = win.document;
  const base = () => doc.baseURI as string;
  const toArchive = (u: unknown) => rw.url(String(u), base());
  const fixAttr = (el: { localName: string }, name: string, value: unknown) =>
    rw.attribute(String(el.localName).toLowerCase(), String(name).toLowerCase(), String(value), base());

  /** Wraps `proto[name]` (a method, or with `setter` the property's setter) as `wrap(original)`. */
  function patch(proto: object | undefined, name: string, wrap: (original: Method) => Method, setter = false): void {
    const d = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!d) return;
    if (setter && d.set) Object.defineProperty(proto, name, { ...d, set: wrap(d.set) });
    else if (!setter && typeof d.value === 'function') Object.defineProperty(proto, name, { ...d, value: wrap(d.value) });
  }
  const setterOf = (fix: (self: Dom, v: unknown) => unknown) => (set: Method) =>
    function (this: Dom, v: unknown) { return set.call(this, fix(this, v)); };

  // Properties: img.src = ..., a.href = ..., iframe.srcdoc = ...
  const PROPS: Record<string, string[]> = {
    HTMLIFrameElement: ['src', 'srcdoc'], HTMLFrameElement: ['src'], HTMLImageElement: ['src', 'srcset'],
    HTMLScriptElement: ['src'], HTMLEmbedElement: ['src'], HTMLObjectElement: ['data'], HTMLSourceElement: ['src', 'srcset'],
    HTMLMediaElement: ['src'], HTMLVideoElement: ['poster'], HTMLTrackElement: ['src'], HTMLLinkElement: ['href', 'imageSrcset'],
    HTMLAnchorElement: ['href'], HTMLAreaElement: ['href'], HTMLBaseElement: ['href'], HTMLFormElement: ['action'],
    HTMLInputElement: ['src', 'formAction'], HTMLButtonElement: ['formAction'],
  };
  for (const [type, props] of Object.entries(PROPS)) {
    for (const prop of props) patch(win[type]?.prototype, prop, setterOf((el, v) => fixAttr(el, prop, v)), true);
  }
  // Attributes: setAttribute, setAttributeNS, attr.value = ...
  patch(win.Element.prototype, 'setAttribute', (set) => function (this: Dom, name: string, v: unknown) {
    return set.call(this, name, fixAttr(this, name, v));
  });
  patch(win.Element.prototype, 'setAttributeNS', (set) => function (this: Dom, ns: string, name: string, v: unknown) {
    return set.call(this, ns, name, fixAttr(this, name, v));
  });
  patch(win.Attr.prototype, 'value', setterOf((attr, v) => attr.ownerElement ? fixAttr(attr.ownerElement, attr.name, v) : v), true);

  // Markup: innerHTML, outerHTML, insertAdjacentHTML, document.write, fragments and parsed documents. A <style>'s
  // inner markup is CSS.
  const markup = (self: Dom, v: unknown) => self?.localName === 'style' ? rw.css(String(v), base()) : rw.html(String(v), base());
  for (const proto of [win.Element.prototype, win.ShadowRoot?.prototype]) {
    patch(proto, 'innerHTML', setterOf(markup), true);
    patch(proto, 'setHTMLUnsafe', (f) => function (this: Dom, v: unknown, ...rest: unknown[]) { return f.call(this, markup(this, v), ...rest); });
  }
  patch(win.Element.prototype, 'outerHTML', setterOf((_el, v) => rw.html(String(v), base())), true);
  patch(win.Element.prototype, 'insertAdjacentHTML', (f) => function (this: Dom, where: string, v: unknown) {
    return f.call(this, where, rw.html(String(v), base()));
  });
  for (const name of ['write', 'writeln']) {
    patch(win.Document.prototype, name, (f) => function (this: Dom, ...parts: unknown[]) {
      return f.call(this, rw.html(parts.join(''), base()));
    });
  }
  patch(win.Range.prototype, 'createContextualFragment', (f) => function (this: Dom, v: unknown) { return f.call(this, rw.html(String(v), base())); });
  patch(win.DOMParser.prototype, 'parseFromString', (f) => function (this: Dom, v: unknown, type: string) {
    return f.call(this, type === 'text/html' ? rw.html(String(v), base()) : v, type);
  });
  patch(win.Node.prototype, 'textContent', setterOf((node, v) => node?.localName === 'style' ? rw.css(String(v), base()) : v), true);

  // Styles: el.style.backgroundImage = 'url(...)', setProperty, cssText, and constructed or inserted rules.
  const cssOf = (_self: unknown, v: unknown) => typeof v === 'string' ? rw.css(v, base()) : v;
  for (const prop of ['cssText', 'background', 'backgroundImage', 'borderImage', 'borderImageSource', 'listStyle',
    'listStyleImage', 'content', 'cursor', 'mask', 'maskImage', 'webkitMaskImage']) {
    patch(win.CSSStyleDeclaration.prototype, prop, setterOf(cssOf), true);
  }
  patch(win.CSSStyleDeclaration.prototype, 'setProperty', (f) => function (this: Dom, name: string, v: unknown, ...rest: unknown[]) {
    return f.call(this, name, cssOf(null, v), ...rest);
  });
  patch(win.CSSStyleSheet.prototype, 'insertRule', (f) => function (this: Dom, rule: unknown, ...rest: unknown[]) {
    return f.call(this, cssOf(null, rule), ...rest);
  });
  for (const name of ['replace', 'replaceSync']) {
    patch(win.CSSStyleSheet.prototype, name, (f) => function (this: Dom, text: unknown) { return f.call(this, cssOf(null, text)); });
  }

  // Nodes moved into a document (made elsewhere: a parsed document, a template's content, another frame) are
  // fixed as they go in; a same-origin frame gets these hooks before anything can be written into it.
  const WITH_URLS = '[src],[href],[srcset],[imagesrcset],[srcdoc],[data],[poster],[action],[formaction],[style],script[type]';
  function fixTree(node: Dom): void {
    if (!node || (node.nodeType !== 1 && node.nodeType !== 11)) return;
    const els = [...(node.nodeType === 1 ? [node] : []), ...node.querySelectorAll(WITH_URLS)];
    for (const el of els) {
      for (const a of [...el.attributes]) {
        const to = fixAttr(el, a.name, a.value);
        if (to !== a.value) a.value = to; // through the hook above: idempotent
      }
    }
  }
  function hookFrames(node: Dom): void {
    if (!node || (node.nodeType !== 1 && node.nodeType !== 11)) return;
    const frames = [...(node.localName === 'iframe' ? [node] : []), ...node.querySelectorAll('iframe')];
    for (const f of frames) {
      try {
        if (f.contentWindow && f.contentWindow.document) installClientRewrite(f.contentWindow, rw, report);
      } catch {
        // another origin's frame (it cannot be one of ours: frame-src is this origin): nothing to hook
      }
    }
  }
  const inserting = (f: Method) => function (this: Dom, ...args: unknown[]) {
    for (const a of args) fixTree(a);
    const result = f.apply(this, args);
    for (const a of args) hookFrames(a);
    return result;
  };
  // Frames of the archived markup itself get them too: the parser runs this observer's callback before it runs the
  // next script, so none can reach such a frame first.
  new win.MutationObserver((records: Dom[]) => {
    for (const r of records) for (const n of r.addedNodes) hookFrames(n);
  }).observe(doc, { childList: true, subtree: true });
  for (const name of ['appendChild', 'insertBefore', 'replaceChild']) patch(win.Node.prototype, name, inserting);
  for (const type of ['Element', 'Document', 'DocumentFragment', 'CharacterData']) {
    for (const name of ['append', 'prepend', 'after', 'before', 'replaceWith', 'replaceChildren', 'insertAdjacentElement']) {
      patch(win[type]?.prototype, name, inserting);
    }
  }

  // Requests: fetch, XMLHttpRequest, beacons, event streams.
  const fetch0 = win.fetch;
  win.fetch = function (input: Dom, init?: unknown) {
    if (input instanceof win.Request) {
      const to = toArchive(input.url);
      if (to !== input.url) input = new win.Request(to, input);
    } else {
      input = toArchive(input);
    }
    return fetch0.call(win, input, init);
  };
  patch(win.XMLHttpRequest.prototype, 'open', (f) => function (this: Dom, method: string, u: unknown, ...rest: unknown[]) {
    return f.call(this, method, toArchive(u), ...rest);
  });
  patch(win.Navigator.prototype, 'sendBeacon', (f) => function (this: Dom, u: unknown, ...rest: unknown[]) { return f.call(this, toArchive(u), ...rest); });
  if (win.EventSource) {
    win.EventSource = class extends win.EventSource { constructor(u: unknown, o?: unknown) { super(toArchive(u), o); } };
  }
  // Refused: the constructor throws as it would for a policy violation, after the ledger is told.
  for (const type of ['WebSocket', 'Worker', 'SharedWorker']) {
    const Original = win[type];
    if (!Original) continue;
    const what = type === 'WebSocket' ? 'websocket' : 'worker';
    win[type] = class extends Original {
      constructor(u: unknown) {
        // Said as the archived page would have resolved it.
        report(what, new URL(String(u), rw.archived(base()) ?? base()).href);
        throw new win.DOMException(`${type} is not replayed`, 'SecurityError');
        super(u); // never reached: a derived class's constructor must name its super call
      }
    };
  }
  // The address bar: a script's new history entry keeps an archive address, so reload and Back stay in the archive.
  for (const name of ['pushState', 'replaceState']) {
    patch(win.History.prototype, name, (f) => function (this: Dom, state: unknown, title: string, u?: unknown) {
      return u === undefined || u === null ? f.call(this, state, title) : f.call(this, state, title, toArchive(u));
    });
  }
}
