import type { KernelCamera } from '../../render/kernel-camera';
import type { Rng } from '../../random/rng';
import type { DmtetModel } from './dmtet-model';

/** A posed ground-truth view: colour over the background and the object's coverage. */
export interface MeshFitTarget {
  camera: KernelCamera;
  /** Channels-first 3×H×W in [0, 1]. */
  image: Float32Array;
  /** H×W in [0, 1]. */
  alpha: Float32Array;
}

export interface MeshFitOptions {
  /** Iterations to run from the model's current one (the model's stage length sets its schedules). */
  iterations: number;
  /** Views per iteration. */
  batchSize: number;
  background: readonly [number, number, number];
  /** Weight of the alpha MSE beside the RGB MSE. */
  alphaWeight?: number;
  onProgress?: (p: { iteration: number; loss: number; triangles: number; resolution: number }) => void;
}

/**
 * Fits a DMTet model to posed images: each iteration renders a random batch of targets, takes the mean squared error
 * of RGB plus that of alpha, and steps — the photometric reconstruction loop of the mesh stage alone.
 */
export function fitDmtetToImages(model: DmtetModel, targets: readonly MeshFitTarget[], o: MeshFitOptions, rng: Rng): { finalLoss: number } {
  let loss = 0;
  const alphaWeight = o.alphaWeight ?? 1;
  for (let it = 0; it < o.iterations; it++) {
    const batch = Array.from({ length: o.batchSize }, () => targets[rng.int(0, targets.length - 1)]!);
    const out = model.render(batch.map((t) => t.camera), { background: o.background });
    const plane = out.alpha.length / batch.length;
    const dRgb = new Float32Array(out.rgb.length);
    const dAlpha = new Float32Array(out.alpha.length);
    loss = 0;
    batch.forEach((t, b) => {
      for (let k = 0; k < 3 * plane; k++) {
        const d = out.rgb[3 * b * plane + k]! - t.image[k]!;
        loss += (d * d) / out.rgb.length;
        dRgb[3 * b * plane + k] = (2 * d) / out.rgb.length;
      }
      for (let k = 0; k < plane; k++) {
        const d = out.alpha[b * plane + k]! - t.alpha[k]!;
        loss += (alphaWeight * d * d) / out.alpha.length;
        dAlpha[b * plane + k] = (2 * alphaWeight * d) / out.alpha.length;
      }
    });
    model.backward({ dRgb, dAlpha });
    const triangles = model.extract().indices.length / 3;
    model.step();
    o.onProgress?.({ iteration: model.iteration, loss, triangles, resolution: model.grid.resolution });
  }
  return { finalLoss: loss };
}
