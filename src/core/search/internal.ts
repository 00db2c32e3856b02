// Records a crawler keeps for itself beside the pages it captured, which full-text search finds like pages: a WACZ
// writer's page snapshots and page text (`file:///dom-snapshot.html`, `urn:text:https://…`), its page metadata
// (`urn:pageinfo:…`). They are not what the web served at that URL, so a hit names them for what they are (one
// decision here, so that the CLI, the exports and the UI say the same).

/** What a hit's URL names when it is not a page of the web: a short label ('WACZ page snapshot'), else null. */
export function archiveInternal(url: string, file: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  if (!scheme || scheme === 'http' || scheme === 'https') return null;
  const wacz = /\.wacz$/i.test(file) || /\.wacz[#!/]/i.test(file);
  if (scheme === 'file') return wacz ? 'WACZ page snapshot' : 'Local file of the crawler';
  if (scheme === 'urn') {
    const kind = /^urn:([a-z]+):/i.exec(url)?.[1].toLowerCase();
    if (kind === 'pageinfo') return 'Crawler page info';
    if (kind === 'text' || kind === 'textfinal') return 'Crawler page text';
    if (kind === 'view' || kind === 'dom') return 'Crawler page snapshot';
    return 'Crawler record';
  }
  return `${scheme}: record, not a web page`;
}
