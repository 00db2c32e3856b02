// `archivestream text <file> [--content main|full] [--json]` (issue 14): the extractor from the command line, on an
// archive or on a plain HTML file (decoded as ingest decodes pages), so it can be scored from outside. Run through the
// command's run() with a captured CliIo, on files written here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../../src/cli/command.js';
import { text } from '../../src/cli/commands/text.js';
import { httpResponse, responseRecord } from '../core/warc/fixtures.js';

function capture(): CliIo & { lines: string[]; errLines: string[] } {
  const lines: string[] = [];
  const errLines: string[] = [];
  return { lines, errLines, out: (l) => lines.push(l), err: (l) => errLines.push(l), isTTY: false };
}

const STORY = Array.from({ length: 3 }, (_, i) =>
  `<p>Paragraph ${i} of the caf\u00e9 story, told with care, at length, by people who were there and saw it.</p>`).join('');
const PAGE = `<html><head><title>Caf\u00e9 news</title></head><body><nav><a href=/>Home</a> <a href=/b>Blog</a></nav>` +
  `<div class=post>${STORY}</div><footer>Imprint</footer></body></html>`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'as-cli-text-'));
  // windows-1252, declared only in a <meta>: the é must come out right, as ingest would decode it.
  writeFileSync(join(dir, 'page.html'), Buffer.from(`\n<meta charset="windows-1252">${PAGE}`, 'latin1'));
  const http = httpResponse(200, [['Content-Type', 'text/html; charset=utf-8']], PAGE);
  writeFileSync(join(dir, 'pages.warc'), responseRecord('http://example.com/', http));
  writeFileSync(join(dir, 'notes.txt'), 'plain words, no markup');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archivestream text', () => {
  it('gives the main content of a plain HTML file, charset sniffed from its <meta>', async () => {
    const io = capture();
    expect(await text.run([join(dir, 'page.html'), '--content', 'main', '--json'], io)).toBe(0);
    expect(io.lines).toHaveLength(1);
    const row = JSON.parse(io.lines[0]);
    expect(row).toMatchObject({ offset: 0, title: 'Caf\u00e9 news', mainFound: true });
    expect(row.text.split('\n')).toHaveLength(3);
    expect(row.text).toMatch(/^Paragraph 0 of the caf\u00e9 story/);
    expect(row.text).not.toMatch(/Home|Imprint/);
  });

  it('gives the full text by default, for each HTML record of an archive', async () => {
    const io = capture();
    expect(await text.run([join(dir, 'pages.warc')], io)).toBe(0);
    expect(io.lines[0]).toMatch(/^== 0 http:\/\/example\.com\/ \| Caf\u00e9 news$/);
    expect(io.lines[1]).toMatch(/^Home Blog\nParagraph 0[^]*\nImprint$/);
    const main = capture();
    expect(await text.run([join(dir, 'pages.warc'), '--content', 'main'], main)).toBe(0);
    expect(main.lines[1]).toMatch(/^Paragraph 0[^]*Paragraph 2[^\n]*$/);
  });

  it('names the file of what is neither an archive nor HTML, and rejects an unknown --content', async () => {
    const io = capture();
    expect(await text.run([join(dir, 'notes.txt')], io)).toBe(2);
    expect(io.errLines.join('\n')).toContain('notes.txt');
    await expect(text.run([join(dir, 'page.html'), '--content', 'article'], capture())).rejects.toThrow(UsageError);
  });
});
