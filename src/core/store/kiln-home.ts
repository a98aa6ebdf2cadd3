import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import { storageError } from '../fs/atomic-file';

export const APP_NAME = 'Kiln';

/** An environment variable set to the empty string counts as unset (as the XDG spec and Electron treat it). */
function envPath(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The OS app-data folder, matching Electron's `app.getPath('userData')` for an app named Kiln, so the CLI, the
 * server and the desktop app share one set of projects by default.
 */
export function defaultKilnHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(envPath(env.APPDATA) ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(envPath(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), APP_NAME);
}

/** `--home` beats `KILN_HOME` beats the OS default (the path only; nothing is created). */
export function kilnHomePath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(envPath(flag) ?? envPath(env.KILN_HOME) ?? defaultKilnHome(env));
}

/** The Kiln home's path, the folder created if missing; a path that cannot be a folder is a clear error. */
export function resolveKilnHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = kilnHomePath(flag, env);
  try {
    mkdirSync(home, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new KilnError('invalid-request', `the Kiln home ${home} is (or is inside) a file, not a folder; give --home a folder (it is created if missing)`);
    }
    throw storageError(err, home);
  }
  return home;
}

export function databasePath(home: string): string {
  return join(home, 'kiln.db');
}
