import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { initialiseBall, initialiseFromPoints, rgbToShDc, sampleMeshSurface } from '../../../src/core/scene/gaussians/initialise';
import { SH_C0 } from '../../../src/core/scene/gaussians/spherical-harmonics';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('Gaussian initialisers', () => {
  it('fills a ball (or its shell) with isotropic Gaussians of the requested opacity and colour', () => {
    const g = initialiseBall({ count: 4000, shDegreeMax: 2, radiusM: 0.5, opacity: 0.2, colour: [0.8, 0.2, 0.4], colourNoise: 0.05 }, new Rng(1));
    let inner = 0;
    let meanR = 0;
    for (let i = 0; i < g.count; i++) {
      const r = Math.hypot(g.means[3 * i]!, g.means[3 * i + 1]!, g.means[3 * i + 2]!);
      expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      if (r < 0.25) inner++;
      expect(sigmoid(g.opacityLogits[i]!)).toBeCloseTo(0.2, 6);
      expect(Array.from(g.quats.subarray(4 * i, 4 * i + 4))).toEqual([1, 0, 0, 0]);
      meanR += SH_C0 * g.shDc[3 * i]! + 0.5;
    }
    // Uniform in volume: an eighth of the points lie within half the radius.
    expect(inner / g.count).toBeCloseTo(0.125, 1);
    expect(meanR / g.count).toBeCloseTo(0.8, 2);
    expect(g.shRest.every((v) => v === 0)).toBe(true);
    const shell = initialiseBall({ count: 100, shDegreeMax: 0, radiusM: 0.5, shell: true }, new Rng(2));
    for (let i = 0; i < shell.count; i++) expect(Math.hypot(...shell.means.subarray(3 * i, 3 * i + 3))).toBeCloseTo(0.5, 5);
  });

  it('samples a mesh surface by area and initialises from those points with their colours', () => {
    // Two triangles: a unit square at z = 0 (area 1, red) and a thin sliver at z = 1 (area 0.01, blue).
    const positions = new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0.1, 0, 1, 0, 0.2, 1]);
    const indices = new Uint32Array([0, 1, 2, 0, 2, 3, 4, 5, 6]);
    const colours = new Float32Array([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const { points, colours: sampled } = sampleMeshSurface(positions, indices, 5000, new Rng(3), colours);
    let onSliver = 0;
    for (let i = 0; i < 5000; i++) {
      const z = points[3 * i + 2]!;
      expect(z === 0 || z === 1).toBe(true);
      if (z === 1) {
        onSliver++;
        expect(sampled![3 * i + 2]).toBeCloseTo(1, 6);
      } else {
        expect(points[3 * i]!).toBeGreaterThanOrEqual(0);
        expect(points[3 * i]!).toBeLessThanOrEqual(1);
      }
    }
    expect(onSliver / 5000).toBeCloseTo(0.01 / 1.01, 2);
    const g = initialiseFromPoints(points, sampled, 1, { opacity: 0.3 });
    expect(g.count).toBe(5000);
    expect(g.shDc[0]).toBeCloseTo(rgbToShDc(sampled![0]!), 5);
    expect(() => sampleMeshSurface(positions, new Uint32Array([0, 1]), 10, new Rng(1))).toThrow(/triangle/);
  });
});
