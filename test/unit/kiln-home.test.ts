import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_NAME, databasePath, defaultKilnHome, resolveKilnHome } from '../../src/core/store/kiln-home';
import { makeTempHome } from '../helpers/temp-home';

describe('defaultKilnHome', () => {
  it('is named after the app', () => {
    expect(APP_NAME).toBe('Kiln');
  });

  it('honours XDG_CONFIG_HOME on Linux', () => {
    expect(defaultKilnHome({ XDG_CONFIG_HOME: '/xdg/config' }, 'linux')).toBe(join('/xdg/config', 'Kiln'));
  });

  it('falls back to ~/.config/Kiln on Linux', () => {
    expect(defaultKilnHome({}, 'linux')).toBe(join(homedir(), '.config', 'Kiln'));
  });

  it('treats empty XDG_CONFIG_HOME, APPDATA and KILN_HOME as unset', () => {
    expect(defaultKilnHome({ XDG_CONFIG_HOME: '' }, 'linux')).toBe(join(homedir(), '.config', 'Kiln'));
    expect(defaultKilnHome({ APPDATA: '' }, 'win32')).toBe(join(homedir(), 'AppData', 'Roaming', 'Kiln'));
    const { home, cleanup } = makeTempHome('kiln-home-empty-');
    try {
      expect(resolveKilnHome('', { KILN_HOME: home })).toBe(home);
      expect(resolveKilnHome(undefined, { KILN_HOME: '', XDG_CONFIG_HOME: home })).toBe(join(home, 'Kiln'));
    } finally {
      cleanup();
    }
  });

  it('uses other Unix-likes the way it uses Linux', () => {
    expect(defaultKilnHome({ XDG_CONFIG_HOME: '/xdg' }, 'freebsd')).toBe(join('/xdg', 'Kiln'));
  });

  it('uses ~/Library/Application Support/Kiln on macOS, ignoring XDG_CONFIG_HOME', () => {
    const expected = join(homedir(), 'Library', 'Application Support', 'Kiln');
    expect(defaultKilnHome({}, 'darwin')).toBe(expected);
    expect(defaultKilnHome({ XDG_CONFIG_HOME: '/xdg' }, 'darwin')).toBe(expected);
  });

  it('uses %APPDATA%\\Kiln on Windows', () => {
    const appData = 'C:\\Users\\ada\\AppData\\Roaming';
    const home = defaultKilnHome({ APPDATA: appData, XDG_CONFIG_HOME: '/xdg' }, 'win32');
    expect(home.startsWith(appData)).toBe(true);
    expect(home.endsWith('Kiln')).toBe(true);
    expect(home).toBe(join(appData, 'Kiln'));
  });

  it('falls back to the roaming app-data folder on Windows without APPDATA', () => {
    expect(defaultKilnHome({}, 'win32')).toBe(join(homedir(), 'AppData', 'Roaming', 'Kiln'));
  });

  it('reads process.env and process.platform by default', () => {
    const expected = defaultKilnHome(process.env, process.platform);
    expect(defaultKilnHome()).toBe(expected);
  });
});

describe('resolveKilnHome', () => {
  let root: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ home: root, cleanup } = makeTempHome('kiln-home-'));
  });

  afterEach(() => cleanup());

  it('prefers the --home flag over KILN_HOME and the default', () => {
    const flag = join(root, 'from-flag');
    const env = { KILN_HOME: join(root, 'from-env'), XDG_CONFIG_HOME: join(root, 'xdg') };
    expect(resolveKilnHome(flag, env)).toBe(flag);
    expect(existsSync(flag)).toBe(true);
    expect(existsSync(env.KILN_HOME)).toBe(false);
    expect(existsSync(env.XDG_CONFIG_HOME)).toBe(false);
  });

  it('prefers KILN_HOME over the default', () => {
    const env = { KILN_HOME: join(root, 'from-env'), XDG_CONFIG_HOME: join(root, 'xdg') };
    expect(resolveKilnHome(undefined, env)).toBe(env.KILN_HOME);
    expect(statSync(env.KILN_HOME).isDirectory()).toBe(true);
    expect(existsSync(env.XDG_CONFIG_HOME)).toBe(false);
  });

  const xdgPlatform = process.platform !== 'win32' && process.platform !== 'darwin';
  it.skipIf(!xdgPlatform)('falls back to the OS default (here steered through XDG_CONFIG_HOME)', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'xdg') };
    const home = resolveKilnHome(undefined, env);
    expect(home).toBe(join(root, 'xdg', 'Kiln'));
    expect(statSync(home).isDirectory()).toBe(true);
  });

  it('creates nested folders and returns an absolute path', () => {
    const nested = join(root, 'a', 'b', 'c');
    const home = resolveKilnHome(nested, {});
    expect(home).toBe(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    expect(databasePath(home)).toBe(join(nested, 'kiln.db'));
  });

  it('resolves a relative flag against the working directory', () => {
    const rel = relative(process.cwd(), join(root, 'rel'));
    expect(isAbsolute(rel)).toBe(false);
    const home = resolveKilnHome(rel, {});
    expect(home).toBe(resolve(rel));
    expect(home).toBe(join(root, 'rel'));
    expect(existsSync(home)).toBe(true);
  });

  it('accepts an existing folder without complaint', () => {
    expect(resolveKilnHome(root, {})).toBe(root);
    expect(resolveKilnHome(root, {})).toBe(root);
  });
});
