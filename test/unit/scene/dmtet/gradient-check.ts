import { expect } from 'vitest';

/**
 * Central finite differences of `loss` in each listed entry of `values` (restored after), against the analytic
 * gradient: |analytic − numeric| ≤ atol + rtol·|numeric|. Returns how many entries had a non-zero numeric gradient,
 * so a check cannot pass vacuously.
 */
export function expectGradientMatches(
  values: Float32Array | Float64Array,
  entries: readonly number[],
  analytic: ArrayLike<number>,
  loss: () => number,
  { eps = 1e-3, atol = 1e-3, rtol = 1e-2 } = {},
): number {
  let nonZero = 0;
  for (const i of entries) {
    const saved = values[i]!;
    values[i] = saved + eps;
    const up = loss();
    values[i] = saved - eps;
    const down = loss();
    values[i] = saved;
    const step = values instanceof Float32Array ? Math.fround(saved + eps) - Math.fround(saved - eps) : 2 * eps;
    const numeric = (up - down) / step;
    if (Math.abs(numeric) > atol) nonZero++;
    expect(Math.abs(analytic[i]! - numeric), `entry ${i}: analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThanOrEqual(atol + rtol * Math.abs(numeric));
  }
  return nonZero;
}

/** Σ w·x over a buffer: a loss whose gradient with respect to x is w. */
export function weightedSum(x: ArrayLike<number>, w: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * w[i]!;
  return sum;
}
