import sharp from 'sharp';
import type { ReferenceImageSettings } from '../../../shared/reference-image-settings';
import type { DecodedImage } from './decode-reference-image';
import { ushortPixels } from './ushort-pixels';

/** A pixel rectangle, origin top-left. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FramedReference {
  /** 3×S×S in [0, 1]: the object composited on the background colour. */
  image: Float32Array;
  /** S×S in [0, 1]. */
  mask: Float32Array;
  /** S×S×4 bytes: the cut-out (RGB with the mask as alpha), for the preview. */
  cutout: Uint8Array;
}

/** The box of the pixels with mask ≥ 0.5, or null when there are none. */
export function maskBox(mask: Float32Array, width: number, height: number): PixelBox | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]! < 0.5) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Source pixels of anti-aliased fringe kept around the object's box when cropping to it. */
const FRINGE = 2;

/**
 * Places the object in the prior's square frame (docs/reference-images.md#framing): with `recentre`, its mask box is
 * scaled so that the longer side is (1 − borderRatio)·size and centred, as Zero-1-to-3's preprocessing does; without,
 * the whole photo is fitted and padded to a square. Resampling is sharp's (Lanczos, alpha-premultiplied), on the mask
 * carried as the alpha channel, so image and mask stay aligned.
 */
export async function frameReference(image: DecodedImage, mask: Float32Array, box: PixelBox, settings: ReferenceImageSettings): Promise<FramedReference> {
  const { width: W, height: H } = image;
  const S = settings.size;
  const withMask = image.rgba.slice();
  for (let p = 0; p < W * H; p++) withMask[p * 4 + 3] = Math.round(Math.min(1, Math.max(0, mask[p]!)) * 65535);

  let region: PixelBox;
  let scale: number;
  let centre: [number, number]; // in region pixels, lands on the output's centre
  if (settings.recentre) {
    scale = ((1 - settings.borderRatio) * S) / Math.max(box.width, box.height);
    const x = Math.max(0, box.x - FRINGE);
    const y = Math.max(0, box.y - FRINGE);
    region = { x, y, width: Math.min(W, box.x + box.width + FRINGE) - x, height: Math.min(H, box.y + box.height + FRINGE) - y };
    centre = [box.x + box.width / 2 - x, box.y + box.height / 2 - y];
  } else {
    scale = S / Math.max(W, H);
    region = { x: 0, y: 0, width: W, height: H };
    centre = [W / 2, H / 2];
  }
  const rw = Math.max(1, Math.round(region.width * scale));
  const rh = Math.max(1, Math.round(region.height * scale));
  const { data } = await sharp(withMask, { raw: { width: W, height: H, channels: 4 } })
    .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
    .resize({ width: rw, height: rh, fit: 'fill' })
    .toColourspace('rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const resized = ushortPixels(data);
  const left = Math.round(S / 2 - centre[0] * (rw / region.width));
  const top = Math.round(S / 2 - centre[1] * (rh / region.height));

  const plane = S * S;
  const out = new Float32Array(3 * plane);
  const outMask = new Float32Array(plane);
  const cutout = new Uint8Array(plane * 4);
  const [br, bg, bb] = settings.background;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      const sx = x - left;
      const sy = y - top;
      const inside = sx >= 0 && sy >= 0 && sx < rw && sy < rh;
      const q = (sy * rw + sx) * 4;
      const a = inside ? resized[q + 3]! / 65535 : 0;
      const rgb = inside ? [resized[q]! / 65535, resized[q + 1]! / 65535, resized[q + 2]! / 65535] : [0, 0, 0];
      out[p] = rgb[0]! * a + br * (1 - a);
      out[plane + p] = rgb[1]! * a + bg * (1 - a);
      out[2 * plane + p] = rgb[2]! * a + bb * (1 - a);
      outMask[p] = a;
      for (let c = 0; c < 3; c++) cutout[p * 4 + c] = Math.round(rgb[c]! * 255);
      cutout[p * 4 + 3] = Math.round(a * 255);
    }
  }
  return { image: out, mask: outMask, cutout };
}
