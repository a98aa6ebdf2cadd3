import { z } from 'zod';

export const AdamSettings = z.object({
  beta1: z.number().min(0).max(0.9999).default(0.9),
  beta2: z.number().min(0).max(0.999999).default(0.999),
  eps: z.number().positive().default(1e-15),
});
export type AdamSettings = z.infer<typeof AdamSettings>;

/**
 * One Adam step on a parameter array with its moment buffers, in place. `step` is the 1-based step count of this
 * parameter group (bias correction); moments of newly added entries are simply zero.
 */
export function adamStep(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  step: number,
  s: AdamSettings,
): void {
  const c1 = 1 - s.beta1 ** step;
  const c2 = 1 - s.beta2 ** step;
  const stepSize = lr / c1;
  const sqrtC2 = Math.sqrt(c2);
  for (let k = 0; k < param.length; k++) {
    const g = grad[k]!;
    const mk = s.beta1 * m[k]! + (1 - s.beta1) * g;
    const vk = s.beta2 * v[k]! + (1 - s.beta2) * g * g;
    m[k] = mk;
    v[k] = vk;
    param[k]! -= (stepSize * mk) / (Math.sqrt(vk) / sqrtC2 + s.eps);
  }
}
