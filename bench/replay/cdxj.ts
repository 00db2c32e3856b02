// Reading CDXJ lines ("<surt> <timestamp> {json}", as warcio cdx-index and `archivestream cdxj` write them) for the
// replay benchmark's peer and its sampler.

export interface CdxjRecord {
  ts: string;
  url: string;
  mime: string | undefined;
  status: string | undefined;
  offset: number;
  length: number;
}

export function* cdxjRecords(text: string): Generator<CdxjRecord> {
  for (const line of text.split('\n')) {
    const brace = line.indexOf('{');
    if (brace < 0) continue;
    const ts = line.slice(0, brace).trim().split(' ')[1];
    const j = JSON.parse(line.slice(brace)) as { url: string; mime?: string; status?: string; offset: string; length: string };
    if (ts) yield { ts, url: j.url, mime: j.mime, status: j.status, offset: Number(j.offset), length: Number(j.length) };
  }
}
