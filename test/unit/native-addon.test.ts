import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package-root';
import { loadNativeAddon, nativeAddonPath } from '../../src/core/render/native-addon';

describe('nativeAddonPath', () => {
  it('points at the node-gyp Release build under the package root', () => {
    expect(nativeAddonPath('/pkg')).toBe(join('/pkg', 'native', 'build', 'Release', 'kiln_native.node'));
    expect(nativeAddonPath()).toBe(join(packageRoot(), 'native', 'build', 'Release', 'kiln_native.node'));
    expect(existsSync(nativeAddonPath())).toBe(true);
  });
});

describe('loadNativeAddon', () => {
  const addon = loadNativeAddon();

  it('reports a semantic version', () => {
    expect(addon.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports at least one hardware thread', () => {
    const threads = addon.hardwareThreads();
    expect(Number.isInteger(threads)).toBe(true);
    expect(threads).toBeGreaterThanOrEqual(1);
  });

  it('loads the addon once and returns the same module afterwards, whatever path is passed', () => {
    // Documented behaviour: the first successful load is cached. Errors for a missing or broken build are
    // covered in native-addon-missing.test.ts, which runs in its own module graph before any load succeeds.
    expect(loadNativeAddon()).toBe(addon);
    expect(loadNativeAddon('/nonexistent/kiln_native.node')).toBe(addon);
  });
});
