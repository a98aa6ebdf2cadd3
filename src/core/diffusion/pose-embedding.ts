import { z } from 'zod';

/** Entries in a view-conditioned UNet's pose vector (Zero-1-to-3's `T`). */
export const POSE_SIZE = 4;

/**
 * Which pose vector a view-conditioned pack was trained with (docs/reference-images.md#pose-embedding):
 * - `zero123` (Zero-1-to-3, Zero123-XL): [Δpolar (rad), sin Δazimuth, cos Δazimuth, Δradius];
 * - `stable-zero123` (Stable Zero123): the same first three, then the reference view's absolute polar angle (rad).
 */
export const PoseConvention = z.enum(['zero123', 'stable-zero123']);
export type PoseConvention = z.infer<typeof PoseConvention>;

/** A camera on Kiln's orbit (docs/conventions.md): elevation above the XZ plane, azimuth from +Z toward +X, degrees. */
export interface OrbitView {
  elevationDeg: number;
  azimuthDeg: number;
  /** Distance to the orbit's centre; only its difference between two views enters the `zero123` pose. */
  radiusM?: number;
}

const RAD = Math.PI / 180;

/**
 * The pose vector that asks a view-conditioned model for `target` given an image seen from `reference`.
 *
 * Polar is measured from the up axis (90° − elevation), so Δpolar = elevation(reference) − elevation(target): looking
 * from higher up is a negative Δpolar. Kiln's azimuth turns counter-clockwise seen from above, the same sense as
 * Zero-1-to-3's (atan2(y, x) in Blender's Z-up world): both are positive rotations about the up axis, so Δazimuth
 * carries over unchanged although the two azimuths' zeros differ (test/unit/diffusion/pose-embedding.test.ts checks
 * this against Zero-1-to-3's own spherical coordinates of the same cameras).
 */
export function poseEmbedding(reference: OrbitView, target: OrbitView, convention: PoseConvention): [number, number, number, number] {
  const dPolar = (reference.elevationDeg - target.elevationDeg) * RAD;
  const dAzimuth = (target.azimuthDeg - reference.azimuthDeg) * RAD;
  const fourth = convention === 'zero123' ? (target.radiusM ?? 0) - (reference.radiusM ?? 0) : (90 - reference.elevationDeg) * RAD;
  return [dPolar, Math.sin(dAzimuth), Math.cos(dAzimuth), fourth];
}
