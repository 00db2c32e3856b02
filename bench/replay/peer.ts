// The minimal peer the replay benchmark measures ArchiveStream against: node:http plus warcio.js reading the record
// at its CDXJ offset, the way a small replay server without a database would (pywb's CDXJ + WARC reading, in its
// simplest form). No rewriting, no CSP, no revisit resolution, no ledger: what any replay must do at the least.
//   npx tsx bench/replay/peer.ts <file.warc.gz> <index.cdxj> <ts>
// Answers two kinds of request, printing its origin on stdout when it listens:
//   GET /<ts>id_/<url>        the capture of <url> nearest <ts>, its payload as archived (the TTFB figure)
//   GET http://host/path      as an HTTP proxy (Chromium's --proxy-server), the capture nearest the <ts> argument:
//                             how a peer without rewriting shows a whole page (the full-load figure)
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WARCParser } from 'warcio';
import { cdxjRecords, type CdxjRecord } from './cdxj.js';

type Capture = Pick<CdxjRecord, 'ts' | 'offset' | 'length'>;

const [file, cdxjPath, pageTs] = process.argv.slice(2);
if (!file || !cdxjPath || !pageTs) {
  process.stderr.write('usage: peer.ts <file.warc.gz> <index.cdxj> <ts>\n');
  process.exit(2);
}

const byUrl = new Map<string, Capture[]>();
for (const r of cdxjRecords(readFileSync(cdxjPath, 'utf8'))) {
  if (r.mime === 'warc/revisit') continue; // a revisit has no payload of its own, and this peer does not follow it
  let list = byUrl.get(r.url);
  if (!list) byUrl.set(r.url, (list = []));
  list.push(r);
}

const distance = (a: string, b: string) => Math.abs(Number(a.padEnd(14, '0')) - Number(b.padEnd(14, '0')));

function nearest(url: string, ts: string): Capture | null {
  let best: Capture | null = null;
  for (const c of byUrl.get(url) ?? []) if (!best || distance(c.ts, ts) < distance(best.ts, ts)) best = c;
  return best;
}

async function answer(res: ServerResponse, url: string, ts: string): Promise<void> {
  const c = nearest(url, ts);
  if (!c) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return void res.end('not in this archive\n');
  }
  const record = await WARCParser.parse(createReadStream(file, { start: c.offset, end: c.offset + c.length - 1 }));
  const info = record?.getResponseInfo();
  if (!record || !info) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    return void res.end('unreadable record\n');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of info.headers as Iterable<[string, string]>) {
    if (!/^(content-length|content-encoding|transfer-encoding|connection|keep-alive)$/i.test(k)) headers[k] = v;
  }
  res.writeHead(Number(info.status) || 200, headers);
  for await (const chunk of record.contentReader) res.write(chunk);
  res.end();
}

const server = createServer((req, res) => {
  const raw = req.url ?? '/';
  const path = /^\/(\d{1,14})id_\/(.+)$/s.exec(raw);
  const job = raw.startsWith('http://') ? answer(res, raw, pageTs) : path ? answer(res, path[2], path[1]) : null;
  if (!job) {
    res.writeHead(400);
    return void res.end();
  }
  job.catch((e: unknown) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(e));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
