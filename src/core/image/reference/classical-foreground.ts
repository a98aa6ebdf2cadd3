import type { ReferenceImageSettings } from '../../../shared/reference-image-settings';
import type { DecodedImage } from './decode-reference-image';
import { labelRegions } from './pixel-regions';
import { softenEdges } from './soft-edges';

export interface ForegroundMask {
  /** H×W in [0, 1]. */
  mask: Float32Array;
  warnings: string[];
}

/** Width of the border ring the background colour is estimated on, as a fraction of the shorter side. */
const BORDER_FRACTION = 0.02;
/** A border with more than this fraction of pixels far from its median colour is not a plain background. */
const BUSY_BORDER = 0.1;

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/**
 * Foreground of an opaque photo on a plain background, without a model (docs/reference-images.md#built-in-segmentation):
 * the background colour is the per-channel median of a ring of border pixels; pixels farther than
 * `foregroundThreshold` from it (RGB distance, values in [0, 1]) are foreground; the largest 4-connected piece is kept
 * (specks, dust and a stray corner go); enclosed background-coloured regions up to `maxHoleFraction` of the object
 * are filled (highlights and pale patches inside it), larger ones stay open (a mug's handle, a torus's hole); the
 * outline gets a soft alpha from the colour distance (soft-edges.ts), so the backdrop does not fringe the cut-out.
 */
export function classicalForeground(image: DecodedImage, settings: ReferenceImageSettings): ForegroundMask {
  const { width: W, height: H, rgba } = image;
  const ring = Math.max(1, Math.round(BORDER_FRACTION * Math.min(W, H)));
  const border: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) if (x < ring || y < ring || x >= W - ring || y >= H - ring) border.push(y * W + x);
  }
  const background = [0, 1, 2].map((c) => median(border.map((p) => rgba[p * 4 + c]!)) / 65535);
  const distance = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) distance[p] = Math.hypot(rgba[p * 4]! / 65535 - background[0]!, rgba[p * 4 + 1]! / 65535 - background[1]!, rgba[p * 4 + 2]! / 65535 - background[2]!);

  const t = settings.foregroundThreshold;
  const binary = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) binary[p] = distance[p]! > t ? 1 : 0;
  const warnings = [
    'No segmentation model pack is installed, so the foreground was cut out by colour against the border (built-in segmentation): check the mask, adjust the foreground threshold, or use a cut-out with transparency.',
  ];
  const busy = border.filter((p) => binary[p] === 1).length / border.length;
  if (busy > BUSY_BORDER) warnings.push(`The image border is not a plain background (${Math.round(busy * 100)} % of it differs from its median colour), so the cut-out is likely wrong: use a photo on a plain background or a cut-out with transparency.`);

  const pieces = labelRegions(binary, W, H, 1);
  if (pieces.sizes.length === 0) return { mask: new Float32Array(W * H), warnings };
  const largest = pieces.sizes.indexOf(Math.max(...pieces.sizes));
  for (let p = 0; p < W * H; p++) binary[p] = pieces.labels[p] === largest ? 1 : 0;
  if (pieces.touchesEdge[largest]) warnings.push('The object touches the edge of the image and may be cut off: leave a margin around it.');

  const gaps = labelRegions(binary, W, H, 0);
  const maxHole = settings.maxHoleFraction * pieces.sizes[largest]!;
  for (let p = 0; p < W * H; p++) {
    const gap = gaps.labels[p]!;
    if (gap >= 0 && !gaps.touchesEdge[gap] && gaps.sizes[gap]! <= maxHole) binary[p] = 1;
  }
  return { mask: softenEdges(binary, distance, W, H), warnings };
}
