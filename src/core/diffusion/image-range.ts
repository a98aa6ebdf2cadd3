/** The renderer gives [0, 1]; diffusion models see [−1, 1] (docs/conventions.md). Convert only at the prior boundary. */
export function toPriorRange(image01: Float32Array): Float32Array {
  const out = new Float32Array(image01.length);
  for (let i = 0; i < out.length; i++) out[i] = image01[i]! * 2 - 1;
  return out;
}

export function fromPriorRange(image: Float32Array): Float32Array {
  const out = new Float32Array(image.length);
  for (let i = 0; i < out.length; i++) out[i] = (image[i]! + 1) / 2;
  return out;
}

/** Chain-rule factor for a gradient taken in [−1, 1] and applied to the [0, 1] render. */
export const PRIOR_RANGE_GRADIENT_SCALE = 2;
