#!/usr/bin/env node
// The CLI is bundled into out/node by `npm install` (postinstall) and by `npm run build:node`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/node/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('archivestream: not built yet; run `npm run build:node` in the project folder\n');
  process.exit(2);
}
await import(cli.href);
