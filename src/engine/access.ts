// Which files the API may read: those inside the folders the person allowed (--allow-dir, roots confirmed in
// Settings, files and folders picked in the desktop shell's own dialog this run) and the files of their collections.
// Nothing the API alone can send widens this: a root added through the API needs a code the engine prints where only
// the person sees it (its terminal), and the shell's grants come over its own channel, not through the contract.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { CodedError } from '../shared/errors.js';

/** How long a confirmation code stays good: long enough to read it off a terminal and type it. */
const CODE_LIFETIME_MS = 5 * 60_000;

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The allowed root that holds `path` (both resolved through links, so a link cannot lead out of a root), or null.
 *  A path that does not exist is taken as written, so that a missing file in a root is reported as missing. */
export function rootOf(roots: readonly string[], path: string): string | null {
  const p = real(resolve(path)) ?? resolve(path);
  for (const r of roots) {
    const rr = real(r);
    if (rr && inside(rr, p)) return rr;
  }
  return null;
}

export interface FileAccessSource {
  /** Roots that outlive a run: --allow-dir and those confirmed in Settings. */
  roots(): readonly string[];
  /** Whether `path` (as given, and resolved through links) is a file of one of the person's collections. */
  isCollectionFile(path: string): boolean;
  /** Reaches the person outside the API (the engine's terminal): where a confirmation code is shown. */
  announce(message: string): void;
}

export class FileAccess {
  /** Files and folders picked in the shell's dialog this run. */
  private readonly granted: string[] = [];
  private pending: { root: string; code: string; expires: number } | null = null;

  constructor(private readonly source: FileAccessSource) {}

  /** Every root a path may be inside: those that last, and this run's grants. */
  roots(): string[] {
    return [...new Set([...this.source.roots(), ...this.granted])];
  }

  /** From the desktop shell's own channel, after its native dialog: the person picked these. */
  grant(paths: readonly string[]): void {
    for (const p of paths) {
      const r = real(resolve(p));
      if (r && !this.granted.includes(r)) this.granted.push(r);
    }
  }

  /** Returns `path` when the API may read it; otherwise throws 'not-allowed' naming it. */
  check(path: string): string {
    if (this.source.isCollectionFile(path) || rootOf(this.roots(), path)) return path;
    const resolved = real(resolve(path));
    if (resolved && this.source.isCollectionFile(resolved)) return path;
    throw new CodedError(
      'not-allowed',
      `“${path}” is outside the folders ArchiveStream may open. Allow its folder in Settings, or start with --allow-dir.`,
      path,
    );
  }

  /** A root to add from the API: with no code (or a stale one) a new code is announced and 'needs-confirmation'
   *  thrown; with the code announced for this same folder, the folder is returned for the caller to keep. A wrong
   *  code spends the pending one, so codes cannot be guessed one try after another. */
  confirmRoot(folder: string, code: string | undefined): string {
    const root = resolve(folder);
    const pending = this.pending;
    this.pending = null;
    if (code !== undefined && pending && pending.root === root && pending.code === code.trim().toUpperCase() && Date.now() < pending.expires) {
      return root;
    }
    if (code !== undefined) {
      throw new CodedError('not-allowed', `That is not the code for “${folder}”: ask again for a new one.`, folder);
    }
    const fresh = randomBytes(5).toString('hex').toUpperCase();
    this.pending = { root, code: fresh, expires: Date.now() + CODE_LIFETIME_MS };
    this.source.announce(`ArchiveStream: to allow the folder “${root}”, type this code where it asks: ${fresh}`);
    throw new CodedError(
      'needs-confirmation',
      `To allow “${root}”, type the code ArchiveStream has just printed in the terminal it was started from.`,
      folder,
    );
  }
}
