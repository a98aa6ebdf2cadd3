import { z } from 'zod';

/**
 * Reconstruction of the reference view (DTC123's L_rec, docs/dtc123.md#reference-view): masked RGB MSE, mask MSE
 * and, when a depth estimate is given, 1 − Pearson correlation of depth inside the mask. Each function returns the
 * loss and its gradient; the weights live in ReferenceSupervision.
 *
 * The authors' weights (threestudio's zero123 system, which DTC123 builds on: λ_rgb 200, λ_mask 50, λ_depth 1) are
 * set against λ_sds = 0.003 on an SDS loss summed over Zero-1-to-3's 4×32×32 latent. Kiln's teacher gradient is a
 * per-pixel mean of weight 1 (stage-runner.ts), so the same balance is λ / (λ_sds · 4096).
 */
const AUTHORS_SDS_SUM = 0.003 * 4 * 32 * 32;

export const ReferenceSupervision = z.object({
  /** Share of iterations that render the reference view instead of teacher views (paper, §5: 25 %). */
  probability: z.number().min(0).max(1).default(0.25),
  rgbWeight: z.number().min(0).default(200 / AUTHORS_SDS_SUM),
  maskWeight: z.number().min(0).default(50 / AUTHORS_SDS_SUM),
  /** Pearson depth; used only when the reference has a depth estimate. */
  depthWeight: z.number().min(0).default(1 / AUTHORS_SDS_SUM),
});
export type ReferenceSupervision = z.infer<typeof ReferenceSupervision>;

export interface LossWithGradient {
  loss: number;
  gradient: Float32Array;
}

/** Σ_p m_p Σ_c (x − y)² / (3 Σ_p m_p) over a 3×S×S image and an S×S mask; 0 (and no gradient) for an empty mask. */
export function maskedRgbLoss(rgb: Float32Array, target: Float32Array, mask: Float32Array): LossWithGradient {
  const n = mask.length;
  let weight = 0;
  for (let p = 0; p < n; p++) weight += mask[p]!;
  const gradient = new Float32Array(rgb.length);
  if (weight <= 0) return { loss: 0, gradient };
  const norm = 1 / (3 * weight);
  let loss = 0;
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < n; p++) {
      const k = c * n + p;
      const d = rgb[k]! - target[k]!;
      loss += mask[p]! * d * d * norm;
      gradient[k] = 2 * mask[p]! * d * norm;
    }
  return { loss, gradient };
}

/** Mean over pixels of (α − m)². */
export function maskLoss(alpha: Float32Array, mask: Float32Array): LossWithGradient {
  const n = alpha.length;
  const gradient = new Float32Array(n);
  let loss = 0;
  for (let p = 0; p < n; p++) {
    const d = alpha[p]! - mask[p]!;
    loss += (d * d) / n;
    gradient[p] = (2 * d) / n;
  }
  return { loss, gradient };
}

/**
 * 1 − ρ(depth, target) over the pixels whose mask is at least ½ (Pearson correlation: invariant to the estimate's
 * unknown scale and shift). With sxy = Σ(x − x̄)(y − ȳ), sx = Σ(x − x̄)², sy likewise, ρ = sxy/√(sx·sy) and
 * ∂ρ/∂x_i = (y_i − ȳ)/√(sx·sy) − ρ·(x_i − x̄)/sx. Fewer than two pixels or a constant plane: loss 0, no gradient.
 */
export function pearsonDepthLoss(depth: Float32Array, target: Float32Array, mask: Float32Array): LossWithGradient {
  const gradient = new Float32Array(depth.length);
  const inside: number[] = [];
  for (let p = 0; p < mask.length; p++) if (mask[p]! >= 0.5) inside.push(p);
  if (inside.length < 2) return { loss: 0, gradient };
  let mx = 0;
  let my = 0;
  for (const p of inside) {
    mx += depth[p]!;
    my += target[p]!;
  }
  mx /= inside.length;
  my /= inside.length;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  for (const p of inside) {
    const dx = depth[p]! - mx;
    const dy = target[p]! - my;
    sx += dx * dx;
    sy += dy * dy;
    sxy += dx * dy;
  }
  if (sx <= 1e-20 || sy <= 1e-20) return { loss: 0, gradient };
  const root = Math.sqrt(sx * sy);
  const rho = sxy / root;
  for (const p of inside) gradient[p] = -((target[p]! - my) / root - (rho * (depth[p]! - mx)) / sx);
  return { loss: 1 - rho, gradient };
}
