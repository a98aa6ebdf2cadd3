import type { KernelCamera } from '../../render/kernel-camera';

export type Vec3 = [number, number, number];

/**
 * Kiln's camera (docs/conventions.md): right-handed world, Y up; the camera looks down its local −Z with +Y up, like
 * three.js and glTF. The rasterizer's OpenCV form is derived by toKernelCamera, the one conversion point.
 */
export interface Camera {
  position: Vec3;
  target: Vec3;
  up: Vec3;
  fovYDeg: number;
  width: number;
  height: number;
  near: number;
  far: number;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  if (n === 0) throw new Error('cannot normalise a zero vector');
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Right, up and forward unit vectors of the camera in world space (forward points at the target). */
export function cameraBasis(cam: Camera): { right: Vec3; up: Vec3; forward: Vec3 } {
  const forward = normalize(sub(cam.target, cam.position));
  let right = cross(forward, cam.up);
  if (Math.hypot(...right) < 1e-9) right = cross(forward, Math.abs(forward[1]) < 0.9 ? [0, 1, 0] : [0, 0, 1]);
  right = normalize(right);
  return { right, up: cross(right, forward), forward };
}

/** Focal length in pixels for the vertical field of view. */
export function focalPixels(fovYDeg: number, height: number): number {
  return (0.5 * height) / Math.tan((fovYDeg * Math.PI) / 360);
}

/** OpenGL camera → the kernel's OpenCV camera: rows (right, −up, forward), t = −R·position. */
export function toKernelCamera(cam: Camera): KernelCamera {
  const { right, up, forward } = cameraBasis(cam);
  const R = [...right, -up[0], -up[1], -up[2], ...forward];
  const p = cam.position;
  const t = [0, 1, 2].map((r) => -(R[3 * r]! * p[0] + R[3 * r + 1]! * p[1] + R[3 * r + 2]! * p[2]));
  const f = focalPixels(cam.fovYDeg, cam.height);
  return { R, t, fx: f, fy: f, cx: 0.5 * cam.width, cy: 0.5 * cam.height, width: cam.width, height: cam.height, near: cam.near };
}
