// `archivestream replay-ledger` and `archivestream serve` as a user runs them: the built binary as a child process,
// on a collection indexed from pywb's iana.warc.gz (../shared/corpus: the iana.org home page of 2014 with its
// stylesheets, scripts, images and fonts). The ledger's records are checked against `archivestream cdxj` of the
// same file, which matches warcio's cdx-index (test/cli/cdxj.test.ts). The ledger needs Chromium (Debian's
// /usr/bin/chromium or ARCHIVESTREAM_CHROMIUM); its cases skip without one, except the one that checks the refusal. Every case
// that needs the collection skips, saying so through its name, when the corpus is absent.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/shared/replay.js';

const ROOT = resolve(__dirname, '../..');
const BIN = resolve(ROOT, 'bin/archivestream.mjs');
const IANA = resolve(ROOT, '../shared/corpus/warc/webrecorder+pywb/sample_archive/warcs/iana.warc.gz');
const CHROMIUM = process.env.ARCHIVESTREAM_CHROMIUM ?? '/usr/bin/chromium';
const PAGE = 'http://www.iana.org/';
const AT = '20140126200624';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

let dir = '';
let db = '';

beforeAll(() => {
  execFileSync(process.execPath, [resolve(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'as-replay-cli-'));
  db = join(dir, 'iana.sqlite');
  if (existsSync(IANA)) execFileSync(process.execPath, [BIN, 'index', db, IANA], { cwd: ROOT });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archivestream replay-ledger: arguments', () => {
  it('rejects an --at that is not 4 to 14 digits, with exit 2 and the usage', () => {
    for (const at of ['2014x', '123', '201401262006241', '']) {
      const r = run(['replay-ledger', 'any.sqlite', PAGE, `--at=${at}`]);
      expect(r.status, at).toBe(2);
      expect(r.err).toMatch(/--at takes 4 to 14 digits/);
      expect(r.err).toMatch(/usage: archivestream replay-ledger/);
    }
  });

  it('exits 3 naming a collection that does not exist, or a file that is not one, without a stack', () => {
    const r = run(['replay-ledger', 'no/such.sqlite', PAGE]);
    expect(r.status).toBe(3);
    expect(r.err).toMatch(/no\/such\.sqlite: no such collection/);
    for (const command of ['replay-ledger', 'serve']) {
      const notOne = run([command, 'package.json', ...(command === 'serve' ? [] : [PAGE])]);
      expect(notOne.status, command).toBe(3);
      expect(notOne.err).toMatch(/^archivestream \S+: package\.json is not an ArchiveStream collection/);
      expect(notOne.err).not.toMatch(/\n\s+at /);
    }
  });

  // It needs a collection to get as far as looking for Chromium: the corpus's.
  it.skipIf(!existsSync(IANA))('exits 2 and says why when there is no Chromium', () => {
    const r = run(['replay-ledger', db, PAGE], { ARCHIVESTREAM_CHROMIUM: join(dir, 'no-chromium') });
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/no Chromium to load the page in: Chromium not found at .*no-chromium/);
    expect(r.out).toBe('');
  });

  describe.skipIf(!existsSync(CHROMIUM) || !existsSync(IANA))('with Chromium', () => {
    /** url -> [offset, length] of each response record (or each revisit record), from `archivestream cdxj`: an
     *  independent reading. */
    const cdxj = (revisits = false) => {
      const out = new Map<string, Array<[number, number]>>();
      for (const line of run(['cdxj', IANA]).out.trim().split('\n')) {
        const j = JSON.parse(line.slice(line.indexOf('{'))) as { url: string; offset: string; length: string; mime: string };
        if ((j.mime === 'warc/revisit') === revisits) out.set(j.url, [...(out.get(j.url) ?? []), [Number(j.offset), Number(j.length)]]);
      }
      return out;
    };

    it('lists the page and its stylesheets, images and fonts with the records they came from; scripts blocked', () => {
      const r = run(['replay-ledger', db, PAGE, '--at', AT, '--json']);
      expect(r.status, r.err).toBe(0);
      const entries = JSON.parse(r.out) as LedgerEntry[];
      expect(entries[0]).toMatchObject({ url: PAGE, status: 200, captureTime: AT, driftSeconds: 0 });
      const served = entries.filter((e) => e.how !== 'blocked');
      const urls = served.map((e) => e.url);
      for (const u of ['_css/2013.1/screen.css', '_css/2013.1/print.css', '_img/2013.1/iana-logo-homepage.png', '_css/2013.1/fonts/OpenSans-Regular.ttf']) {
        expect(urls).toContain(PAGE + u);
      }
      const records = cdxj();
      for (const e of served) {
        expect(e.record!.file).toBe(IANA);
        expect(records.get(e.url), e.url).toContainEqual([e.record!.offset, e.record!.length]);
        expect(e.record!.recordId).toMatch(/^<urn:uuid:[0-9a-f-]{36}>$/);
        expect(e.temporalDrift).toBe(false);
      }
      // Scripts are off by default: the page's two scripts are listed as blocked, never fetched.
      const blocked = entries.filter((e) => e.how === 'blocked');
      expect(blocked.map((e) => e.url).sort()).toEqual([PAGE + '_js/2013.1/iana.js', PAGE + '_js/2013.1/jquery.js']);
      expect(blocked.every((e) => e.blockedBy === 'rewrite:script (scripts off)')).toBe(true);
    });

    it('serves the scripts too with --scripts', () => {
      const r = run(['replay-ledger', db, PAGE, '--at', AT, '--scripts', '--json']);
      expect(r.status, r.err).toBe(0);
      const jquery = (JSON.parse(r.out) as LedgerEntry[]).find((e) => e.url === PAGE + '_js/2013.1/jquery.js');
      expect(jquery).toMatchObject({ status: 200, blockedBy: null });
      expect(cdxj().get(jquery!.url)).toContainEqual([jquery!.record!.offset, jquery!.record!.length]);
    });

    // Issue 17: --trace holds Chromium's side too: each request the page made, answered by the replay server, is a
    // replay.request span in the command's trace (the traceparent rode on every request), and the page's own load.
    it('with --trace, puts the page\'s requests and its load into the command\'s trace', () => {
      const out = join(dir, 'ledger-trace.json');
      const r = run(['replay-ledger', db, PAGE, '--at', AT, '--json', '--trace', out]);
      expect(r.status, r.err).toBe(0);
      const served = (JSON.parse(r.out) as LedgerEntry[]).filter((e) => e.how !== 'blocked');
      type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string };
      const otlp = JSON.parse(readFileSync(out, 'utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Span[] }> }> };
      const spans = otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      const command = spans.find((s) => s.name === 'cli.replay-ledger')!;
      const load = spans.find((s) => s.name === 'replay-ledger.load')!;
      expect(load).toMatchObject({ traceId: command.traceId, parentSpanId: command.spanId });
      const requests = spans.filter((s) => s.name === 'replay.request');
      expect(requests.length).toBeGreaterThanOrEqual(served.length);
      for (const q of requests) expect(q).toMatchObject({ traceId: command.traceId, parentSpanId: load.spanId });
      expect(spans.filter((s) => s.name === 'page.load' && s.parentSpanId === load.spanId)).toHaveLength(1);
    });

    it('names the revisit record and the original it was served from (the /numbers page, 27 s after the first)', () => {
      const r = run(['replay-ledger', db, PAGE + 'numbers', '--at', '20140126200651', '--json']);
      expect(r.status, r.err).toBe(0);
      const viaRevisit = (JSON.parse(r.out) as LedgerEntry[]).filter((e) => e.viaRevisit);
      expect(viaRevisit.map((e) => e.url)).toContain(PAGE + '_css/2013.1/screen.css');
      const [responses, revisits] = [cdxj(), cdxj(true)];
      for (const e of viaRevisit) {
        expect(revisits.get(e.url), e.url).toContainEqual([e.revisit!.offset, e.revisit!.length]);
        expect(responses.get(e.url), e.url).toContainEqual([e.record!.offset, e.record!.length]);
        expect(e.record!.offset).toBeLessThan(e.revisit!.offset); // the original came first, with the home page
      }
      const table = run(['replay-ledger', db, PAGE + 'numbers', '--at', '20140126200651']).out;
      const [revisit] = revisits.get(PAGE + '_css/2013.1/screen.css')!;
      const [original] = responses.get(PAGE + '_css/2013.1/screen.css')!;
      expect(table).toMatch(new RegExp(`\\trevisit \\S+iana\\.warc\\.gz@${revisit[0]} <urn:uuid:[0-9a-f-]+> -> \\S+iana\\.warc\\.gz@${original[0]} <urn:uuid:[0-9a-f-]+>\\t${PAGE.replace(/\./g, '\\.')}_css/2013\\.1/screen\\.css\\n`));
    });

    it('prints a readable table without --json, and a page that is not archived exits 1', () => {
      const r = run(['replay-ledger', db, PAGE, '--at', '2014']);
      expect(r.status, r.err).toBe(0);
      const lines = r.out.trim().split('\n').map((l) => l.split('\t'));
      expect(lines[0]).toEqual(['how', 'status', 'captured', 'drift', 'record or blocked by', 'url']);
      const css = lines.find((l) => l[5] === PAGE + '_css/2013.1/screen.css')!;
      const [offset] = cdxj().get(PAGE + '_css/2013.1/screen.css')![0];
      expect(css[4]).toMatch(new RegExp(`iana\\.warc\\.gz@${offset} <urn:uuid:`));
      expect(css[3]).toBe('+1s');
      const miss = run(['replay-ledger', db, 'http://nowhere.example/']);
      expect(miss.status).toBe(1);
      expect(miss.out.split('\n')[1]).toMatch(/^missing\t404\t/);
      expect(miss.err).toMatch(/http:\/\/nowhere\.example\/ is not in /);
    });
  });
});

describe.skipIf(!existsSync(IANA))('archivestream serve', () => {
  it('serves browser mode on the collection, prints the address, and Ctrl+C stops it and leaves nothing behind', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const child = spawn(process.execPath, [BIN, 'serve', db], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const m = /running in browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(line);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const url = new URL(address);
      const api = (method: string, args: unknown) =>
        fetch(`${url.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
          body: JSON.stringify(args),
        }).then((r) => r.json() as Promise<{ ok: boolean; value: unknown }>);
      const list = await api('collections.list', {});
      expect(list.value).toEqual([expect.objectContaining({ name: 'iana', files: 1, captures: expect.any(Number) })]);
      expect((list.value as Array<{ captures: number }>)[0].captures).toBeGreaterThan(100);
      const settings = (await api('settings.get', {})).value as { lastCollection: string };
      expect(settings.lastCollection).toBe('iana');
      // The same engine serves the page from its replay origin.
      const { origin } = (await api('replay.origin', {})).value as { origin: string };
      const page = await fetch(`${origin}/iana/${AT}/${PAGE}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/Internet Assigned Numbers Authority/);
      expect(readdirSync(tmp)).toHaveLength(1); // the data folder, while it runs

      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      // SIGINT, not SIGKILL: serve passes it on to the engine, which would outlive a killed serve.
      if (child.exitCode === null) child.kill('SIGINT');
    }
  });
});
