import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package-root';
import { loadNativeAddon, nativeAddonPath } from '../../src/core/render/native-addon';

/** Deterministic pseudo-random floats in [-50, 50), rounded to float32 (a 32-bit LCG; no Math.random). */
function deterministicFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 100 - 50;
  }
  return out;
}

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

  it('computes y += 2·x in place with float32 arithmetic', () => {
    const n = 1037;
    const x = deterministicFloats(n, 12345);
    const y = deterministicFloats(n, 67890);
    const expected = new Float32Array(n);
    for (let i = 0; i < n; i++) expected[i] = Math.fround(y[i]! + Math.fround(2 * x[i]!));
    const yBuffer = y.buffer;
    const xBefore = Float32Array.from(x);

    expect(addon.axpy(2, x, y)).toBeUndefined();

    expect(y.buffer).toBe(yBuffer);
    expect(Array.from(y)).toEqual(Array.from(expected));
    expect(Array.from(x)).toEqual(Array.from(xBefore));
  });

  it('writes only within a subarray view', () => {
    const backing = new Float32Array([1, 1, 1, 1, 1, 1]);
    const y = backing.subarray(2, 4);
    addon.axpy(2, new Float32Array([10, 20]), y);
    expect(Array.from(backing)).toEqual([1, 1, 21, 41, 1, 1]);
  });

  it('accepts empty arrays and a zero alpha', () => {
    const empty = new Float32Array(0);
    expect(() => addon.axpy(3, empty, new Float32Array(0))).not.toThrow();
    const y = new Float32Array([1.5, -2.25]);
    addon.axpy(0, new Float32Array([7, 8]), y);
    expect(Array.from(y)).toEqual([1.5, -2.25]);
  });

  it('throws TypeError for arrays that are not Float32Array', () => {
    const call = addon.axpy as (alpha: unknown, x: unknown, y: unknown) => void;
    expect(() => call(2, new Float64Array(3), new Float32Array(3))).toThrow(TypeError);
    expect(() => call(2, new Float32Array(3), new Float64Array(3))).toThrow(TypeError);
    expect(() => call(2, [1, 2, 3], new Float32Array(3))).toThrow(/x must be a Float32Array/);
    expect(() => call(2, new Float32Array(3), new Uint8Array(12))).toThrow(/y must be a Float32Array/);
    expect(() => call('2', new Float32Array(3), new Float32Array(3))).toThrow(TypeError);
  });

  it('throws RangeError for mismatched lengths and leaves y untouched', () => {
    const y = new Float32Array([1, 2, 3]);
    expect(() => addon.axpy(2, new Float32Array(4), y)).toThrow(RangeError);
    expect(() => addon.axpy(2, new Float32Array(2), y)).toThrow(/same length/);
    expect(Array.from(y)).toEqual([1, 2, 3]);
  });

  it('loads the addon once and returns the same module afterwards, whatever path is passed', () => {
    // Documented behaviour: the first successful load is cached. Errors for a missing or broken build are
    // covered in native-addon-missing.test.ts, which runs in its own module graph before any load succeeds.
    expect(loadNativeAddon()).toBe(addon);
    expect(loadNativeAddon('/nonexistent/kiln_native.node')).toBe(addon);
  });
});
