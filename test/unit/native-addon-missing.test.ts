import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeAddonPath } from '../../src/core/render/native-addon';
import { KilnError } from '../../src/shared/errors';
import { makeTempHome } from '../helpers/temp-home';

// loadNativeAddon caches the first successful load, so the failure cases must run before any load succeeds; vitest
// gives each test file its own module graph, so this file starts with an empty cache. Tests run in order.

function loadError(path: string): KilnError {
  try {
    loadNativeAddon(path);
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    return err as KilnError;
  }
  throw new Error(`expected loadNativeAddon(${path}) to throw`);
}

describe('loadNativeAddon failures', () => {
  const temp = makeTempHome('kiln-addon-');
  afterAll(() => temp.cleanup());

  it('explains how to build a missing addon', () => {
    const err = loadError('/nonexistent/kiln_native.node');
    expect(err.code).toBe('native-addon');
    expect(err.message).toContain('/nonexistent/kiln_native.node');
    expect(err.message).toContain('is missing');
    expect(err.message).toContain('npm run build:native');
  });

  it('explains how to rebuild an addon that fails to load', () => {
    const broken = join(temp.home, 'kiln_native.node');
    writeFileSync(broken, 'this is not a shared library');
    const err = loadError(broken);
    expect(err.code).toBe('native-addon');
    expect(err.message).toContain(broken);
    expect(err.message).toContain('failed to load');
    expect(err.message).toContain('npm run build:native');
  });

  it('does not cache a failure: the real build still loads afterwards', () => {
    const addon = loadNativeAddon(nativeAddonPath());
    expect(addon.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
