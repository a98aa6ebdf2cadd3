import { describe, expect, it } from 'vitest';
import { maskedRgbLoss, maskLoss, pearsonDepthLoss, type LossWithGradient } from '../../../src/core/distill/shared/reference-losses';
import { Rng } from '../../../src/core/random/rng';

const S = 6;
const rng = new Rng(7);
const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.uniform());

/** Central differences of `f` at every entry of `x` against the analytic gradient (in float64 arithmetic on a copy). */
function worstGradientError(x: Float32Array, f: (x: Float32Array) => LossWithGradient): number {
  const analytic = f(x).gradient;
  const h = 1e-3;
  let worst = 0;
  for (let k = 0; k < x.length; k++) {
    const plus = Float32Array.from(x);
    const minus = Float32Array.from(x);
    plus[k] = x[k]! + h;
    minus[k] = x[k]! - h;
    const numeric = (f(plus).loss - f(minus).loss) / (plus[k]! - minus[k]!);
    worst = Math.max(worst, Math.abs(numeric - analytic[k]!) / Math.max(1e-3, Math.abs(numeric)));
  }
  return worst;
}

describe('reference-view losses (DTC123 L_rec)', () => {
  const mask = Float32Array.from({ length: S * S }, (_, p) => (p % 5 === 0 ? 0 : p % 3 === 0 ? 0.5 : 1));

  it('masked RGB MSE: value and finite-difference gradient; pixels outside the mask do not count', () => {
    const target = uniform(3 * S * S);
    const rgb = uniform(3 * S * S);
    expect(worstGradientError(rgb, (x) => maskedRgbLoss(x, target, mask))).toBeLessThan(2e-2);
    const outside = Float32Array.from(rgb);
    outside[0] = 0.123; // mask[0] = 0
    expect(maskedRgbLoss(outside, target, mask).loss).toBeCloseTo(maskedRgbLoss(rgb, target, mask).loss, 6);
    expect(maskedRgbLoss(target, target, mask).loss).toBe(0);
    expect(maskedRgbLoss(rgb, target, new Float32Array(S * S)).loss).toBe(0);
  });

  it('mask MSE: value and finite-difference gradient', () => {
    const alpha = uniform(S * S);
    expect(worstGradientError(alpha, (x) => maskLoss(x, mask))).toBeLessThan(2e-2);
    expect(maskLoss(mask, mask).loss).toBe(0);
  });

  it('Pearson depth: 0 for any positive affine copy, 2 for a negated one, finite-difference gradient', () => {
    const target = uniform(S * S);
    const scaled = target.map((v) => 3 * v + 0.7);
    expect(pearsonDepthLoss(scaled, target, mask).loss).toBeCloseTo(0, 5);
    expect(pearsonDepthLoss(target.map((v) => -v), target, mask).loss).toBeCloseTo(2, 5);
    const depth = uniform(S * S).map((v) => 2 + v);
    expect(worstGradientError(depth, (x) => pearsonDepthLoss(x, target, mask))).toBeLessThan(2e-2);
    const g = pearsonDepthLoss(depth, target, mask).gradient;
    mask.forEach((m, p) => m < 0.5 && expect(g[p]).toBe(0));
  });
});
