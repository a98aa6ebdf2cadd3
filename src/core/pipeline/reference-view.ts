import type { Camera } from '../scene/cameras/camera';

/**
 * The reference photo of an image-conditioned run as the stage runner uses it: the camera it is taken to be seen
 * from, and its preprocessed pixels at the render size (docs/dtc123.md). Generation builds it from the stored,
 * preprocessed reference image; methods that supervise the reference view (DTC123) render this camera.
 */
export interface ReferenceView {
  camera: Camera;
  /** 3×S×S channels-first in [0, 1], composited on the run's background. */
  rgb: Float32Array;
  /** S×S foreground mask in [0, 1]. */
  mask: Float32Array;
  /** S×S relative depth estimate (larger = farther), when one is available; compared up to scale and shift. */
  depth?: Float32Array;
}
