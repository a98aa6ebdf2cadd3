import { setPackedSplat, utils } from '@sparkjsdev/spark';

/** The 3DGS degree-0 basis constant (docs/conventions.md): colour = SH_C0 · DC + 0.5, clamped to [0, 1] for display. */
const SH_C0 = 0.28209479177387814;

/** The raw parameter groups of N Gaussians (shared Gaussian layout); only what the viewport draws. */
export interface DrawableGaussians {
  count: number;
  means: ArrayLike<number>;
  logScales: ArrayLike<number>;
  /** w, x, y, z per Gaussian (Kiln's order), normalised on use. */
  quats: ArrayLike<number>;
  opacityLogits: ArrayLike<number>;
  shDc: ArrayLike<number>;
}

/** Gaussians in Spark's 16-byte packed encoding, ready for a PackedSplats. */
export interface PackedGaussians {
  numSplats: number;
  packedArray: Uint32Array;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Packs Kiln's raw Gaussians for Spark: colour from the SH DC term (view-independent; higher bands are not drawn),
 * opacity = sigmoid(logit), scales = exp(log-scale), quaternion (w, x, y, z) → Spark/three's (x, y, z, w). Kiln's
 * world is Y-up like three's, so positions pass through unchanged.
 */
export function packGaussians(g: DrawableGaussians): PackedGaussians {
  const packedArray = new Uint32Array(utils.computeMaxSplats(Math.max(1, g.count)) * 4);
  const { means, logScales, quats, opacityLogits, shDc } = g;
  for (let i = 0; i < g.count; i++) {
    const i3 = 3 * i;
    const i4 = 4 * i;
    setPackedSplat(
      packedArray,
      i,
      means[i3]!,
      means[i3 + 1]!,
      means[i3 + 2]!,
      Math.exp(logScales[i3]!),
      Math.exp(logScales[i3 + 1]!),
      Math.exp(logScales[i3 + 2]!),
      quats[i4 + 1]!,
      quats[i4 + 2]!,
      quats[i4 + 3]!,
      quats[i4]!,
      1 / (1 + Math.exp(-opacityLogits[i]!)),
      clamp01(SH_C0 * shDc[i3]! + 0.5),
      clamp01(SH_C0 * shDc[i3 + 1]! + 0.5),
      clamp01(SH_C0 * shDc[i3 + 2]! + 0.5),
    );
  }
  return { numSplats: g.count, packedArray };
}
