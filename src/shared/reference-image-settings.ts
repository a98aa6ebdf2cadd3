import { z } from 'zod';

/**
 * How a reference photo becomes a view-conditioned prior's input (docs/reference-images.md). Shared so the studio's
 * reference-image panel can offer the same settings, with the same defaults, as the engine applies.
 */
export const ReferenceImageSettings = z.object({
  /** Side of the square output in pixels: the prior's resolution (Zero-1-to-3: 256; the demo view pack: 64). */
  size: z.number().int().min(8).max(2048).default(256),
  /**
   * Empty margin around the object as a fraction of the side: the object's longer side becomes (1 − borderRatio)·size,
   * centred. 0.2 as Zero-1-to-3's, DreamGaussian's and Magic123's preprocessing.
   */
  borderRatio: z.number().min(0).max(0.9).default(0.2),
  /** Recentre and rescale the object to `borderRatio`; off keeps the photo's own framing (padded to a square). */
  recentre: z.boolean().default(true),
  /** The colour the object is composited on, RGB in [0, 1]: white for the Zero-1-to-3 family. */
  background: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]).default([1, 1, 1]),
  /**
   * Built-in segmentation of opaque photos: a pixel is foreground when its RGB distance (values in [0, 1]) from the
   * background colour estimated on the image border exceeds this.
   */
  foregroundThreshold: z.number().gt(0).max(1.8).default(0.1),
  /** Enclosed background-coloured regions up to this fraction of the object's area are filled (not see-through holes). */
  maxHoleFraction: z.number().min(0).max(1).default(0.01),
  /** Images with more pixels are refused before decoding (100 megapixels = 10 000 × 10 000). */
  maxInputPixels: z.number().int().positive().default(100_000_000),
  /** Decoded images are shrunk to fit this side first (the mask and framing need no more than a few times `size`). */
  workingSize: z.number().int().min(64).max(8192).default(1024),
});
export type ReferenceImageSettings = z.infer<typeof ReferenceImageSettings>;
export type ReferenceImageSettingsInput = z.input<typeof ReferenceImageSettings>;
