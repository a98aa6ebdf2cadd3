import { Vector3, type PerspectiveCamera } from 'three';

/** Objects are generated inside the unit ball around the origin (docs/conventions.md); fit view frames that volume. */
export const WORKING_VOLUME_RADIUS_M = 1;
export const DEFAULT_VIEW_DIRECTION = new Vector3(1, 0.7, 1.6).normalize();

/**
 * Camera distance at which a sphere of `radius` fills the viewport with `margin`, for the tighter of the vertical
 * and horizontal fields of view.
 */
export function fitDistance(radius: number, fovYDeg: number, aspect: number, margin = 1.15): number {
  const halfY = (fovYDeg * Math.PI) / 360;
  const halfX = Math.atan(Math.tan(halfY) * aspect);
  return (radius * margin) / Math.sin(Math.min(halfX, halfY));
}

/** Moves the camera along its current viewing direction so the sphere (centre, radius) fits the view. */
export function fitCameraToSphere(camera: PerspectiveCamera, target: Vector3, centre: Vector3, radius: number): void {
  const direction = camera.position.clone().sub(target);
  if (direction.lengthSq() < 1e-12) direction.copy(DEFAULT_VIEW_DIRECTION);
  direction.normalize();
  camera.position.copy(centre).addScaledVector(direction, fitDistance(radius, camera.fov, camera.aspect));
  target.copy(centre);
  camera.near = radius * 0.01;
  camera.far = radius * 200;
  camera.updateProjectionMatrix();
}
