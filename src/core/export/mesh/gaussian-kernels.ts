import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { quatToRotation } from '../../scene/gaussians/quaternion';

/** Gaussians with less opacity than this add nothing visible to a surface or its colour. */
export const NEGLIGIBLE_OPACITY = 1 / 255;
/** A Gaussian's support is cut at this many standard deviations (its 3σ box). */
export const SUPPORT_SIGMAS = 3;

/**
 * What the field and the baker need per Gaussian, in float64: opacity σ(logit), the inverse covariance Σ⁻¹ =
 * R·S⁻²·Rᵀ (xx, xy, xz, yy, yz, zz) and the half-size of the axis-aligned 3σ box (3·√Σ_aa per axis). Gaussians
 * below NEGLIGIBLE_OPACITY are left out; `source` maps back to the input rows.
 */
export interface GaussianKernels {
  count: number;
  source: Uint32Array;
  means: Float64Array;
  opacity: Float64Array;
  inverseCovariance: Float64Array;
  halfExtent: Float64Array;
}

export function gaussianKernels(g: GaussianArrays): GaussianKernels {
  const keep: number[] = [];
  for (let i = 0; i < g.count; i++) if (1 / (1 + Math.exp(-g.opacityLogits[i]!)) >= NEGLIGIBLE_OPACITY) keep.push(i);
  const n = keep.length;
  const k: GaussianKernels = {
    count: n,
    source: Uint32Array.from(keep),
    means: new Float64Array(3 * n),
    opacity: new Float64Array(n),
    inverseCovariance: new Float64Array(6 * n),
    halfExtent: new Float64Array(3 * n),
  };
  keep.forEach((i, row) => {
    for (let a = 0; a < 3; a++) k.means[3 * row + a] = g.means[3 * i + a]!;
    k.opacity[row] = 1 / (1 + Math.exp(-g.opacityLogits[i]!));
    const R = quatToRotation(g.quats[4 * i]!, g.quats[4 * i + 1]!, g.quats[4 * i + 2]!, g.quats[4 * i + 3]!);
    const s = [0, 1, 2].map((a) => Math.exp(g.logScales[3 * i + a]!));
    const inv2 = s.map((v) => 1 / (v * v));
    const sq = s.map((v) => v * v);
    // Σ⁻¹_rc = Σ_m R_rm R_cm / s_m², Σ_rr = Σ_m R_rm² s_m².
    const entry = (r: number, c: number, w: number[]) => R[3 * r]! * R[3 * c]! * w[0]! + R[3 * r + 1]! * R[3 * c + 1]! * w[1]! + R[3 * r + 2]! * R[3 * c + 2]! * w[2]!;
    k.inverseCovariance.set([entry(0, 0, inv2), entry(0, 1, inv2), entry(0, 2, inv2), entry(1, 1, inv2), entry(1, 2, inv2), entry(2, 2, inv2)], 6 * row);
    for (let a = 0; a < 3; a++) k.halfExtent[3 * row + a] = SUPPORT_SIGMAS * Math.sqrt(entry(a, a, sq));
  });
  return k;
}

/** The Mahalanobis form dᵀΣ⁻¹d of Gaussian `row` at offset d from its mean. */
export function mahalanobis2(k: GaussianKernels, row: number, dx: number, dy: number, dz: number): number {
  const q = k.inverseCovariance;
  const o = 6 * row;
  return q[o]! * dx * dx + q[o + 3]! * dy * dy + q[o + 5]! * dz * dz + 2 * (q[o + 1]! * dx * dy + q[o + 2]! * dx * dz + q[o + 4]! * dy * dz);
}
