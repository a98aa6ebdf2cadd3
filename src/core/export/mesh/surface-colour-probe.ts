import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { evalShBasis, shCoeffCount } from '../../scene/gaussians/spherical-harmonics';
import { cellAt, type GaussianCellIndex } from './gaussian-cell-index';
import { SUPPORT_SIGMAS, type GaussianKernels } from './gaussian-kernels';

/** The rasterizer's cap on one Gaussian's alpha, and the transmittance at which compositing stops. */
const MAX_ALPHA = 0.99;
const MIN_TRANSMITTANCE = 1e-3;

/**
 * The colour the Gaussians show at a surface point p with outward normal n: what an orthographic camera looking
 * down −n at p sees, composited front to back as the 3DGS rasterizer does — each Gaussian's alpha is σ(o)·exp(−½m)
 * with m the smallest Mahalanobis form along the ray (exactly the projected 2D Gaussian of an orthographic view),
 * its colour the SH evaluated in the viewing direction, and the order by depth of its centre. The ray runs from
 * p + reach·n to p − reach·n, so Gaussians far inside or far in front do not count. The result is normalised by
 * the accumulated alpha (there is no background on a surface).
 */
export class SurfaceColourProbe {
  private readonly basis = new Float64Array(16);
  private readonly depth: number[] = [];
  private readonly alpha: number[] = [];
  private readonly row: number[] = [];
  private readonly order: number[] = [];
  private readonly coeffs: number;
  private readonly restStride: number;

  constructor(
    private readonly g: GaussianArrays,
    private readonly k: GaussianKernels,
    private readonly index: GaussianCellIndex,
    private readonly reachM: number,
  ) {
    this.coeffs = shCoeffCount(g.shDegreeMax);
    this.restStride = 3 * (this.coeffs - 1);
  }

  /** Writes the colour (sRGB-encoded, [0, 1]) into out and returns the accumulated alpha (0: nothing there). */
  sample(px: number, py: number, pz: number, nx: number, ny: number, nz: number, out: Float64Array): number {
    const cell = cellAt(this.index, px, py, pz);
    if (cell < 0) return 0;
    const { k, reachM } = this;
    const ox = px + reachM * nx, oy = py + reachM * ny, oz = pz + reachM * nz;
    const dx = -nx, dy = -ny, dz = -nz;
    const tMax = 2 * reachM;
    const cutoff = SUPPORT_SIGMAS * SUPPORT_SIGMAS;
    this.depth.length = this.alpha.length = this.row.length = 0;
    const q = k.inverseCovariance;
    for (let s = this.index.cellStart[cell]!; s < this.index.cellStart[cell + 1]!; s++) {
      const r = this.index.rows[s]!;
      const mx = k.means[3 * r]! - ox, my = k.means[3 * r + 1]! - oy, mz = k.means[3 * r + 2]! - oz;
      const o = 6 * r;
      // Σ⁻¹d and the quadratic along the ray, (t·d − m)ᵀΣ⁻¹(t·d − m), minimised over t ∈ [0, tMax].
      const sx = q[o]! * dx + q[o + 1]! * dy + q[o + 2]! * dz;
      const sy = q[o + 1]! * dx + q[o + 3]! * dy + q[o + 4]! * dz;
      const sz = q[o + 2]! * dx + q[o + 4]! * dy + q[o + 5]! * dz;
      const dd = sx * dx + sy * dy + sz * dz;
      const dm = sx * mx + sy * my + sz * mz;
      const t = Math.min(tMax, Math.max(0, dm / dd));
      const rx = t * dx - mx, ry = t * dy - my, rz = t * dz - mz;
      const m = q[o]! * rx * rx + q[o + 3]! * ry * ry + q[o + 5]! * rz * rz + 2 * (q[o + 1]! * rx * ry + q[o + 2]! * rx * rz + q[o + 4]! * ry * rz);
      if (m >= cutoff) continue;
      const a = Math.min(MAX_ALPHA, k.opacity[r]! * Math.exp(-0.5 * m));
      if (a < 1 / 255) continue;
      this.depth.push(mx * dx + my * dy + mz * dz);
      this.alpha.push(a);
      this.row.push(r);
    }
    const n = this.depth.length;
    if (n === 0) return 0;
    const order = this.order;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => this.depth[a]! - this.depth[b]!);
    evalShBasis(this.g.shDegreeMax, dx, dy, dz, this.basis);
    let T = 1, r = 0, gr = 0, b = 0;
    for (const i of order) {
      const w = T * this.alpha[i]!;
      const src = k.source[this.row[i]!]!;
      r += w * this.channel(src, 0);
      gr += w * this.channel(src, 1);
      b += w * this.channel(src, 2);
      T *= 1 - this.alpha[i]!;
      if (T < MIN_TRANSMITTANCE) break;
    }
    const covered = 1 - T;
    out[0] = Math.min(1, r / covered);
    out[1] = Math.min(1, gr / covered);
    out[2] = Math.min(1, b / covered);
    return covered;
  }

  /** SH colour of Gaussian `i` (an input row) for channel c in the current basis, +0.5, clamped ≥ 0 (docs/conventions.md). */
  private channel(i: number, c: number): number {
    let sum = this.basis[0]! * this.g.shDc[3 * i + c]!;
    const base = i * this.restStride + c * (this.coeffs - 1);
    for (let j = 1; j < this.coeffs; j++) sum += this.basis[j]! * this.g.shRest[base + j - 1]!;
    return Math.max(0, sum + 0.5);
  }
}
