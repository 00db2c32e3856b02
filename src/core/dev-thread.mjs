// A thread's entry when the core runs from the TypeScript sources (startThread in threads.ts): Node 20 does not carry
// `--import tsx` hooks into worker threads, so the thread registers tsx itself and then loads its source file, the
// last argument. The bundles in out/node start their entries directly and never load this file.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
