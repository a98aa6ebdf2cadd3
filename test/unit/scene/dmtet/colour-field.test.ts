import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/random/rng';
import { albedoLogit, colourNodeSpacing, createColourField, sampleColourField, sampleColourFieldBackward } from '../../../../src/core/scene/dmtet/colour-field';
import { expectGradientMatches, weightedSum } from './gradient-check';

/** A field with random logits, and random points inside the box (away from its faces). */
function randomSetup(seed: number) {
  const rng = new Rng(seed);
  const field = createColourField(12);
  for (let k = 0; k < field.logits.length; k++) field.logits[k] = rng.range(-3, 3);
  const points = Float32Array.from({ length: 3 * 200 }, () => rng.range(-0.95, 0.95));
  const weights = Float64Array.from({ length: points.length }, () => rng.normal());
  return { field, points, weights };
}

describe('albedo voxel field', () => {
  it('holds the albedo it was made with, inside (0, 1) everywhere, and reads the nearest face outside the box', () => {
    const field = createColourField(16, [0.9, 0.2, 0.5]);
    const albedo = sampleColourField(field, [0.1, -0.3, 0.77, 3, 3, -3]);
    for (const [i, v] of [0.9, 0.2, 0.5, 0.9, 0.2, 0.5].entries()) expect(albedo[i]).toBeCloseTo(v, 5);
    const extreme = createColourField(4);
    extreme.logits.fill(80);
    expect(sampleColourField(extreme, [0, 0, 0])[0]).toBeLessThanOrEqual(1);
    expect(albedoLogit(1)).toBeLessThan(5); // white is stored as 0.99, still trainable
  });

  it('interpolates trilinearly: a logit linear in position is reproduced exactly between nodes', () => {
    const field = createColourField(9);
    const h = colourNodeSpacing(field);
    for (let k = 0; k < 9; k++)
      for (let j = 0; j < 9; j++)
        for (let i = 0; i < 9; i++) field.logits[3 * ((k * 9 + j) * 9 + i)] = 0.3 * (-1 + i * h) - 0.2 * (-1 + j * h) + 0.5 * (-1 + k * h);
    const rng = new Rng(2);
    for (let n = 0; n < 50; n++) {
      const [x, y, z] = [rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)];
      const logit = 0.3 * x - 0.2 * y + 0.5 * z;
      expect(sampleColourField(field, [x, y, z])[0]).toBeCloseTo(1 / (1 + Math.exp(-logit)), 6);
    }
  });

  it('backward matches finite differences in the node logits and in the query points', () => {
    const { field, points, weights } = randomSetup(3);
    const albedo = sampleColourField(field, points);
    const dLogits = new Float32Array(field.logits.length);
    const dPoints = new Float64Array(points.length);
    sampleColourFieldBackward(field, points, albedo, weights, dLogits, dPoints);
    const loss = () => weightedSum(sampleColourField(field, points), weights);
    const touched = dLogits.reduce<number[]>((list, g, i) => (g !== 0 ? [...list, i] : list), []);
    const logitEntries = touched.filter((_, i) => i % Math.ceil(touched.length / 80) === 0);
    expect(expectGradientMatches(field.logits, logitEntries, dLogits, loss, { eps: 1e-2, atol: 1e-4, rtol: 1e-2 })).toBeGreaterThan(40);
    const pointEntries = Array.from({ length: 90 }, (_, i) => i * 6);
    expect(expectGradientMatches(points, pointEntries, dPoints, loss, { eps: 1e-3, atol: 1e-3, rtol: 2e-2 })).toBeGreaterThan(40);
    // A point outside the box on an axis gets no gradient along it.
    const outside = new Float32Array([2, 0.1, 0.2]);
    const dOutside = new Float64Array(3);
    sampleColourFieldBackward(field, outside, sampleColourField(field, outside), [1, 1, 1], new Float32Array(field.logits.length), dOutside);
    expect(dOutside[0]).toBe(0);
    expect(dOutside[1]).not.toBe(0);
  });
});
