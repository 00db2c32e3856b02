// Child process of run.ts: exports a subset of a collection as a WACZ in a fresh process, so its memory is its own.
// Prints one JSON line: records, bytes, seconds, and RssAnon before the export (collection open) and at its end.
//   usage: node --import tsx bench/export/probe.ts <db> <out.wacz> <query> <limit>
import { readFileSync } from 'node:fs';
import { exportWacz } from '../../src/core/export/wacz.js';
import { Collection } from '../../src/core/store/index.js';

const rssAnon = () => Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

const [db, out, query, limit] = process.argv.slice(2);
const coll = Collection.open(db!, { readonly: true });
const before = rssAnon();
const t0 = performance.now();
const r = await exportWacz(coll, { query: query!, limit: Number(limit) }, out!);
console.log(JSON.stringify({ records: r.records, pages: r.pages, bytes: r.bytes, seconds: (performance.now() - t0) / 1000, before, after: rssAnon() }));
coll.close();
