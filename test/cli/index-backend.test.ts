// `archivestream index --backend cpu|gpu|auto` (issue 4: "the choice and the two figures are visible to the user"):
// with gpu or auto the page text goes through the headless-Chromium GPU backend, the choice is one stderr line and the
// `text` field of the --json summary, and the pages stored are those of a default (CPU, in the workers) ingest.
// Run through the command's run() with a captured CliIo, on a small WARC generated here (SwiftShader extracts about
// 3 MB/s, so a few small pages). Needs a Chromium (/usr/bin/chromium, or ARCHIVESTREAM_CHROMIUM): skipped without.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { exportCommand } from '../../src/cli/commands/export.js';
import { index } from '../../src/cli/commands/ingest.js';
import { CHROMIUM, gpuRenderer, isSoftwareWebgl } from '../gpu/helpers.js';
import { httpResponse, responseRecord } from '../core/warc/fixtures.js';

function capture(): CliIo & { lines: string[]; errLines: string[] } {
  const lines: string[] = [];
  const errLines: string[] = [];
  return { lines, errLines, out: (l) => lines.push(l), err: (l) => errLines.push(l), isTTY: false };
}

/** Pages with the markup the extractor has rules for: entities, script/style/comments dropped, block ends, a charset. */
function page(i: number): Buffer {
  const body =
    `<!doctype html><html><head><title>Page ${i} &amp; caf&eacute;</title><meta name="description" content="about ${i}">` +
    `<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head><body>` +
    `<h1>Heading ${i}</h1><!-- a comment --><p>First &lt;para&gt; of page ${i}, ${'words and more words '.repeat(20)}</p>` +
    `<ul><li>one</li><li>two &#x263A;</li></ul><div>caf\u00e9 &#8212; ${i}<br>next line</div></body></html>`;
  return httpResponse(200, [['Content-Type', 'text/html; charset=utf-8']], body);
}

let dir: string;
let archive: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-cli-backend-'));
  archive = join(dir, 'pages.warc');
  writeFileSync(archive, Buffer.concat(Array.from({ length: 6 }, (_, i) => responseRecord(`http://example.com/p/${i}`, page(i)))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pagesOf(db: string): Promise<string[]> {
  const io = capture();
  expect(await exportCommand.run([db, '--format', 'jsonl'], io)).toBe(0);
  return io.lines.sort();
}

describe('index --backend: usage', () => {
  it('refuses an unknown backend with the usage error, before touching the collection', async () => {
    await expect(index.run([join(dir, 'x.sqlite'), archive, '--backend', 'tpu'], capture())).rejects.toThrow(
      '--backend must be one of cpu, gpu, auto',
    );
  });

  it("'cpu' says so and reports it in --json; without --backend the summary has no text field", async () => {
    const io = capture();
    expect(await index.run([join(dir, 'cpu.sqlite'), archive, '--backend', 'cpu', '--json'], io)).toBe(0);
    expect(io.errLines).toEqual(['text backend: cpu']);
    expect(JSON.parse(io.lines[0]).text).toEqual({ requested: 'cpu', choice: 'cpu', cpuMBps: null, gpuMBps: null, note: null });
    const plain = capture();
    expect(await index.run([join(dir, 'default.sqlite'), archive, '--json'], plain)).toBe(0);
    expect(plain.errLines).toEqual([]);
    expect(JSON.parse(plain.lines[0])).not.toHaveProperty('text');
  });
});

describe.skipIf(!CHROMIUM)('index --backend with Chromium (skipped: no Chromium at /usr/bin/chromium or ARCHIVESTREAM_CHROMIUM)', () => {
  let expected: string[];
  beforeAll(async () => {
    const db = join(dir, 'reference.sqlite');
    expect(await index.run([db, archive, '--json'], capture())).toBe(0);
    expected = await pagesOf(db);
    expect(expected).toHaveLength(6);
  });

  it("'auto' measures both, prints the choice line and puts it in --json; the pages are the CPU ingest's", async () => {
    const software = isSoftwareWebgl(await gpuRenderer());
    const db = join(dir, 'auto.sqlite');
    const io = capture();
    expect(await index.run([db, archive, '--backend', 'auto', '--json'], io)).toBe(0);
    expect(io.errLines).toEqual([expect.stringMatching(/^text backend: (cpu|gpu) \(cpu [\d.]+ MB\/s, gpu [\d.]+ MB\/s\)/)]);
    const summary = JSON.parse(io.lines[0]);
    expect(summary).toMatchObject({ files: 1, pages: 6, errors: 0, text: { requested: 'auto', note: null } });
    expect(summary.text.cpuMBps).toBeGreaterThan(0);
    expect(summary.text.gpuMBps).toBeGreaterThan(0);
    // Which one wins from given rates is tested in test/gpu/backend-choice.test.ts (fasterBackend).
    if (software) expect(summary.text.choice).toBe('cpu');
    expect(io.errLines[0]).toContain(`text backend: ${summary.text.choice} `);
    expect(await pagesOf(db)).toEqual(expected);
  }, 120_000);

  it("'gpu' extracts every page in Chromium, names the renderer, and stores the same pages", async () => {
    const db = join(dir, 'gpu.sqlite');
    const io = capture();
    expect(await index.run([db, archive, '--backend', 'gpu', '--json'], io)).toBe(0);
    expect(io.errLines).toEqual([expect.stringMatching(/^text backend: gpu \(cpu [\d.]+ MB\/s\) on \S.*$/)]);
    expect(JSON.parse(io.lines[0]).text).toMatchObject({ requested: 'gpu', choice: 'gpu', gpuMBps: null });
    expect(await pagesOf(db)).toEqual(expected);
  }, 120_000);
});
