// The text-extraction bound (issue 13): text is taken from at most --max-text-mb of a payload (the index and text
// commands, IngestOptions.maxTextBytes, the engine's maxTextMb setting), and a cut is reported as
// 'payload-truncated-for-text' with the file and the record's offset. The page is built here: 3 MB of HTML with a
// word at its start and another at its end, so a 1 MB bound keeps the first and loses the second.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/command.js';
import { text } from '../../../src/cli/commands/text.js';
import { ingestCollection } from '../../../src/core/ingest/index.js';
import { search } from '../../../src/core/search/index.js';
import { Collection } from '../../../src/core/store/index.js';
import { html, warcFile } from '../ingest/warc-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'as-text-bound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filler = '<p>filler words for the middle of a long page</p>\n'.repeat(Math.ceil((3 * 1024 * 1024) / 50));
const page = html('Long page', `<p>openingword</p>\n${filler}<p>closingword</p>`);
const path = join(dir, 'long.warc');
writeFileSync(
  path,
  warcFile([
    { uri: 'http://short.example/', date: '2024-01-02T03:04:05Z', body: html('Short', '<p>short page</p>') },
    { uri: 'http://long.example/', date: '2024-01-02T03:04:06Z', body: page },
  ]),
);

async function runText(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await text.run(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  return { status, out, err };
}

describe('text --max-text-mb', () => {
  it('cuts the long page at 1 MB, reports the cut with file and offset, exit 1', async () => {
    const r = await runText(path, '--json', '--max-text-mb', '1');
    expect(r.status).toBe(1);
    const pages = r.out.map((l) => JSON.parse(l) as { uri: string; offset: number; text: string });
    expect(pages.map((p) => p.uri)).toEqual(['http://short.example/', 'http://long.example/']);
    expect(pages[1].text).toContain('openingword');
    expect(pages[1].text).not.toContain('closingword');
    expect(r.err).toEqual([expect.stringMatching(new RegExp(`^${path}\\t${pages[1].offset}\\tpayload-truncated-for-text\\t.*1 MB`))]);
  });

  it('by default (16 MB) reads the whole 3 MB page and reports nothing', async () => {
    const r = await runText(path, '--json');
    expect(r.status).toBe(0);
    expect(r.err).toEqual([]);
    expect(JSON.parse(r.out[1]).text).toContain('closingword');
  });

  it.each(['0', '-1', 'many', '5000'])('refuses --max-text-mb %s', async (v) => {
    await expect(runText(path, '--max-text-mb', v)).rejects.toThrow(UsageError);
  });
});

describe('ingest maxTextBytes', () => {
  it('stores the cut as an error of the file at the record, and the text up to the bound', async () => {
    const db = join(dir, 'bound.sqlite');
    await ingestCollection(db, [path], { workers: 1, maxTextBytes: 1024 * 1024 });
    const c = Collection.open(db);
    try {
      const errors = c.errors();
      expect(errors.map((e) => [e.file, e.code])).toEqual([[path, 'payload-truncated-for-text']]);
      expect(search(c, 'openingword').hits.map((h) => h.url)).toEqual(['http://long.example/']);
      expect(search(c, 'closingword').hits).toEqual([]);
    } finally {
      c.close();
    }
  });
});
