import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random/rng';
import { median, quantile } from '../../src/core/stats';

describe('Rng', () => {
  it('continues the exact stream from a saved state, including a cached normal', () => {
    const a = new Rng(9);
    a.normal();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const restored = Rng.fromState(state);
    const next = (r: Rng) => [r.normal(), r.normal(), r.uniform(), r.nextUint32()];
    expect(next(restored)).toEqual(next(a));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 16 }, () => a.nextUint32());
    expect(Array.from({ length: 16 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 16 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('draws uniforms in [0, 1) with the right mean and normals with unit variance', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let sumU = 0;
    let minU = 1;
    let maxU = 0;
    let sumN = 0;
    let sumN2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      sumU += u;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      const z = rng.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(minU).toBeGreaterThanOrEqual(0);
    expect(maxU).toBeLessThan(1);
    expect(sumU / n).toBeCloseTo(0.5, 2);
    expect(sumN / n).toBeCloseTo(0, 2);
    expect(sumN2 / n).toBeCloseTo(1, 1);
  });

  it('int covers both ends of its inclusive range', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('stats', () => {
  it('computes medians and quantiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });
});
