// Bundles the browser entry (src/core/extract-webgl/page-entry.ts, with gpu.js and the shared FSM) for the headless page.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

/** esbuild options for the page; scripts/build-node.mjs uses the same ones. */
export const PAGE_BUILD = {
  entryPoints: ['src/core/extract-webgl/page-entry.ts'],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  logLevel: 'error',
} as const;

let cached: Promise<string> | undefined;

/** Where scripts/build-node.mjs writes the page script, so the installed CLI needs no bundler at run time. */
export const PREBUILT_PAGE = 'out/node/gpu-page.js';

/** The page script as one IIFE: the prebuilt one when running from the bundle, built from the sources (about 0.3 s,
 *  once per process) when running from them, as the tests do, so it is never stale. */
export function pageScript(): Promise<string> {
  const root = projectRoot();
  if (!import.meta.url.endsWith('.ts') && existsSync(join(root, PREBUILT_PAGE))) {
    cached ??= Promise.resolve(readFileSync(join(root, PREBUILT_PAGE), 'utf8'));
  }
  cached ??= (async () => {
    // The specifier is a variable so that the CLI bundle (scripts/build-node.mjs) loads esbuild at run time rather
    // than trying to bundle esbuild itself.
    const esbuildName = 'esbuild';
    const esbuild = (await import(esbuildName)) as typeof import('esbuild');
    const result = await esbuild.build({ ...PAGE_BUILD, entryPoints: [...PAGE_BUILD.entryPoints], absWorkingDir: root, write: false });
    return result.outputFiles[0].text;
  })();
  return cached;
}
