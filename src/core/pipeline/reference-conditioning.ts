import type { OrbitView } from '../diffusion/pose-embedding';
import type { Conditioning, Prior } from '../diffusion/prior';
import { preprocessReferenceImage } from '../image/reference/preprocess-reference-image';
import { orbitCamera } from '../scene/cameras/orbit';
import type { ReferenceView } from './reference-view';
import type { ResolvedReference } from './run-config';

/** An image run's conditioning: the prior conditioned on the photo, and the photo as the stage runner sees it. */
export interface ImageConditioning {
  /** The reference latent with the reference camera's own pose; methods re-pose it per view (posedConditioning). */
  conditioning: Conditioning;
  referenceCamera: OrbitView;
  reference: ReferenceView;
}

/**
 * Preprocesses the stored photo at the prior's resolution on the run's background (the framing the prior was
 * trained with: docs/reference-images.md), conditions the prior on it, and places it at the reference camera
 * (azimuth 0, the run's elevation, distance and field of view). A pure function of the stored bytes and config, so
 * a resumed run conditions exactly as the uninterrupted one did.
 */
export async function conditionOnReference(prior: Prior, bytes: Uint8Array, reference: ResolvedReference, background: readonly [number, number, number]): Promise<ImageConditioning> {
  const size = prior.imageSize;
  const { elevationDeg, azimuthDeg, radiusM, fovYDeg } = reference.camera;
  const referenceCamera: OrbitView = { elevationDeg, azimuthDeg, radiusM };
  const photo = await preprocessReferenceImage(bytes, { ...reference.settings, size, background: [...background] }, { name: reference.name });
  const conditioning = await prior.conditionOnView(photo.image.map((v) => 2 * v - 1), [[0, 0, 1, 0]]);
  return {
    conditioning,
    referenceCamera,
    reference: { camera: orbitCamera({ elevationDeg, azimuthDeg, radiusM }, { fovYDeg, width: size, height: size }), rgb: photo.image, mask: photo.mask },
  };
}
