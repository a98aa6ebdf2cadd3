import { Rng } from '../../random/rng';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { initialiseBall, logit } from './initialise';

/**
 * A trained-looking object for benchmarks and codec tests: a ball of varied, anisotropic, rotated Gaussians with
 * mixed opacity and view-dependent colour (a fresh initialisation is too uniform to stress a codec or a store).
 */
export function syntheticObject(count: number, shDegreeMax: number, seed: number): GaussianArrays {
  const rng = new Rng(seed);
  const g = initialiseBall({ count, shDegreeMax, radiusM: 0.8, scaleFactor: 0.6, colourNoise: 0.3 }, rng);
  for (let i = 0; i < count; i++) {
    g.opacityLogits[i] = logit(rng.range(0.05, 0.995));
    for (let a = 0; a < 3; a++) g.logScales[3 * i + a] = g.logScales[3 * i + a]! + rng.range(-1.5, 0.5);
    g.quats.set([rng.normal(), rng.normal(), rng.normal(), rng.normal()], 4 * i);
  }
  for (let k = 0; k < g.shRest.length; k++) g.shRest[k] = 0.2 * rng.normal();
  return g;
}
