import { encodePngRgb, chwToRgbBytes } from '../image/png';
import { orbitCamera } from '../scene/cameras/orbit';
import type { OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { Representation } from '../scene/representation';

export const THUMBNAIL_SIZE = 128;

/** The one view every thumbnail of every run is taken from, so a timeline strip compares like with like. */
export const THUMBNAIL_POSE = { elevationDeg: 20, azimuthDeg: 30 } as const;

export function renderThumbnail(representation: Representation, sampler: OrbitSamplerSettings, background: readonly [number, number, number]): Buffer {
  const camera = orbitCamera(
    { radiusM: (sampler.radiusM[0] + sampler.radiusM[1]) / 2, ...THUMBNAIL_POSE },
    { fovYDeg: (sampler.fovYDeg[0] + sampler.fovYDeg[1]) / 2, width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE },
  );
  const out = representation.renderPreview?.([camera], background) ?? representation.render([camera], background);
  return encodePngRgb(chwToRgbBytes(out.rgb, THUMBNAIL_SIZE, THUMBNAIL_SIZE), THUMBNAIL_SIZE, THUMBNAIL_SIZE);
}
