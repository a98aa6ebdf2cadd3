import type { Prior } from '../../diffusion/prior';
import type { Rng } from '../../random/rng';
import { addNoise, toPriorSpace } from './prior-space';
import { sampleTimestep, type TimestepRange } from './timesteps';
import type { StepConditioning } from './view-conditioning';

export interface NoisedPrediction {
  /** The renders in the prior's sample space. */
  z: Float32Array;
  t: number;
  alphaBar: number;
  eps: Float32Array;
  xt: Float32Array;
  /** ε̃(x_t, t, y) with classifier-free guidance (or Perp-Neg), each image on its own conditioning when given one each. */
  epsHat: Float32Array;
}

/** The SDS-family step: sample t, noise the renders with fresh ε, and predict the guided noise in one UNet call. */
export async function noisedPrediction(
  prior: Prior,
  images: Float32Array,
  timesteps: TimestepRange,
  iteration: number,
  conditioning: StepConditioning,
  rng: Rng,
): Promise<NoisedPrediction> {
  const z = await toPriorSpace(prior, images);
  const t = sampleTimestep(timesteps, iteration, prior.schedule.trainTimesteps, rng);
  const alphaBar = prior.schedule.alphaBar(t);
  const eps = rng.fillNormal(new Float32Array(z.length));
  const xt = addNoise(z, eps, alphaBar);
  const epsHat = await prior.predictNoise(xt, t, conditioning.cond, conditioning.guidance);
  return { z, t, alphaBar, eps, xt, epsHat };
}
