import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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

/** `--home` beats `KILN_HOME` beats the OS default. Creates the folder. */
export function resolveKilnHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = resolve(envPath(flag) ?? envPath(env.KILN_HOME) ?? defaultKilnHome(env));
  mkdirSync(home, { recursive: true });
  return home;
}

export function databasePath(home: string): string {
  return join(home, 'kiln.db');
}
