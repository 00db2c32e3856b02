// `archivestream text <file> [--content main|full] [--backend cpu|gpu|auto] [--json]`: the extracted title and text
// (the whole page's, or its main content) of every HTML record of an archive, or of one HTML file.
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError, type CliIo, type Command } from '../command.js';
import { decodeHtml } from '../../core/decode/charset.js';
import { chooseBackend, GpuBackendError, type TextBackend } from '../../core/extract-gpu/index.js';
import { htmlRecords, type HtmlRecord } from '../../core/extract-gpu/html-records.js';
import { ArchiveError, openArchive } from '../../core/warc/index.js';
import type { ArchiveFile, WarcProblem } from '../../core/warc/types.js';
import { DEFAULT_MAX_TEXT_MB, MB, parseMaxTextMb, textCutProblem } from '../../core/extract/bound.js';
import { rate } from '../../shared/text-rate.js';
import { formatProblem } from './records.js';
import type { ExtractedText } from '../../core/extract/index.js';

export const BACKENDS = ['cpu', 'gpu', 'auto'] as const;
type BackendKind = (typeof BACKENDS)[number];
export const CONTENTS = ['full', 'main'] as const;

/** What `auto` measures on: enough to pay the GPU's shader compilation and see its steady rate, small enough that
 *  software WebGL (about 1 MB/s) does not stall the command for long. */
const SAMPLE_CHARS = 512 * 1024;
/** Pages per extractBatch call: a GPU dispatch's worth, so the GPU path runs full batches. */
const CHUNK_CHARS = 1 << 24;

/** The --max-text-mb flag (index, text) as bytes; the default bound when it is absent. */
export function maxTextOption(flags: Map<string, string | true>): number {
  const v = flags.get('max-text-mb');
  if (v === undefined) return DEFAULT_MAX_TEXT_MB * MB;
  const bytes = v === true ? null : parseMaxTextMb(v);
  if (bytes === null) throw new UsageError('--max-text-mb needs a number of megabytes above 0 (at most 4096)');
  return bytes;
}

export const text: Command = {
  name: 'text',
  usage: 'text <file> [--content main|full] [--backend cpu|gpu|auto] [--json] [--max-text-mb N]',
  summary: 'extracted title and text (full, or the main content) of each HTML record or of an HTML file (JSON Lines with --json)',
  async run(args: string[], io: CliIo): Promise<number> {
    const { positional, flags } = parseArgs(args, ['backend', 'content', 'max-text-mb'], ['json']);
    const maxTextBytes = maxTextOption(flags);
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'no file given' : 'one file at a time');
    const kind = flags.get('backend') ?? 'cpu';
    if (typeof kind !== 'string' || !(BACKENDS as readonly string[]).includes(kind))
      throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}`);
    const content = flags.get('content') ?? 'full';
    if (typeof content !== 'string' || !(CONTENTS as readonly string[]).includes(content))
      throw new UsageError(`--content must be one of ${CONTENTS.join(', ')}`);
    const json = flags.has('json');

    let problems = 0;
    const onProblem = (p: WarcProblem) => {
      problems++;
      io.err(formatProblem(p));
    };
    let archive: ArchiveFile | undefined;
    let records: Iterable<HtmlRecord>;
    try {
      archive = openArchive(positional[0], { onProblem });
      const opened = archive;
      records = htmlRecords(opened, maxTextBytes, (r) => onProblem(textCutProblem(opened.path, r.offset, maxTextBytes)));
    } catch (e) {
      if (!(e instanceof ArchiveError)) throw e;
      const page = e.code === 'not-an-archive' ? htmlFile(positional[0]) : undefined;
      if (!page) {
        io.err(formatProblem(e.toProblem()));
        return 2;
      }
      records = [page];
    }

    const print = (r: HtmlRecord, result: ExtractedText) => {
      const body = content === 'main' ? result.main : result.text;
      const { title, mainFound } = result;
      if (json) io.out(JSON.stringify({ offset: r.offset, uri: r.uri, title, text: body, mainFound }));
      else {
        io.out(`== ${r.offset} ${r.uri}${result.title ? ` | ${result.title}` : ''}`);
        if (body) io.out(body);
      }
    };
    let backend: TextBackend | undefined;
    try {
      let pending: HtmlRecord[] = [];
      let pendingChars = 0;
      const flush = async () => {
        if (pending.length === 0) return;
        backend ??= await choose(kind as BackendKind, pending, io);
        const results = await backend.extractBatch(pending.map((r) => r.html));
        pending.forEach((r, i) => print(r, results[i]));
        pending = [];
        pendingChars = 0;
      };
      for (const r of records) {
        pending.push(r);
        pendingChars += r.html.length;
        // The first chunk doubles as the sample that `auto` measures, so it is cut small.
        if (pendingChars >= (backend ? CHUNK_CHARS : SAMPLE_CHARS)) await flush();
      }
      await flush();
    } catch (e) {
      if (!(e instanceof GpuBackendError)) throw e;
      io.err(`archivestream text: ${e.code}: ${e.message}`);
      return 2;
    } finally {
      archive?.close();
      await backend?.close();
    }
    return problems > 0 ? 1 : 0;
  },
};

/** A file that is no archive but HTML (its first byte after any BOM and white space is '<'), decoded as ingest
 *  decodes a page (charset from a BOM, a <meta>, or detection); undefined for anything else. */
function htmlFile(path: string): HtmlRecord | undefined {
  const bytes = readFileSync(path);
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const utf16 = (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe);
  while (!utf16 && i < bytes.length && (bytes[i] === 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0d))) i++;
  if (!utf16 && bytes[i] !== 0x3c) return undefined;
  const decoded = decodeHtml(bytes);
  return { offset: 0, uri: path, html: decoded.text, charset: decoded.charset };
}

async function choose(kind: BackendKind, sample: HtmlRecord[], io: CliIo): Promise<TextBackend> {
  const chosen = await chooseBackend(kind, sample.map((r) => r.html), {
    onGpuUnavailable: (e) => io.err(`text backend: gpu unavailable (${e.code}): ${e.message}`),
  });
  if (kind === 'auto') {
    const gpu = chosen.gpuMBps === null ? 'unavailable' : rate(chosen.gpuMBps);
    io.err(`text backend: ${chosen.choice} (cpu ${rate(chosen.cpuMBps)}, gpu ${gpu})`);
  }
  return chosen.backend;
}
