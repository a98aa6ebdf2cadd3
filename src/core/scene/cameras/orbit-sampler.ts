import { z } from 'zod';
import type { Rng } from '../../random/rng';
import type { Camera } from './camera';
import { orbitCamera } from './orbit';

const Range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, { message: 'range must be [low, high]' });

/** Where training cameras come from: a random orbit around the origin (docs/methods.md §8, matched to the prior). */
export const OrbitSamplerSettings = z.object({
  radiusM: Range.default([2.5, 2.5]),
  fovYDeg: Range.default([45, 45]),
  elevationDeg: Range.default([-10, 45]),
  azimuthDeg: Range.default([-180, 180]),
  /** Standard deviation of a random offset of the look-at point (metres). */
  lookAtJitterM: z.number().min(0).default(0),
  width: z.number().int().positive().default(64),
  height: z.number().int().positive().default(64),
  /**
   * The poses a prior was trained on, when it knows only a fixed set of them (Kiln's demo packs; Zero123++ and
   * SyncDreamer are such models too): each view is one of these, at the drawn radius and field of view, instead of a
   * point of the elevation band. Off a pack's own poses its denoised view is its nearest pose's, up to half a step
   * away: a photometric pull towards a misregistered image (docs/bench/readme-glb.md).
   */
  views: z.array(z.object({ elevationDeg: z.number(), azimuthDeg: z.number() })).min(1).optional(),
});
export type OrbitSamplerSettings = z.infer<typeof OrbitSamplerSettings>;

export interface SampledView {
  camera: Camera;
  elevationDeg: number;
  azimuthDeg: number;
  radiusM: number;
}

/** One random view; deterministic for a given RNG state. */
export function sampleOrbitView(s: OrbitSamplerSettings, rng: Rng): SampledView {
  const radiusM = rng.range(s.radiusM[0], s.radiusM[1]);
  // Uniform on the sphere's band between the elevation limits, not uniform in angle (which crowds the poles).
  const sinLo = Math.sin((s.elevationDeg[0] * Math.PI) / 180);
  const sinHi = Math.sin((s.elevationDeg[1] * Math.PI) / 180);
  const pose = s.views?.[rng.int(0, s.views.length - 1)];
  const elevationDeg = pose?.elevationDeg ?? (Math.asin(rng.range(sinLo, sinHi)) * 180) / Math.PI;
  const azimuthDeg = pose?.azimuthDeg ?? rng.range(s.azimuthDeg[0], s.azimuthDeg[1]);
  const fovYDeg = rng.range(s.fovYDeg[0], s.fovYDeg[1]);
  const j = s.lookAtJitterM;
  const target: [number, number, number] = j > 0 ? [rng.normal() * j, rng.normal() * j, rng.normal() * j] : [0, 0, 0];
  const camera = orbitCamera({ radiusM, elevationDeg, azimuthDeg, target }, { fovYDeg, width: s.width, height: s.height });
  return { camera, elevationDeg, azimuthDeg, radiusM };
}

/** Fixed evaluation views: `count` azimuths evenly spaced at one elevation (turntables, held-out scoring). */
export function evaluationOrbit(
  count: number,
  o: { elevationDeg: number; radiusM: number; fovYDeg: number; width: number; height: number; azimuthOffsetDeg?: number },
): Camera[] {
  return Array.from({ length: count }, (_, k) =>
    orbitCamera(
      { radiusM: o.radiusM, elevationDeg: o.elevationDeg, azimuthDeg: (o.azimuthOffsetDeg ?? 0) + (360 * k) / count },
      { fovYDeg: o.fovYDeg, width: o.width, height: o.height },
    ),
  );
}
