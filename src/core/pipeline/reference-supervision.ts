import { maskedRgbLoss, maskLoss, pearsonDepthLoss, type ReferenceSupervision } from '../distill/shared/reference-losses';
import type { ImageGradients, Rendering } from '../scene/representation';
import type { ReferenceView } from './reference-view';

/**
 * The weighted reconstruction losses of one render of the reference camera (docs/dtc123.md#reference-view): their
 * gradients (already those of the weighted means: the stage runner applies them unscaled) and each term's value.
 */
export function referenceGradients(rendering: Rendering, reference: ReferenceView, s: ReferenceSupervision): { gradients: ImageGradients; terms: Record<string, number> } {
  const pixels = rendering.width * rendering.height;
  if (rendering.cameraCount !== 1 || reference.mask.length !== pixels || reference.rgb.length !== 3 * pixels) {
    throw new Error(`the reference view is ${Math.sqrt(reference.mask.length)}² but was rendered at ${rendering.width}×${rendering.height}`);
  }
  const rgb = maskedRgbLoss(rendering.rgb, reference.rgb, reference.mask);
  const mask = maskLoss(rendering.alpha, reference.mask);
  const terms: Record<string, number> = { referenceRgb: rgb.loss, referenceMask: mask.loss };
  const gradients: ImageGradients = {
    dRgb: rgb.gradient.map((g) => g * s.rgbWeight),
    dAlpha: mask.gradient.map((g) => g * s.maskWeight),
  };
  if (reference.depth && s.depthWeight > 0) {
    const depth = pearsonDepthLoss(rendering.depth, reference.depth, reference.mask);
    terms.referenceDepth = depth.loss;
    gradients.dDepth = depth.gradient.map((g) => g * s.depthWeight);
  }
  return { gradients, terms };
}
