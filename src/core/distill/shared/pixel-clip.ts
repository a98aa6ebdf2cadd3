import { z } from 'zod';

/**
 * DreamerXL's pixel-wise gradient clipping of the colour gradient (after Pan et al. 2024). The threshold is in Kiln's
 * dImages units (∂L/∂image for images in [0, 1], per pixel, before the run loop's mean scaling), not the authors'
 * SDXL pixel units; only the per-pixel equalisation carries over. The card's depth rule (ĝ_d = g_d·min(s/|g_d|, c),
 * s a Gaussian's scale) needs per-Gaussian scales, which a Guidance never sees, and no Kiln method emits a depth
 * gradient it would apply to, so only colour is clipped.
 */
export const PixelClipSettings = z.object({
  enabled: z.boolean().default(true),
  /**
   * c. Unset: the pack's kiln.json `tsmPixelClipThreshold`, else the authors' code's 0.05 — a gradient's scale
   * depends on the pack (its latent scaling and size), so a threshold tuned on one pack is per-pack data.
   */
  threshold: z.number().positive().optional(),
});
export type PixelClipSettings = z.infer<typeof PixelClipSettings>;

/** The authors' code's threshold, used when neither the settings nor the pack give one. */
export const DEFAULT_PIXEL_CLIP_THRESHOLD = 0.05;

export function pixelClipThreshold(settings: PixelClipSettings, packThreshold: number | undefined): number {
  return settings.threshold ?? packThreshold ?? DEFAULT_PIXEL_CLIP_THRESHOLD;
}

/**
 * In place: scales each pixel's colour gradient by min(c/|g|, 1), |g| the largest magnitude over its channels (the
 * authors' code takes the minimum of the per-channel factors min(c/|g_ch|, 1), which is the same number). `g` is
 * channels-first, `channels`×`pixels` per image. Returns the fraction of pixels that were scaled.
 */
export function clipPixelGradients(g: Float32Array, channels: number, pixels: number, threshold: number): number {
  const per = channels * pixels;
  if (g.length % per !== 0) throw new Error(`clipPixelGradients: ${g.length} values is not a whole number of ${channels}×${pixels} images`);
  let clipped = 0;
  for (let base = 0; base < g.length; base += per)
    for (let p = 0; p < pixels; p++) {
      let peak = 0;
      for (let c = 0; c < channels; c++) peak = Math.max(peak, Math.abs(g[base + c * pixels + p]!));
      if (peak <= threshold) continue;
      const scale = threshold / peak;
      for (let c = 0; c < channels; c++) g[base + c * pixels + p]! *= scale;
      clipped++;
    }
  return clipped / (g.length / channels);
}
