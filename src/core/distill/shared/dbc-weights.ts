/**
 * GE3D's dynamic balancing coefficients (docs/methods.md §5): ω(i,k) = exp(−(k − Δ_i)²/(2σ²)) with
 * Δ_i = (n − i − 1)·K/(n − 1), normalised over the n nodes i = 0..n−1 at iteration k of K. Node 0 (the finest,
 * t₀ = 0) peaks at the end of the run and node n − 1 (the coarsest) at its start. One node gets all the weight.
 */
export function dbcWeights(nodes: number, iteration: number, totalIterations: number, sigma: number): Float64Array {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error('dbcWeights: nodes must be a positive integer');
  const out = new Float64Array(nodes);
  if (nodes === 1) {
    out[0] = 1;
    return out;
  }
  const K = Math.max(1, totalIterations);
  // Normalising in log space keeps a small σ from underflowing every node to 0.
  let maxExponent = -Infinity;
  for (let i = 0; i < nodes; i++) {
    const delta = ((nodes - i - 1) * K) / (nodes - 1);
    out[i] = -((iteration - delta) ** 2) / (2 * sigma * sigma);
    maxExponent = Math.max(maxExponent, out[i]!);
  }
  let sum = 0;
  for (let i = 0; i < nodes; i++) sum += out[i] = Math.exp(out[i]! - maxExponent);
  for (let i = 0; i < nodes; i++) out[i]! /= sum;
  return out;
}
