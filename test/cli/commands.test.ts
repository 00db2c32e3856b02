// The CLI loads a command's module only when it runs (src/cli/commands/index.ts): the name it is listed under must be
// the name the command gives itself, or `archivestream <name>` would run another command than --help shows.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';

describe('the CLI command list', () => {
  it('lists each command under its own name, once', async () => {
    const names = COMMANDS.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const [name, load] of COMMANDS) expect((await load()).name, name).toBe(name);
    expect(names).toContain('cdxj');
  });
});
