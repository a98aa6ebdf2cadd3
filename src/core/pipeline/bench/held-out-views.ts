import type { CameraDistribution } from '../../diffusion/kiln-manifest';
import type { OrbitView } from '../../diffusion/pose-embedding';
import type { Camera } from '../../scene/cameras/camera';
import { orbitCamera } from '../../scene/cameras/orbit';

/** Held-out views sit on an orbit starting here, so none coincides with a view-prompt sector boundary or the front. */
export const HELD_OUT_AZIMUTH_OFFSET_DEG = 20;

/** The benchmarks' held-out poses: `count` azimuths at the middle of the pack's elevation range. */
export function heldOutPoses(cam: CameraDistribution, count: number): Required<OrbitView>[] {
  const elevationDeg = (cam.elevationRangeDeg[0] + cam.elevationRangeDeg[1]) / 2;
  return Array.from({ length: count }, (_, k) => ({ elevationDeg, azimuthDeg: HELD_OUT_AZIMUTH_OFFSET_DEG + (360 * k) / count, radiusM: cam.radiusM }));
}

/** The benchmarks' held-out cameras: the held-out poses at the pack's field of view and size. */
export function heldOutOrbit(cam: CameraDistribution, count: number): Camera[] {
  return heldOutPoses(cam, count).map((pose) => orbitCamera(pose, { fovYDeg: cam.fovYDeg, width: cam.imageSize, height: cam.imageSize }));
}
