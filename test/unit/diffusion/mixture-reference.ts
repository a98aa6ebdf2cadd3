/**
 * Plain float64 reference of the demo prior's exact denoiser (docs/architecture.md), written straight from the formula:
 * π_i ∝ w_i·exp(−‖x_t − √ᾱ x_i‖²/2v), x̂₀ = Σ π_i (x_i + (σ²√ᾱ/v)(x_t − √ᾱ x_i)), ε̂ = (x_t − √ᾱ x̂₀)/√(1−ᾱ).
 */
export function referenceEpsilon(
  xt: Float32Array,
  centres: Float32Array,
  logWeights: readonly number[],
  alphaBar: number,
  sigmaData: number,
): Float64Array {
  const D = xt.length;
  const N = logWeights.length;
  const sa = Math.sqrt(alphaBar);
  const v = 1 - alphaBar + alphaBar * sigmaData ** 2;
  const logits = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let d2 = 0;
    for (let d = 0; d < D; d++) d2 += (xt[d]! - sa * centres[i * D + d]!) ** 2;
    logits[i] = logWeights[i]! - d2 / (2 * v);
  }
  const max = Math.max(...logits);
  const pis = Array.from(logits, (l) => Math.exp(l - max));
  const total = pis.reduce((a, b) => a + b, 0);
  const shrink = (sigmaData ** 2 * sa) / v;
  const eps = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let x0 = 0;
    for (let i = 0; i < N; i++) {
      const c = centres[i * D + d]!;
      x0 += (pis[i]! / total) * (c + shrink * (xt[d]! - sa * c));
    }
    eps[d] = (xt[d]! - sa * x0) / Math.sqrt(1 - alphaBar);
  }
  return eps;
}

export function psnr(a: Float32Array, b: Float32Array, peakToPeak = 2): number {
  let mse = 0;
  for (let i = 0; i < a.length; i++) mse += (a[i]! - b[i]!) ** 2;
  mse /= a.length;
  return 10 * Math.log10((peakToPeak * peakToPeak) / mse);
}

export function nearestIndex(x: Float32Array, centres: Float32Array): number {
  const D = x.length;
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < centres.length / D; i++) {
    let d2 = 0;
    for (let d = 0; d < D; d++) d2 += (x[d]! - centres[i * D + d]!) ** 2;
    if (d2 < bestD) {
      bestD = d2;
      best = i;
    }
  }
  return best;
}
