// Worker entry when ingest runs from the TypeScript sources (vitest, tsx): Node 20 does not carry `--import tsx`
// hooks into worker threads, so the worker registers tsx itself and then loads the real entry. The bundle in
// out/node starts ingest-worker.mjs directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
