import type { GaussianRasterizer } from '../../render/gaussian-rasterizer';
import type { KernelCamera } from '../../render/kernel-camera';
import type { Rng } from '../../random/rng';
import type { DensifyReport, GaussianModel } from './gaussian-model';

export interface FitTarget {
  camera: KernelCamera;
  /** Channels-first 3×H×W in [0, 1]. */
  image: Float32Array;
}

export interface FitOptions {
  iterations: number;
  /** Views per iteration. */
  batchSize: number;
  background: [number, number, number];
  /** L1 is what 3DGS trains with (its densify threshold is calibrated on it); L2 optimises PSNR directly. */
  loss?: 'l1' | 'l2';
  onProgress?: (p: { iteration: number; loss: number; count: number; densify?: DensifyReport }) => void;
}

/**
 * Fits Gaussians to posed images by mean squared error — the photometric reconstruction loop (3DGS from known
 * views). Each iteration renders a random batch of targets, backpropagates, steps Adam, and densifies on schedule.
 */
export function fitToImages(
  model: GaussianModel,
  raster: GaussianRasterizer,
  targets: readonly FitTarget[],
  o: FitOptions,
  rng: Rng,
): { finalLoss: number } {
  let loss = 0;
  let dRgb = new Float32Array(0);
  for (let it = 0; it < o.iterations; it++) {
    model.updateShDegree(it);
    const batch = Array.from({ length: o.batchSize }, () => targets[rng.int(0, targets.length - 1)]!);
    const out = raster.forward(model.params, batch.map((t) => t.camera), { shDegree: model.shDegree, background: o.background });
    const plane = out.rgb.length / batch.length;
    if (dRgb.length !== out.rgb.length) dRgb = new Float32Array(out.rgb.length);
    loss = 0;
    const l1 = (o.loss ?? 'l1') === 'l1';
    batch.forEach((t, b) => {
      for (let k = 0; k < plane; k++) {
        const d = out.rgb[b * plane + k]! - t.image[k]!;
        loss += l1 ? Math.abs(d) : d * d;
        dRgb[b * plane + k] = (l1 ? Math.sign(d) : 2 * d) / out.rgb.length;
      }
    });
    loss /= out.rgb.length;
    const { meanGrad2D } = raster.backward(out, model.params, { dRgb }, model.grads);
    const densify = model.finishIteration(it, o.iterations, meanGrad2D, out.radii, batch.length);
    o.onProgress?.({ iteration: it + 1, loss, count: model.count, densify });
  }
  return { finalLoss: loss };
}

export function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let k = 0; k < a.length; k++) se += (a[k]! - b[k]!) ** 2;
  return -10 * Math.log10(se / a.length);
}
