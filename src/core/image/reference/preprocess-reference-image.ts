import sharp from 'sharp';
import { ReferenceImageSettings, type ReferenceImageSettingsInput } from '../../../shared/reference-image-settings';
import { classicalForeground } from './classical-foreground';
import { decodeReferenceImage, type DecodedImage, type ReferenceFormat } from './decode-reference-image';
import type { ForegroundSegmenter } from './foreground-segmenter';
import { frameReference, maskBox, type PixelBox } from './frame-reference';
import { invalidImage } from './invalid-image';

export type MaskSource = 'alpha' | 'segmentation-pack' | 'built-in';

/** A reference photo as a view-conditioned prior takes it (docs/reference-images.md). */
export interface PreprocessedReference {
  settings: ReferenceImageSettings;
  /** 3×S×S float32 in [0, 1] (sRGB values), the object on `settings.background`; ×2 − 1 for the prior. */
  image: Float32Array;
  /** S×S float32 in [0, 1]. */
  mask: Float32Array;
  /** Where the object's mask box (mask ≥ 0.5) landed in the S×S frame. */
  objectBox: PixelBox;
  /** The cut-out (S×S RGBA PNG, the mask as alpha) to show the artist. */
  previewPng: Buffer;
  maskSource: MaskSource;
  /** Things the artist should check, e.g. that the built-in segmentation cut the object out right. */
  warnings: string[];
  source: { format: ReferenceFormat; width: number; height: number };
}

export interface PreprocessOptions {
  /** Names the image in errors ("photo.png"); default "The image". */
  name?: string;
  /** Segments opaque photos when given (an installed segmentation pack); otherwise the built-in segmentation runs. */
  segmenter?: ForegroundSegmenter;
}

async function foregroundOf(image: DecodedImage, settings: ReferenceImageSettings, segmenter: ForegroundSegmenter | undefined): Promise<{ mask: Float32Array; source: MaskSource; warnings: string[] }> {
  const { width: W, height: H, rgba } = image;
  const plane = W * H;
  if (image.hasRealAlpha) {
    const mask = new Float32Array(plane);
    for (let p = 0; p < plane; p++) mask[p] = rgba[p * 4 + 3]! / 65535;
    return { mask, source: 'alpha', warnings: [] };
  }
  if (segmenter) {
    const mask = await segmenter.segment(rgba, W, H);
    if (mask.length !== plane) throw new Error(`segmenter ${segmenter.name}: ${mask.length} mask values for a ${W}×${H} image`);
    return { mask, source: 'segmentation-pack', warnings: [] };
  }
  const { mask, warnings } = classicalForeground(image, settings);
  return { mask, source: 'built-in', warnings };
}

function nothingFound(source: MaskSource, settings: ReferenceImageSettings): string {
  if (source === 'alpha') return 'has nothing in the foreground — its alpha channel is transparent everywhere; use an image in which the object is opaque';
  if (source === 'segmentation-pack') return 'has nothing in the foreground — the segmentation pack found no object; try the built-in segmentation or a cut-out with transparency';
  return `has nothing in the foreground — no pixel differs from the border's colour by more than the foreground threshold (${settings.foregroundThreshold}); lower the threshold or use a cut-out with transparency`;
}

/**
 * Decode (PNG 8/16-bit, grey, palette, alpha; JPEG with its EXIF orientation; WebP), find the object (the alpha
 * channel when it is real, else a segmentation pack, else the built-in segmentation with a warning), then frame it
 * as the prior expects: recentred with `borderRatio` of margin, on `background`, `size` pixels square. Every
 * problem the user can fix is a KilnError 'invalid-image', raised before anything is stored.
 */
export async function preprocessReferenceImage(bytes: Uint8Array, settingsInput: ReferenceImageSettingsInput = {}, options: PreprocessOptions = {}): Promise<PreprocessedReference> {
  const settings = ReferenceImageSettings.parse(settingsInput);
  const name = options.name ?? 'The image';
  const decoded = await decodeReferenceImage(bytes, name, settings);
  const { mask, source, warnings } = await foregroundOf(decoded, settings, options.segmenter);
  const box = maskBox(mask, decoded.width, decoded.height);
  if (!box) throw invalidImage(name, nothingFound(source, settings));
  const framed = await frameReference(decoded, mask, box, settings);
  const objectBox = maskBox(framed.mask, settings.size, settings.size);
  if (!objectBox) throw invalidImage(name, `${nothingFound(source, settings)} (the object is smaller than a pixel at ${settings.size} × ${settings.size})`);
  const previewPng = await sharp(framed.cutout, { raw: { width: settings.size, height: settings.size, channels: 4 } }).png().toBuffer();
  return {
    settings,
    image: framed.image,
    mask: framed.mask,
    objectBox,
    previewPng,
    maskSource: source,
    warnings,
    source: { format: decoded.format, width: decoded.sourceWidth, height: decoded.sourceHeight },
  };
}
