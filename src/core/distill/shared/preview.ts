import type { Prior } from '../../diffusion/prior';
import { fromPriorSpace, predictX0 } from './prior-space';

/** The prior's x̂₀ = (x_t − √(1−ᾱ)·ε̂)/√ᾱ for the first of the batch's images, in [0, 1] (GuidanceResult.x0Preview). */
export async function firstImageX0(prior: Prior, imageCount: number, xt: Float32Array, epsHat: Float32Array, alphaBar: number): Promise<Float32Array> {
  const single = xt.length / imageCount;
  return fromPriorSpace(prior, predictX0(xt.subarray(0, single), epsHat.subarray(0, single), alphaBar));
}

/** How many S×S RGB images a channels-first batch holds. */
export function imageCount(prior: Prior, images: Float32Array): number {
  return images.length / (3 * prior.imageSize * prior.imageSize);
}
