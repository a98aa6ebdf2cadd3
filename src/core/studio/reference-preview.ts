import sharp from 'sharp';
import type { z } from 'zod';
import type { ReferencePreview, ReferencePreviewRequest } from '../../shared/runs';
import { preprocessReferenceImage } from '../image/reference/preprocess-reference-image';
import { defaultModel, modelFacts } from '../pipeline/open-run-prior';

/** The side of the preview images: the framing is the same at any size, and the prior's own (64 for the demo) is too small to judge a mask. */
const PREVIEW_SIZE = 256;

const pngDataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * The reference-image panel's preview: the photo cut out and framed with the request's settings and the model's
 * framing default, exactly as storeReferenceImage and the engine preprocess it (at a size fit to look at).
 */
export async function previewReference(request: z.output<typeof ReferencePreviewRequest>): Promise<ReferencePreview> {
  const { recentreReference } = modelFacts(request.model ?? defaultModel(true));
  const photo = await preprocessReferenceImage(Buffer.from(request.data, 'base64'), { recentre: recentreReference, ...request.settings, size: PREVIEW_SIZE }, { name: request.name });
  const mask = Uint8Array.from(photo.mask, (v) => Math.round(v * 255));
  const maskPng = await sharp(mask, { raw: { width: PREVIEW_SIZE, height: PREVIEW_SIZE, channels: 1 } }).png().toBuffer();
  return {
    cutout: pngDataUrl(photo.previewPng),
    mask: pngDataUrl(maskPng),
    maskSource: photo.maskSource,
    warnings: photo.warnings,
    width: photo.source.width,
    height: photo.source.height,
  };
}
