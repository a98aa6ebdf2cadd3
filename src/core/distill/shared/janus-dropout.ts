import { z } from 'zod';
import type { Rng } from '../../random/rng';

const Window = z.tuple([z.number().min(0).max(180), z.number().min(0).max(180)]).refine(([lo, hi]) => lo <= hi, { message: 'window must be [low, high]' });

/**
 * DTC123's camera-pose de-biasing (docs/dtc123.md#janus-de-biasing): teacher gradients of views in the azimuth
 * windows where each teacher tends to copy the reference's face — Zero-1-to-3 behind it, [11π/12, 13π/12], Stable
 * Diffusion on the sides, ±[π/6, π/4] — are dropped at random. Windows are in degrees of |azimuth − reference
 * azimuth| folded to [0, 180].
 */
export const JanusDropout = z.object({
  enabled: z.boolean().default(true),
  /** The paper's [11π/12, 13π/12] for the view-conditioned teacher: 165°–180° after folding. */
  viewWindowDeg: Window.default([165, 180]),
  /** The paper's ±[π/6, π/4] for the text teacher. */
  textWindowDeg: Window.default([30, 45]),
  /** Chance that a view inside a window loses its teacher gradient (unstated: "randomized dropout"; ½). */
  probability: z.number().min(0).max(1).default(0.5),
});
export type JanusDropout = z.infer<typeof JanusDropout>;

/** |azimuth − reference| folded to [0, 180] degrees. */
export function foldedRelativeAzimuthDeg(azimuthDeg: number, referenceAzimuthDeg: number): number {
  const d = (((azimuthDeg - referenceAzimuthDeg) % 360) + 360) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * Per view, whether its teacher gradient is kept: views outside `window` always; inside it, with probability
 * 1 − `probability` (one draw per such view, none for the others).
 */
export function janusKeep(azimuthsDeg: readonly number[], referenceAzimuthDeg: number, s: JanusDropout, window: readonly [number, number], rng: Rng): boolean[] {
  return azimuthsDeg.map((az) => {
    if (!s.enabled) return true;
    const d = foldedRelativeAzimuthDeg(az, referenceAzimuthDeg);
    if (d < window[0] || d > window[1]) return true;
    return rng.uniform() >= s.probability;
  });
}

/** Zeroes the gradient of each image whose flag is false (images stacked, `per` values each). */
export function dropImages(g: Float32Array, keep: readonly boolean[], per: number): Float32Array {
  keep.forEach((k, i) => k || g.fill(0, i * per, (i + 1) * per));
  return g;
}
