// Command-line flags of the benches.

/** The value after `--name` in argv, or undefined when the flag is absent. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
