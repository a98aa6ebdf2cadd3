import { Vector3 } from 'three';

/**
 * A camera pose several viewports share (compare's split view): the pane the artist last touched drives it, the
 * others follow every frame.
 */
export class CameraLink {
  readonly position = new Vector3();
  readonly target = new Vector3();
  driver: string | null = null;
}
