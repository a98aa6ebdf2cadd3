/**
 * The 3DGS rasterizer's fixed constants. native/src/gaussian/constants.h states the same numbers; a test checks
 * the addon reports exactly these, so the kernel and the JS reference cannot drift apart.
 */
export const RASTER = {
  /** Screen tiles are TILE×TILE pixels. */
  TILE: 16,
  /** Fragments below this alpha are skipped (as in the reference 3DGS implementation). */
  ALPHA_MIN: 1 / 255,
  /** Per-fragment alpha is clamped to this, so no single Gaussian makes a pixel fully opaque. */
  ALPHA_MAX: 0.99,
  /** Compositing stops when transmittance would fall below this. */
  T_MIN: 1e-4,
  /** Low-pass dilation added to the 2D covariance (pixels²): every splat covers at least about one pixel. */
  DILATION: 0.3,
  /** Projected centres are clamped to this multiple of the half field of view when linearising the projection. */
  FRUSTUM_CLAMP: 1.3,
  /** Screen radius = ceil(RADIUS_SIGMAS · √λmax). */
  RADIUS_SIGMAS: 3,
} as const;
