import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where collections and settings live unless --data-dir says otherwise: the platform's per-user data folder. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ARCHIVESTREAM_DATA_DIR) return env.ARCHIVESTREAM_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'ArchiveStream');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ArchiveStream');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'archivestream');
}
