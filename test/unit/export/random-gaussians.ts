import { Rng } from '../../../src/core/random/rng';
import { allocateGaussians, type GaussianArrays } from '../../../src/shared/gaussians/gaussian-layout';

/** Gaussians with every parameter random (unit quaternions, SH rest in SPZ's [−1, 1] range) for export tests. */
export function randomGaussians(count: number, shDegreeMax: number, seed = 1): GaussianArrays {
  const rng = new Rng(seed);
  const g = allocateGaussians(count, shDegreeMax);
  for (let k = 0; k < g.means.length; k++) g.means[k] = rng.range(-1, 1);
  for (let k = 0; k < g.logScales.length; k++) g.logScales[k] = rng.range(-6, -1);
  for (let i = 0; i < count; i++) {
    const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...q);
    g.quats.set(q.map((v) => v / n), 4 * i);
  }
  for (let i = 0; i < count; i++) g.opacityLogits[i] = rng.range(-4, 4);
  for (let k = 0; k < g.shDc.length; k++) g.shDc[k] = rng.range(-1.5, 1.5);
  for (let k = 0; k < g.shRest.length; k++) g.shRest[k] = rng.range(-0.5, 0.5);
  return g;
}
