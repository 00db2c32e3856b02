import { EXIT_COLLECTION, UsageError, type CliIo } from './command.js';
import { CodedError } from '../shared/errors.js';
import { withSpan } from '../core/telemetry/index.js';
import { commands } from './commands/index.js';

function help(io: CliIo): void {
  io.out('usage: archivestream <command> [options]');
  io.out('');
  for (const c of commands) io.out(`  ${c.usage.padEnd(48)} ${c.summary}`);
}

export async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    isTTY: Boolean(process.stdout.isTTY),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`archivestream: unknown command '${name}'`);
    help(io);
    return 2;
  }
  // Traces leave the process only when asked (docker-compose.observability.yml runs a receiver); the SDK is not even
  // loaded otherwise, so the CLI starts fast.
  const telemetry = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? (await import('../core/telemetry/sdk.js')).startTelemetry({ serviceName: 'archivestream-cli' })
    : null;
  try {
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
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`archivestream: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
