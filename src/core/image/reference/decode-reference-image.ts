import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { ReferenceImageSettings } from '../../../shared/reference-image-settings';
import { invalidImage } from './invalid-image';
import { ushortPixels } from './ushort-pixels';

export const REFERENCE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ReferenceFormat = (typeof REFERENCE_FORMATS)[number];

/** A decoded reference image: upright (EXIF orientation applied), RGBA, 16 bits per channel, at most `workingSize`. */
export interface DecodedImage {
  format: ReferenceFormat;
  /** Size of the file's image, upright. */
  sourceWidth: number;
  sourceHeight: number;
  /** Size of `rgba` (the source shrunk to fit `workingSize`). */
  width: number;
  height: number;
  /** H×W×4, row-major from the top-left, 0..65535 whatever the file's depth (8/16-bit, grey, palette). */
  rgba: Uint16Array;
  /** The file has an alpha channel (or a palette transparency) that is not opaque everywhere. */
  hasRealAlpha: boolean;
}

/** Alpha below this counts as transparent when deciding whether an alpha channel is real (not an all-opaque one). */
const OPAQUE = Math.round(0.99 * 65535);

async function readHeader(bytes: Uint8Array, what: string, settings: ReferenceImageSettings): Promise<{ format: ReferenceFormat; width: number; height: number }> {
  if (bytes.length === 0) throw invalidImage(what, 'is empty (0 bytes); choose a PNG, JPEG or WebP image');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/unsupported image format/i.test(reason)) throw invalidImage(what, 'is not an image Kiln can read; choose a PNG, JPEG or WebP image');
    throw invalidImage(what, `is damaged (${reason.trim()}); export it again or choose another image`);
  }
  const format = meta.format as string;
  if (!(REFERENCE_FORMATS as readonly string[]).includes(format)) throw invalidImage(what, `is a ${format.toUpperCase()} image; Kiln reads PNG, JPEG and WebP, so convert it first`);
  const swap = (meta.orientation ?? 1) >= 5; // EXIF orientations 5–8 turn the image a quarter
  const width = (swap ? meta.height : meta.width) ?? 0;
  const height = (swap ? meta.width : meta.height) ?? 0;
  if (width <= 0 || height <= 0) throw invalidImage(what, `has no pixels (${width} × ${height}); choose another image`);
  if (width * height > settings.maxInputPixels) {
    const mp = (n: number) => `${Math.round(n / 1e6)} megapixels`;
    throw invalidImage(what, `is ${width} × ${height} pixels (${mp(width * height)}); Kiln reads images up to ${mp(settings.maxInputPixels)}, so scale it down first`);
  }
  return { format: format as ReferenceFormat, width, height };
}

/**
 * Decodes a PNG, JPEG or WebP file with sharp. The header is checked first (format, zero size, pixel count), so a
 * 40 000 × 40 000 image is refused before any pixel is decoded; truncated or corrupt data fails the decode. Every
 * failure is a KilnError 'invalid-image' that names `what`.
 */
export async function decodeReferenceImage(bytes: Uint8Array, what: string, settings: ReferenceImageSettings): Promise<DecodedImage> {
  const header = await readHeader(bytes, what, settings);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: settings.maxInputPixels, failOn: 'truncated' })
      .autoOrient()
      .resize({ width: settings.workingSize, height: settings.workingSize, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw invalidImage(what, `could not be decoded (${reason.trim()}): the file is truncated or damaged; export it again or choose another image`);
  }
  const { data, info } = decoded;
  if (info.channels !== 4) throw new Error(`decodeReferenceImage: expected RGBA, sharp gave ${info.channels} channels`);
  const rgba = ushortPixels(data);
  let hasRealAlpha = false;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i]! < OPAQUE) {
      hasRealAlpha = true;
      break;
    }
  }
  return { format: header.format, sourceWidth: header.width, sourceHeight: header.height, width: info.width, height: info.height, rgba, hasRealAlpha };
}
