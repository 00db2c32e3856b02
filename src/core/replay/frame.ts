// The helper script injected into every replayed document (the replay server serves it at FRAME_SCRIPT_PATH; the
// document loads it by nonce, so it runs even with archived scripts off). It lets the UI that frames the replay keep
// two captures scrolled in step: it posts the document's position to the parent and scrolls on command. It makes no
// request and reads nothing but the document's own position and title, but one: it stops any navigation of the
// document out of the replay origin before the browser starts it, and reports it (BLOCKED_REPORT_PATH). Chromium opens
// a connection to the destination even for a navigation its policy then refuses (the UI's frame-src, form-action), so
// the policy alone lets the destination host learn of it; the trap in test/e2e/replay.spec.ts shows this.
// With archived scripts on (js_) it also installs the client-side rewriting (client-rewrite.ts) before any archived
// script runs, for the same reason: a frame a script makes for an outside URL would open a connection too.
//
// Messages (window.postMessage, to and from the parent):
//   out: { source: 'archivestream-replay', type: 'state', scrollY, scrollMax, url, title }  on load and on scroll
//        (throttled to one per animation frame); url is the archived URL (the replay address's tail).
//   in:  { source: 'archivestream-ui', type: 'scroll', y }  or  { ..., type: 'scroll', fraction }  (0..1 of scrollMax)

import { clientRewriter, installClientRewrite } from './client-rewrite.js';
import { BLOCKED_REPORT_PATH } from './urls.js';

/** What the helper script reports stopping (BLOCKED_REPORT_PATH?what=...). */
export const HELPER_REPORTS: ReadonlySet<string> = new Set(['navigation', 'window.open', 'websocket', 'worker']);

export const FRAME_MESSAGE_SOURCE = 'archivestream-replay';
export const UI_MESSAGE_SOURCE = 'archivestream-ui';

export const FRAME_SCRIPT = `(() => {
  'use strict';
  // A link or form the user followed out of the archive (one the rewriting missed: built by a script) is taken to its
  // archived copy instead.
  const prefix = /^\\/[^/]+\\/\\d{1,14}(?:js_|id_)?\\//.exec(location.pathname);
  // (An absolute address: the rewriting below leaves the replay origin's own paths as they are.)
  const report = (what, url) => { new Image().src = location.origin + '${BLOCKED_REPORT_PATH}?what=' + what + '&url=' + encodeURIComponent(url); };
  const rewriter = prefix && prefix[0].endsWith('js_/') ? (${clientRewriter})(location.origin, prefix[0]) : null;
  if (rewriter) (${installClientRewrite})(window, rewriter, report);
  if (window.navigation) {
    window.navigation.addEventListener('navigate', (e) => {
      const to = new URL(e.destination.url);
      if (!e.cancelable) return;
      if (to.origin === location.origin) {
        // A script's location.href = '/next' (resolved against this origin): to the archived host's page instead.
        const into = rewriter && rewriter.url(to.href, document.baseURI);
        if (into && into !== to.href) { e.preventDefault(); location.assign(into); }
        return;
      }
      e.preventDefault();
      report('navigation', to.href);
      if (e.userInitiated && !e.formData && prefix && /^https?:$/.test(to.protocol)) location.assign(prefix[0] + to.href);
    });
  }
  // The frame's sandbox refuses new windows; saying so here puts the attempt in the ledger.
  window.open = (url) => { report('window.open', new URL(String(url ?? ''), location.href).href); return null; };
  if (window.parent === window) return;
  const archived = () => {
    const m = /^\\/[^/]+\\/\\d{1,14}(?:js_|id_)?\\/(.*)$/s.exec(location.pathname + location.search);
    return m ? m[1] + location.hash : location.href;
  };
  const max = () => Math.max(0, document.documentElement.scrollHeight - window.innerHeight);
  let queued = false;
  const post = () => {
    queued = false;
    window.parent.postMessage({ source: '${FRAME_MESSAGE_SOURCE}', type: 'state', scrollY: window.scrollY,
      scrollMax: max(), url: archived(), title: document.title }, '*');
  };
  const schedule = () => { if (!queued) { queued = true; requestAnimationFrame(post); } };
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('load', schedule);
  document.addEventListener('DOMContentLoaded', schedule);
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (e.source !== window.parent || !d || d.source !== '${UI_MESSAGE_SOURCE}' || d.type !== 'scroll') return;
    const y = typeof d.fraction === 'number' ? d.fraction * max() : d.y;
    if (typeof y === 'number' && isFinite(y)) window.scrollTo(window.scrollX, y);
  });
})();
`;
