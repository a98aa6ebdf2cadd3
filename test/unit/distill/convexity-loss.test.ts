import { describe, expect, it } from 'vitest';
import { convexityLoss, type ConvexityOptions } from '../../../src/core/distill/shared/convexity-loss';
import { Rng } from '../../../src/core/random/rng';

const S = 16;
const TAN = Math.tan((40 * Math.PI) / 360);
const OPTIONS: ConvexityOptions = { size: S, tanHalfFovY: TAN, alphaThreshold: 0.5, weight: 0.1 };

/** z-depth of a sphere (radius R, centre 2.5 m in front of the camera): its near side, or its far (hollow) side. */
function sphere(side: 'near' | 'far'): { depth: Float64Array; alpha: Float64Array } {
  const depth = new Float64Array(S * S);
  const alpha = new Float64Array(S * S);
  const D = 2.5;
  const R = 0.7;
  for (let i = 0; i < S; i++)
    for (let j = 0; j < S; j++) {
      const x = (((j + 0.5) * 2) / S - 1) * TAN;
      const y = (1 - ((i + 0.5) * 2) / S) * TAN;
      const d2 = x * x + y * y + 1;
      const disc = D * D - d2 * (D * D - R * R);
      if (disc <= 0) continue;
      depth[i * S + j] = (D + (side === 'near' ? -1 : 1) * Math.sqrt(disc)) / d2;
      alpha[i * S + j] = 1;
    }
  return { depth, alpha };
}

describe('convexity loss on depth-derived normals', () => {
  it('is negative on a sphere’s convex front and positive on its hollow back', () => {
    const near = sphere('near');
    const far = sphere('far');
    const convex = convexityLoss(near.depth, near.alpha, OPTIONS);
    const hollow = convexityLoss(far.depth, far.alpha, OPTIONS);
    expect(convex.pairs).toBeGreaterThan(50);
    expect(convex.loss).toBeLessThan(0);
    expect(hollow.loss).toBeGreaterThan(0);
    // A plane facing the camera has parallel normals: no loss (bending it either way moves the loss, so no zero gradient).
    const plane = convexityLoss(new Float64Array(S * S).fill(2), new Float64Array(S * S).fill(1), OPTIONS);
    expect(Math.abs(plane.loss)).toBeLessThan(1e-12);
  });

  it('skips pixels without surface (alpha below the threshold, or no depth)', () => {
    const none = convexityLoss(new Float64Array(2 * S * S), new Float64Array(2 * S * S).fill(1), OPTIONS);
    expect(none.pairs).toBe(0);
    expect(none.loss).toBe(0);
    expect(none.dDepth.every((v) => v === 0)).toBe(true);
  });

  it('its gradient matches central finite differences (two images, partial alpha)', () => {
    const rng = new Rng(11);
    const n = 2;
    const depth = new Float64Array(n * S * S);
    const alpha = new Float64Array(n * S * S);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < S; i++)
        for (let j = 0; j < S; j++) {
          const k = b * S * S + i * S + j;
          depth[k] = 2.4 + 0.2 * Math.sin(0.5 * i + b) * Math.cos(0.4 * j) + 0.02 * rng.normal();
          alpha[k] = rng.uniform() < 0.1 ? 0.2 : 0.6 + 0.4 * rng.uniform();
        }
    const { dDepth } = convexityLoss(depth, alpha, OPTIONS);
    const h = 1e-6;
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < depth.length; k += 3) {
      const saved = depth[k]!;
      depth[k] = saved + h;
      const plus = convexityLoss(depth, alpha, OPTIONS).loss;
      depth[k] = saved - h;
      const minus = convexityLoss(depth, alpha, OPTIONS).loss;
      depth[k] = saved;
      const numeric = (plus - minus) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - dDepth[k]!));
      scale = Math.max(scale, Math.abs(numeric));
    }
    expect(scale).toBeGreaterThan(1e-3);
    expect(worst).toBeLessThan(1e-6 * Math.max(1, scale));
  });

  it('descending its gradient makes a hollow surface less hollow', () => {
    const { depth, alpha } = sphere('far');
    const start = convexityLoss(depth, alpha, OPTIONS).loss;
    for (let step = 0; step < 20; step++) {
      const { dDepth } = convexityLoss(depth, alpha, OPTIONS);
      for (let k = 0; k < depth.length; k++) depth[k]! -= 1e-3 * dDepth[k]!;
    }
    expect(convexityLoss(depth, alpha, OPTIONS).loss).toBeLessThan(start);
  });
});
