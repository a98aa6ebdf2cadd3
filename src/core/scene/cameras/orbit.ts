import type { Camera, Vec3 } from './camera';

/** An orbit pose (docs/conventions.md): elevation in degrees above the XZ plane, azimuth in degrees from +Z toward +X. */
export interface OrbitPose {
  radiusM: number;
  elevationDeg: number;
  azimuthDeg: number;
  target?: Vec3;
}

export interface ImageSpec {
  fovYDeg: number;
  width: number;
  height: number;
  near?: number;
  far?: number;
}

export function orbitPosition(pose: OrbitPose): Vec3 {
  const el = (pose.elevationDeg * Math.PI) / 180;
  const az = (pose.azimuthDeg * Math.PI) / 180;
  const [tx, ty, tz] = pose.target ?? [0, 0, 0];
  return [
    tx + pose.radiusM * Math.cos(el) * Math.sin(az),
    ty + pose.radiusM * Math.sin(el),
    tz + pose.radiusM * Math.cos(el) * Math.cos(az),
  ];
}

export function orbitCamera(pose: OrbitPose, image: ImageSpec): Camera {
  return {
    position: orbitPosition(pose),
    target: pose.target ?? [0, 0, 0],
    up: [0, 1, 0],
    fovYDeg: image.fovYDeg,
    width: image.width,
    height: image.height,
    near: image.near ?? 0.01,
    far: image.far ?? 100,
  };
}

/** The orbit pose a camera looking at its target sits on (the inverse of orbitPosition about that target). */
export function orbitPoseOf(camera: Camera): OrbitPose {
  const [x, y, z] = [0, 1, 2].map((i) => camera.position[i]! - camera.target[i]!) as Vec3;
  const radiusM = Math.hypot(x, y, z);
  if (radiusM === 0) throw new Error('orbitPoseOf: the camera sits on its target');
  return {
    radiusM,
    elevationDeg: (Math.asin(y / radiusM) * 180) / Math.PI,
    azimuthDeg: (Math.atan2(x, z) * 180) / Math.PI,
    target: [...camera.target] as Vec3,
  };
}
