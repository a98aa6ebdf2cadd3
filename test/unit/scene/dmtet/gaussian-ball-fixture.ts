import { Rng } from '../../../../src/core/random/rng';
import { SH_C0 } from '../../../../src/core/scene/gaussians/spherical-harmonics';
import { allocateGaussians } from '../../../../src/shared/gaussians/gaussian-layout';

/**
 * Isotropic Gaussians of one colour filling a ball of radius R centred at c (only their skin, if hollow), each of
 * opacity σ(opacityLogit): 3 is opaque; a low value makes the semi-transparent cloud distillation often leaves.
 */
export function ballOfGaussians(R: number, centre: [number, number, number], colour: [number, number, number], hollow = false, opacityLogit = 3) {
  const rng = new Rng(17);
  const sigma = 0.04;
  const means: number[] = [];
  while (means.length < 3 * 4000) {
    const p = [rng.range(-R, R), rng.range(-R, R), rng.range(-R, R)];
    const r = Math.hypot(p[0]!, p[1]!, p[2]!);
    if (r > R - sigma || (hollow && r < R - 3 * sigma)) continue;
    means.push(p[0]! + centre[0], p[1]! + centre[1], p[2]! + centre[2]);
  }
  const g = allocateGaussians(means.length / 3, 0);
  g.means.set(means);
  g.logScales.fill(Math.log(sigma));
  for (let i = 0; i < g.count; i++) {
    g.quats[4 * i] = 1;
    g.opacityLogits[i] = opacityLogit;
    for (let c = 0; c < 3; c++) g.shDc[3 * i + c] = (colour[c]! - 0.5) / SH_C0;
  }
  return g;
}

/** Radii of a surface's vertices about `centre`: their mean and largest deviation from it. */
export function radii(positions: Float32Array, centre: readonly number[] = [0, 0, 0]): { mean: number; spread: number } {
  const r = Array.from({ length: positions.length / 3 }, (_, i) =>
    Math.hypot(positions[3 * i]! - centre[0]!, positions[3 * i + 1]! - centre[1]!, positions[3 * i + 2]! - centre[2]!),
  );
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return { mean, spread: Math.max(...r.map((x) => Math.abs(x - mean))) };
}
