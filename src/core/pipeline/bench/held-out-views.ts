import type { CameraDistribution } from '../../diffusion/kiln-manifest';
import type { Camera } from '../../scene/cameras/camera';
import { evaluationOrbit } from '../../scene/cameras/orbit-sampler';

/** Held-out views sit on an orbit starting here, so none coincides with a view-prompt sector boundary or the front. */
export const HELD_OUT_AZIMUTH_OFFSET_DEG = 20;

/** The benchmarks' held-out cameras: `count` azimuths at the middle of the pack's elevation range, at its size. */
export function heldOutOrbit(cam: CameraDistribution, count: number): Camera[] {
  return evaluationOrbit(count, {
    elevationDeg: (cam.elevationRangeDeg[0] + cam.elevationRangeDeg[1]) / 2,
    radiusM: cam.radiusM,
    fovYDeg: cam.fovYDeg,
    width: cam.imageSize,
    height: cam.imageSize,
    azimuthOffsetDeg: HELD_OUT_AZIMUTH_OFFSET_DEG,
  });
}
