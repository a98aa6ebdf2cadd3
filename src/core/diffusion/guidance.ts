/**
 * How conditional and unconditional noise predictions combine. Classifier-free guidance:
 * ε̃ = ε_∅ + s·(ε_y − ε_∅) (s = 1 is conditional only). Perp-Neg (docs/methods.md §8):
 * ε̃ = ε_∅ + s·(ε_pos − Σ_i w_i·ε_neg,i^⊥), where ⊥ removes the component along ε_pos, per image.
 */

/** Writes ε̃ into `out` at `offset` when given (saves a copy on the hot path), else into a new array. */
export function classifierFreeGuidance(uncond: Float32Array, cond: Float32Array, scale: number, out = new Float32Array(cond.length), offset = 0): Float32Array {
  for (let i = 0; i < cond.length; i++) out[offset + i] = uncond[i]! + scale * (cond[i]! - uncond[i]!);
  return out;
}

/** Perp-Neg for one image: `negatives[i]` are ε(y_neg,i) predictions for the same x_t. */
export function perpNegGuidance(
  uncond: Float32Array,
  positive: Float32Array,
  negatives: readonly Float32Array[],
  weights: readonly number[],
  scale: number,
): Float32Array {
  if (negatives.length !== weights.length) throw new Error('perpNegGuidance: one weight per negative prompt');
  const n = uncond.length;
  const pos = new Float64Array(n);
  let posNorm2 = 0;
  for (let i = 0; i < n; i++) {
    pos[i] = positive[i]! - uncond[i]!;
    posNorm2 += pos[i]! * pos[i]!;
  }
  const total = Float64Array.from(pos);
  negatives.forEach((neg, k) => {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += (neg[i]! - uncond[i]!) * pos[i]!;
    const along = posNorm2 > 0 ? dot / posNorm2 : 0;
    const w = weights[k]!;
    for (let i = 0; i < n; i++) total[i]! -= w * (neg[i]! - uncond[i]! - along * pos[i]!);
  });
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = uncond[i]! + scale * total[i]!;
  return out;
}
