/**
 * The scaled latents of n images from a VAE encoder's raw output. `latent_sample` (C channels) is used as is;
 * `latent_parameters` (2C channels per image: the mean, then the log-variance of the latent distribution) gives its
 * mean, the deterministic encode distillation wants (diffusers' latent_dist.mode()).
 */
export function latentMean(raw: Float32Array, n: number, latentSize: number, parameters: boolean, scalingFactor: number): Float32Array {
  const per = parameters ? 2 * latentSize : latentSize;
  if (raw.length !== n * per) throw new Error(`latentMean: ${raw.length} values for ${n} images of ${per}`);
  const out = new Float32Array(n * latentSize);
  for (let i = 0; i < n; i++) {
    const mean = raw.subarray(i * per, i * per + latentSize);
    for (let k = 0; k < latentSize; k++) out[i * latentSize + k] = mean[k]! * scalingFactor;
  }
  return out;
}
