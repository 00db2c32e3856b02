import { EXIT_COLLECTION, UsageError, type CliIo } from './command.js';
import { CodedError } from '../shared/errors.js';
import { writeFileSync } from 'node:fs';
import { toOtlpJson } from '../shared/otlp-json.js';
import { COMMANDS } from './commands/index.js';

/** Spans a --trace file holds at most (the newest). */
const TRACE_FILE_SPANS = 200_000;

async function help(io: CliIo): Promise<void> {
  const commands = await Promise.all(COMMANDS.map(([, load]) => load()));
  io.out('usage: archivestream <command> [options]');
  io.out('');
  for (const c of commands) io.out(`  ${c.usage.padEnd(48)} ${c.summary}`);
}

/** Lines for stdout, written in blocks: a write per line is a system call per line, ~25 ms of CPU for the 11,500 lines
 *  of cdxj over a 500 MB WARC (as much as a tenth of reading it). A block goes out once it holds 64 KB, before any
 *  line to stderr (a terminal shows both in their order), on the next turn of the event loop (a line a long-running
 *  command prints, such as serve's address, is not held back) and when the command ends. A line is encoded into the
 *  block's bytes as it comes: held as strings, a block's lines kept the strings they were made of (slices of each
 *  record's decoded head) alive through the young generation's collections, which copied and then promoted them. */
class LineBlocks {
  private static readonly SIZE = 64 * 1024;
  private block = Buffer.allocUnsafe(LineBlocks.SIZE);
  private used = 0;
  private flushSoon = false;

  add(line: string): void {
    // A line goes into the block when it surely fits (UTF-8 takes at most 3 bytes a UTF-16 unit, the newline one);
    // else the block goes out, and the line after it.
    if (line.length * 3 + 1 <= LineBlocks.SIZE - this.used) {
      this.used += this.block.write(line, this.used);
      this.block[this.used++] = 0x0a;
    } else {
      this.flush();
      process.stdout.write(line + '\n');
    }
    if (this.used >= LineBlocks.SIZE - 4096) this.flush();
    else if (!this.flushSoon && this.used > 0) {
      this.flushSoon = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushSoon = false;
    if (this.used === 0) return;
    // The stream may hold the bytes past this call (a pipe it cannot write at once): the next block is a new Buffer.
    process.stdout.write(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(LineBlocks.SIZE);
    this.used = 0;
  }
}

const stdout = new LineBlocks();

export async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    out: (line) => stdout.add(line),
    err: (line) => {
      stdout.flush();
      process.stderr.write(line + '\n');
    },
    isTTY: Boolean(process.stdout.isTTY),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name ? 0 : 2;
  }
  const load = COMMANDS.find(([n]) => n === name)?.[1];
  if (!load) {
    io.err(`archivestream: unknown command '${name}'`);
    await help(io);
    return 2;
  }
  const command = await load();
  // `--trace FILE`, on any command, writes the command's trace there as OTLP/JSON (Jaeger's UI loads it). Traces leave
  // the process only when asked (OTEL_EXPORTER_OTLP_ENDPOINT; docker-compose.observability.yml runs a receiver); the
  // SDK is not even loaded otherwise, so the CLI starts fast.
  const traceAt = rest.indexOf('--trace');
  const traceFile = traceAt >= 0 ? rest[traceAt + 1] : undefined;
  if (traceAt >= 0) {
    if (!traceFile || traceFile.startsWith('--')) {
      io.err(`archivestream ${name}: --trace needs a file to write the trace to`);
      return 2;
    }
    rest.splice(traceAt, 2);
  }
  const telemetry = traceFile || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? (await import('../core/telemetry/sdk.js')).startTelemetry({ process: 'cli', capacity: TRACE_FILE_SPANS, warn: io.err })
    : null;
  try {
    // The command's span exists only when something records it: without an SDK it is a no-op, and loading the
    // tracing API (~15 ms of CPU) is then a start-up cost for nothing (the start-up row of bench/warc/cores.ts).
    if (!telemetry) return await command.run(rest, io);
    const { withSpan } = await import('../core/telemetry/index.js');
    return await withSpan(`cli.${name}`, {}, () => command.run(rest, io));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`archivestream ${name}: ${e.message}`);
      io.err(`usage: archivestream ${command.usage}`);
      return 2;
    }
    if (e instanceof CodedError) {
      io.err(`archivestream ${name}: ${e.message}`);
      return EXIT_COLLECTION;
    }
    throw e;
  } finally {
    if (telemetry && traceFile) {
      const { stored, storeDropped } = telemetry.status();
      writeFileSync(traceFile, JSON.stringify(toOtlpJson(telemetry.store.recent())));
      if (storeDropped > 0) io.err(`archivestream ${name}: the trace kept the last ${stored} spans; ${storeDropped} earlier ones were dropped`);
    }
    await telemetry?.shutdown();
  }
}

// stdout may be a pipe closed early (`| head`): stop quietly instead of throwing EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    stdout.flush();
    process.exitCode = code;
  },
  (e: unknown) => {
    stdout.flush();
    process.stderr.write(`archivestream: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
