import type { MeshRaster } from './mesh-rasterizer';

/** 1 where a triangle covers the pixel, else 0 (B×1×H×W): antialiased, it is the render's alpha. */
export function coverage(raster: MeshRaster): Float32Array {
  return Float32Array.from(raster.triangleId, (id) => (id >= 0 ? 1 : 0));
}

/**
 * Each view's C channels followed by its coverage (B×(C+1)×H×W): what antialias() takes for a render whose alpha
 * (the last channel) should also learn from silhouettes.
 */
export function withCoverage(raster: MeshRaster, image: Float32Array, channels: number): Float32Array {
  const plane = raster.width * raster.height;
  if (image.length !== raster.cameraCount * channels * plane) throw new Error('image must be B × channels × H × W');
  const cov = coverage(raster);
  const out = new Float32Array(image.length + cov.length);
  for (let b = 0; b < raster.cameraCount; b++) {
    out.set(image.subarray(b * channels * plane, (b + 1) * channels * plane), b * (channels + 1) * plane);
    out.set(cov.subarray(b * plane, (b + 1) * plane), (b * (channels + 1) + channels) * plane);
  }
  return out;
}

/** Splits a B×(C+1)×H×W image, or its gradient, into each view's first C channels and its last. */
export function splitCoverage(raster: MeshRaster, image: Float32Array, channels: number): { image: Float32Array; alpha: Float32Array } {
  const plane = raster.width * raster.height;
  if (image.length !== raster.cameraCount * (channels + 1) * plane) throw new Error('image must be B × (channels + 1) × H × W');
  const colour = new Float32Array(raster.cameraCount * channels * plane);
  const alpha = new Float32Array(raster.cameraCount * plane);
  for (let b = 0; b < raster.cameraCount; b++) {
    const start = b * (channels + 1) * plane;
    colour.set(image.subarray(start, start + channels * plane), b * channels * plane);
    alpha.set(image.subarray(start + channels * plane, start + (channels + 1) * plane), b * plane);
  }
  return { image: colour, alpha };
}
