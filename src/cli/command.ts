// The shape of one `archivestream` sub-command. Each lives in src/cli/commands/<name>.ts and is listed in
// src/cli/commands/index.ts; main.ts only dispatches. Commands that open a collection take it from collection.ts: this
// module stays free of the store, which every command would otherwise load at start-up (its schema, the segmenter's
// Unicode expressions: some 40 ms of CPU before `cdxj` reads a byte).

export interface CliIo {
  out: (line: string) => void; // one line to stdout (no trailing newline needed)
  err: (line: string) => void; // one line to stderr
  isTTY: boolean;
}

export interface Command {
  name: string;
  /** One-line usage, e.g. 'records <file> [--json]'. */
  usage: string;
  summary: string;
  /** Returns the exit status: 0 clean, 1 problems found in the input, 2 usage error or unreadable input; a
   *  CodedError thrown out of it (a collection that cannot be used) exits EXIT_COLLECTION. */
  run(args: string[], io: CliIo): Promise<number> | number;
}

/** Thrown for bad arguments; main prints the message and the usage, exit 2. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Minimal flag parser: `--name value` for names in `withValue`, `--name` alone otherwise, `--name=value` always. */
/** Splits a command's arguments into positional ones and flags: `withValue` flags take the next argument (or
 *  `--name=value`), `switches` take none; any other flag is a usage error. */
export function parseArgs(args: string[], withValue: readonly string[] = [], switches: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq > 0 ? eq : undefined);
      if (!withValue.includes(name) && !switches.includes(name)) throw new UsageError(`unknown option --${name}`);
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (withValue.includes(a.slice(2))) {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        flags.set(a.slice(2), v);
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** Exit status when the collection or the machine is at fault rather than the input: a database that cannot be
 *  opened or written (no such file or folder, not SQLite, damaged, from a later version, read-only, disk full). */
export const EXIT_COLLECTION = 3;
